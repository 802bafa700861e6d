import { isRecord, JsonRecord } from "@ssm-access/terraform-kit";
import { PolicyStatementDiff } from "./types";
import { UNKNOWN, asList, canonicalJson, globMatch } from "./values";

/** A policy attribute's value, read: its statements, unknown until apply, or not a policy document. */
export type ReadPolicy =
  | { readonly kind: "statements"; readonly statements: readonly JsonRecord[] }
  | { readonly kind: "unknown" }
  | { readonly kind: "opaque"; readonly text: string };

/** Reads a policy JSON string (`policy`, `assume_role_policy`); an absent policy has no statements. */
export function readPolicy(value: unknown): ReadPolicy {
  if (value === UNKNOWN) return { kind: "unknown" };
  if (value === undefined || value === null || value === "") return { kind: "statements", statements: [] };
  if (typeof value !== "string") return { kind: "opaque", text: String(value) };
  try {
    const document: unknown = JSON.parse(value);
    if (!isRecord(document)) return { kind: "opaque", text: value };
    return { kind: "statements", statements: asList(document.Statement).filter(isRecord) };
  } catch {
    return { kind: "opaque", text: value };
  }
}

function sidOf(statement: JsonRecord): string | undefined {
  return typeof statement.Sid === "string" && statement.Sid !== "" ? statement.Sid : undefined;
}

/**
 * Statement-by-statement difference: statements with the same `Sid` are
 * compared (equal, or `changed`); the others are matched by content, the
 * rest are `added` or `removed`.
 */
export function diffStatements(before: readonly JsonRecord[], after: readonly JsonRecord[]): PolicyStatementDiff {
  const beforeBySid = new Map<string, JsonRecord>();
  for (const statement of before) {
    const sid = sidOf(statement);
    if (sid !== undefined && !beforeBySid.has(sid)) beforeBySid.set(sid, statement);
  }
  const matched = new Set<JsonRecord>();
  const changed: { sid?: string; before: unknown; after: unknown }[] = [];
  const unmatchedAfter: JsonRecord[] = [];
  for (const statement of after) {
    const sid = sidOf(statement);
    const previous = sid === undefined ? undefined : beforeBySid.get(sid);
    if (previous === undefined || matched.has(previous)) {
      unmatchedAfter.push(statement);
      continue;
    }
    matched.add(previous);
    if (canonicalJson(previous) !== canonicalJson(statement)) changed.push({ sid, before: previous, after: statement });
  }
  const remaining = before.filter((s) => !matched.has(s));
  const added: JsonRecord[] = [];
  for (const statement of unmatchedAfter) {
    const text = canonicalJson(statement);
    const same = remaining.findIndex((s) => canonicalJson(s) === text);
    if (same >= 0) remaining.splice(same, 1);
    else added.push(statement);
  }
  return { added, removed: remaining, changed };
}

/** Whether a statement difference is empty. */
export function isEmptyDiff(diff: PolicyStatementDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

function effectOf(statement: unknown): "Allow" | "Deny" {
  return isRecord(statement) && statement.Effect === "Deny" ? "Deny" : "Allow";
}

/** `Allow statement \`Sid\`` or `Allow statement (ssm:StartSession)` for one without a Sid. */
export function statementLabel(statement: unknown): string {
  const record = isRecord(statement) ? statement : {};
  const sid = sidOf(record);
  const actions = asList(record.Action ?? record.NotAction).map(String);
  const what =
    sid !== undefined ? `\`${sid}\`` : `(${actions.slice(0, 3).join(", ")}${actions.length > 3 ? ", ..." : ""})`;
  return `${effectOf(statement)} statement ${what}`;
}

function strings(value: unknown): string[] {
  return asList(value).map((v) => (typeof v === "string" ? v : canonicalJson(v)));
}

/** `"*"` → `["*"]`; `{ AWS: [a], Service: s }` → `["AWS:a", "Service:s"]`. */
function principals(value: unknown): string[] {
  if (value === undefined) return [];
  if (!isRecord(value)) return strings(value);
  return Object.entries(value).flatMap(([kind, ids]) => strings(ids).map((id) => (id === "*" ? "*" : `${kind}:${id}`)));
}

function conditions(value: unknown): string[] {
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([operator, tests]) =>
    isRecord(tests) ? Object.entries(tests).map(([key, v]) => `${operator} ${key} ${canonicalJson(v)}`) : [],
  );
}

