import { spawnSync } from "node:child_process";
import * as path from "node:path";

/**
 * `npx stack-diagram check` as written in the README, from the workspace
 * root: the launcher, the compiled program, the app's own synth, and the
 * committed pages of apps/infra/docs compared with what the stacks give.
 */
const ROOT = path.resolve(__dirname, "..", "..", "..");

function npx(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync("npx", [...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NX_DAEMON: "false" },
    timeout: 300_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  npx(["stack-diagram", "--help"]);
}, 300_000);

it("check passes on the committed pages: exit 0, naming them", () => {
  const r = npx(["stack-diagram", "check"]);
  expect(r.stdout).toBe("current: apps/infra/docs/dev.md, apps/infra/docs/prod.md\n");
  expect(r.code).toBe(0);
});

it("a wrong command line: exit 64, the reason, then the usage", () => {
  const r = npx(["stack-diagram", "draw"]);
  expect(r.code).toBe(64);
  expect(r.stderr.split("\n").slice(0, 2)).toEqual([
    'stack-diagram: unknown command "draw": use write, check',
    "Usage:",
  ]);
});
