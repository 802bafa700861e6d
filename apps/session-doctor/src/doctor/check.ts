/**
 * ✔ the check holds, ✖ it does not (a cause of TargetNotConnected), ? it
 * could not be answered, ⚠ sessions work but something the environment relies
 * on will fail (the exit code stays as the other checks make it).
 */
export type CheckStatus = "pass" | "fail" | "unknown" | "warn";

/** The outcome of one check, as printed and as `--json` gives it. */
export interface CheckResult {
  /** Stable identifier, e.g. `endpoint-dns`. */
  readonly id: string;
  readonly status: CheckStatus;
  /** What the check asks, in a few words. */
  readonly title: string;
  /** What was found, with the ids and values that show it. */
  readonly evidence: string;
  /** What to do: the fix for ✖ and ⚠, how to find out for ?; null for ✔. */
  readonly fix: string | null;
}

/** The mark of a status in text output. */
export const MARKS: Readonly<Record<CheckStatus, string>> = { pass: "✔", fail: "✖", unknown: "?", warn: "⚠" };

/** A check that holds. */
export function pass(id: string, title: string, evidence: string): CheckResult {
  return { id, status: "pass", title, evidence, fix: null };
}

/** A check that does not hold, with its fix. */
export function fail(id: string, title: string, evidence: string, fix: string): CheckResult {
  return { id, status: "fail", title, evidence, fix };
}

/** A check whose finding does not stop sessions but will fail something else: what, and the fix. */
export function warn(id: string, title: string, evidence: string, fix: string): CheckResult {
  return { id, status: "warn", title, evidence, fix };
}

/** A check that could not be answered: why, and how to find out. */
export function unknown(id: string, title: string, evidence: string, fix: string): CheckResult {
  return { id, status: "unknown", title, evidence, fix };
}

/**
 * Thrown by a lookup that could not be answered (an API refused or lacks the
 * call, a resource the check builds on is missing): the check that needed it
 * says `?` with this reason, never ✔.
 */
export class Unanswered extends Error {
  public constructor(
    message: string,
    /** How to find out, for the `?` line. */
    public readonly next: string,
  ) {
    super(message);
    this.name = "Unanswered";
  }
}
