/**
 * The release gate: whether a candidate version may be published, judged by
 * what upgrading to it does to deployed stacks (consumer projects through
 * {@link upgradeCheck}, the shipped environments through `review --base`).
 *
 * - A release a caret range of the previous one takes (`^0.1.0` takes 0.1.1;
 *   `^1.2.0` takes 1.3.0) must replace, destroy or rename nothing, and weaken
 *   no security posture: users get it from `npm install` without asking.
 * - A breaking release (a new major; before 1.0 a new minor) may replace,
 *   destroy or rename a resource only when the release notes (the version
 *   plans, or the changelog entry of the candidate) name its address or its
 *   construct path, so users read about it before they upgrade. A `moved`
 *   block shipped with the change needs no note: Terraform then moves the
 *   resource and the plan neither destroys nor replaces it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceReview, Review } from "../report";

/** Whether `to` is a breaking release after `from`: outside the caret range `^from`. */
export function isBreaking(from: string, to: string): boolean {
  const parse = (v: string, flag: string) => {
    const m = /^(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?$/.exec(v);
    if (!m) throw new Error(`${flag} ${v}: not a semantic version (major.minor.patch)`);
    return [Number(m[1]), Number(m[2]), Number(m[3])] as const;
  };
  const [fMajor, fMinor] = parse(from, "--from");
  const [tMajor, tMinor] = parse(to, "--to");
  if (tMajor !== fMajor) return true;
  return fMajor === 0 && tMinor !== fMinor;
}

/** One reviewed stack the gate judges. */
export interface GateSubject {
  /** Where the stack comes from: a consumer project's name, or `apps/infra`. */
  readonly source: string;
  readonly review: Review;
}

/** Something the release does to a deployed resource that users must know of. */
export interface GateFinding {
  readonly source: string;
  readonly stack: string;
  /** Terraform address (for a rename, the old one). */
  readonly address: string;
  readonly kind: "replace" | "destroy" | "rename" | "weakened-security";
  /** In words: the attributes forcing a replacement, the new address, the posture before and after. */
  readonly detail: string;
  /** Construct path, without the stack. */
  readonly constructPath?: string;
  /** Whether the release notes name the address or construct path. */
  readonly named: boolean;
}

/** The gate's verdict. */
export interface GateVerdict {
  readonly from: string;
  readonly to: string;
  readonly breaking: boolean;
  readonly findings: readonly GateFinding[];
  /** The findings that block the release. */
  readonly blocking: readonly GateFinding[];
}

function renamedTo(review: Review, change: ResourceReview): string | undefined {
  const note = change.notes.find((n) => /moved|renam/i.test(n));
  const created = review.changes.find(
    (c) => c.action === "create" && c.type === change.type && note !== undefined && note.includes(c.address),
  );
  return created?.address;
}

/** Judges the reviews of a release from `from` to `to` against the release notes' text. */
export function judgeRelease(from: string, to: string, subjects: readonly GateSubject[], notes: string): GateVerdict {
  const breaking = isBreaking(from, to);
  const names = (address: string, constructPath?: string) =>
    notes.includes(address) || (constructPath !== undefined && notes.includes(constructPath));
  const findings: GateFinding[] = [];
  for (const { source, review } of subjects) {
    for (const change of review.changes) {
      const base = { source, stack: review.stack, address: change.address };
      const where = change.constructPath ? { constructPath: change.constructPath } : {};
      if (change.action === "replace") {
        findings.push({
          ...base,
          ...where,
          kind: "replace",
          detail: `replaced because of ${change.replacedBecause.length > 0 ? change.replacedBecause.join(", ") : (change.actionReason ?? "a change Terraform does not name")}`,
          named: names(change.address, change.constructPath),
        });
      } else if (change.action === "delete") {
        const to = renamedTo(review, change);
        findings.push({
          ...base,
          ...where,
          kind: to === undefined ? "destroy" : "rename",
          detail:
            to === undefined
              ? "destroyed"
              : `destroyed and created again as ${to} (its construct id changed; a moved block keeps it)`,
          named: names(change.address, change.constructPath),
        });
      }
    }
    for (const finding of review.security.filter((f) => f.weakened)) {
      findings.push({
        source,
        stack: review.stack,
        address: finding.address ?? "(stack)",
        kind: "weakened-security",
        detail: `${finding.aspect}: ${finding.before} → ${finding.after}`,
        named: false,
      });
    }
  }
  const blocking = findings.filter((f) => !breaking || f.kind === "weakened-security" || !f.named);
  return { from, to, breaking, findings, blocking };
}

/** The verdict in words, one line per finding. */
export function renderVerdict(verdict: GateVerdict): string {
  const kind = verdict.breaking
    ? `a breaking release (outside ^${verdict.from})`
    : `not a breaking release (^${verdict.from} takes it)`;
  const lines = [`Release gate: ${verdict.from} → ${verdict.to} is ${kind}.`];
  if (verdict.findings.length === 0) {
    lines.push("No deployed resource is replaced, destroyed or renamed, and no security posture is weakened.");
  }
  for (const f of verdict.findings) {
    const blocks = verdict.blocking.includes(f);
    const why = !blocks
      ? "named in the release notes"
      : f.kind === "weakened-security"
        ? "a weakened security posture"
        : verdict.breaking
          ? "not named in the release notes: name the address, or ship a moved block"
          : "a release users take with npm install must not do this";
    lines.push(
      `- ${blocks ? "BLOCKS" : "allowed"}: ${f.source} ${f.stack}: ${f.address}${f.constructPath ? ` (${f.constructPath})` : ""} ${f.detail}; ${why}`,
    );
  }
  lines.push(verdict.blocking.length > 0 ? `Blocked: ${verdict.blocking.length} finding(s).` : "Passed.");
  return lines.join("\n");
}

/**
 * The release notes of `to` in a workspace: the version plans still in
 * `.nx/version-plans/` and each package's CHANGELOG.md entry for `to` (what
 * `nx release` wrote from the plans it deleted).
 */
export function releaseNotes(repoRoot: string, to: string): string {
  const texts: string[] = [];
  const plans = path.join(repoRoot, ".nx", "version-plans");
  if (fs.existsSync(plans))
    for (const f of fs
      .readdirSync(plans)
      .filter((f) => f.endsWith(".md"))
      .sort())
      texts.push(fs.readFileSync(path.join(plans, f), "utf8"));
  const packages = path.join(repoRoot, "packages");
  if (fs.existsSync(packages))
    for (const p of fs.readdirSync(packages).sort()) {
      const file = path.join(packages, p, "CHANGELOG.md");
      if (!fs.existsSync(file)) continue;
      const text = fs.readFileSync(file, "utf8");
      const start = text.search(new RegExp(`^## ${to.replace(/\./g, "\\.")}\\b`, "m"));
      if (start < 0) continue;
      const next = text.slice(start + 3).search(/^## /m);
      texts.push(next < 0 ? text.slice(start) : text.slice(start, start + 3 + next));
    }
  return texts.join("\n");
}
