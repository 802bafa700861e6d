/**
 * Plan reviews on real update plans: each scenario edits a copy of the
 * environment files, synthesizes prod from it and plans it against the prod
 * the lifecycle deployed (one emulated deployment shared by every scenario),
 * then builds the review exactly as `infra:review` does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Landscape, PlanJson, outDir, planJson, stackDir, synth } from "@ssm-access/aws-emulator";
import {
  FailOn,
  Review,
  buildReview,
  exitCodeOf,
  renderMarkdown,
  withoutEmulatorArtifacts,
} from "@ssm-access/plan-review";

/** The environment files as shipped, parsed. */
export type EnvironmentFiles = Record<string, Record<string, unknown>>;

/** What a scenario produced. */
export interface ReviewOutcome {
  readonly review: Review;
  readonly markdown: string;
  exitCode(failOn?: readonly FailOn[]): 0 | 2 | 3;
}

const ENV_FILE = "apps/infra/environments/prod.json";

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

/** The review of a plan of prod, built as `infra:review` builds it, the deployed prod (shipped files) as its base. */
export function reviewOfProd(
  land: Landscape,
  repoRoot: string,
  plan: PlanJson,
  stackJson: unknown,
  environment: unknown,
): ReviewOutcome {
  const base = JSON.parse(fs.readFileSync(path.join(repoRoot, ENV_FILE), "utf8")) as unknown;
  const review = buildReview({
    stack: "prod",
    plan: withoutEmulatorArtifacts(plan).plan,
    stackJson,
    baseStackJson: JSON.parse(
      fs.readFileSync(path.join(land.ws.root, "out", "synth", "stacks", "prod", "cdk.tf.json"), "utf8"),
    ),
    environment: { file: ENV_FILE, json: environment },
    baseEnvironment: { file: ENV_FILE, json: base },
    provenance: { kind: "emulated-baseline", base: "the deployed prod" },
  });
  return { review, markdown: renderMarkdown(review), exitCode: (failOn) => exitCodeOf(review, failOn) };
}

/** Synthesizes prod from edited files into its own folder (initialized like the deployed one), plans it against the deployed prod, and reviews the plan. */
export async function reviewProd(
  land: Landscape,
  repoRoot: string,
  name: string,
  edit: (files: EnvironmentFiles) => void,
): Promise<ReviewOutcome> {
  const { dir: environmentsDir, files } = editEnvironments(land, repoRoot, name, edit);
  const out = outDir(land.ws, `review-${name}`);
  await synth(land.ws, out, ["prod"], environmentsDir);
  const dir = stackDir(out, "prod");
  const deployed = stackDir(land.outs.prod, "prod");
  fs.cpSync(path.join(deployed, ".terraform"), path.join(dir, ".terraform"), { recursive: true });
  fs.copyFileSync(path.join(deployed, ".terraform.lock.hcl"), path.join(dir, ".terraform.lock.hcl"));
  const plan = await planJson(land.ws, dir, "prod", `review ${name}`);
  return reviewOfProd(
    land,
    repoRoot,
    plan,
    JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")),
    files.prod,
  );
}

/** The change of one resource in a review, or a failure naming what the review holds. */
export function changeOf(review: Review, address: string): Review["changes"][number] {
  const found = review.changes.find((c) => c.address === address);
  if (!found)
    throw new Error(
      `${address} is not among the review's changes: ${review.changes.map((c) => `${c.action} ${c.address}`).join(", ")}`,
    );
  return found;
}
