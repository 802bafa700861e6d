import * as path from "node:path";
import {
  clearInitStamp,
  hasInstalledProviders,
  initDecision,
  initFingerprint,
  readInitStamp,
  writeInitStamp,
} from "./init-cache";
import { readStackJson, STACK_FILE, StackJson } from "../stack/stack-json";
import { runTerraform, TerraformResult } from "../terraform/terraform";

/** Everything a check of one stack needs. */
export interface StackCheckContext {
  /** Stack name (directory name under `cdktf.out/stacks`). */
  readonly stack: string;
  /** The synthesized stack directory, `<app>/cdktf.out/stacks/<stack>`. */
  readonly sourceDir: string;
  /** The stack's working copy, where Terraform runs. */
  readonly workDir: string;
  /** Environment of every Terraform process (see `terraformEnv`). */
  readonly env: NodeJS.ProcessEnv;
  /** Version reported by `terraform version`; part of the init fingerprint. */
  readonly terraformVersion: string;
  /** Receives the stack's log lines, unprefixed. */
  readonly log: (line: string) => void;
  /** Terraform executable. @default "terraform" */
  readonly binary?: string;
}

/** Outcome of one stack. */
export type StackStatus = "passed" | "failed" | "skipped";

/** Result of one check of one stack. */
export interface StackResult {
  readonly stack: string;
  readonly status: StackStatus;
  /** One line: what passed, or why it failed or was skipped. */
  readonly message: string;
  /** Milliseconds per Terraform step (`init`, `validate`, `test`, `plan`, `show`); a skipped init is absent. */
  readonly timings: Readonly<Record<string, number>>;
  /** Whether `terraform init` was skipped because the working copy was already initialized for it. */
  readonly initCached?: boolean;
}

/** Outcome of {@link ensureInit}. */
export interface InitOutcome {
  readonly ok: boolean;
  readonly cached: boolean;
  readonly durationMs: number;
}

/** Log lines of a Terraform run: stdout then stderr, blank trailing lines dropped. */
export function outputLines(result: Pick<TerraformResult, "stdout" | "stderr">): string[] {
  return `${result.stdout}\n${result.stderr}`.replace(/\s+$/, "").split("\n");
}

/** Reads the working copy's `cdk.tf.json`. */
export function readWorkingStack(ctx: StackCheckContext): StackJson {
  return readStackJson(path.join(ctx.workDir, STACK_FILE));
}

/**
 * Runs `terraform init` in the working copy unless the init stamp shows it was
 * already initialized for the same provider requirements (and, for an offline
 * plan, with the local backend). `-backend=false` unless `localBackend`, then
 * `-reconfigure`. Prints Terraform's output when init fails.
 */
export async function ensureInit(ctx: StackCheckContext, json: StackJson, localBackend: boolean): Promise<InitOutcome> {
  const previous = readInitStamp(ctx.workDir);
  const fingerprint = initFingerprint(json, ctx.terraformVersion);
  const decision = initDecision(previous, { fingerprint, localBackend, installed: hasInstalledProviders(ctx.workDir) });
  if (!decision.init) {
    ctx.log(`init skipped: ${decision.reason}`);
    return { ok: true, cached: true, durationMs: 0 };
  }
  const args = [
    "init",
    "-input=false",
    "-no-color",
    localBackend ? "-reconfigure" : "-backend=false",
    ...(decision.upgrade ? ["-upgrade"] : []),
  ];
  clearInitStamp(ctx.workDir);
  const result = await runTerraform(args, { cwd: ctx.workDir, env: ctx.env, binary: ctx.binary });
  if (result.code !== 0) {
    ctx.log(`terraform ${args.join(" ")} failed (exit ${result.code}):`);
    outputLines(result).forEach((line) => ctx.log(line));
    return { ok: false, cached: false, durationMs: result.durationMs };
  }
  // `init -backend=false` leaves a backend configured by an earlier init in place.
  writeInitStamp(ctx.workDir, { fingerprint, localBackend: localBackend || previous?.localBackend === true });
  ctx.log(`init done in ${seconds(result.durationMs)} (${decision.reason})`);
  return { ok: true, cached: false, durationMs: result.durationMs };
}

/** `4.2 s` */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Timings of a result with the init step when it ran. */
export function withInit(init: InitOutcome, timings: Record<string, number>): Record<string, number> {
  return init.cached ? timings : { init: init.durationMs, ...timings };
}
