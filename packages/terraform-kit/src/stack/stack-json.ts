import * as fs from "node:fs";
import * as path from "node:path";
import { isRecord, objectsOf } from "../json";

/** File cdktf synthesizes for each stack. */
export const STACK_FILE = "cdk.tf.json";

/** A synthesized stack: Terraform JSON configuration syntax. */
export type StackJson = Readonly<Record<string, unknown>>;

/** Reads and parses a stack's `cdk.tf.json`, naming the file when it is not a JSON object. */
export function readStackJson(file: string): StackJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: cannot read the synthesized stack (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) {
    throw new Error(`${file}: a synthesized stack is a JSON object`);
  }
  return parsed;
}

/**
 * Stacks of a cdktf app: the directories of `<appDir>/cdktf.out/stacks` that
 * hold a `cdk.tf.json`, sorted. Throws when the app was not synthesized.
 */
export function listStacks(appDir: string): string[] {
  const stacksDir = path.join(appDir, "cdktf.out", "stacks");
  if (!fs.existsSync(stacksDir)) {
    throw new Error(`${stacksDir} does not exist: synthesize the app first (cdktf synth)`);
  }
  return fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(stacksDir, entry.name, STACK_FILE)))
    .map((entry) => entry.name)
    .sort();
}

/** Directory of one synthesized stack. */
export function stackDir(appDir: string, stack: string): string {
  return path.join(appDir, "cdktf.out", "stacks", stack);
}

/**
 * What `terraform init` installs for the stack: `terraform.required_providers`
 * and the `source`/`version` of each `module` block (each block as one object
 * or a list of them).
 */
export function initRequirements(json: StackJson): Record<string, unknown> {
  const terraform = objectsOf(json.terraform).find((block) => block.required_providers !== undefined) ?? {};
  const modules: Record<string, unknown> = {};
  for (const group of objectsOf(json.module)) {
    for (const [name, blocks] of Object.entries(group)) {
      for (const block of objectsOf(blocks)) {
        modules[name] = { source: block.source, version: block.version };
      }
    }
  }
  return { required_providers: terraform.required_providers ?? null, modules };
}
