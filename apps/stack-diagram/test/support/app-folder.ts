import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];

/** A temporary app folder with a project.json named `name` and the given stacks synthesized; removed by {@link removeAppFolders}. */
export function appFolder(stacks: Record<string, unknown>, name = "demo-app"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-diagram-"));
  made.push(dir);
  fs.writeFileSync(path.join(dir, "project.json"), JSON.stringify({ name }));
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
