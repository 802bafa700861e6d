/**
 * References between the blocks of a configuration: the interpolations of a
 * synthesized stack (`${aws_subnet.network_isolated_subnet_a.id}`) and the
 * `references` of a plan's `configuration` (`aws_subnet.a.id`).
 */
import { isRecord } from "../json";

/** First words of a reference that name no resource. */
const NOT_RESOURCES = ["var", "local", "module", "each", "count", "path", "terraform", "self"];

/**
 * The managed resource (or data source) a reference names:
 * `aws_subnet.a.id` → `aws_subnet.a`, `data.aws_ami.x.id` → `data.aws_ami.x`,
 * `aws_route_table.t[0].id` → `aws_route_table.t`;
 * `undefined` for variables, locals and other non-resource references.
 */
export function referencedResource(reference: string): string | undefined {
  const parts = reference.split(".");
  const [first] = parts;
  if (first === "data") return parts.length >= 3 ? parts.slice(0, 3).join(".").replace(/\[.*$/, "") : undefined;
  if (NOT_RESOURCES.includes(first)) return undefined;
  return parts.length >= 2 ? `${parts[0]}.${parts[1].replace(/\[.*$/, "")}` : undefined;
}

/** The start of each interpolation that names something: `${aws_subnet.a` of `${aws_subnet.a.id}`. */
const INTERPOLATION = /\$\{([A-Za-z][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)(?=[.[}])/g;

/**
 * Addresses of the managed resources `value` refers to (interpolations in
 * strings anywhere inside it, the cdktf comment `"//"` left out), in order
 * of appearance without repeats; only resources of `type` when given.
 * Data sources, variables and locals are not managed resources and are left out.
 */
export function referencesIn(value: unknown, type?: string): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const match of v.matchAll(INTERPOLATION)) {
        const address = referencedResource(match[1]);
        if (address === undefined || address.startsWith("data.")) continue;
        if (type !== undefined && !address.startsWith(`${type}.`)) continue;
        if (!found.includes(address)) found.push(address);
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (isRecord(v)) {
      for (const [key, inner] of Object.entries(v)) if (key !== "//") visit(inner);
    }
  };
  visit(value);
  return found;
}
