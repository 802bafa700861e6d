import { PlanConfigResource, PlanJson } from "./plan-json";

/** What Terraform does to one resource, in one word. */
export type PlanAction = "create" | "update" | "replace" | "delete" | "read" | "no-op";

/**
 * Terraform's `actions` in one word: `["delete", "create"]` and
 * `["create", "delete"]` are a replacement; `["no-op"]`, and anything that
 * changes nothing (`["forget"]`), a no-op.
 */
export function planAction(actions: readonly string[]): PlanAction {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.length !== 1) return "no-op";
  const [action] = actions;
  return action === "create" || action === "update" || action === "delete" || action === "read" ? action : "no-op";
}

/** The address without a trailing instance key: `aws_x.y` for `aws_x.y[0]` or `aws_x.y["a"]`. */
export function resourceAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

/** The resource blocks of the plan's root module configuration, by address (`aws_vpc.network`). */
export function configResources(plan: PlanJson): Map<string, PlanConfigResource> {
  return new Map((plan.configuration?.root_module?.resources ?? []).map((resource) => [resource.address, resource]));
}
