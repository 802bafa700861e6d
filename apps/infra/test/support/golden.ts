/**
 * Golden files of synthesized stacks, and the guard over resource addresses.
 *
 * Resource addresses (`aws_vpc.network`) are what Terraform keys its state by:
 * an address that disappears from a stack is a resource Terraform destroys
 * (and, under a new address, creates again). The golden JSON catches every
 * byte that changes; the address list catches the changes that destroy.
 *
 * Pure functions over strings and parsed JSON, so their own tests can show
 * that they fail when they should.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The environment variable that rewrites golden files and adds new addresses to the lists. */
export const UPDATE_GOLDEN_VARIABLE = "UPDATE_GOLDEN";

/** The command that rewrites the golden files, as failure messages show it. */
export const UPDATE_GOLDEN_COMMAND = `${UPDATE_GOLDEN_VARIABLE}=1 NX_DAEMON=false npx nx run infra:test`;

/** Whether this run rewrites golden files instead of comparing against them. */
export function updatingGolden(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[UPDATE_GOLDEN_VARIABLE] === "1";
}

/**
 * The first line where `actual` differs from `expected`, with `context` lines
 * of both around it, or `undefined` when the two are byte for byte equal.
 * A difference in line endings or a final newline is reported too.
 */
export function firstDifference(expected: string, actual: string, context = 3): string | undefined {
  if (expected === actual) return undefined;
  const want = expected.split("\n");
  const got = actual.split("\n");
  let line = 0;
  while (line < want.length && line < got.length && want[line] === got[line]) line++;
  const from = Math.max(0, line - context);
  const excerpt = (lines: readonly string[], sign: string): string[] => {
    const shown = lines.slice(from, line + context + 1).map((text, i) => {
      const n = from + i;
      return `${n === line ? sign : " "} ${String(n + 1).padStart(5)} | ${visible(text)}`;
    });
    return line < lines.length ? shown : [...shown, `${sign}       | (end of file)`];
  };
  return [
    `first difference at line ${line + 1} (golden has ${want.length} lines, synthesized ${got.length}):`,
    "  golden:",
    ...excerpt(want, "-").map((l) => `    ${l}`),
    "  synthesized:",
    ...excerpt(got, "+").map((l) => `    ${l}`),
  ].join("\n");
}

/** `text` with the characters that look like nothing on screen spelled out (`\r`, `\t`). */
function visible(text: string): string {
  return text.replace(/\r/g, "\\r").replace(/\t/g, "\\t");
}

/**
 * Why the synthesized JSON of `stack` does not match its golden file (absent:
 * `undefined`), or `undefined` when it does.
 */
export function goldenMismatch(stack: string, golden: string | undefined, synthesized: string): string | undefined {
  if (golden === undefined) {
    return `${stack}: no golden file yet. If this stack is new, write it with ${UPDATE_GOLDEN_COMMAND} and commit it.`;
  }
  const diff = firstDifference(golden, synthesized);
  if (diff === undefined) return undefined;
  return [
    `${stack}: the synthesized cdk.tf.json differs from its golden file. Every byte of it is what users apply;`,
    `if the change is deliberate, review it and rewrite the golden files with ${UPDATE_GOLDEN_COMMAND}.`,
    diff,
  ].join("\n");
}

/** Terraform JSON as far as addresses are concerned. */
interface AddressedJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly data?: Record<string, Record<string, unknown>>;
  readonly moved?: ReadonlyArray<{ readonly from?: unknown; readonly to?: unknown }>;
}

/** Every resource address of a stack (`<type>.<name>`, data sources `data.<type>.<name>`), sorted. */
export function resourceAddresses(json: unknown): string[] {
  const j = json as AddressedJson;
  const addresses: string[] = [];
  for (const [type, byName] of Object.entries(j.resource ?? {})) {
    for (const name of Object.keys(byName)) addresses.push(`${type}.${name}`);
  }
  for (const [type, byName] of Object.entries(j.data ?? {})) {
    for (const name of Object.keys(byName)) addresses.push(`data.${type}.${name}`);
  }
  return addresses.sort();
}

/** The `moved` blocks of a stack (cdktf `moveTo` / `moveFromId`), from address → to address. */
export function movedBlocks(json: unknown): Map<string, string> {
  const moved = new Map<string, string>();
  for (const block of (json as AddressedJson).moved ?? []) {
    if (typeof block.from === "string" && typeof block.to === "string") moved.set(block.from, block.to);
  }
  return moved;
}

/**
 * The addresses of `known` (the committed list) that the stack no longer has
 * and declares no `moved` block from: resources Terraform would destroy.
 * Empty when every known address is still there or moved.
 */
export function lostAddresses(known: readonly string[], json: unknown): string[] {
  const present = new Set(resourceAddresses(json));
  const moved = movedBlocks(json);
  return known.filter((address) => !present.has(address) && !moved.has(address));
}

/** Why the stack fails the address guard, or `undefined` when it passes. */
export function addressGuardProblem(stack: string, known: readonly string[], json: unknown): string | undefined {
  const lost = lostAddresses(known, json);
  if (lost.length === 0) return undefined;
  return [
    `${stack}: ${lost.length} resource address${lost.length === 1 ? "" : "es"} of the committed list no longer exist${lost.length === 1 ? "s" : ""}; Terraform would destroy ${lost.length === 1 ? "it" : "them"}:`,
    ...lost.map((a) => `  - ${a}`),
    'Keep the construct ids, or declare a moved block from each old address (resource.moveFromId("<old address>")',
    "or moveTo). If the resource is meant to go, remove its line from the address list by hand.",
  ].join("\n");
}

/**
 * The address list to commit after a deliberate change: every known address
 * that still exists or is moved (so its `moved` block stays guarded), plus the
 * new ones. A lost address is never dropped here: that takes a hand edit.
 */
export function updatedAddressList(known: readonly string[], json: unknown): string[] {
  return [...new Set([...known, ...resourceAddresses(json)])].sort();
}

/** Reads an address list: one address per line; blank lines and `#` comments are skipped. */
export function parseAddressList(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"));
}

/** Writes an address list with its header. */
export function formatAddressList(stack: string, addresses: readonly string[]): string {
  return [
    `# Resource addresses of the ${stack} stack: users' Terraform state is keyed by them.`,
    "# The golden test fails when one disappears without a moved block. New ones are",
    `# added by ${UPDATE_GOLDEN_COMMAND}; remove a line only for a resource meant to be destroyed.`,
    ...addresses,
    "",
  ].join("\n");
}

/** The content of `file`, or `undefined` when there is none. */
export function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

/** Writes `content` to `file`, creating its folder. */
export function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}
