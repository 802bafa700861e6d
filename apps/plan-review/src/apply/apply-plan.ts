import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STACK_FILE, runTerraform, userTerraformEnv } from "@ssm-access/terraform-kit";
import { synthStack } from "../saved-plan";
import {
  PlanProvenance,
  currentCommit,
  provenanceFileOf,
  provenanceProblems,
  readProvenance,
  sha256OfFile,
} from "./provenance";

/** Exit code of `apply` when it refuses a plan: nothing was changed. */
export const EXIT_REFUSED = 4;

/** What Terraform prints when the state changed since a saved plan was made. */
const STALE_PLAN = /Saved plan is stale/;

/** The outcome of applying a saved plan. */
export type ApplyOutcome =
  /** Terraform applied the plan. */
  | { readonly kind: "applied" }
  /** Refused before any change: another stack, commit or synth, a stale plan, no provenance. */
  | { readonly kind: "refused"; readonly reasons: readonly string[] }
  /** Terraform failed while applying: some changes may have been made. */
  | { readonly kind: "failed"; readonly message: string };

/** What {@link applySavedPlan} needs. */
export interface ApplySavedPlanOptions {
  /** The stack the plan is applied to. */
  readonly stack: string;
  /** The saved plan file (its provenance file beside it). */
  readonly planFile: string;
  /** The stack's initialized folder, holding the `cdk.tf.json` synthesized from the checked-out commit. */
  readonly stackDir: string;
  /** The commit checked out. */
  readonly commit: string;
  /** Environment of Terraform (credentials). @default `process.env` */
  readonly env?: NodeJS.ProcessEnv;
  /** Where Terraform's output goes, as it comes. @default nowhere */
  readonly onOutput?: (text: string) => void;
}

/**
 * Applies exactly the saved plan with `terraform apply <plan file>`, after
 * checking that it was made for this stack, at this commit, from this
 * synthesized configuration. Terraform itself refuses a plan whose state
 * moved since it was made ("Saved plan is stale"), before changing anything:
 * that is a refusal too, with the advice to plan again.
 */
export async function applySavedPlan(options: ApplySavedPlanOptions): Promise<ApplyOutcome> {
  let recorded: PlanProvenance;
  try {
    recorded = readProvenance(options.planFile);
  } catch (e) {
    return { kind: "refused", reasons: [(e as Error).message] };
  }
  const stackJson = path.join(options.stackDir, STACK_FILE);
  const problems = provenanceProblems(recorded, {
    stack: options.stack,
    commit: options.commit,
    stackSha256: sha256OfFile(stackJson),
  });
  if (problems.length > 0) return { kind: "refused", reasons: problems };
  const result = await runTerraform(["apply", "-input=false", "-no-color", path.resolve(options.planFile)], {
    cwd: options.stackDir,
    env: options.env ?? process.env,
    forwardSignals: true,
    ...(options.onOutput !== undefined ? { onOutput: options.onOutput } : {}),
  });
  if (result.code === 0) return { kind: "applied" };
  if (STALE_PLAN.test(result.output)) {
    return {
      kind: "refused",
      reasons: [
        `the state of ${options.stack} changed since the plan was made (Terraform: "Saved plan is stale"); nothing was applied: plan again and review the new plan`,
      ],
    };
  }
  const tail = result.output.trim().split("\n").slice(-20).join("\n");
  return { kind: "failed", message: `terraform apply of ${options.stack} failed (exit code ${result.code}):\n${tail}` };
}

/** What the `apply` command runs. */
export interface ApplyCommandOptions {
  readonly repoRoot: string;
  readonly appDir: string;
  readonly stack: string;
  readonly environmentsDir: string;
  readonly planFile: string;
  /** Output folder of the synth. @default `<app>/cdktf.out` */
  readonly outdir?: string;
  /** Environment of the commands (the credentials). @default `process.env` */
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** Where the commands' output goes. @default "inherit" */
  readonly output?: "inherit" | "ignore";
}

/**
 * The `apply` command: refuses a plan recorded for another stack or commit
 * at once; otherwise synthesizes the stack from the checked-out commit (the
 * plan and its provenance are kept aside, since the synth replaces the
 * output folder), `terraform init`, then {@link applySavedPlan}.
 */
export async function applyCommand(options: ApplyCommandOptions): Promise<ApplyOutcome> {
  const log = options.log ?? (() => undefined);
  if (!fs.existsSync(options.planFile))
    return { kind: "refused", reasons: [`--plan ${options.planFile} does not exist`] };
  // Another stack or another commit is refused before the synth and `terraform init`, which would
  // otherwise reach that stack's backend with credentials meant for this one.
  let recorded: PlanProvenance;
  try {
    recorded = readProvenance(options.planFile);
  } catch (e) {
    return { kind: "refused", reasons: [(e as Error).message] };
  }
  const early = provenanceProblems(recorded, {
    stack: options.stack,
    commit: currentCommit(options.repoRoot),
    stackSha256: recorded.stackSha256,
  });
  if (early.length > 0) return { kind: "refused", reasons: early };
  const outdir = options.outdir ?? path.join(options.appDir, "cdktf.out");
  const env = { ...(options.env ?? process.env) };
  const stdio = options.output ?? "inherit";
  const aside = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-apply-"));
  try {
    const planFile = path.join(aside, path.basename(options.planFile));
    fs.copyFileSync(options.planFile, planFile);
    if (fs.existsSync(provenanceFileOf(options.planFile)))
      fs.copyFileSync(provenanceFileOf(options.planFile), provenanceFileOf(planFile));
    const synth = await synthStack({ ...options, outdir, env, stdio });
    if (synth !== 0) return { kind: "failed", message: `the synth of ${options.stack} failed (exit code ${synth})` };
    const stackDir = path.join(outdir, "stacks", options.stack);
    const terraformEnv = userTerraformEnv(path.join(outdir, ".terraform-cli"), env);
    log(`terraform init in ${path.relative(options.appDir, stackDir)}`);
    const init = await runTerraform(["init", "-input=false"], { cwd: stackDir, env: terraformEnv, stdio });
    if (init.code !== 0)
      return { kind: "failed", message: `terraform init of ${options.stack} failed (exit code ${init.code})` };
    return await applySavedPlan({
      stack: options.stack,
      planFile,
      stackDir,
      commit: currentCommit(options.repoRoot),
      env: terraformEnv,
      ...(stdio === "inherit" ? { onOutput: (text: string) => process.stderr.write(text) } : {}),
    });
  } finally {
    fs.rmSync(aside, { recursive: true, force: true });
  }
}
