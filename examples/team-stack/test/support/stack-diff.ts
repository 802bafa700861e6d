/**
 * Compares a stack synthesized by two engines (cdktf and CDK Terrain) byte for
 * byte, with one allowed difference: the engine's own version in
 * `//.metadata.version`. A difference is said as the stack and the first JSON
 * path where the two part, so a broken leg points at the resource.
 *
 * One difference of layout is known and can be allowed: cdktf 0.21 writes an
 * empty array or object over two lines (`[` and `]`), cdktn 0.24 as `[]` /
 * `{}`. The JSON is the same; any other difference of layout still fails.
 */

/** Whether to accept `[`+newline+`]` (cdktf 0.21) where the other has `[]` (cdktn 0.24), and the same for `{}`. */
export interface StackDifferenceOptions {
  /** @default false */
  readonly allowEmptyContainerLayout?: boolean;
}

/** `text` with every empty array and object written on one line (`[]`, `{}`). */
export function collapseEmptyContainers(text: string): string {
  // A newline inside a JSON string is escaped, so a real one is always layout.
  return text.replace(/\[\n\s*\]/g, "[]").replace(/\{\n\s*\}/g, "{}");
}

/** The JSON path of `key` under `parent`: `a.b`, `a["//"]`, `a[0]`. */
function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * The first place where `a` and `b` differ, in document order (keys compared
 * in the order they are written, as bytes are), or `undefined` when they are
 * the same JSON value with the same key order.
 */
export function firstDifference(a: unknown, b: unknown, at = ""): string | undefined {
  const where = at === "" ? "(the whole document)" : at;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], childPath(at, i));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) {
        const key = ka[i] ?? kb[i];
        if (ka[i] !== undefined && kb[i] !== undefined && key in b && kb[i] in a)
          return `${childPath(at, key)}: the keys are in another order (${show(ka[i])} here, ${show(kb[i])} in the other)`;
        return `${childPath(at, key)}: ${show(a[key])} in one, ${show(b[key])} in the other`;
      }
      const d = firstDifference(a[ka[i]], b[kb[i]], childPath(at, ka[i]));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${where}: ${show(a)} in one, ${show(b)} in the other`;
}

/** `//.metadata.version` of a synthesized stack, or undefined. */
export function engineVersion(stack: unknown): string | undefined {
  const v = (stack as { "//"?: { metadata?: { version?: unknown } } } | null)?.["//"]?.metadata?.version;
  return typeof v === "string" ? v : undefined;
}

/**
 * Why `otherText` (a stack as the second engine wrote it) is not `baseText`
 * (the same stack from the first engine) byte for byte apart from
 * `//.metadata.version`; `undefined` when it is. Messages start with the stack.
 */
export function stackDifference(
  stack: string,
  baseText: string,
  otherText: string,
  options: StackDifferenceOptions = {},
): string | undefined {
  let base: unknown;
  let other: unknown;
  try {
    base = JSON.parse(baseText);
    other = JSON.parse(otherText);
  } catch (e) {
    return `${stack}: not JSON: ${(e as Error).message}`;
  }
  const baseVersion = engineVersion(base);
  const otherVersion = engineVersion(other);
  if (baseVersion === undefined || otherVersion === undefined)
    return `${stack}: ["//"].metadata.version: ${show(baseVersion)} in one, ${show(otherVersion)} in the other (the engine writes its version there)`;
  // The other stack with the first one's version: any difference found then is a real one.
  const metadata = (other as { "//": { metadata: { version: string } } })["//"].metadata;
  metadata.version = baseVersion;
  const d = firstDifference(base, other);
  metadata.version = otherVersion;
  if (d !== undefined) return `${stack}: ${d}`;
  // Same values in the same key order: the bytes may still differ in layout (indentation, final newline).
  const versionLine = (v: string) => `"version": ${JSON.stringify(v)}`;
  const layout = options.allowEmptyContainerLayout ? collapseEmptyContainers : (t: string) => t;
  const la = layout(baseText).split("\n");
  const lb = layout(otherText).split("\n");
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] === undefined || la[i].replace(versionLine(baseVersion), versionLine(otherVersion)) !== lb[i])
      return `${stack}: the same JSON, written differently from line ${i + 1}: ${show(la[i])} in one, ${show(lb[i])} in the other`;
  }
  return undefined;
}
