/**
 * The cost of a change: the estimate of what exists before and of what the
 * change leaves after, and the monthly delta of each resource it creates,
 * changes or destroys.
 */
import { CostKind, Estimate } from "./estimate";

/** The monthly cost of one resource on each side, and the difference. */
export interface ResourceDelta {
  readonly address: string;
  readonly type: string;
  /** `create` (only after), `delete` (only before), `change` (both, cost differs). */
  readonly change: "create" | "delete" | "change";
  /** Priced monthly USD before (0 when absent), fixed and usage apart. */
  readonly before: { readonly fixed: number; readonly usage: number };
  readonly after: { readonly fixed: number; readonly usage: number };
  /** after − before, fixed and usage apart. */
  readonly deltaFixed: number;
  readonly deltaUsage: number;
  /** What differs, in a few words: `t3.nano → t3.micro`, `2 AZs → 3 AZs`. */
  readonly what: readonly string[];
  /** Lines of this resource without a price, on either side. */
  readonly unpriced: number;
}

/** Before → after totals and the per-resource deltas. */
export interface CostDelta {
  readonly before: Estimate;
  readonly after: Estimate;
  readonly deltaFixed: number;
  readonly deltaUsage: number;
  readonly deltaTotal: number;
  /** Resources whose cost or priced dimensions differ, largest absolute change first. */
  readonly resources: readonly ResourceDelta[];
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;

function byResource(estimate: Estimate) {
  const map = new Map<
    string,
    { type: string; fixed: number; usage: number; descriptions: string[]; unpriced: number }
  >();
  for (const line of estimate.lines) {
    const entry = map.get(line.address) ?? { type: line.type, fixed: 0, usage: 0, descriptions: [], unpriced: 0 };
    const kind: CostKind = line.kind;
    entry[kind] = cents(entry[kind] + (line.monthly ?? 0));
    entry.descriptions.push(line.description);
    if (line.monthly === null) entry.unpriced += 1;
    map.set(line.address, entry);
  }
  return map;
}

/** The cost delta between two estimates of the same stack. */
export function costDelta(before: Estimate, after: Estimate): CostDelta {
  const b = byResource(before);
  const a = byResource(after);
  const resources: ResourceDelta[] = [];
  for (const address of [...new Set([...b.keys(), ...a.keys()])]) {
    const x = b.get(address);
    const y = a.get(address);
    const fixedBefore = x?.fixed ?? 0;
    const usageBefore = x?.usage ?? 0;
    const fixedAfter = y?.fixed ?? 0;
    const usageAfter = y?.usage ?? 0;
    const what = [
      ...(x?.descriptions ?? []).filter((d) => !(y?.descriptions ?? []).includes(d)).map((d) => `− ${d}`),
      ...(y?.descriptions ?? []).filter((d) => !(x?.descriptions ?? []).includes(d)).map((d) => `+ ${d}`),
    ];
    const change = x === undefined ? "create" : y === undefined ? "delete" : "change";
    if (change === "change" && fixedBefore === fixedAfter && usageBefore === usageAfter && what.length === 0) continue;
    resources.push({
      address,
      type: y?.type ?? x?.type ?? "",
      change,
      before: { fixed: fixedBefore, usage: usageBefore },
      after: { fixed: fixedAfter, usage: usageAfter },
      deltaFixed: cents(fixedAfter - fixedBefore),
      deltaUsage: cents(usageAfter - usageBefore),
      what,
      unpriced: (x?.unpriced ?? 0) + (y?.unpriced ?? 0),
    });
  }
  resources.sort(
    (p, q) =>
      Math.abs(q.deltaFixed + q.deltaUsage) - Math.abs(p.deltaFixed + p.deltaUsage) || (p.address < q.address ? -1 : 1),
  );
  return {
    before,
    after,
    deltaFixed: cents(after.monthlyFixed - before.monthlyFixed),
    deltaUsage: cents(after.monthlyUsage - before.monthlyUsage),
    deltaTotal: cents(after.monthlyTotal - before.monthlyTotal),
    resources,
  };
}
