import { EMULATOR_ARTIFACTS, differingPaths, pathUnder } from "@ssm-access/aws-emulator";
import { PlanJson, resourceAddress } from "@ssm-access/terraform-kit";

/**
 * The plan with its `resource_drift` reduced to what the configuration
 * manages. A refresh reports every attribute that changed since the last
 * apply, most of them filled in by other resources of the same stack (a
 * security group's `egress` from its separate rule resources, a bucket's
 * `lifecycle_rule` from its lifecycle resource, a role's `inline_policy`):
 * that is not drift anyone made. Drift here is a change outside Terraform to
 * an attribute the configuration sets (Terraform will set it back) or that
 * the plan depends on (`relevant_attributes`). Each kept entry has the other
 * attributes put back to their old values, so only the drift shows.
 *
 * `ignoreArtifacts` also leaves out what only an emulator reads back
 * differently (when the baseline is emulated).
 */
export function managedDrift(plan: PlanJson, ignoreArtifacts = false): PlanJson {
  const managed = new Map<string, Set<string>>();
  const add = (address: string, attribute: string) => {
    const set = managed.get(address) ?? new Set<string>();
    set.add(attribute);
    managed.set(address, set);
  };
  for (const r of plan.configuration?.root_module?.resources ?? [])
    for (const key of Object.keys(r.expressions ?? {})) add(r.address, key);
  for (const r of plan.relevant_attributes ?? [])
    if (typeof r.attribute[0] === "string") add(resourceAddress(r.resource), r.attribute[0]);

  const resource_drift = (plan.resource_drift ?? []).flatMap((d) => {
    const keep = managed.get(resourceAddress(d.address)) ?? new Set<string>();
    const before = (d.change.before ?? {}) as Record<string, unknown>;
    const after = { ...((d.change.after ?? {}) as Record<string, unknown>) };
    for (const key of Object.keys(after)) if (!keep.has(key)) after[key] = before[key];
    let paths = differingPaths(before, after);
    if (ignoreArtifacts)
      paths = paths.filter((path) => !EMULATOR_ARTIFACTS.some((a) => a.type === d.type && pathUnder(path, a.path)));
    if (paths.length === 0) return [];
    return [{ ...d, change: { ...d.change, after } }];
  });
  return { ...plan, resource_drift };
}
