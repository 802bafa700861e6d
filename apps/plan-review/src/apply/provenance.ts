import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";

/**
 * What a saved plan was made from, written by `plan` beside the plan file
 * (`<plan file>.provenance.json`) and checked by `apply` before Terraform
 * runs: a plan is applied only to the stack, the commit and the synthesized
 * configuration it was made for.
 */
export interface PlanProvenance {
  /** The stack (environment) the plan was made for. */
  readonly stack: string;
  /** The commit checked out when the plan was made (`git rev-parse HEAD`). */
  readonly commit: string;
  /** SHA-256 of the stack's synthesized `cdk.tf.json` the plan was made from. */
  readonly stackSha256: string;
}

/** The provenance file of a plan file. */
export function provenanceFileOf(planFile: string): string {
  return `${planFile}.provenance.json`;
}

/** SHA-256 (hex) of a file's bytes. */
export function sha256OfFile(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The commit checked out in `repoRoot`; throws naming the folder when it is not a git repository. */
export function currentCommit(repoRoot: string): string {
  const r = spawnSync("git", ["rev-parse", "--verify", "HEAD"], { cwd: repoRoot, encoding: "utf8" });
  if (r.error !== undefined || r.status !== 0)
    throw new Error(`${repoRoot}: cannot read the current commit (git rev-parse HEAD): ${(r.stderr ?? "").trim()}`);
  return r.stdout.trim();
}

/** Writes the provenance file beside `planFile`. */
export function writeProvenance(planFile: string, provenance: PlanProvenance): string {
  const file = provenanceFileOf(planFile);
  fs.writeFileSync(file, `${JSON.stringify(provenance, null, 2)}\n`);
  return file;
}

/** Reads the provenance file of `planFile`; throws naming the file and field that is missing or wrong. */
export function readProvenance(planFile: string): PlanProvenance {
  const file = provenanceFileOf(planFile);
  if (!fs.existsSync(file))
    throw new Error(
      `${file} is missing: only a plan made by \`plan-review plan\` (which records its stack, commit and synth hash) is applied`,
    );
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not JSON: ${(e as Error).message}`);
  }
  const record = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const field = (name: keyof PlanProvenance, pattern: RegExp): string => {
    const value = record[name];
    if (typeof value !== "string" || !pattern.test(value))
      throw new Error(`${file}: ${name}: must be a string matching ${pattern}, got ${JSON.stringify(value)}`);
    return value;
  };
  return {
    stack: field("stack", /^[a-z][a-z0-9-]*$/),
    commit: field("commit", /^[0-9a-f]{40,64}$/),
    stackSha256: field("stackSha256", /^[0-9a-f]{64}$/),
  };
}

/**
 * Why a plan with `recorded` provenance must not be applied as `actual`:
 * one line per difference (another stack, another commit, another synth);
 * empty when they match.
 */
export function provenanceProblems(recorded: PlanProvenance, actual: PlanProvenance): string[] {
  const problems: string[] = [];
  if (recorded.stack !== actual.stack)
    problems.push(`the plan was made for stack ${recorded.stack}, not ${actual.stack}`);
  if (recorded.commit !== actual.commit)
    problems.push(
      `the plan was made at commit ${recorded.commit.slice(0, 12)}, but ${actual.commit.slice(0, 12)} is checked out`,
    );
  if (recorded.stackSha256 !== actual.stackSha256)
    problems.push(
      `the plan was made from another synthesized ${recorded.stack} stack (cdk.tf.json sha256 ${recorded.stackSha256.slice(0, 12)}, now ${actual.stackSha256.slice(0, 12)})`,
    );
  return problems;
}
