import {
  PathStep,
  PlanConfigResource,
  PlanJson,
  PlanResourceChange,
  checkPlanJson,
  configResources,
  isRecord,
} from "@ssm-access/terraform-kit";
import { anyMarked, changedPaths, cutAtSensitive, maskSensitive, withUnknowns } from "./values";

/**
 * One entry of `resource_changes` or `resource_drift`, read and checked.
 * Values are safe to show: sensitive parts are masked and unknown parts of
 * `after` are `(known after apply)`.
 */
export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  /** Terraform's actions, e.g. `["update"]`, `["delete", "create"]`. */
  readonly actions: readonly string[];
  /** `change.before`, masked; `null` when the resource does not exist yet. */
  readonly before: unknown;
  /** `change.after` with unknowns, masked; `null` when it is deleted. */
  readonly after: unknown;
  /** Paths where `before` and `after` differ, computed before masking (paths only, never values). */
  readonly changedPaths: readonly (readonly PathStep[])[];
  /** `change.replace_paths`. */
  readonly replacePaths: readonly (readonly PathStep[])[];
  readonly actionReason?: string;
}

/** One entry of `output_changes`, read and checked (values still raw). */
export interface PlannedOutputChange {
  readonly name: string;
  readonly actions: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
  readonly afterUnknown: unknown;
  /** Whether either side is marked sensitive, or the output is declared sensitive. */
  readonly sensitive: boolean;
}

/** A resource block of `configuration.root_module`. */
export type ConfigResource = PlanConfigResource;

/** The parts of a `terraform show -json` plan that a review reads. */
export interface ParsedPlan {
  readonly resourceChanges: readonly PlannedChange[];
  readonly resourceDrift: readonly PlannedChange[];
  readonly outputChanges: readonly PlannedOutputChange[];
  /** Root module resource blocks by address (`aws_vpc.network`). */
  readonly configResources: ReadonlyMap<string, ConfigResource>;
}

/** The paths, each cut at a sensitive attribute, without repeats. */
function sensitivePathsCut(paths: readonly PathStep[][], ...marks: unknown[]): PathStep[][] {
  const seen = new Set<string>();
  return paths
    .map((path) => cutAtSensitive(path, ...marks))
    .filter((path) => {
      const key = JSON.stringify(path);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** One `resource_changes` / `resource_drift` entry, sensitive values masked. */
function readResourceChange(entry: PlanResourceChange): PlannedChange {
  const { change } = entry;
  const rawBefore = change.before ?? null;
  const rawAfter = withUnknowns(change.after ?? null, change.after_unknown);
  return {
    address: entry.address,
    type: entry.type,
    mode: entry.mode === "data" ? "data" : "managed",
    actions: change.actions,
    before: maskSensitive(rawBefore, change.before_sensitive),
    after: maskSensitive(rawAfter, change.after_sensitive),
    changedPaths: sensitivePathsCut(changedPaths(rawBefore, rawAfter), change.before_sensitive, change.after_sensitive),
    replacePaths: change.replace_paths ?? [],
    ...(typeof entry.action_reason === "string" ? { actionReason: entry.action_reason } : {}),
  };
}

function readOutputChanges(plan: PlanJson): PlannedOutputChange[] {
  const declared = plan.configuration?.root_module?.outputs ?? {};
  return Object.entries(plan.output_changes ?? {}).map(([name, change]) => ({
    name,
    actions: change.actions,
    before: change.before,
    after: change.after,
    afterUnknown: change.after_unknown,
    sensitive:
      anyMarked(change.before_sensitive) ||
      anyMarked(change.after_sensitive) ||
      (isRecord(declared[name]) && declared[name].sensitive === true),
  }));
}

/**
 * Reads the parts of a `terraform show -json` plan a review needs, checking
 * their shape; throws an Error naming the first missing or malformed field,
 * e.g. `plan: resource_changes[3].change.actions is missing`.
 */
export function parsePlan(value: unknown): ParsedPlan {
  const plan = checkPlanJson(value);
  return {
    resourceChanges: (plan.resource_changes ?? []).map(readResourceChange),
    resourceDrift: (plan.resource_drift ?? []).map(readResourceChange),
    outputChanges: readOutputChanges(plan),
    configResources: configResources(plan),
  };
}
