import * as fs from "node:fs";
import * as path from "node:path";
import { BACKEND_OVERRIDE_FILE, localBackendOverride } from "./offline-override";
import { STACK_FILE } from "../stack/stack-json";

/** Directory of an app that holds one working copy per stack. Keep it out of version control. */
export const WORK_ROOT_NAME = ".terraform-check";

/** Sub-directory of a working copy that receives the stack's `.tftest.hcl` files. */
export const TESTS_SUBDIR = "tests";

/** Entries of a synthesized stack directory copied into its working copy. */
const COPIED_ENTRIES = [STACK_FILE, "assets"];

/** Working copy of one stack: `<workRoot>/<stack>`, by default `<appDir>/.terraform-check/<stack>`. */
export function stackWorkDir(appDir: string, stack: string, workRoot?: string): string {
  return path.resolve(workRoot ?? path.join(appDir, WORK_ROOT_NAME), stack);
}

/**
 * Refreshes the working copy of a stack: removes the configuration of the
 * previous run (top-level `*.tf`/`*.tf.json` files, including the offline
 * override, `assets/` and `tests/`), copies the stack's `cdk.tf.json` and
 * `assets/` in, and writes the local-backend override (`BACKEND_OVERRIDE_FILE`). `.terraform/`, the lock file and the init stamp stay, so the
 * next init can be skipped.
 */
export function prepareWorkingCopy(sourceDir: string, workDir: string): void {
  if (!fs.existsSync(path.join(sourceDir, STACK_FILE))) {
    throw new Error(`${path.join(sourceDir, STACK_FILE)} does not exist: synthesize the app first (cdktf synth)`);
  }
  fs.mkdirSync(workDir, { recursive: true });
  for (const entry of fs.readdirSync(workDir)) {
    if (entry.endsWith(".tf") || entry.endsWith(".tf.json") || entry === "assets" || entry === TESTS_SUBDIR) {
      fs.rmSync(path.join(workDir, entry), { recursive: true, force: true });
    }
  }
  for (const entry of COPIED_ENTRIES) {
    const source = path.join(sourceDir, entry);
    if (fs.existsSync(source)) {
      fs.cpSync(source, path.join(workDir, entry), { recursive: true });
    }
  }
  fs.writeFileSync(path.join(workDir, BACKEND_OVERRIDE_FILE), `${JSON.stringify(localBackendOverride(), null, 2)}\n`);
}

/** Test files of a directory (`*.tftest.hcl`, `*.tftest.json`), sorted; none when it does not exist. */
export function testFilesIn(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return [];
  }
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".tftest.hcl") || f.endsWith(".tftest.json"))
    .sort();
}

/** Copies the test files of `testsDir` into `<workDir>/tests/`; returns their names. */
export function copyTestFiles(testsDir: string, workDir: string): string[] {
  const files = testFilesIn(testsDir);
  const target = path.join(workDir, TESTS_SUBDIR);
  fs.mkdirSync(target, { recursive: true });
  for (const file of files) {
    fs.copyFileSync(path.join(testsDir, file), path.join(target, file));
  }
  return files;
}
