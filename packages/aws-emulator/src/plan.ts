import { PlanAction, PlanJson, PlanResourceChange, planAction, renderPath } from "@ssm-access/terraform-kit";

/** The plan JSON model is terraform-kit's; the lifecycle checks read it under this name too. */
export type { PlanJson } from "@ssm-access/terraform-kit";

/** One planned change, reduced to what differs. */
export interface Change {
  readonly address: string;
  readonly type: string;
  /** `create`, `update`, `delete`, `replace`. */
  readonly action: Exclude<PlanAction, "no-op" | "read">;
  /** Attribute paths that differ between before and after (`tags.Name`, `egress[0].description`). */
  readonly paths: readonly string[];
}

/**
 * An attribute that an emulator reads back unlike AWS, so that a second plan
 * would show a change that real AWS would not. Each entry says why it is the
 * emulator's doing and not a bug of the stacks.
 */
export interface EmulatorArtifact {
  /** Resource type, e.g. `aws_instance`. */
  readonly type: string;
  /** Attribute path prefix: `associate_public_ip_address` matches it and everything below it. */
  readonly path: string;
  /** Why real AWS would not show this difference. */
  readonly reason: string;
}

/** Leaf paths where `before` and `after` differ, plus every path still unknown after apply. */
export function differingPaths(before: unknown, after: unknown, afterUnknown: unknown = {}, prefix = ""): string[] {
  const out = new Set<string>();
  const walk = (b: unknown, a: unknown, u: unknown, at: string) => {
    if (u === true) {
      out.add(at || "(resource)");
      return;
    }
    if (isContainer(b) || isContainer(a) || isContainer(u)) {
      const keys = new Set([...keysOf(b), ...keysOf(a), ...keysOf(u)]);
      if (
        keys.size === 0 &&
        JSON.stringify(emptyToUndefined(b) ?? null) !== JSON.stringify(emptyToUndefined(a) ?? null)
      )
        out.add(at || "(resource)");
      for (const key of keys) {
        const next = Array.isArray(b) || Array.isArray(a) ? `${at}[${key}]` : at ? `${at}.${key}` : key;
        walk(child(b, key), child(a, key), child(u, key), next);
      }
      return;
    }
    if (JSON.stringify(b ?? null) !== JSON.stringify(a ?? null)) out.add(at || "(resource)");
  };
  walk(before, after, afterUnknown, prefix);
  return [...out].sort();
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === "object" && v !== null;
}
function keysOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((_, i) => String(i));
  if (isContainer(v)) return Object.keys(v);
  return [];
}
function child(v: unknown, key: string): unknown {
  if (Array.isArray(v)) return v[Number(key)];
  if (isContainer(v)) return (v as Record<string, unknown>)[key];
  return undefined;
}
function emptyToUndefined(v: unknown): unknown {
  return isContainer(v) && keysOf(v).length === 0 ? undefined : v;
}

/** Every planned change of a plan (no-ops and reads left out). */
export function changesOf(plan: PlanJson): Change[] {
  const changes: Change[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const action = planAction(rc.change.actions);
    if (action === "no-op" || action === "read") continue;
    // A replacement makes every computed attribute unknown: what matters is what forces it.
    const paths =
      action === "replace"
        ? (rc.change.replace_paths ?? []).map(renderPath).sort()
        : action === "update"
          ? differingPaths(rc.change.before, rc.change.after, rc.change.after_unknown)
          : [];
    changes.push({ address: rc.address, type: rc.type, action, paths });
  }
  return changes;
}

/** Whether `path` is `prefix` or below it (`tags` covers `tags.Name`; `egress` covers `egress[0].x`). */
export function pathUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/**
 * The changes that the allowlist does not explain: a change is explained only
 * when it is an update or replacement and every differing path is an artifact
 * listed for its resource type.
 */
export function unexplainedChanges(changes: readonly Change[], allowlist: readonly EmulatorArtifact[]): Change[] {
  return changes.filter((c) => {
    if (c.action !== "update" && c.action !== "replace") return true;
    if (c.paths.length === 0) return true;
    return !c.paths.every((p) => allowlist.some((a) => a.type === c.type && pathUnder(p, a.path)));
  });
}

/** One line per change: `update aws_x.y (a, b.c)`. */
export function describeChanges(changes: readonly Change[]): string {
  return changes.map((c) => `${c.action} ${c.address}${c.paths.length ? ` (${c.paths.join(", ")})` : ""}`).join("\n");
}

/**
 * The plan with what only an emulator artifact explains left out: such a
 * change becomes a no-op (its `after` is its `before`), such drift is dropped.
 * What remains is what the same plan against AWS would show, for tools that
 * read the plan file (`plan-review review --plan`).
 */
export function withoutArtifacts<P extends PlanJson>(plan: P, allowlist: readonly EmulatorArtifact[]): P {
  const explained = (list: readonly PlanResourceChange[]): Set<string> => {
    const changes = changesOf({ resource_changes: list });
    const unexplained = new Set(unexplainedChanges(changes, allowlist).map((c) => c.address));
    return new Set(changes.filter((c) => !unexplained.has(c.address)).map((c) => c.address));
  };
  const changed = explained(plan.resource_changes ?? []);
  const drifted = explained(plan.resource_drift ?? []);
  return {
    ...plan,
    resource_changes: (plan.resource_changes ?? []).map((rc) =>
      changed.has(rc.address) ? { ...rc, change: { ...rc.change, actions: ["no-op"], after: rc.change.before } } : rc,
    ),
    ...(plan.resource_drift ? { resource_drift: plan.resource_drift.filter((rc) => !drifted.has(rc.address)) } : {}),
  };
}
