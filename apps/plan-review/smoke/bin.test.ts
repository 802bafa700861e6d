import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * `npx plan-review ...` as users and CI run it, from the workspace root: the
 * committed launcher, the compiled program, and the exit code it gives (the
 * `smoke` target builds first; a first run here absorbs any rebuild the
 * launcher still finds due, so the lines below are the program's own).
 */
const ROOT = path.resolve(__dirname, "..", "..", "..");
const FIXTURES = path.join(__dirname, "..", "test", "report", "fixtures");

function npx(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync("npx", [...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NX_DAEMON: "false" },
    timeout: 300_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-smoke-"));
  npx(["plan-review", "--help"]);
}, 300_000);
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

it("a stack without an environment file: exit 64, the reason, then the usage", () => {
  const r = npx(["plan-review", "review", "--stack=staging", "--base=HEAD"]);
  expect(r.code).toBe(64);
  expect(r.stdout).toBe("");
  expect(r.stderr.split("\n").slice(0, 2)).toEqual([
    "plan-review: --stack=staging: there is no environment file apps/infra/environments/staging.json; environments: dev, prod",
    "Usage:",
  ]);
});

it("an option of review given to plan: exit 64", () => {
  const r = npx(["plan-review", "plan", "--stack=prod", "--base=main"]);
  expect(r.code).toBe(64);
  expect(r.stderr.split("\n")[0]).toBe("plan-review: --base is an option of review, not plan");
});

it("review --plan of a saved plan that replaces the VPC: exit 3 (a finding), exit 2 with --fail-on=none", () => {
  const stackDir = path.join(tmp, "stacks", "prod");
  fs.mkdirSync(stackDir, { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, "cidr.plan.json"), path.join(stackDir, "prod.plan.json"));
  fs.copyFileSync(path.join(FIXTURES, "cidr.cdk.tf.json"), path.join(stackDir, "cdk.tf.json"));
  const plan = `--plan=${path.join(stackDir, "prod.plan.json")}`;
  const outDir = `--out-dir=${path.join(tmp, "review")}`;

  const finding = npx(["plan-review", "review", "--stack=prod", plan, outDir]);
  expect(finding.stderr).toMatch(/^review written: .*prod\.md, .*prod\.json/m);
  expect(finding.code).toBe(3);
  expect(finding.stdout.split("\n")[0]).toMatch(/^#+ .*prod/);
  expect(fs.existsSync(path.join(tmp, "review", "prod.md"))).toBe(true);

  expect(npx(["plan-review", "review", "--stack=prod", plan, outDir, "--fail-on=none"]).code).toBe(2);
});
