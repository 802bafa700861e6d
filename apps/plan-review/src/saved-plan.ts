import * as fs from "node:fs";
import * as path from "node:path";
import {
  PlanJson,
  ProcessResult,
  STACK_FILE,
  parsePlanJson,
  readStackJson,
  runProcess,
  runTerraform,
  userTerraformEnv,
} from "@ssm-access/terraform-kit";
import { currentCommit, sha256OfFile, writeProvenance } from "./apply/provenance";
import { managedDrift } from "./managed-drift";

/** A plan saved against real AWS, read back for review. */
export interface SavedPlan {
  /** `terraform show -json` of it. */
  readonly plan: unknown;
  /** The synthesized `cdk.tf.json` beside it (construct paths for source tracing). */
  readonly stackJson: unknown;
}

/** The name `plan` gives the plan file of a stack, in the stack's folder. */
export function planFileName(stack: string): string {
  return `${stack}.tfplan`;
}

/**
 * Reads a saved plan: a binary plan file (read with `terraform show -json` in
 * its folder, which `plan` initialized), or a JSON file already made by
 * `terraform show -json`. The stack's `cdk.tf.json` must be in the same folder.
 */
export async function readSavedPlan(file: string): Promise<SavedPlan> {
  if (!fs.existsSync(file))
    throw new Error(`--plan ${file} does not exist; make one with \`npx plan-review plan --stack=<env>\``);
  const dir = path.dirname(file);
  const stackJsonFile = path.join(dir, STACK_FILE);
  if (!fs.existsSync(stackJsonFile)) {
    throw new Error(
      `${stackJsonFile} is missing: a saved plan is reviewed in the stack folder it was made in (beside its cdk.tf.json)`,
    );
  }
  return { plan: managedDrift(await readPlanFile(file)), stackJson: readStackJson(stackJsonFile) };
}

/** A plan file as JSON: read as it is when it is JSON already, else with `terraform show -json` in its folder. */
async function readPlanFile(file: string): Promise<PlanJson> {
  const head = fs.readFileSync(file).subarray(0, 1).toString("utf8");
  if (head === "{") return parsePlanJson(fs.readFileSync(file, "utf8"), file);
  const show = `terraform show -json ${file}`;
  const r = await runTerraform(["show", "-json", "-no-color", path.basename(file)], {
    cwd: path.dirname(file),
    env: process.env,
  });
  if (r.code !== 0) {
    throw new Error(`${show} failed (is the folder initialized?):\n${r.stderr.trim() || r.stdout.trim()}`);
  }
  return parsePlanJson(r.stdout, show);
}

/** What `plan` runs. */
export interface PlanWithCredentialsOptions {
  readonly repoRoot: string;
  readonly appDir: string;
  readonly stack: string;
  readonly environmentsDir: string;
  /** Output folder of the synth. @default `<app>/cdktf.out` */
  readonly outdir?: string;
  /** Environment of the commands (the user's credentials). @default `process.env` */
  readonly env?: NodeJS.ProcessEnv;
  /** A refresh-only plan (`terraform plan -refresh-only`): the drift, no change of the configuration. @default false */
  readonly refreshOnly?: boolean;
  readonly log?: (line: string) => void;
  /** Where the commands' output goes. @default "inherit" (the terminal) */
  readonly output?: "inherit" | "ignore";
}

/**
 * Synthesizes one stack, `terraform init` and `terraform plan -out` in its
 * folder, with the caller's credentials and backend: the plan file stays in
 * the stack folder for `review --plan` and `apply`, beside its provenance
 * (stack, commit, synth hash; see {@link writeProvenance}). A provider mirror on this machine is
 * used when found; otherwise `terraform init` reaches the registry as usual.
 */
export async function planWithCredentials(
  options: PlanWithCredentialsOptions,
): Promise<{ code: number; planFile: string }> {
  const log = options.log ?? (() => undefined);
  const outdir = options.outdir ?? path.join(options.appDir, "cdktf.out");
  const env = { ...(options.env ?? process.env) };
  const stdio = options.output ?? "inherit";
  const synth = await synthStack({ ...options, outdir, env, stdio });
  if (synth !== 0) return { code: synth, planFile: "" };
  const dir = path.join(outdir, "stacks", options.stack);
  const terraform = {
    cwd: dir,
    env: userTerraformEnv(path.join(outdir, ".terraform-cli"), env),
    stdio,
    forwardSignals: true,
  };
  log(`terraform init in ${path.relative(options.appDir, dir)}`);
  const init = await exitCode(runTerraform(["init", "-input=false"], terraform));
  if (init !== 0) return { code: init, planFile: "" };
  const planFile = path.join(dir, planFileName(options.stack));
  const plan = await exitCode(
    runTerraform(
      [
        "plan",
        "-input=false",
        ...(options.refreshOnly === true ? ["-refresh-only"] : []),
        `-out=${planFileName(options.stack)}`,
      ],
      terraform,
    ),
  );
  if (plan === 0)
    writeProvenance(planFile, {
      stack: options.stack,
      commit: currentCommit(options.repoRoot),
      stackSha256: sha256OfFile(path.join(dir, STACK_FILE)),
    });
  return { code: plan, planFile };
}

/** A command ended by a signal fails with 1. */
async function exitCode(running: Promise<ProcessResult>): Promise<number> {
  const { code } = await running;
  return code < 0 ? 1 : code;
}

/** Synthesizes one stack into `outdir` with the compiled app (`<app>/dist/main.js`); returns the exit code. */
export function synthStack(options: {
  readonly appDir: string;
  readonly stack: string;
  readonly environmentsDir: string;
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdio: "inherit" | "ignore";
}): Promise<number> {
  return exitCode(
    runProcess(
      process.execPath,
      [
        path.join(options.appDir, "dist", "main.js"),
        "--env",
        options.stack,
        "--outdir",
        options.outdir,
        "--environments-dir",
        options.environmentsDir,
      ],
      { cwd: options.appDir, env: options.env, stdio: options.stdio, forwardSignals: true },
    ),
  );
}
