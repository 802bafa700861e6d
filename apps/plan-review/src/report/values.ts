import { PathStep, isRecord } from "@ssm-access/terraform-kit";

/** Stands for a value that Terraform knows only after apply. */
export const UNKNOWN = "(known after apply)";

/** Stands for a value marked sensitive; the value itself is never kept. */
export const SENSITIVE = "(sensitive)";

/** JSON text of `value` with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "undefined";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

/** Structural equality of two JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** Whether `prefix` is `path` or one of its ancestors. */
export function isPathPrefix(prefix: readonly PathStep[], path: readonly PathStep[]): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => step === path[i]);
}

/** The longest path that is a prefix of every path given (empty for none). */
export function commonPathPrefix(paths: readonly (readonly PathStep[])[]): PathStep[] {
  if (paths.length === 0) return [];
  const common = [...paths[0]];
  for (const path of paths.slice(1)) {
    let i = 0;
    while (i < common.length && i < path.length && common[i] === path[i]) i++;
    common.length = i;
  }
  return common;
}

/**
 * Replaces the parts of `value` that a Terraform sensitivity mark
 * (`before_sensitive` / `after_sensitive`: `true`, or an object or array
 * mirroring the value) flags with {@link SENSITIVE}.
 */
export function maskSensitive(value: unknown, marks: unknown): unknown {
  if (marks === true) return value === null || value === undefined ? value : SENSITIVE;
  if (value === UNKNOWN) return value;
  if (Array.isArray(value) && Array.isArray(marks)) {
    return value.map((item, i) => maskSensitive(item, marks[i]));
  }
  if (isRecord(value) && isRecord(marks)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskSensitive(item, marks[key])]));
  }
  return value;
}

/**
 * `after` with every part that `after_unknown` flags replaced by
 * {@link UNKNOWN}; Terraform leaves such parts out of `after` (or null).
 */
export function withUnknowns(value: unknown, marks: unknown): unknown {
  if (!anyMarked(marks)) return value;
  if (marks === true) return UNKNOWN;
  if (Array.isArray(marks)) {
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, marks.length);
    return Array.from({ length }, (_, i) => withUnknowns(items[i], marks[i]));
  }
  if (isRecord(marks)) {
    const fields = isRecord(value) ? value : {};
    const keys = new Set([...Object.keys(fields), ...Object.keys(marks)]);
    return Object.fromEntries([...keys].map((key) => [key, withUnknowns(fields[key], marks[key])]));
  }
  return value;
}

/** Whether any part of a sensitivity or unknown mark is `true`. */
export function anyMarked(marks: unknown): boolean {
  if (marks === true) return true;
  if (Array.isArray(marks)) return marks.some(anyMarked);
  if (isRecord(marks)) return Object.values(marks).some(anyMarked);
  return false;
}

/**
 * The paths where `a` and `b` differ: down to leaves where both sides are
 * objects or lists, and at the element or key itself where one side lacks it
 * (so an added ingress rule is `ingress[0]`, not each of its fields).
 */
export function changedPaths(a: unknown, b: unknown, path: readonly PathStep[] = []): PathStep[][] {
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    return Array.from({ length }, (_, i) => changedPaths(a[i], b[i], [...path, i])).flat();
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => changedPaths(a[key], b[key], [...path, key]));
  }
  return deepEqual(a ?? null, b ?? null) ? [] : [[...path]];
}

/**
 * `path` cut after its first step that a sensitivity mark flags as a whole,
 * so nothing below a sensitive attribute (not even a map key) is named.
 */
export function cutAtSensitive(path: readonly PathStep[], ...marks: unknown[]): PathStep[] {
  for (let length = 0; length <= path.length; length++) {
    if (marks.some((m) => valueAt(m, path.slice(0, length)) === true)) return path.slice(0, length);
  }
  return [...path];
}

/** The value at `path` inside `value`, or `undefined`. */
export function valueAt(value: unknown, path: readonly PathStep[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof step === "number" ? !Array.isArray(current) : !isRecord(current)) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** Whether `text` matches an IAM-style pattern (`*` any run of characters, `?` one), ignoring case. */
export function globMatch(pattern: string, text: string): boolean {
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "is").test(text);
}

/** `value` as a list: lists as they are, one value as a list of one, nothing as empty. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The last segment of a slash-separated path: `prod.json` for `apps/infra/environments/prod.json`. */
export function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
