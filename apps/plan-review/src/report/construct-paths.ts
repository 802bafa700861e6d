import { isRecord } from "./values";

/**
 * Construct paths of a synthesized stack (`cdk.tf.json`) by Terraform
 * address: `aws_vpc.network` → `Network/Resource`, data sources as
 * `data.<type>.<name>`. The stack prefix (`prod/`) is dropped.
 */
export function constructPaths(stackJson: unknown, what = "stackJson"): Map<string, string> {
  if (stackJson === undefined || stackJson === null) return new Map();
  if (!isRecord(stackJson)) throw new Error(`${what}: not a synthesized stack (a cdk.tf.json object)`);
  return new Map([...blockPaths(stackJson.resource, ""), ...blockPaths(stackJson.data, "data.")]);
}

/** `resource` or `data`: `{ type: { name: block } }`, where Terraform JSON also allows lists of such maps. */
function blockPaths(section: unknown, prefix: string): [string, string][] {
  if (!isRecord(section)) return [];
  const found: [string, string][] = [];
  for (const [type, blocks] of Object.entries(section)) {
    for (const group of Array.isArray(blocks) ? blocks : [blocks]) {
      if (!isRecord(group)) continue;
      for (const [name, block] of Object.entries(group)) {
        const path = metadataPath(block);
        if (path !== undefined) found.push([`${prefix}${type}.${name}`, withoutStack(path)]);
      }
    }
  }
  return found;
}

function metadataPath(block: unknown): string | undefined {
  if (!isRecord(block)) return undefined;
  const comment = block["//"];
  const metadata = isRecord(comment) ? comment.metadata : undefined;
  return isRecord(metadata) && typeof metadata.path === "string" ? metadata.path : undefined;
}

/** `prod/Network/Resource` → `Network/Resource`. */
function withoutStack(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}
