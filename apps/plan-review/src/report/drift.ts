import { isRecord, renderPath } from "@ssm-access/terraform-kit";
import { PlannedChange } from "./plan";
import { AspectValue, ResourceState } from "./posture";
import { INGRESS } from "./posture-network";
import { DriftEntry } from "./types";

function stateOf(change: PlannedChange, values: unknown): ResourceState | undefined {
  return isRecord(values) ? { address: change.address, type: change.type, values } : undefined;
}

/** Ingress rules that appeared outside Terraform, in words. */
function ingressAdded(change: PlannedChange): string | undefined {
  const before = stateOf(change, change.before);
  const after = stateOf(change, change.after);
  if (before === undefined || after === undefined) return undefined;
  const read = (state: ResourceState): AspectValue | undefined => INGRESS.read(state, new Map());
  const was = read(before);
  const now = read(after);
  if (was === undefined || now === undefined) return undefined;
  const known = new Set((was.items ?? []).map((i) => i.key));
  const added = (now.items ?? []).filter((i) => !known.has(i.key));
  if (added.length === 0) return undefined;
  const callouts = [...new Set(added.flatMap((i) => (i.callout ? [i.callout] : [])))];
  return `ingress added outside Terraform: ${added.map((i) => i.text).join("; ")}${callouts.map((c) => `; ${c}`).join("")}`;
}

/** One drift entry: which attributes changed outside Terraform, and what, where it can be said briefly. */
function driftEntry(change: PlannedChange): DriftEntry {
  const deleted = change.after === null || change.actions.includes("delete");
  const detail = deleted ? "deleted outside Terraform" : ingressAdded(change);
  return {
    address: change.address,
    type: change.type,
    changedAttributes: deleted ? [] : change.changedPaths.map(renderPath),
    ...(detail !== undefined ? { detail } : {}),
  };
}

/**
 * Changes made outside Terraform since the last apply (`resource_drift`),
 * kept apart from the planned changes. Entries without a difference are left out.
 */
export function driftEntries(drift: readonly PlannedChange[]): DriftEntry[] {
  return drift
    .filter((change) => !change.actions.every((a) => a === "no-op"))
    .map(driftEntry)
    .filter((entry) => entry.changedAttributes.length > 0 || entry.detail !== undefined);
}
