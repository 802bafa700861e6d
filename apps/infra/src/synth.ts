import * as fs from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { loadEnvironments } from "./config/load";
import type { Environment } from "./config/schema";
import { EnvironmentStack } from "./stacks/environment-stack";
import { STATE_BOOTSTRAP_STACK, StateBootstrapStack } from "./stacks/state-bootstrap-stack";

/** What to synthesize and where. */
export interface SynthOptions {
  /** Folder of `<name>.json` environment files. */
  readonly environmentsDir: string;
  /** cdktf output folder; replaced only when the whole synth succeeds. */
  readonly outdir: string;
  /** Environments to synthesize; default every file in the folder. */
  readonly only?: readonly string[];
  /**
   * Carry the stack folders of the previous output that this synth did not
   * write over into the new output. The cdktf CLI needs this: it lists the
   * stack folders before running the app and deletes the ones no longer
   * synthesized afterwards, so they must still be there.
   * @default false (the output holds exactly the stacks synthesized)
   */
  readonly keepOtherStackFolders?: boolean;
  /**
   * Folder of site-local Terraform override files, `<folder>/<stack>/*_override.tf.json`
   * (or `*_override.tf`), copied into each synthesized stack folder next to
   * `cdk.tf.json`. Terraform merges override files last, so they can point
   * providers and backends elsewhere (an API proxy, FIPS endpoints, a local AWS
   * emulator) while the synthesized `cdk.tf.json` stays exactly what deploys.
   * @default - no override files
   */
  readonly overridesDir?: string;
}

/** What was written. */
export interface SynthResult {
  /** Stack names written, in order. */
  readonly stacks: readonly string[];
  /** The environments they came from. */
  readonly environments: readonly Environment[];
}

/**
 * Builds one stack per environment (plus the state bootstrap stack when an
 * environment keeps its state in S3) into a temporary folder beside `outdir`,
 * then swaps it in. Any failure (bad file, construct validation, synth
 * error) leaves the previous `outdir` exactly as it was.
 */
export function synthesize(options: SynthOptions): SynthResult {
  const envs = loadEnvironments(options.environmentsDir, options.only);
  const outdir = path.resolve(options.outdir);
  const staging = `${outdir}.staging-${process.pid}-${Date.now()}`;
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  try {
    const app = new App({ outdir: staging, stackTraces: false });
    const stacks: string[] = [];
    for (const env of envs) {
      new EnvironmentStack(app, env);
      stacks.push(env.name);
    }
    if (envs.some((e) => e.config.backend.type === "s3")) {
      new StateBootstrapStack(app, envs, envs[0].config.project);
      stacks.push(STATE_BOOTSTRAP_STACK);
    }
    app.synth();
    if (options.overridesDir !== undefined) copyOverrideFiles(options.overridesDir, staging, stacks);
    if (options.keepOtherStackFolders) copyOtherStackFolders(outdir, staging);
    swapInto(staging, outdir);
    return { stacks, environments: envs };
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Replaces `target` with `source` (both folders); the old `target` is removed only after the new one is in place. */
export function swapInto(source: string, target: string): void {
  const retired = `${target}.retired-${process.pid}-${Date.now()}`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, retired);
  try {
    fs.renameSync(source, target);
  } catch (e) {
    if (hadTarget) fs.renameSync(retired, target);
    throw e;
  }
  if (hadTarget) fs.rmSync(retired, { recursive: true, force: true });
}

/** Copies `from/stacks/<name>` folders that `to/stacks` does not have. */
function copyOtherStackFolders(from: string, to: string): void {
  const source = path.join(from, "stacks");
  if (!fs.existsSync(source)) return;
  for (const name of fs.readdirSync(source)) {
    const target = path.join(to, "stacks", name);
    if (!fs.existsSync(target)) fs.cpSync(path.join(source, name), target, { recursive: true });
  }
}

/** Override file names Terraform merges last: `<name>_override.tf.json`, `<name>_override.tf`, or `override.tf[.json]`. */
export const OVERRIDE_FILE_PATTERN = /^(?:.*_)?override\.tf(?:\.json)?$/;

/**
 * Copies `<overridesDir>/<stack>/` override files into `<outdir>/stacks/<stack>/`
 * for each stack written. A stack without a folder gets none. Anything in such a
 * folder that is not an override file is an error: Terraform would load a
 * plain `*.tf.json` as more configuration, not as an override.
 */
export function copyOverrideFiles(overridesDir: string, outdir: string, stacks: readonly string[]): void {
  if (!fs.existsSync(overridesDir) || !fs.statSync(overridesDir).isDirectory()) {
    throw new Error(`${overridesDir}: the Terraform overrides folder (SSM_ACCESS_TERRAFORM_OVERRIDES) does not exist`);
  }
  for (const stack of stacks) {
    const source = path.join(overridesDir, stack);
    if (!fs.existsSync(source)) continue;
    for (const file of fs.readdirSync(source)) {
      if (!OVERRIDE_FILE_PATTERN.test(file)) {
        throw new Error(`${path.join(source, file)}: not a Terraform override file (name it <name>_override.tf.json)`);
      }
      fs.copyFileSync(path.join(source, file), path.join(outdir, "stacks", stack, file));
    }
  }
}
