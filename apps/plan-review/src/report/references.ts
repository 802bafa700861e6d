import { isRecord, PathStep } from "@ssm-access/terraform-kit";
import { ConfigResource } from "./plan";

/** An expression of `configuration`: `{ references?: [...], constant_value?: ... }`. */
function isExpression(node: unknown): node is { references?: unknown } {
  return isRecord(node) && ("references" in node || "constant_value" in node);
}

/** Every reference string in an expression tree (attributes and nested blocks). */
function allReferences(node: unknown): string[] {
  if (isExpression(node)) {
    return Array.isArray(node.references) ? node.references.filter((r): r is string => typeof r === "string") : [];
  }
  if (Array.isArray(node)) return node.flatMap(allReferences);
  if (isRecord(node)) return Object.values(node).flatMap(allReferences);
  return [];
}

/**
 * The references of the configuration expression behind an attribute path
 * (`["subnet_id"]`, `["launch_template", 0, "id"]`): nested blocks are
 * followed as far as the configuration has them, and the whole attribute's
 * references are used where the path goes deeper than an expression.
 */
export function referencesAt(resource: ConfigResource, path: readonly PathStep[]): string[] {
  const expressions = resource.expressions ?? {};
  let node: unknown = expressions;
  for (const step of path) {
    if (isExpression(node)) break;
    const next: unknown = Array.isArray(node)
      ? node[typeof step === "number" ? step : 0]
      : isRecord(node)
        ? node[String(step)]
        : undefined;
    if (next === undefined) break;
    node = next;
  }
  return node === expressions && path.length > 0 ? [] : allReferences(node);
}
