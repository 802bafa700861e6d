/**
 * The JSON of a saved plan, as `terraform show -json <planfile>` prints it
 * (format 1.x): the parts the workspace reads, typed, and a reader that
 * checks their shape.
 */
import { JsonRecord, isRecord } from "../json";

/** One step of an attribute path: an attribute or map key, or a list index. */
export type PathStep = string | number;

/** What a change does to one value: Terraform's actions and the value before and after. */
export interface PlanValueChange {
  /** Terraform's actions, e.g. `["update"]`, `["delete", "create"]` (a replacement), `["no-op"]`. */
  readonly actions: readonly string[];
  /** The value before; `null` when it does not exist yet. */
  readonly before?: unknown;
  /** The value after, without the parts unknown until apply; `null` when it is deleted. */
  readonly after?: unknown;
  /** `true` (or an object or list mirroring `after`) where a value is known only after apply. */
  readonly after_unknown?: unknown;
  /** `true` (or an object or list mirroring `before`) where a value is sensitive. */
  readonly before_sensitive?: unknown;
  /** `true` (or an object or list mirroring `after`) where a value is sensitive. */
  readonly after_sensitive?: unknown;
}

/** The `change` of a resource change. */
export interface PlanChange extends PlanValueChange {
  /** The attribute paths that force a replacement. */
  readonly replace_paths?: readonly (readonly PathStep[])[];
}

/** One entry of `resource_changes` or `resource_drift`. */
export interface PlanResourceChange {
  /** Terraform address, e.g. `aws_vpc.network`, `aws_subnet.a[0]`. */
  readonly address: string;
  /** Resource type, e.g. `aws_vpc`. */
  readonly type: string;
  /** `managed` for a resource, `data` for a data source. */
  readonly mode?: string;
  readonly change: PlanChange;
  /** Why Terraform chose the action, e.g. `replace_because_cannot_update`. */
  readonly action_reason?: string;
}

/** One entry of `output_changes`. */
export type PlanOutputChange = PlanValueChange;

/** A resource block of `configuration.root_module`. */
export interface PlanConfigResource {
  readonly address: string;
  /** Attribute → `{ references, constant_value }`, nested blocks as lists of such maps. */
  readonly expressions?: Readonly<JsonRecord>;
}

/** `configuration`: the configuration the plan was made from. */
export interface PlanConfiguration {
  readonly root_module?: {
    readonly resources?: readonly PlanConfigResource[];
    readonly outputs?: Readonly<Record<string, { readonly sensitive?: boolean }>>;
  };
}

/** One entry of `relevant_attributes`: an attribute the plan depends on. */
export interface RelevantAttribute {
  readonly resource: string;
  readonly attribute: readonly PathStep[];
}

/** The parts of a `terraform show -json` plan the workspace reads. */
export interface PlanJson {
  readonly format_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly resource_drift?: readonly PlanResourceChange[];
  readonly output_changes?: Readonly<Record<string, PlanOutputChange>>;
  readonly configuration?: PlanConfiguration;
  readonly relevant_attributes?: readonly RelevantAttribute[];
  readonly planned_values?: unknown;
}

function fail(path: string, problem: string): never {
  throw new Error(`plan: ${path} ${problem}`);
}

function checkRecord(value: unknown, path: string): JsonRecord {
  if (value === undefined || value === null) fail(path, "is missing");
  if (!isRecord(value)) fail(path, "is not an object");
  return value;
}

function checkString(value: unknown, path: string): string {
  if (value === undefined || value === null) fail(path, "is missing");
  if (typeof value !== "string") fail(path, "is not a string");
  return value;
}

function checkOptionalList(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, "is not a list");
  return value;
}

function checkActions(value: unknown, path: string): void {
  if (value === undefined || value === null) fail(path, "is missing");
  if (!Array.isArray(value) || value.length === 0 || !value.every((a) => typeof a === "string")) {
    fail(path, "is not a non-empty list of action names");
  }
}

function checkResourceChange(value: unknown, path: string): void {
  const entry = checkRecord(value, path);
  checkString(entry.address, `${path}.address`);
  checkString(entry.type, `${path}.type`);
  const change = checkRecord(entry.change, `${path}.change`);
  checkActions(change.actions, `${path}.change.actions`);
  checkOptionalList(change.replace_paths, `${path}.change.replace_paths`).forEach((steps, i) => {
    if (!Array.isArray(steps) || !steps.every((s) => typeof s === "string" || typeof s === "number")) {
      fail(`${path}.change.replace_paths[${i}]`, "is not a list of attribute names and indexes");
    }
  });
}

function checkOutputChanges(value: unknown): void {
  if (value === undefined || value === null) return;
  for (const [name, change] of Object.entries(checkRecord(value, "output_changes"))) {
    checkActions(checkRecord(change, `output_changes.${name}`).actions, `output_changes.${name}.actions`);
  }
}

function checkConfiguration(value: unknown): void {
  const rootModule = isRecord(value) ? value.root_module : undefined;
  if (!isRecord(rootModule)) return;
  checkOptionalList(rootModule.resources, "configuration.root_module.resources").forEach((resource, i) => {
    const path = `configuration.root_module.resources[${i}]`;
    checkString(checkRecord(resource, path).address, `${path}.address`);
  });
}

/**
 * Checks that `value` is the JSON of a plan (`terraform show -json
 * <planfile>`, format 1.x) with the parts {@link PlanJson} types in their
 * shape; throws an Error naming the first missing or malformed field, e.g.
 * `plan: resource_changes[3].change.actions is missing`.
 */
export function checkPlanJson(value: unknown): PlanJson {
  if (!isRecord(value)) {
    throw new Error("plan: not a JSON object (expected the output of terraform show -json <planfile>)");
  }
  const version = checkString(value.format_version, "format_version");
  if (!version.startsWith("1.")) fail("format_version", `is ${version}; only format 1.x is understood`);
  if (value.resource_changes === undefined && value.planned_values === undefined) {
    fail("resource_changes", "is missing (is this the JSON of a state, not of a plan?)");
  }
  for (const list of ["resource_changes", "resource_drift"]) {
    checkOptionalList(value[list], list).forEach((change, i) => checkResourceChange(change, `${list}[${i}]`));
  }
  checkOutputChanges(value.output_changes);
  checkConfiguration(value.configuration);
  return value as PlanJson;
}

/**
 * Reads the output of `terraform show -json <planfile>` (anything printed
 * before the JSON object is skipped) and checks it with {@link checkPlanJson}.
 */
export function parsePlanJson(text: string, source = "terraform show -json"): PlanJson {
  const start = text.indexOf("{");
  if (start < 0) throw new Error(`${source} printed no plan: ${text.trim().slice(0, 200)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start));
  } catch (error) {
    throw new Error(`${source} printed no valid JSON (${(error as Error).message})`);
  }
  return checkPlanJson(parsed);
}
