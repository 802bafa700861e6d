/**
 * Plan reviews on real update plans: each scenario edits a copy of the
 * environment files, synthesizes prod from it and plans it against the prod
 * the lifecycle deployed (one emulated deployment shared by every scenario),
 * then reviews the plan with the `plan-review` command line (`review
 * --plan`, the deployed revision as `--base-app`), reading what it wrote.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  EMULATOR_ARTIFACTS,
  Landscape,
  PlanJson,
  childEnv,
  outDir,
  planJson,
  stackDir,
  synth,
  withoutArtifacts,
} from "@ssm-access/aws-emulator";
import { REPO_ROOT, runApp } from "./apps";

/** The environment files as shipped, parsed. */
export type EnvironmentFiles = Record<string, Record<string, unknown>>;

/** The review JSON `plan-review review` writes (`<out-dir>/<env>.json`), as much of it as the tier asserts. */
export interface ReviewJson {
  readonly stack: string;
  readonly provenance: { readonly kind: string };
  readonly counts: Record<"create" | "update" | "replace" | "delete" | "read", number>;
  readonly changes: ReadonlyArray<{
    readonly address: string;
    readonly action: string;
    readonly replacedBecause: readonly string[];
    readonly changedAttributes: readonly string[];
    readonly source?: { readonly file: string; readonly field: string };
    readonly notes: readonly string[];
  }>;
  readonly security: ReadonlyArray<{
    readonly aspect: string;
    readonly address?: string;
    readonly after: string;
    readonly weakened: boolean;
    readonly statements?: { readonly added: readonly unknown[] };
  }>;
  readonly drift: ReadonlyArray<{ readonly address: string; readonly changedAttributes: readonly string[] }>;
  readonly notes: readonly string[];
  /** The cost section: monthly USD before → after, fixed and usage apart, and per resource. */
  readonly cost?: {
    readonly region: string;
    readonly before: { readonly fixed: number; readonly usage: number; readonly total: number };
    readonly after: { readonly fixed: number; readonly usage: number; readonly total: number };
    readonly deltaFixed: number;
    readonly resources: ReadonlyArray<{
      readonly address: string;
      readonly change: string;
      readonly deltaFixed: number;
      readonly what: readonly string[];
      readonly unpriced: number;
    }>;
  };
}

/** What a review through the command line gave. */
export interface ReviewOutcome {
  readonly review: ReviewJson;
  /** The Markdown it wrote (`<out-dir>/<env>.md`). */
  readonly markdown: string;
  /** Its exit code with the default `--fail-on`. */
  readonly code: number;
  readonly errors: string;
  /** The exit code of the same review with `--fail-on=<list>` (`none` for an empty list). */
  exitCode(failOn: readonly string[]): Promise<number>;
  /** The Markdown of the same review with `--max-chars=<n>`. */
  markdownWithin(maxChars: number): Promise<string>;
}

/** Copies the repository's environment files into the landscape, edits them, and returns the folder. */
export function editEnvironments(
  land: Landscape,
  repoRoot: string,
  name: string,
  edit: (files: EnvironmentFiles) => void,
): { dir: string; files: EnvironmentFiles } {
  const dir = path.join(land.ws.root, `environments-${name}`);
  fs.cpSync(path.join(repoRoot, "apps", "infra", "environments"), dir, { recursive: true });
  const files: EnvironmentFiles = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.includes("schema"))) {
    files[file.replace(/\.json$/, "")] = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<
      string,
      unknown
    >;
  }
  edit(files);
  for (const [env, json] of Object.entries(files))
    fs.writeFileSync(path.join(dir, `${env}.json`), JSON.stringify(json, null, 2));
  return { dir, files };
}

/**
 * The app folder of the deployed revision, synthesized, as `--base-app`
 * takes it: the shipped environment files and the stacks the landscape
 * deployed (made once).
 */
export function deployedApp(land: Landscape): string {
  const app = path.join(land.ws.root, "deployed-app");
  if (!fs.existsSync(app)) {
    fs.mkdirSync(path.join(app, "cdktf.out"), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "apps", "infra", "environments"), path.join(app, "environments"));
    fs.symlinkSync(path.join(land.ws.root, "out", "synth", "stacks"), path.join(app, "cdktf.out", "stacks"));
  }
  return app;
}

