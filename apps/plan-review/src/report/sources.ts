import { PathStep, planAction, referencedResource, renderPath, resourceAddress } from "@ssm-access/terraform-kit";
import { FieldChange, diffEnvironments, indexByName } from "./environment-diff";
import { ConfigResource, PlannedChange } from "./plan";
import { referencesAt } from "./references";
import { EnvironmentSide, Source } from "./types";
import { commonPathPrefix, deepEqual, isPathPrefix, valueAt } from "./values";

/**
 * Maps a construct path to the environment-file field it is built from.
 * Rules are tried in order; the first whose `pattern` matches wins.
 */
export interface SourceRule {
  /** Matches a construct path without the stack prefix, e.g. `Network/Resource`. */
  readonly pattern: RegExp;
  /** The field, given the match and the environment file of the resource's side. */
  readonly field: (match: RegExpMatchArray, environment: unknown) => PathStep[];
  /** Fields outside `field` that shape these resources too, tried when nothing under `field` changed. */
  readonly related?: readonly (readonly PathStep[])[];
}

const fixed =
  (...field: PathStep[]) =>
  (): PathStep[] =>
    field;

/** `Instances/<name>/...` → `instances[<index of name>]`, or `instances` when the name is not in the file. */
function instanceField(match: RegExpMatchArray, environment: unknown): PathStep[] {
  const index = indexByName(environment, "instances", match[1]);
  return index === undefined ? ["instances"] : ["instances", index];
}

/**
 * Where each construct of an environment stack comes from:
 *
 * | Construct path                                         | Field                          |
 * | ------------------------------------------------------ | ------------------------------ |
 * | `Network/FlowLogs/...`                                 | `network.flowLogs`             |
 * | `Network/Endpoints/...`                                | `network.endpoints`            |
 * | `Network/NatGateway*`, `NatEip*`, `PrivateDefaultRoute`| `network.natGateways`          |
 * | `Network/InternetGateway`, `PublicDefaultRoute`        | `network.subnets.public`       |
 * | `Network/<Tier>Subnet*`, `<Tier>RouteTable*`           | `network.subnets.<tier>`       |
 * | `Network/...` (the VPC, default security group, ...)   | `network`                      |
 * | `Instances/SecurityGroup`, `Instances/HttpsTo*`        | `instances`                    |
 * | `Instances/<name>/...`                                 | `instances[<i>]` (also `terminationProtection`) |
 * | `SessionLogging/...`                                   | `sessionLogging`               |
 * | `OperatorAccess/...`                                   | `operatorAccess` (also `sessionLogging`: the key statement) |
 * | `Maintenance/...`                                      | `maintenance`                  |
 * | `InstanceRole/...`                                     | `project`, whose name the role carries (also `sessionLogging`, `maintenance`: its statements) |
 */
