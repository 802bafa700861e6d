import {
  JsonRecord,
  PathStep,
  anyMarked,
  changedPaths,
  cutAtSensitive,
  isRecord,
  maskSensitive,
  withUnknowns,
} from "./values";

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
export interface ConfigResource {
  readonly address: string;
  /** `expressions`: attribute → `{ references, constant_value }`, nested blocks as lists of such maps. */
  readonly expressions: JsonRecord;
}

/** The parts of a `terraform show -json` plan that a review reads. */
export interface ParsedPlan {
  readonly resourceChanges: readonly PlannedChange[];
  readonly resourceDrift: readonly PlannedChange[];
  readonly outputChanges: readonly PlannedOutputChange[];
  /** Root module resource blocks by address (`aws_vpc.network`). */
  readonly configResources: ReadonlyMap<string, ConfigResource>;
}

function fail(path: string, problem: string): never {
  throw new Error(`plan: ${path} ${problem}`);
}

function requireRecord(value: unknown, path: string): JsonRecord {
  if (value === undefined || value === null) fail(path, "is missing");
  if (!isRecord(value)) fail(path, "is not an object");
  return value;
}

function requireString(value: unknown, path: string): string {
  if (value === undefined || value === null) fail(path, "is missing");
  if (typeof value !== "string") fail(path, "is not a string");
  return value;
}

function optionalList(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, "is not a list");
  return value;
}

function readActions(value: unknown, path: string): string[] {
  if (value === undefined || value === null) fail(path, "is missing");
  if (!Array.isArray(value) || value.length === 0 || !value.every((a) => typeof a === "string")) {
    fail(path, "is not a non-empty list of action names");
  }
  return value as string[];
}

function readReplacePaths(value: unknown, path: string): PathStep[][] {
  return optionalList(value, path).map((steps, i) => {
    if (!Array.isArray(steps) || !steps.every((s) => typeof s === "string" || typeof s === "number")) {
      fail(`${path}[${i}]`, "is not a list of attribute names and indexes");
    }
    return steps as PathStep[];
  });
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

/** Reads one `resource_changes` / `resource_drift` entry, masking sensitive values. */
function readResourceChange(value: unknown, path: string): PlannedChange {
  const entry = requireRecord(value, path);
  const address = requireString(entry.address, `${path}.address`);
  const type = requireString(entry.type, `${path}.type`);
  const change = requireRecord(entry.change, `${path}.change`);
  const actions = readActions(change.actions, `${path}.change.actions`);
  const rawBefore = change.before ?? null;
  const rawAfter = withUnknowns(change.after ?? null, change.after_unknown);
  return {
    address,
    type,
    mode: entry.mode === "data" ? "data" : "managed",
    actions,
    before: maskSensitive(rawBefore, change.before_sensitive),
    after: maskSensitive(rawAfter, change.after_sensitive),
    changedPaths: sensitivePathsCut(changedPaths(rawBefore, rawAfter), change.before_sensitive, change.after_sensitive),
    replacePaths: readReplacePaths(change.replace_paths, `${path}.change.replace_paths`),
    ...(typeof entry.action_reason === "string" ? { actionReason: entry.action_reason } : {}),
  };
}

function readOutputChanges(value: unknown, declared: JsonRecord): PlannedOutputChange[] {
  if (value === undefined || value === null) return [];
  const outputs = requireRecord(value, "output_changes");
  return Object.entries(outputs).map(([name, raw]) => {
    const path = `output_changes.${name}`;
    const change = requireRecord(raw, path);
    const config = declared[name];
    return {
      name,
      actions: readActions(change.actions, `${path}.actions`),
      before: change.before,
      after: change.after,
      afterUnknown: change.after_unknown,
      sensitive:
        anyMarked(change.before_sensitive) ||
        anyMarked(change.after_sensitive) ||
        (isRecord(config) && config.sensitive === true),
    };
  });
}

function readConfigResources(rootModule: JsonRecord): Map<string, ConfigResource> {
  const resources = new Map<string, ConfigResource>();
  optionalList(rootModule.resources, "configuration.root_module.resources").forEach((raw, i) => {
    const path = `configuration.root_module.resources[${i}]`;
    const resource = requireRecord(raw, path);
    const address = requireString(resource.address, `${path}.address`);
    resources.set(address, { address, expressions: isRecord(resource.expressions) ? resource.expressions : {} });
  });
  return resources;
}

/**
 * Reads the parts of a `terraform show -json` plan a review needs, checking
 * their shape; throws an Error naming the first missing or malformed field,
 * e.g. `plan: resource_changes[3].change.actions is missing`.
 */
export function parsePlan(plan: unknown): ParsedPlan {
  if (!isRecord(plan))
    throw new Error("plan: not a JSON object (expected the output of terraform show -json <planfile>)");
  const version = requireString(plan.format_version, "format_version");
  if (!version.startsWith("1.")) fail("format_version", `is ${version}; only format 1.x is understood`);
  if (plan.resource_changes === undefined && plan.planned_values === undefined) {
    fail("resource_changes", "is missing (is this the JSON of a state, not of a plan?)");
  }
  const configuration = isRecord(plan.configuration) ? plan.configuration : {};
  const rootModule = isRecord(configuration.root_module) ? configuration.root_module : {};
  const declaredOutputs = isRecord(rootModule.outputs) ? rootModule.outputs : {};
  return {
    resourceChanges: optionalList(plan.resource_changes, "resource_changes").map((c, i) =>
      readResourceChange(c, `resource_changes[${i}]`),
    ),
    resourceDrift: optionalList(plan.resource_drift, "resource_drift").map((c, i) =>
      readResourceChange(c, `resource_drift[${i}]`),
    ),
    outputChanges: readOutputChanges(plan.output_changes, declaredOutputs),
    configResources: readConfigResources(rootModule),
  };
}

/** The review action of Terraform's `actions`, or `undefined` for a no-op (and anything else). */
export function actionOf(actions: readonly string[]): "create" | "update" | "replace" | "delete" | "read" | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.length !== 1) return undefined;
  const [action] = actions;
  return action === "create" || action === "update" || action === "delete" || action === "read" ? action : undefined;
}

/** The address without a trailing instance key: `aws_x.y` for `aws_x.y[0]` or `aws_x.y["a"]`. */
export function resourceAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}
