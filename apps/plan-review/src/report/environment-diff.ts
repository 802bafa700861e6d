import { isRecord, PathStep } from "@ssm-access/terraform-kit";
import { deepEqual } from "./values";

/**
 * One changed field of an environment file, by its path in each file. Both
 * paths are the same except inside lists of named objects (`instances`),
 * which are matched by `name`: an instance only in the base file has no
 * `head` path, one only in the head file no `base` path.
 */
export interface FieldChange {
  readonly base?: readonly PathStep[];
  readonly head?: readonly PathStep[];
}

/** Keys that say nothing about the environment. */
const IGNORED_ROOT_KEYS = new Set(["$schema"]);

/**
 * The fields that differ between two environment files: leaf values
 * (`network.cidr`, `instances[0].instanceType`), whole lists of plain values
 * (`network.availabilityZones`), and fields or list items present on one
 * side only (`operatorAccess.portForwarding`, `instances[1]`).
 */
export function diffEnvironments(base: unknown, head: unknown): FieldChange[] {
  return diffValues(base, head, [], []);
}

function diffValues(base: unknown, head: unknown, basePath: PathStep[], headPath: PathStep[]): FieldChange[] {
  if (isRecord(base) && isRecord(head)) {
    const keys = [...new Set([...Object.keys(base), ...Object.keys(head)])].filter(
      (key) => basePath.length > 0 || !IGNORED_ROOT_KEYS.has(key),
    );
    return keys.flatMap((key) => diffValues(base[key], head[key], [...basePath, key], [...headPath, key]));
  }
  if (Array.isArray(base) && Array.isArray(head)) {
    if (isNamedList(base) && isNamedList(head)) return diffNamedLists(base, head, basePath, headPath);
    if (base.every(isRecord) && head.every(isRecord)) {
      const length = Math.max(base.length, head.length);
      return Array.from({ length }, (_, i) => diffValues(base[i], head[i], [...basePath, i], [...headPath, i])).flat();
    }
    const elements = diffPlainList(base, head, basePath, headPath);
    if (elements !== undefined) return elements;
  }
  return deepEqual(base ?? null, head ?? null) ? [] : [{ base: basePath, head: headPath }];
}

/**
 * Lists of plain values (Availability Zones, ports) by element: each value
 * only in the base list is removed at its base index, each value only in the
 * head list added at its head index. `undefined` (the whole list changed)
 * when both hold the same values in another order, or repeat a value.
 */
function diffPlainList(
  base: readonly unknown[],
  head: readonly unknown[],
  basePath: PathStep[],
  headPath: PathStep[],
): FieldChange[] | undefined {
  const plain = (list: readonly unknown[]) =>
    list.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v)) &&
    new Set(list).size === list.length;
  if (!plain(base) || !plain(head)) return undefined;
  const removed = base.flatMap((v, i) => (head.includes(v) ? [] : [{ base: [...basePath, i] }]));
  const added = head.flatMap((v, j) => (base.includes(v) ? [] : [{ head: [...headPath, j] }]));
  if (removed.length === 0 && added.length === 0) return deepEqual(base, head) ? [] : undefined;
  return [...removed, ...added];
}

function isNamedList(list: readonly unknown[]): list is Record<string, unknown>[] {
  return list.every((item) => isRecord(item) && typeof item.name === "string");
}

function diffNamedLists(
  base: readonly Record<string, unknown>[],
  head: readonly Record<string, unknown>[],
  basePath: PathStep[],
  headPath: PathStep[],
): FieldChange[] {
  const headIndex = new Map(head.map((item, i) => [item.name, i]));
  const baseNames = new Set(base.map((item) => item.name));
  const changes: FieldChange[] = [];
  base.forEach((item, i) => {
    const j = headIndex.get(item.name);
    if (j === undefined) changes.push({ base: [...basePath, i] });
    else changes.push(...diffValues(item, head[j], [...basePath, i], [...headPath, j]));
  });
  head.forEach((item, j) => {
    if (!baseNames.has(item.name)) changes.push({ head: [...headPath, j] });
  });
  return changes;
}

/** Index of the item named `name` in the list at `field` of an environment file, if any. */
export function indexByName(environment: unknown, field: string, name: string): number | undefined {
  const list = isRecord(environment) ? environment[field] : undefined;
  if (!Array.isArray(list)) return undefined;
  const index = list.findIndex((item) => isRecord(item) && item.name === name);
  return index < 0 ? undefined : index;
}
