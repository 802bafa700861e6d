import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CDKTF_CONFIG_FILE } from "./app-options";

/**
 * Synthesizes a cdktf app the way `cdktf synth` does: runs the `app` command
 * of `<appDir>/cdktf.json` in `appDir` with `CDKTF_OUTDIR` set to `outdir`.
 * What it prints goes to this process's standard error, so a program's own
 * output stays its result. Throws with the exit code when it fails.
 */
export function synthesizeApp(appDir: string, outdir: string): void {
  const configFile = path.join(appDir, CDKTF_CONFIG_FILE);
  let app: unknown;
  try {
    app = (JSON.parse(fs.readFileSync(configFile, "utf8")) as { app?: unknown }).app;
  } catch (e) {
    throw new Error(`${configFile}: cannot read it: ${(e as Error).message}`);
  }
  if (typeof app !== "string" || app.trim() === "")
    throw new Error(`${configFile}: app: must be the command that synthesizes the app`);
  const run = spawnSync(app, {
    cwd: appDir,
    shell: true,
    stdio: ["ignore", 2, 2],
    env: { ...process.env, CDKTF_OUTDIR: path.resolve(outdir) },
  });
  if (run.error !== undefined)
    throw new Error(`${app} (the app command of ${configFile}) did not start: ${run.error.message}`);
  if (run.status !== 0)
    throw new Error(`${app} (the app command of ${configFile}) failed with exit code ${run.status ?? run.signal}`);
}
