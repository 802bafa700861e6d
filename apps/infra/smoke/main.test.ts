import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";

/**
 * The compiled entry point as `npm run synth` and `cdktf synth` run it: a
 * real `node dist/main.js` process (the `smoke` target builds first). What it
 * does is tested in-process in `test/main.test.ts`; this checks what only a
 * process shows: it runs at all from `dist/`, prints, and exits with the code.
 */
const APP = path.join(__dirname, "..");
const MAIN = path.join(APP, "dist", "main.js");

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-smoke-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function runMain(args: string[]) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name === "CDKTF_OUTDIR" || name.startsWith("SSM_ACCESS_")) delete env[name];
  return spawnSync(process.execPath, [MAIN, ...args], { cwd: APP, encoding: "utf8", env });
}

it("node dist/main.js synthesizes the shipped environments and exits 0; on a broken environment file it exits 1 with the reason", () => {
  const outdir = path.join(tmp, "cdktf.out");
  const ok = runMain(["--outdir", outdir]);
  expect(ok.stderr).toBe("");
  expect(ok.stdout).toBe(`synthesized dev, prod, state-bootstrap into ${path.relative(APP, outdir)}\n`);
  expect(ok.status).toBe(0);
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev", "prod", "state-bootstrap"]);

  const broken = path.join(tmp, "environments");
  fs.mkdirSync(broken);
  fs.writeFileSync(path.join(broken, "qa.json"), "{ not json");
  const failed = runMain(["--environments-dir", broken, "--outdir", outdir]);
  expect(failed.stdout).toBe("");
  expect(failed.stderr).toMatch(/^synth failed: \S*qa\.json/);
  expect(failed.status).toBe(1);
  expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev", "prod", "state-bootstrap"]);
});
