import {
  constructPaths,
  isRecord,
  planAction,
  renderPath,
  resourceAddress,
  withoutStack,
} from "@ssm-access/terraform-kit";
import { applyFailures, failureNote, isLikely, preventDestroyFailure } from "./apply-failures";
import { dependenciesOf, partialApply } from "./apply-order";
import { reviewCost } from "./cost";
import { dataLoss } from "./data-loss";
import { driftEntries } from "./drift";
import { domainNotes } from "./notes";
import { outputChanges } from "./outputs";
import { PlannedChange, parsePlan } from "./plan";
import { detectRenames, renameNote } from "./renames";
import { sidesOf } from "./posture";
import { securityFindings } from "./security";
import { traceSources } from "./sources";
import { ActionCounts, Action, ApplyFailure, ResourceReview, Review, ReviewInput, Source } from "./types";

function checkInput(input: ReviewInput): void {
  if (typeof input.stack !== "string" || input.stack === "") throw new Error("review input: stack is missing");
  if (!input.environment || typeof input.environment.file !== "string")
    throw new Error("review input: environment.file is missing");
  if (!input.provenance || !["emulated-baseline", "saved-plan", "upgrade"].includes(input.provenance.kind)) {
    throw new Error("review input: provenance is missing");
  }
}

/**
 * Construct paths of a synthesized stack (`cdk.tf.json`) by Terraform
 * address, without the stack prefix: `aws_vpc.network` → `Network/Resource`.
 */
function stackConstructPaths(stackJson: unknown, what: string): Map<string, string> {
  if (stackJson === undefined || stackJson === null) return new Map();
  if (!isRecord(stackJson)) throw new Error(`${what}: not a synthesized stack (a cdk.tf.json object)`);
  return new Map([...constructPaths(stackJson)].map(([address, path]) => [address, withoutStack(path)]));
}

/** Construct paths from the head stack, and from the base stack for what the plan deletes. */
function constructPathLookup(input: ReviewInput): (change: PlannedChange) => string | undefined {
  const head = stackConstructPaths(input.stackJson, "stackJson");
  const base = stackConstructPaths(input.baseStackJson, "baseStackJson");
  return (change) => {
    const address = resourceAddress(change.address);
    return planAction(change.actions) === "delete"
      ? (base.get(address) ?? head.get(address))
      : (head.get(address) ?? base.get(address));
  };
}

function countActions(actions: readonly Action[]): ActionCounts {
  const count = (kind: Action) => actions.filter((a) => a === kind).length;
  return {
    create: count("create"),
    update: count("update"),
    replace: count("replace"),
    delete: count("delete"),
    read: count("read"),
  };
}

function resourceReview(
  change: PlannedChange,
  action: Action,
  constructPath: string | undefined,
  source: Source | undefined,
  notes: readonly string[],
): ResourceReview {
  return {
    address: change.address,
    type: change.type,
    action,
    ...(constructPath !== undefined ? { constructPath } : {}),
    replacedBecause: action === "replace" ? change.replacePaths.map(renderPath) : [],
    ...(change.actionReason !== undefined ? { actionReason: change.actionReason } : {}),
    changedAttributes: action === "update" ? change.changedPaths.map(renderPath) : [],
    ...(source !== undefined ? { source } : {}),
    notes,
  };
}

/** The `cost` field of the review, when the environment can be priced. */
function costField(input: ReviewInput): { cost?: Review["cost"] } {
  const cost = reviewCost(input);
  return cost !== undefined ? { cost } : {};
}

/** The actions with a `certain` or `likely` failure, each once, in plan order. */
function orderedFailures(
  failures: readonly ApplyFailure[],
  changes: readonly ResourceReview[],
): { address: string; action: Action }[] {
  const failingAddresses = new Set(failures.filter(isLikely).map((f) => f.address));
  return changes.filter((c) => failingAddresses.has(c.address)).map((c) => ({ address: c.address, action: c.action }));
}

/**
 * Reviews a plan: every change with why it is replaced and which
 * environment-file field it comes from, what Terraform does not say about
 * it, the security posture before and after, drift and outputs apart.
 * Throws an Error naming what is missing when the plan is malformed.
 */
export function buildReview(input: ReviewInput): Review {
  checkInput(input);
  const plan = parsePlan(input.plan);
  const constructPathOf = constructPathLookup(input);
  const sources = traceSources({
    changes: plan.resourceChanges,
    configResources: plan.configResources,
    constructPathOf,
    environment: input.environment,
    ...(input.baseEnvironment ? { baseEnvironment: input.baseEnvironment } : {}),
  });
  const renames = detectRenames(plan.resourceChanges, constructPathOf);
  const renameNotes = new Map<PlannedChange, string>();
  for (const rename of renames) {
    const note = renameNote(rename);
    renameNotes.set(rename.from, note);
    renameNotes.set(rename.to, note);
  }

  const before = sidesOf(plan.resourceChanges, plan.configResources).before;
  const failures = applyFailures(plan.resourceChanges, before, input.bucketContents);
  const refused = new Set(input.preventDestroyRefused ?? []);
  const changes: ResourceReview[] = [];
  for (const change of plan.resourceChanges) {
    const action = planAction(change.actions);
    if (action === "no-op") continue;
    const rename = renameNotes.get(change);
    const reviewed = resourceReview(change, action, constructPathOf(change), sources.get(change), []);
    if (refused.has(change.address)) failures.push(preventDestroyFailure(reviewed));
    const notes = [
      ...failures.filter((f) => f.address === change.address).map(failureNote),
      ...domainNotes(change),
      ...(rename !== undefined ? [rename] : []),
    ];
    changes.push({ ...reviewed, notes });
  }
  const failing = orderedFailures(failures, changes);

  const forgotten = plan.resourceChanges.filter((c) => c.actions.includes("forget"));
  return {
    stack: input.stack,
    provenance: input.provenance,
    counts: countActions(changes.map((c) => c.action)),
    changes,
    security: securityFindings(plan.resourceChanges, plan.configResources),
    drift: driftEntries(plan.resourceDrift),
    ...costField(input),
    outputs: outputChanges(plan.outputChanges),
    dataLoss: dataLoss(plan.resourceChanges, before),
    applyFailures: failures,
    ...(failing.length > 0
      ? {
          partialApply: partialApply(
            failing,
            changes.map((c) => ({ address: c.address, action: c.action })),
            dependenciesOf(plan.configResources, input.baseStackJson),
          ),
        }
      : {}),
    notes: [
      ...new Set(renames.map(renameNote)),
      ...forgotten.map(
        (c) =>
          `${c.address} is removed from the state without being destroyed (a removed block): Terraform stops managing it.`,
      ),
    ],
  };
}
