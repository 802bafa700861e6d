import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PlanJson } from "@ssm-access/aws-emulator";
import { discoverProviderMirror, runTerraform, terraformEnv, writeCliConfig } from "@ssm-access/terraform-kit";
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
  const stackJsonFile = path.join(dir, "cdk.tf.json");
  if (!fs.existsSync(stackJsonFile)) {
    throw new Error(
      `${stackJsonFile} is missing: a saved plan is reviewed in the stack folder it was made in (beside its cdk.tf.json)`,
    );
  }
  const head = fs.readFileSync(file).subarray(0, 1).toString("utf8");
  let plan: unknown;
  if (head === "{") {
    plan = JSON.parse(fs.readFileSync(file, "utf8"));
  } else {
    const r = await runTerraform(["show", "-json", "-no-color", path.basename(file)], { cwd: dir, env: process.env });
    if (r.code !== 0)
      throw new Error(
        `terraform show -json ${file} failed (is the folder initialized?):\n${r.stderr.trim() || r.stdout.trim()}`,
      );
    plan = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
  }
  return { plan: managedDrift(plan as PlanJson), stackJson: JSON.parse(fs.readFileSync(stackJsonFile, "utf8")) };
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
  readonly log?: (line: string) => void;
  /** Where the commands' output goes. @default "inherit" (the terminal) */
  readonly output?: "inherit" | "ignore";
}

/**
 * Synthesizes one stack, `terraform init` and `terraform plan -out` in its
 * folder, with the caller's credentials and backend: the plan file stays in
 * the stack folder for `review --plan`. A provider mirror on this machine is
 * used when found; otherwise `terraform init` reaches the registry as usual.
 */
export async function planWithCredentials(
  options: PlanWithCredentialsOptions,
): Promise<{ code: number; planFile: string }> {
  const log = options.log ?? (() => undefined);
  const outdir = options.outdir ?? path.join(options.appDir, "cdktf.out");
  const env = { ...(options.env ?? process.env) };
  const run = (command: string, args: readonly string[], cwd: string, runEnv: NodeJS.ProcessEnv) =>
    runCommand(command, args, cwd, runEnv, options.output ?? "inherit");
  const synth = await run(
    process.execPath,
    [
      path.join(options.appDir, "dist", "main.js"),
      "--env",
      options.stack,
      "--outdir",
      outdir,
      "--environments-dir",
      options.environmentsDir,
    ],
    options.appDir,
    env,
  );
  if (synth !== 0) return { code: synth, planFile: "" };
  const dir = path.join(outdir, "stacks", options.stack);
  const mirror = discoverProviderMirror();
  const tfEnv =
    mirror && env.TF_CLI_CONFIG_FILE === undefined
      ? terraformEnv(writeCliConfig(path.join(outdir, ".terraform-cli"), mirror.path), env)
      : env;
  log(`terraform init in ${path.relative(options.appDir, dir)}`);
  const init = await run("terraform", ["init", "-input=false"], dir, tfEnv);
  if (init !== 0) return { code: init, planFile: "" };
  const planFile = path.join(dir, planFileName(options.stack));
  const plan = await run("terraform", ["plan", "-input=false", `-out=${planFileName(options.stack)}`], dir, tfEnv);
  return { code: plan, planFile };
}

function runCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  output: "inherit" | "ignore",
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, env, stdio: ["ignore", output, output] });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", reject);
    child.on("close", (code) => {
      process.removeListener("SIGINT", forward);
      process.removeListener("SIGTERM", forward);
      resolve(code ?? 1);
    });
  });
}
