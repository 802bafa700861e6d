import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * `npx terraform-check ...` as written in the README, from the workspace
 * root: the launcher, the compiled program, and Terraform itself
 * (`validate` initializes each stack from the provider mirror).
 */
const ROOT = path.resolve(__dirname, "..", "..", "..");

/** A `TF_CLI_CONFIG_FILE` naming no file is dropped, so the provider mirror is found as on a clean machine. */
function npx(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: "false" };
  if (env.TF_CLI_CONFIG_FILE !== undefined && !fs.existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  const run = spawnSync("npx", [...args], { cwd: ROOT, encoding: "utf8", env, timeout: 600_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  npx(["terraform-check", "--help"]);
}, 300_000);

it("a wrong command line: exit 64, the reason, then the usage", () => {
  const r = npx(["terraform-check", "deploy"]);
  expect(r.code).toBe(64);
  expect(r.stderr.split("\n").slice(0, 2)).toEqual([
    'terraform-check: unknown command "deploy": use validate, test, plan',
    "Usage: terraform-check <validate|test|plan> [--app <dir>] [options]",
  ]);
});

// One stack: this checks the command line and the launcher; `infra:tf-test` runs Terraform on every stack.
it("validate --app apps/infra --stacks dev: the stack is valid, exit 0", () => {
  const r = npx(["terraform-check", "validate", "--app", "apps/infra", "--stacks", "dev"]);
  // In a fresh clone the app is synthesized first, and says so; nothing else goes wrong.
  expect(
    r.stderr.split("\n").filter((l) => l.startsWith("terraform-check:") && !/was never synthesized/.test(l)),
  ).toEqual([]);
  expect(r.stdout).toMatch(/^terraform-check validate summary:$/m);
  expect(r.stdout).toMatch(/^ {2}dev +ok/m);
  expect(r.stdout).not.toMatch(/^ {2}prod /m);
  expect(r.code).toBe(0);
}, 600_000);
