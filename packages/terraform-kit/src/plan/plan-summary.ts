import { PlanResourceChange } from "./plan-json";

/** The resource changes of a plan, as much of each as the summary reads. */
export interface PlanChanges {
  readonly resource_changes?: readonly Pick<PlanResourceChange, "address" | "change">[];
}

/** Counts of a plan, as Terraform's own "Plan: X to add, Y to change, Z to destroy." line. */
export interface PlanCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/**
 * Counts the planned changes of a `terraform show -json` document: a
 * replacement counts once to add and once to destroy; reads and no-ops not at all.
 */
export function planCounts(plan: PlanChanges): PlanCounts {
  let add = 0;
  let change = 0;
  let destroy = 0;
  for (const resource of plan.resource_changes ?? []) {
    const actions = resource.change.actions;
    if (actions.includes("create")) {
      add++;
    }
    if (actions.includes("delete")) {
      destroy++;
    }
    if (actions.includes("update")) {
      change++;
    }
  }
  return { add, change, destroy };
}

/** `3 to add, 0 to change, 0 to destroy` */
export function formatPlanCounts(counts: PlanCounts): string {
  return `${counts.add} to add, ${counts.change} to change, ${counts.destroy} to destroy`;
}

/** Addresses of the resources the plan creates, in plan order. */
export function plannedCreates(plan: PlanChanges): string[] {
  return (plan.resource_changes ?? []).filter((r) => r.change.actions.includes("create")).map((r) => r.address);
}
