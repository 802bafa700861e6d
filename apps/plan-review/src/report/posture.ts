import { isRecord, JsonRecord, resourceAddress } from "@ssm-access/terraform-kit";
import { ConfigResource, PlannedChange } from "./plan";
import { SecurityFinding } from "./types";
import { UNKNOWN } from "./values";

/** A resource's values on one side of the plan (masked; unknowns as `(known after apply)`). */
export interface ResourceState {
  readonly address: string;
  readonly type: string;
  readonly values: JsonRecord;
}

/** Every managed resource on one side of the plan, by address. */
export type ResourceSet = ReadonlyMap<string, ResourceState>;

/** Both sides of the plan, and whether an attribute is set in the configuration. */
export interface Sides {
  readonly before: ResourceSet;
  readonly after: ResourceSet;
  /** Whether the configuration sets `attribute` of the resource (rather than the provider computing it). */
  readonly configured: (address: string, attribute: string) => boolean;
  /** Whether the plan changes a top-level attribute of the resource (known even when its values are masked). */
  readonly changed: (address: string, attribute: string) => boolean;
}

/** Builds both sides from the resource changes: `change.before` and `change.after` of every managed resource, no-ops included. */
export function sidesOf(
  changes: readonly PlannedChange[],
  configResources: ReadonlyMap<string, ConfigResource>,
): Sides {
  const side = (pick: (c: PlannedChange) => unknown): ResourceSet => {
    const set = new Map<string, ResourceState>();
    for (const change of changes) {
      const values = pick(change);
      if (change.mode === "managed" && isRecord(values))
        set.set(change.address, { address: change.address, type: change.type, values });
    }
    return set;
  };
  const changedAttributes = new Map(changes.map((c) => [c.address, new Set(c.changedPaths.map((p) => p[0]))]));
  return {
    before: side((c) => c.before),
    after: side((c) => c.after),
    configured: (address, attribute) => {
      const config = configResources.get(resourceAddress(address));
      return config?.expressions !== undefined && attribute in config.expressions;
    },
    changed: (address, attribute) => changedAttributes.get(address)?.has(attribute) ?? false,
  };
}

/** The resources of the given types on one side, by address. */
export function ofTypes(set: ResourceSet, types: readonly string[]): Map<string, ResourceState> {
  return new Map([...set].filter(([, state]) => types.includes(state.type)));
}

/** One side of a per-resource aspect, in words, and how to compare it. */
export interface AspectValue {
  /** Shown to reviewers. */
  readonly text: string;
  /** Compared between the sides; defaults to `text`. */
  readonly key?: string;
  /** Whether this value is itself a weak setting (IMDSv1, public IP, ingress). */
  readonly weak?: boolean;
  /** The attribute it is read from, to tell a configured unknown from a provider-computed one. */
  readonly attribute?: string;
  /** The separate items of a value made of several (ingress rules), to tell which are new. */
  readonly items?: readonly AspectItem[];
}

/** One item of an {@link AspectValue}. */
export interface AspectItem {
  readonly key: string;
  readonly text: string;
  /** What reviewers must not miss about it, e.g. `opens port 22 (SSH)`. */
  readonly callout?: string;
}

/** How a per-resource aspect is read and judged. */
export interface PerResourceAspect {
  readonly aspect: SecurityFinding["aspect"];
  readonly types: readonly string[];
  /** The aspect of one resource, or `undefined` when it does not apply. */
  readonly read: (state: ResourceState, side: ResourceSet) => AspectValue | undefined;
  /** Report a resource that only exists after the plan: always, or only when its value is weak. */
  readonly created: "always" | "if-weak";
  /** Report a resource that only exists before the plan: always, or never. */
  readonly deleted: "always" | "never";
  /** Whether going from `before` to `after` loosens security, and why. */
  readonly judge: (
    before: AspectValue | undefined,
    after: AspectValue | undefined,
  ) => { weakened: boolean; detail?: string };
  /** The text of a side without the resource. */
  readonly absent: string;
}

/**
 * Compares a per-resource aspect across both sides: a finding per resource
 * whose value differs, left out when the new value is unknown only because
 * the provider computes it.
 */
export function comparePerResource(spec: PerResourceAspect, sides: Sides): SecurityFinding[] {
  const before = ofTypes(sides.before, spec.types);
  const after = ofTypes(sides.after, spec.types);
  const addresses = [...new Set([...before.keys(), ...after.keys()])];
  const findings: SecurityFinding[] = [];
  for (const address of addresses) {
    const was = before.get(address);
    const will = after.get(address);
    const b = was === undefined ? undefined : spec.read(was, sides.before);
    const a = will === undefined ? undefined : spec.read(will, sides.after);
    if (b === undefined && a === undefined) continue;
    if (b === undefined && spec.created === "if-weak" && !a?.weak) continue;
    if (a === undefined && spec.deleted === "never") continue;
    if (b !== undefined && a !== undefined && (b.key ?? b.text) === (a.key ?? a.text)) continue;
    if (a?.text === UNKNOWN && a.attribute !== undefined && !sides.configured(address, a.attribute)) continue;
    const judged = a?.text === UNKNOWN ? { weakened: false, detail: "known only after apply" } : spec.judge(b, a);
    findings.push({
      aspect: spec.aspect,
      address,
      before: b?.text ?? spec.absent,
      after: a?.text ?? spec.absent,
      weakened: judged.weakened,
      ...(judged.detail !== undefined ? { detail: judged.detail } : {}),
    });
  }
  return findings;
}

/** The first item of a nested block list (`metadata_options[0]`), or the block itself. */
export function firstBlock(value: unknown): JsonRecord | undefined {
  const block = Array.isArray(value) ? value[0] : value;
  return isRecord(block) ? block : undefined;
}
