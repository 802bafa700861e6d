/**
 * Values the diagram reads from the resources of a synthesized stack (read
 * with `@ssm-access/terraform-kit`): strings, numbers, names, the resource
 * a reference leads to.
 */
import { StackBlock, isRecord, referencesIn } from "@ssm-access/terraform-kit";

/** Orders strings by code point: the same order on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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

/** The `Name` tag of a resource. */
export function nameTagOf(resource: StackBlock): string | undefined {
  return isRecord(resource.body.tags) ? stringOf(resource.body.tags.Name) : undefined;
}

/**
 * The name a reader knows a resource by, from its construct path: the last
 * segment, or the one before it when the last is `Resource`
 * (`dev/Instances/app-1/Resource` → `app-1`); the Terraform name without one.
 */
export function constructNameOf(resource: StackBlock): string {
  const segments = (resource.constructPath ?? "").split("/").filter(Boolean);
  if (segments.length >= 2 && segments[segments.length - 1] === "Resource") return segments[segments.length - 2];
  return segments.length >= 2 ? segments[segments.length - 1] : resource.name;
}