export const SOURCE_RULES: readonly SourceRule[] = [
  { pattern: /^Network\/FlowLogs(\/|$)/, field: fixed("network", "flowLogs") },
  { pattern: /^Network\/Endpoints(\/|$)/, field: fixed("network", "endpoints") },
  { pattern: /^Network\/(NatGateway|NatEip|PrivateDefaultRoute)/, field: fixed("network", "natGateways") },
  { pattern: /^Network\/(InternetGateway|PublicDefaultRoute)/, field: fixed("network", "subnets", "public") },
  {
    pattern: /^Network\/(Public|Private|Isolated)(Subnet|RouteTable)/,
    field: (m) => ["network", "subnets", m[1].toLowerCase()],
  },
  { pattern: /^Network(\/|$)/, field: fixed("network") },
  { pattern: /^Instances\/(SecurityGroup|HttpsTo[^/]*)(\/|$)/, field: fixed("instances") },
  { pattern: /^Instances\/([^/]+)\//, field: instanceField, related: [["terminationProtection"]] },
  { pattern: /^SessionLogging(\/|$)/, field: fixed("sessionLogging") },
  { pattern: /^OperatorAccess(\/|$)/, field: fixed("operatorAccess"), related: [["sessionLogging"]] },
  { pattern: /^Maintenance(\/|$)/, field: fixed("maintenance") },
  { pattern: /^InstanceRole(\/|$)/, field: fixed("project"), related: [["sessionLogging"], ["maintenance"]] },
];

/**
 * Sections of the file that other rules own: a change inside one of them is
 * not the cause of a resource of another rule found through a common
 * ancestor (a subnet is not removed by `network.endpoints.availabilityZoneCount`).
 */
const OWNED_FIELDS: readonly (readonly PathStep[])[] = [
  ["network", "flowLogs"],
  ["network", "endpoints"],
  ["network", "natGateways"],
  ["network", "subnets"],
];

/** Fields that shape every resource (names, tags, account, Region). */
export const GLOBAL_FIELDS: readonly (readonly PathStep[])[] = [["project"], ["accountId"], ["region"], ["tags"]];

/** The rule field of a construct path, or `undefined` when no rule matches. */
export function ruleFor(
  constructPath: string,
  environment: unknown,
): { field: PathStep[]; related: readonly (readonly PathStep[])[] } | undefined {
  for (const rule of SOURCE_RULES) {
    const match = constructPath.match(rule.pattern);
    if (match) return { field: rule.field(match, environment), related: rule.related ?? [] };
  }
  return undefined;
}

/** What source tracing knows about the plan and the files. */
export interface SourceContext {
  readonly changes: readonly PlannedChange[];
  readonly configResources: ReadonlyMap<string, ConfigResource>;
  /** Construct path of a change (head stack, or base stack for deletions). */
  readonly constructPathOf: (change: PlannedChange) => string | undefined;
  readonly environment: EnvironmentSide;
  readonly baseEnvironment?: EnvironmentSide;
}

interface Traced {
  readonly field: PathStep[];
  /** Whether the field was confirmed by a change of the environment file. */
  readonly refined: boolean;
}

/**
 * Traces each change to its environment-file field: the rule of its
 * construct path, refined with the fields that changed between the base and
 * head files (the changed field under the rule's field; else one its
 * configuration references lead to, through replacements; else a changed
 * field the resource also depends on; else a changed global field). Without
 * a base file, the rule's field.
 */
export function traceSources(context: SourceContext): Map<PlannedChange, Source> {
  const diff = context.baseEnvironment
    ? diffEnvironments(context.baseEnvironment.json, context.environment.json)
    : undefined;
  const byAddress = new Map<string, PlannedChange>();
  for (const change of context.changes) {
    if (planAction(change.actions) !== "no-op") byAddress.set(resourceAddress(change.address), change);
  }
  const memo = new Map<PlannedChange, Traced | undefined>();
  const visiting = new Set<PlannedChange>();

  const trace = (change: PlannedChange): Traced | undefined => {
    if (memo.has(change)) return memo.get(change);
    if (visiting.has(change)) return undefined;
    visiting.add(change);
    const traced = traceOne(change, context, diff, (address) => {
      const target = byAddress.get(address);
      return target === undefined ? undefined : trace(target);
    });
    visiting.delete(change);
    memo.set(change, traced);
    return traced;
  };

  const sources = new Map<PlannedChange, Source>();
  for (const change of context.changes) {
    if (planAction(change.actions) === "no-op") continue;
    const traced = trace(change);
    if (traced)
      sources.set(change, {
        file: fileOf(change, context),
        field: renderPath(traced.field),
        ...(diff === undefined ? {} : fieldValues(traced.field, diff, context, isDeletion(change))),
      });
  }
  return sources;
}

/**
 * The values of a field that is itself one of the changes (a list element
 * removed, a map key added, a value edited): `before` from the base file,
 * `after` from the head file. Nothing for a field above the changes.
 */
function fieldValues(
  field: readonly PathStep[],
  diff: readonly FieldChange[],
  context: SourceContext,
  deletion: boolean,
): { before?: unknown; after?: unknown } {
  const at = (path: readonly PathStep[] | undefined) => path !== undefined && deepEqual(path, field);
  const found =
    diff.find((c) => (deletion ? at(c.base) : at(c.head))) ?? diff.find((c) => (deletion ? at(c.head) : at(c.base)));
  if (found === undefined) return {};
  const before = found.base === undefined ? undefined : valueAt(context.baseEnvironment?.json, found.base);
  const after = found.head === undefined ? undefined : valueAt(context.environment.json, found.head);
  return { ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}

function isDeletion(change: PlannedChange): boolean {
  return planAction(change.actions) === "delete";
}

function fileOf(change: PlannedChange, context: SourceContext): string {
  return isDeletion(change) && context.baseEnvironment ? context.baseEnvironment.file : context.environment.file;
}

function traceOne(
  change: PlannedChange,
  context: SourceContext,
  diff: readonly FieldChange[] | undefined,
  traceAddress: (address: string) => Traced | undefined,
): Traced | undefined {
  const constructPath = context.constructPathOf(change);
  if (constructPath === undefined) return undefined;
  const deletion = isDeletion(change);
  const environment = deletion && context.baseEnvironment ? context.baseEnvironment.json : context.environment.json;
  const rule = ruleFor(constructPath, environment);
  if (rule === undefined) return undefined;
  if (diff === undefined) return { field: rule.field, refined: false };

  // A removed list element has only its base path: it is the cause of what changes on the head side too.
  const changed = diff
    .map((c) => (deletion ? c.base : (c.head ?? c.base)))
    .filter((p): p is readonly PathStep[] => p !== undefined);
  const under = (prefixes: readonly (readonly PathStep[])[]) =>
    changed.filter((p) => prefixes.some((f) => isPathPrefix(f, p)));
  const refinedTo = (paths: readonly (readonly PathStep[])[]): Traced | undefined => {
    if (paths.length === 0) return undefined;
    const common = commonPathPrefix(paths);
    return { field: common.length > 0 ? common : rule.field, refined: true };
  };

  return (
    refinedTo(under([rule.field])) ??
    fromReferences(change, context, traceAddress) ??
    refinedTo(under(rule.related)) ??
    ancestors(rule.field)
      .map((ancestor) => refinedTo(under([ancestor]).filter((p) => !ownedElsewhere(p, rule.field))))
      .find((traced) => traced !== undefined) ??
    refinedTo(under(GLOBAL_FIELDS)) ?? { field: rule.field, refined: false }
  );
}

/** Whether `path` lies in a section another rule owns than the one of `field`. */
function ownedElsewhere(path: readonly PathStep[], field: readonly PathStep[]): boolean {
  return OWNED_FIELDS.some((owned) => isPathPrefix(owned, path) && !isPathPrefix(owned, field));
}

/**
 * The ancestors of a field, nearest first (`network.subnets.isolated` →
 * `network.subnets`, `network`), never climbing out of a list item nor to
 * the file itself.
 */
function ancestors(field: readonly PathStep[]): PathStep[][] {
  const found: PathStep[][] = [];
  for (let length = field.length - 1; length >= 1; length--) {
    if (typeof field[length] === "number") break;
    found.push(field.slice(0, length));
  }
  return found;
}

/**
 * Replacement (and update) chains: the attributes that force the replacement
 * (or that change) are configured from other changed resources; the change
 * inherits their traced field.
 */
function fromReferences(
  change: PlannedChange,
  context: SourceContext,
  traceAddress: (address: string) => Traced | undefined,
): Traced | undefined {
  const config = context.configResources.get(resourceAddress(change.address));
  if (config === undefined) return undefined;
  const attributes = planAction(change.actions) === "replace" ? change.replacePaths : change.changedPaths;
  const inherited: Traced[] = [];
  for (const path of attributes) {
    for (const reference of referencesAt(config, path)) {
      const target = referencedResource(reference);
      if (target === undefined || target === resourceAddress(change.address)) continue;
      const traced = traceAddress(target);
      if (traced?.refined) inherited.push(traced);
    }
  }
  if (inherited.length === 0) return undefined;
  const common = commonPathPrefix(inherited.map((t) => t.field));
  return { field: common.length > 0 ? common : inherited[0].field, refined: true };
}