/**
 * `plan-review review --stack=<stack> --plan=<file>` with the head's
 * environment files and the deployed revision as base, into its own folder;
 * reads the JSON and Markdown it wrote.
 */
export async function reviewPlanFile(
  land: Landscape,
  name: string,
  stack: string,
  planFile: string,
  environmentsDir: string,
  /** The same plan as `terraform show -json` gives it, for the runs with other options. @default planFile */
  planJsonFile = planFile,
): Promise<ReviewOutcome> {
  const args = (out: string, extra: readonly string[]) => [
    "review",
    `--stack=${stack}`,
    `--plan=${extra.length === 0 ? planFile : planJsonFile}`,
    `--app=${path.join(REPO_ROOT, "apps", "infra")}`,
    `--environments-dir=${environmentsDir}`,
    `--base-app=${deployedApp(land)}`,
    `--out-dir=${out}`,
    ...extra,
  ];
  let runs = 0;
  const review = async (extra: readonly string[]) => {
    const out = path.join(land.ws.root, "reviews", `${name}-${++runs}`);
    const ran = await runApp("plan-review", args(out, extra), {
      env: childEnv(land.ws),
      logFile: path.join(land.ws.root, "logs", `review-${name}-${runs}.log`),
    });
    const json = path.join(out, `${stack}.json`);
    if (!fs.existsSync(json))
      throw new Error(`plan-review review (${name}) wrote no ${json}; exit ${ran.code}:\n${ran.stderr}`);
    return {
      ran,
      review: JSON.parse(fs.readFileSync(json, "utf8")) as ReviewJson,
      markdown: fs.readFileSync(path.join(out, `${stack}.md`), "utf8"),
    };
  };
  const first = await review([]);
  return {
    review: first.review,
    markdown: first.markdown,
    code: first.ran.code ?? -1,
    errors: first.ran.stderr,
    exitCode: async (failOn) =>
      (await review([`--fail-on=${failOn.length === 0 ? "none" : failOn.join(",")}`])).ran.code ?? -1,
    markdownWithin: async (maxChars) => (await review([`--max-chars=${maxChars}`])).markdown,
  };
}

/**
 * Writes a JSON plan (`terraform show -json`) beside its stack's `cdk.tf.json`,
 * with what only the emulator reads back differently left out, as `review
 * --plan` takes it; returns the file.
 */
export function writePlanFile(dir: string, plan: PlanJson): string {
  const file = path.join(dir, "plan.json");
  fs.writeFileSync(file, JSON.stringify(withoutArtifacts(plan, EMULATOR_ARTIFACTS)));
  return file;
}

/** Synthesizes prod from edited files into its own folder (initialized like the deployed one), plans it against the deployed prod, and reviews the plan. */
export async function reviewProd(
  land: Landscape,
  repoRoot: string,
  name: string,
  edit: (files: EnvironmentFiles) => void,
): Promise<ReviewOutcome & { environmentsDir: string }> {
  const { dir: environmentsDir } = editEnvironments(land, repoRoot, name, edit);
  const out = outDir(land.ws, `review-${name}`);
  await synth(land.ws, out, ["prod"], environmentsDir);
  const dir = stackDir(out, "prod");
  const deployed = stackDir(land.outs.prod, "prod");
  fs.cpSync(path.join(deployed, ".terraform"), path.join(dir, ".terraform"), { recursive: true });
  fs.copyFileSync(path.join(deployed, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
  // No refresh: prod's state was planned clean after its deploy and only this file changed; the review reads
  // the edit's plan. (The infra:plan review, which must see drift made outside Terraform, refreshes.)
  const plan = await planJson(land.ws, dir, "prod", `review ${name}`, ["-refresh=false"]);
  const outcome = await reviewPlanFile(land, name, "prod", writePlanFile(dir, plan), environmentsDir);
  return { ...outcome, environmentsDir };
}

/** The change of one resource in a review, or a failure naming what the review holds. */
export function changeOf(review: ReviewJson, address: string): ReviewJson["changes"][number] {
  const found = review.changes.find((c) => c.address === address);
  if (!found)
    throw new Error(
      `${address} is not among the review's changes: ${review.changes.map((c) => `${c.action} ${c.address}`).join(", ")}`,
    );
  return found;
}
