import { EMULATOR_ARTIFACTS, PlanJson, differingPaths, pathUnder } from "@ssm-access/aws-emulator";

interface ConfiguredResource {
  readonly address: string;
  readonly expressions?: Readonly<Record<string, unknown>>;
}

interface PlanWithConfiguration extends PlanJson {
  readonly configuration?: { readonly root_module?: { readonly resources?: readonly ConfiguredResource[] } };
  readonly relevant_attributes?: readonly {
    readonly resource: string;
    readonly attribute: readonly (string | number)[];
  }[];
}

/** `aws_ec2_tag.x["Owner"]` → `aws_ec2_tag.x`: the configuration's address of an instance. */
function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

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
  const p = plan as PlanWithConfiguration;
  const managed = new Map<string, Set<string>>();
  const add = (address: string, attribute: string) => {
    const set = managed.get(address) ?? new Set<string>();
    set.add(attribute);
    managed.set(address, set);
  };
  for (const r of p.configuration?.root_module?.resources ?? [])
    for (const key of Object.keys(r.expressions ?? {})) add(r.address, key);
  for (const r of p.relevant_attributes ?? [])
    if (typeof r.attribute[0] === "string") add(configAddress(r.resource), r.attribute[0]);

  const resource_drift = (plan.resource_drift ?? []).flatMap((d) => {
    const keep = managed.get(configAddress(d.address)) ?? new Set<string>();
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