/** Whether every entry of `inner` is one of `outer` or matched by one of its wildcard patterns. */
function covered(inner: readonly string[], outer: readonly string[]): boolean {
  return inner.every((item) => outer.some((pattern) => pattern === item || globMatch(pattern, item)));
}

/** The parts (Action, Resource, Principal, Condition, ...) in which `after` reaches further than `before`. */
function widenedParts(before: JsonRecord, after: JsonRecord): string[] {
  const parts: string[] = [];
  const check = (name: string, wider: boolean) => {
    if (wider) parts.push(name);
  };
  check("Action", !covered(strings(after.Action), strings(before.Action)));
  check("Resource", !covered(strings(after.Resource), strings(before.Resource)));
  check("Principal", !covered(principals(after.Principal), principals(before.Principal)));
  check("NotAction", canonicalJson(after.NotAction) !== canonicalJson(before.NotAction));
  check("NotResource", canonicalJson(after.NotResource) !== canonicalJson(before.NotResource));
  check("NotPrincipal", canonicalJson(after.NotPrincipal) !== canonicalJson(before.NotPrincipal));
  check("Condition", !covered(conditions(before.Condition), conditions(after.Condition)));
  return parts;
}

/**
 * Why a statement difference loosens the policy: an added Allow, a removed
 * Deny, an Allow that reaches further (Action, Resource, Principal, fewer
 * conditions), a Deny that reaches less, or a Deny turned into an Allow.
 * Empty when it only tightens.
 */
export function weakeningReasons(diff: PolicyStatementDiff): string[] {
  const reasons: string[] = [];
  for (const statement of diff.added) {
    if (effectOf(statement) === "Allow") reasons.push(`adds ${statementLabel(statement)}`);
  }
  for (const statement of diff.removed) {
    if (effectOf(statement) === "Deny") reasons.push(`removes ${statementLabel(statement)}`);
  }
  for (const { before, after } of diff.changed) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    if (effectOf(b) === "Deny" && effectOf(a) === "Allow") {
      reasons.push(`turns ${statementLabel(b)} into an Allow`);
    } else if (effectOf(a) === "Allow") {
      const parts = widenedParts(b, a);
      if (parts.length > 0) reasons.push(`widens ${statementLabel(a)} (${parts.join(", ")})`);
    } else if (effectOf(b) === "Deny") {
      const parts = widenedParts(a, b);
      if (parts.length > 0) reasons.push(`narrows ${statementLabel(a)} (${parts.join(", ")})`);
    }
  }
  return reasons;
}

/** `3 statements`, `1 statement`. */
export function statementCount(count: number): string {
  return `${count} statement${count === 1 ? "" : "s"}`;
}

/** `1 added, 2 changed`: the non-zero parts of a difference. */
export function diffSummary(diff: PolicyStatementDiff): string {
  return [
    [diff.added.length, "added"],
    [diff.removed.length, "removed"],
    [diff.changed.length, "changed"],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, what]) => `${count} ${what}`)
    .join(", ");
}

/** Whether a statement (of either effect) names `action` (wildcards honoured). */
export function coversAction(statement: JsonRecord, action: string): boolean {
  if (statement.NotAction !== undefined) return !strings(statement.NotAction).some((p) => globMatch(p, action));
  return strings(statement.Action).some((p) => globMatch(p, action));
}

/** The `Resource` patterns of a statement (`["*"]` for a `NotResource` statement, conservatively). */
export function resourcePatterns(statement: JsonRecord): string[] {
  return statement.NotResource !== undefined ? ["*"] : strings(statement.Resource);
}

/**
 * Whether a statement applies to a resource that `names` recognises in a
 * pattern: with `Resource`, when one of its patterns names it; with
 * `NotResource`, when none of its patterns does (a Deny with `NotResource`
 * denies everything but what it lists).
 */
export function appliesToResource(statement: JsonRecord, names: (pattern: string) => boolean): boolean {
  if (statement.NotResource !== undefined) return !strings(statement.NotResource).some(names);
  return strings(statement.Resource).some(names);
}

/** Whether the statement is a Deny. */
export function isDeny(statement: JsonRecord): boolean {
  return effectOf(statement) === "Deny";
}
