import { TerraformElement, TerraformStack } from "cdktf";
import { Construct, Node } from "constructs";

/**
 * A `TerraformStack` whose logical ids are readable and stable: the construct
 * path below the stack in snake case, without cdktf's hash suffix and without
 * `Resource` / `Default` segments. `Network/IsolatedSubnet/eu-west-1a/Resource`
 * becomes `network_isolated_subnet_eu_west_1a`.
 *
 * Reviewers read `aws_instance.instances_web` in a plan instead of
 * `aws_instance.Instances_web_Instance_1A2B3C4D`, and `terraform test` suites
 * can address resources by name. Renaming a construct still changes its id
 * (as with the default scheme); two paths that map to one id fail the synth.
 */
export class ReadableStack extends TerraformStack {
  private readonly allocated = new Map<string, string>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  protected override allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const stackIndex = node.scopes.indexOf(this);
    const components = node.scopes.slice(stackIndex + 1).map((c) => c.node.id);
    const id = readableLogicalId(components);
    const path = components.join("/");
    const previous = this.allocated.get(id);
    if (previous !== undefined && previous !== path) {
      throw new Error(
        `${this.node.path}: logical id "${id}" would be used by both "${previous}" and "${path}"; rename one of them`,
      );
    }
    this.allocated.set(id, path);
    return id;
  }
}

/** The readable logical id of a construct path (see {@link ReadableStack}). */
export function readableLogicalId(components: readonly string[]): string {
  const words = components
    .filter((c) => c !== "Resource" && c !== "Default")
    .map((c) =>
      c
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "")
        .toLowerCase(),
    )
    .filter((c) => c.length > 0);
  if (words.length === 0) throw new Error(`no logical id can be made from path "${components.join("/")}"`);
  const id = words.join("_");
  return /^[a-z_]/.test(id) ? id : `_${id}`;
}
