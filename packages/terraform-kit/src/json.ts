/** A JSON object. */
export type JsonRecord = Record<string, unknown>;

/** Whether `value` is a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The objects of a value that Terraform JSON allows as one object or as a
 * list of objects (a block, or a map of labelled blocks): the object as a
 * list of one, the objects of a list, nothing for anything else.
 */
export function objectsOf(value: unknown): JsonRecord[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}
