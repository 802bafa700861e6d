import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];

/**
 * The `app` command of {@link appFolder}'s `cdktf.json`: "synthesizes" by
 * copying the folder's `cdktf.out` to `CDKTF_OUTDIR`, as `cdktf synth` asks.
 */
export const COPY_SYNTH = `node -e "require('node:fs').cpSync('cdktf.out', process.env.CDKTF_OUTDIR, { recursive: true })"`;

/**
 * A temporary app folder with a project.json named `name`, a `cdktf.json`
 * whose command gives the stacks in its `cdktf.out` ({@link COPY_SYNTH}), and
 * the given stacks there; removed by {@link removeAppFolders}.
 */
export function appFolder(stacks: Record<string, unknown>, name = "demo-app"): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "stack-diagram-")));
  made.push(dir);
  fs.writeFileSync(path.join(dir, "project.json"), JSON.stringify({ name }));
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify({ app: COPY_SYNTH }));
  for (const [stack, json] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, "cdktf.out", "stacks", stack), { recursive: true });
    fs.writeFileSync(path.join(dir, "cdktf.out", "stacks", stack, "cdk.tf.json"), JSON.stringify(json));
  }
  return dir;
}

/** Removes every folder {@link appFolder} made. */
export function removeAppFolders(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
