/**
 * Reading a synthesized stack (Terraform JSON configuration syntax, as cdktf
 * writes it): resources by type, and the references between them
 * (`${aws_subnet.network_isolated_subnet_a.id}`).
 */
import type { StackJson } from "@ssm-access/terraform-kit";

/** One `resource` block of the stack. */
export interface TerraformResource {
  /** `<type>.<name>`, e.g. `aws_subnet.network_isolated_subnet_a`. */
  readonly address: string;
  /** Resource type, e.g. `aws_subnet`. */
  readonly type: string;
  /** Resource name, e.g. `network_isolated_subnet_a`. */
  readonly name: string;
  /** The construct path cdktf records (`"//"` → `metadata.path`), e.g. `dev/Network/IsolatedSubnetA`. */
  readonly constructPath?: string;
  /** The block's arguments as written. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Orders strings by code point: the same order on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every resource of `type`, sorted by address. */
export function resourcesOf(stack: StackJson, type: string): TerraformResource[] {
  const resources = isRecord(stack.resource) ? stack.resource : {};
  const blocks = resources[type];
  if (!isRecord(blocks)) return [];
  return Object.keys(blocks)
    .filter((name) => name !== "//" && isRecord(blocks[name]))
    .sort()
    .map((name) => {
      const body = blocks[name] as Record<string, unknown>;
      const meta = isRecord(body["//"]) && isRecord(body["//"].metadata) ? body["//"].metadata : {};
      const constructPath = typeof meta.path === "string" ? meta.path : undefined;
      return {
        address: `${type}.${name}`,
        type,
        name,
        body,
        ...(constructPath !== undefined ? { constructPath } : {}),
      };
    });
}

const REFERENCE = /\$\{([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)[.[}]/g;

/**
 * Addresses of the resources `value` refers to (strings anywhere inside it),
 * in order of appearance without repeats; only resources of `type` when given.
 * `data.` and `var.` references are not resources and are left out.
 */
export function referencesIn(value: unknown, type?: string): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const match of v.matchAll(REFERENCE)) {
        const [, refType, refName] = match;
        if (refType === "data" || refType === "var" || refType === "local" || refType === "module") continue;
        if (type !== undefined && refType !== type) continue;
        const address = `${refType}.${refName}`;
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

/** The first resource of `type` that `value` refers to. */
export function referenceTo(value: unknown, type: string): string | undefined {
  return referencesIn(value, type)[0];
}

/** A string argument, or `undefined`. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** A number argument (or a string of digits, as cdktf sometimes writes them), or `undefined`. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** A block argument: cdktf writes single blocks as objects, Terraform JSON allows lists of them. */
export function blocksOf(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** The `Name` tag of a resource. */
export function nameTagOf(resource: TerraformResource): string | undefined {
  return isRecord(resource.body.tags) ? stringOf(resource.body.tags.Name) : undefined;
}

/**
 * The name a reader knows a resource by, from its construct path: the last
 * segment, or the one before it when the last is `Resource`
 * (`dev/Instances/app-1/Resource` → `app-1`); the Terraform name without one.
 */
export function constructNameOf(resource: TerraformResource): string {
  const segments = (resource.constructPath ?? "").split("/").filter(Boolean);
  if (segments.length >= 2 && segments[segments.length - 1] === "Resource") return segments[segments.length - 2];
  return segments.length >= 2 ? segments[segments.length - 1] : resource.name;
}
