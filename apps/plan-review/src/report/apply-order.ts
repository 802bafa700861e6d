import { isRecord, referencedResource, referencesIn, resourceAddress } from "@ssm-access/terraform-kit";
import { ConfigResource } from "./plan";
import { Action, PartialApply } from "./types";

/** One planned action, as the apply order sees it. */
export interface OrderedAction {
  readonly address: string;
  readonly action: Action;
}

/**
 * What each resource depends on: its references and `depends_on` in the
 * plan's configuration (the head), and in the base stack (`cdk.tf.json`) for
 * what the head no longer configures, as Terraform's state recorded them.
 */
export interface Dependencies {
  /** Resource addresses (`aws_s3_bucket.x`) that `address` refers to in the head configuration. */
  readonly head: (address: string) => readonly string[];
  /** The same in the base configuration (what the state recorded before the plan). */
  readonly base: (address: string) => readonly string[];
}

function configDependencies(resource: ConfigResource): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (isRecord(node)) {
      if (Array.isArray(node.references)) {
        for (const reference of node.references) {
          const target = typeof reference === "string" ? referencedResource(reference) : undefined;
          if (target !== undefined && !target.startsWith("data.")) found.add(target);
        }
      }
      for (const [key, value] of Object.entries(node)) if (key !== "references") visit(value);
    }
  };
  visit(resource.expressions ?? {});
  const dependsOn = (resource as unknown as { depends_on?: unknown }).depends_on;
  if (Array.isArray(dependsOn)) for (const d of dependsOn) if (typeof d === "string") found.add(resourceAddress(d));
  found.delete(resource.address);
  return [...found];
}

/** The resources of a synthesized stack (`cdk.tf.json`) with what each refers to (interpolations and `depends_on`). */
function stackDependencies(stackJson: unknown): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const resources = isRecord(stackJson) && isRecord(stackJson.resource) ? stackJson.resource : {};
  for (const [type, blocks] of Object.entries(resources)) {
    if (!isRecord(blocks)) continue;
    for (const [name, block] of Object.entries(blocks)) {
      const address = `${type}.${name}`;
      const dependsOn = isRecord(block) && Array.isArray(block.depends_on) ? block.depends_on : [];
      const targets = [
        ...referencesIn(block),
        ...dependsOn.filter((d): d is string => typeof d === "string").map(resourceAddress),
      ];
      found.set(
        address,
        [...new Set(targets)].filter((t) => t !== address),
      );
    }
  }
  return found;
}

/** The dependencies of the head configuration (from the plan) and of the base stack, the head standing in where the base is unknown. */
export function dependenciesOf(
  configResources: ReadonlyMap<string, ConfigResource>,
  baseStackJson: unknown,
): Dependencies {
  const head = new Map([...configResources].map(([address, resource]) => [address, configDependencies(resource)]));
  const base = stackDependencies(baseStackJson);
  return {
    head: (address) => head.get(resourceAddress(address)) ?? base.get(resourceAddress(address)) ?? [],
    base: (address) => base.get(resourceAddress(address)) ?? head.get(resourceAddress(address)) ?? [],
  };
}

const destroys = (action: Action) => action === "delete" || action === "replace";
const creates = (action: Action) => action === "create" || action === "update" || action === "replace";

/**
 * The actions Terraform must finish before `target` starts, directly, by
 * its rules: a resource is created or updated after what it refers to
 * (head configuration); it is destroyed after what referred to it (base
 * configuration) has been destroyed, or updated to no longer refer to it.
 */
function directPredecessors(
  target: OrderedAction,
  actions: readonly OrderedAction[],
  deps: Dependencies,
): OrderedAction[] {
  const key = resourceAddress(target.address);
  return actions.filter((other) => {
    if (other === target) return false;
    if (destroys(target.action) && deps.base(other.address).includes(key)) {
      // What referred to it goes first: destroyed, or updated away from it (an update still referring to it waits).
      if (destroys(other.action)) return true;
      if (other.action === "update" && !deps.head(other.address).includes(key)) return true;
    }
    if (
      creates(target.action) &&
      creates(other.action) &&
      deps.head(target.address).includes(resourceAddress(other.address))
    )
      return true;
    return false;
  });
}

/**
 * Where the apply stops when `failing` actions fail, in Terraform's
 * dependency order: what it must apply before them (listed dependencies
 * first), what waits for them and is not applied, and how many others run
 * alongside and may or may not be applied by then.
 */
export function partialApply(
  failing: readonly OrderedAction[],
  actions: readonly OrderedAction[],
  deps: Dependencies,
): PartialApply {
  /** Every action that must finish before `action` starts, dependencies first. */
  const predecessorsOf = (action: OrderedAction): OrderedAction[] => {
    const found: OrderedAction[] = [];
    const seen = new Set<string>();
    const visit = (a: OrderedAction): void => {
      for (const previous of directPredecessors(a, actions, deps)) {
        if (seen.has(previous.address)) continue;
        seen.add(previous.address);
        visit(previous);
        found.push(previous);
      }
    };
    visit(action);
    return found;
  };
  const failingSet = new Set(failing.map((f) => f.address));
  // The apply stops at the failing actions reached first; one that waits for another failing action is never reached.
  const first = failing.filter((f) => !predecessorsOf(f).some((p) => failingSet.has(p.address)));
  const before: OrderedAction[] = [];
  const applied = new Set<string>();
  for (const f of first) {
    for (const p of predecessorsOf(f)) {
      if (applied.has(p.address)) continue;
      applied.add(p.address);
      before.push(p);
    }
  }
  const stops = new Set(first.map((f) => f.address));
  const waiting = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const action of actions) {
      if (waiting.has(action.address) || stops.has(action.address) || applied.has(action.address)) continue;
      const blocked = directPredecessors(action, actions, deps).some(
        (p) => stops.has(p.address) || waiting.has(p.address),
      );
      if (blocked) {
        waiting.add(action.address);
        grew = true;
      }
    }
  }
  const label = (a: OrderedAction) => `${a.action} ${a.address}`;
  return {
    stopsAt: first.map(label),
    appliedBefore: before.map(label),
    notApplied: actions.filter((a) => waiting.has(a.address)).map(label),
    alongside: actions.length - first.length - before.length - waiting.size,
  };
}
