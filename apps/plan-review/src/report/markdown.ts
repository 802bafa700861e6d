import { failureNote } from "./apply-failures";
import { costMarkdownSection } from "./cost";
import { Entry, Section, layOut } from "./layout";
import { statementLabel } from "./policy-document";
import { isRecord } from "@ssm-access/terraform-kit";
import {
  ApplyFailure,
  DataLoss,
  DriftEntry,
  OutputChange,
  PartialApply,
  Provenance,
  ResourceReview,
  Review,
  SecurityFinding,
  Source,
} from "./types";
import { baseName } from "./values";

/** The default limit of {@link renderMarkdown}: below the 65,536 characters of a pull request comment. */
export const DEFAULT_MAX_CHARS = 65000;

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** The most characters the Markdown may have; default {@link DEFAULT_MAX_CHARS}. */
  readonly maxChars?: number;
}

/** `` `text` ``, with a longer fence when the text holds backticks. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** Text safe inside a table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A JSON value on one line, cut to `max` characters. */
function inlineValue(value: unknown, max = 200): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "null");
  return code(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

/** The label of where the plan comes from. */
export function provenanceLabel(provenance: Provenance): string {
  switch (provenance.kind) {
    case "emulated-baseline":
      return `Predicted against an emulated baseline (${provenance.base})`;
    case "saved-plan":
      return `From a saved plan: ${provenance.planFile}`;
    case "upgrade":
      return `The @ssm-access packages upgraded from ${provenance.from} to ${provenance.to} in ${provenance.project}, planned against its deployed state`;
  }
}

const REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "the resource is tainted",
  replace_by_request: "replacement was requested (-replace)",
  replace_because_cannot_update: "it cannot be updated in place",
  delete_because_no_resource_config: "it is no longer in the configuration",
  delete_because_no_module: "its module is no longer in the configuration",
  delete_because_wrong_repetition: "count or for_each changed",
  delete_because_count_index: "its count index is gone",
  delete_because_each_key: "its for_each key is gone",
  read_because_config_unknown: "its configuration is known only after apply",
  read_because_dependency_pending: "a dependency has pending changes",
};

/** Why Terraform does it, in words: the forcing attributes, else the action reason. */
function why(change: ResourceReview): string | undefined {
  if (change.replacedBecause.length > 0) return `forced by ${change.replacedBecause.map(code).join(", ")}`;
  if (change.actionReason === undefined || change.actionReason === "replace_because_cannot_update") return undefined;
  return `because ${REASONS[change.actionReason] ?? change.actionReason}`;
}

/** A changed field's value, short: a named item by its name. */
function shortValue(value: unknown): string {
  if (isRecord(value) && typeof value.name === "string") return inlineValue(value.name, 60);
  return inlineValue(value, 60);
}

/** `(`eu-west-1c` removed)`, `(`t3.nano` → `t3.small`)`: what happened to the field, when it changed itself. */
function sourceValues(source: Source): string {
  const { before, after } = source;
  if (before !== undefined && after !== undefined) return ` (${shortValue(before)} → ${shortValue(after)})`;
  if (before !== undefined) return ` (${shortValue(before)} removed)`;
  if (after !== undefined) return ` (${shortValue(after)} added)`;
  return "";
}

/** `from `prod.json` field `network.cidr``, with the field's values unless `short`. */
function sourceText(change: ResourceReview, short = false): string | undefined {
  return change.source
    ? `from ${code(baseName(change.source.file))} field ${code(change.source.field)}${short ? "" : sourceValues(change.source)}`
    : undefined;
}

/** A note as a nested list item; paragraphs stay together and `moved` blocks become HCL code blocks. */
function noteItem(note: string): string {
  const paragraphs = note.split("\n\n").map((p) => (/^(moved|removed) \{/.test(p) ? `\`\`\`hcl\n${p}\n\`\`\`` : p));
  return `  - ${paragraphs.join("\n\n").split("\n").join("\n    ")}`.replace(/\n {4}\n/g, "\n\n");
}

/** Renders a change; notes already shown in full earlier point there instead. */
function changeEntry(
  change: ResourceReview,
  shown: Map<string, string>,
  withAttributes: boolean,
  failures: ReadonlyMap<string, ApplyFailure> = new Map(),
): Entry {
  const construct = change.constructPath ? ` (${code(change.constructPath)})` : "";
  const attributes =
    withAttributes && change.changedAttributes.length > 0
      ? `changes ${change.changedAttributes.map(code).join(", ")}`
      : undefined;
  const facts = [why(change), attributes, sourceText(change)].filter((f) => f !== undefined);
  const line = `- **${code(change.address)}** ${change.action}${construct}${facts.length > 0 ? `: ${facts.join("; ")}` : ""}`;
  const notes = change.notes.map((note) => {
    const failure = failures.get(note);
    if (failure !== undefined)
      return `  - Apply-time failure (${failure.kind}, ${failure.likelihood}): see Apply-time failures above.`;
    if (!note.includes("\n")) return noteItem(note);
    const first = shown.get(note);
    if (first !== undefined) return `  - See the note on ${code(first)} above.`;
    shown.set(note, change.address);
    return noteItem(note);
  });
  const shortFacts = [why(change), sourceText(change, true)].filter((f) => f !== undefined);
  const short = `- ${code(change.address)} ${change.action}${shortFacts.length > 0 ? `: ${shortFacts.join("; ")}` : ""}${
    change.notes.length > 0 ? ` (${change.notes.length} note${change.notes.length === 1 ? "" : "s"} not shown)` : ""
  }`;
  return { full: [line, ...notes].join("\n"), short };
}

function securityRow(finding: SecurityFinding, short: boolean): string {
  const detail = finding.detail ?? "";
  const cutDetail = short && detail.length > 120 ? `${detail.slice(0, 119)}…` : detail;
  const clip = (text: string) => (short && text.length > 80 ? `${text.slice(0, 79)}…` : text);
  return `| ${finding.aspect} | ${finding.address ? code(finding.address) : "stack"} | ${cell(clip(finding.before))} | ${cell(
    clip(finding.after),
  )} | ${finding.weakened ? "⚠ yes" : "no"} | ${cell(cutDetail)} |`;
}

/** Weakened findings first (so they survive truncation), otherwise in review order. */
function weakenedFirst(findings: readonly SecurityFinding[]): SecurityFinding[] {
  return [...findings.filter((f) => f.weakened), ...findings.filter((f) => !f.weakened)];
}

function statementBlock(statement: unknown): string {
  return `\`\`\`json\n${JSON.stringify(statement, null, 2)}\n\`\`\``;
}

/** The statement changes of a policy finding: each statement as a pretty-printed JSON block. */
function statementsEntry(finding: SecurityFinding): Entry | undefined {
  const diff = finding.statements;
  if (!diff) return undefined;
  const title = `**${code(finding.address ?? finding.aspect)}** (${finding.aspect})`;
  const blocks = [
    ...diff.added.map((s) => `Added ${statementLabel(s)}:\n\n${statementBlock(s)}`),
    ...diff.removed.map((s) => `Removed ${statementLabel(s)}:\n\n${statementBlock(s)}`),
    ...diff.changed.map(
      (c) =>
        `Changed ${statementLabel(c.after)}, before:\n\n${statementBlock(c.before)}\n\nafter:\n\n${statementBlock(c.after)}`,
    ),
  ];
  const labels = [
    ...diff.added.map((s) => `added ${statementLabel(s)}`),
    ...diff.removed.map((s) => `removed ${statementLabel(s)}`),
    ...diff.changed.map((c) => `changed ${statementLabel(c.after)}`),
  ];
  return { full: [title, ...blocks].join("\n\n"), short: `- ${title}: ${labels.join("; ")}` };
}

function driftEntry(entry: DriftEntry): Entry {
  const attributes = entry.changedAttributes.length > 0 ? `: ${entry.changedAttributes.map(code).join(", ")}` : "";
  const detail = entry.detail ? ` (${entry.detail})` : "";
  return { full: `- ${code(entry.address)}${attributes}${detail}`, short: `- ${code(entry.address)}` };
}

function outputEntry(output: OutputChange): Entry {
  const values =
    output.action === "create"
      ? `${inlineValue(output.after)}`
      : output.action === "delete"
        ? `was ${inlineValue(output.before)}`
        : `${inlineValue(output.before)} → ${inlineValue(output.after)}`;
  const line = `- ${code(output.name)} ${output.action}: ${values}`;
  return { full: line, short: line };
}

function dataLossEntry(loss: DataLoss): Entry {
  return { full: `- **${code(loss.address)}**: ${loss.text}`, short: `- ${code(loss.address)} (${loss.kind})` };
}

function applyFailureEntry(failure: ApplyFailure): Entry {
  const fix = noteItem(failure.fix);
  return {
    full: `- **${code(failure.address)}** (${failure.kind}, ${failure.likelihood}): ${failure.text}\n${fix}`,
    short: `- ${code(failure.address)}: ${failure.kind} (${failure.likelihood})`,
  };
}

/** A list of actions in a sentence, at most `max` named. */
function actionList(actions: readonly string[], max = 15): string {
  const named = actions.slice(0, max).map(code).join(", ");
  return actions.length > max ? `${named} and ${actions.length - max} more (the JSON lists them)` : named;
}

/** The call-out of an apply that stops partway: where, what is applied by then, what is not. */
function partialApplyText(partial: PartialApply): string {
  const parts = [
    `**The apply will stop partway**, at ${actionList(partial.stopsAt)} (see Apply-time failures).`,
    partial.appliedBefore.length > 0
      ? `Terraform applies these first, in dependency order, so they are already applied when it stops: ${actionList(partial.appliedBefore)}.`
      : "Nothing has to be applied before it.",
    partial.notApplied.length > 0 ? `Not applied, as they wait for it: ${actionList(partial.notApplied)}.` : "",
    partial.alongside > 0
      ? `${partial.alongside} other action${partial.alongside === 1 ? " runs" : "s run"} alongside and may be applied by then.`
      : "",
  ];
  return parts.filter((p) => p !== "").join(" ");
}

function countsTable(review: Review): string {
  const { create, update, replace, delete: destroy, read } = review.counts;
  return [
    "| Create | Update | Replace | Delete | Read |",
    "| ---: | ---: | ---: | ---: | ---: |",
    `| ${create} | ${update} | ${replace} | ${destroy} | ${read} |`,
  ].join("\n");
}

function isEmptyReview(review: Review): boolean {
  return review.changes.length === 0 && review.outputs.length === 0 && review.security.length === 0;
}

/**
 * Renders a review as Markdown for a pull request comment: title and
 * provenance, where a failing apply stops, the data gone for good, the
 * apply-time failures, counts, destroys and replacements, the security posture
 * before and after (policy statements as JSON blocks), drift, outputs, and
 * everything else collapsed. At most `maxChars` characters: when longer,
 * the collapsed section is cut first, then outputs, then drift; counts,
 * destroys and security are shortened next and never dropped; the data
 * loss and apply-time failures, first in the document, are shortened with
 * them but cut last. Failures that depend on what is outside the plan
 * (`possible`) stay notes of their resource.
 */
export function renderMarkdown(review: Review, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const title = `## Plan review: ${code(review.stack)}\n\n${provenanceLabel(review.provenance)}.`;
  const driftSection: Section = {
    heading: "### 4. Drift",
    intro:
      "Changed outside Terraform since the last apply (apart from the planned changes; where the plan reverts them, they show there too):\n",
    entries: review.drift.map(driftEntry),
    empty: "None.",
    separator: "\n",
  };
  if (isEmptyReview(review)) {
    const none = "**No changes.** The plan changes no resource and no output.";
    const sections = review.drift.length > 0 ? [driftSection] : [];
    return layOut([title, none], sections, { optional: sections, compactFirst: sections, essential: [] }, maxChars);
  }

  const shownNotes = new Map<string, string>();
  // Failures that depend on what is outside the plan stay notes of their resource; the others get a section.
  const expected = review.applyFailures.filter((f) => f.likelihood !== "possible");
  const failures = new Map(expected.map((f) => [failureNote(f), f]));
  const destroys = review.changes.filter((c) => c.action === "delete" || c.action === "replace");
  const others = review.changes.filter((c) => c.action !== "delete" && c.action !== "replace");
  const destroySection: Section = {
    heading: "### 2. Destroys and replacements",
    entries: destroys.map((c) => changeEntry(c, shownNotes, false, failures)),
    empty: "None.",
    separator: "\n",
  };
  const securitySection: Section = {
    heading: "### 3. Security posture before → after",
    intro: "| Aspect | Resource | Before | After | Weakened | Detail |\n| --- | --- | --- | --- | --- | --- |",
    entries: weakenedFirst(review.security).map((f) => ({ full: securityRow(f, false), short: securityRow(f, true) })),
    empty: "No security-relevant change.",
    separator: "\n",
  };
  const statementEntries = weakenedFirst(review.security).flatMap((f) => statementsEntry(f) ?? []);
  const statementsSection: Section = {
    heading: "#### Policy statements",
    entries: statementEntries,
    separator: "\n\n",
  };
  const outputsSection: Section = {
    heading: "### 5. Outputs",
    entries: review.outputs.map(outputEntry),
    empty: "None.",
    separator: "\n",
  };
  const kinds = (["create", "update", "read"] as const)
    .map((kind) => [kind, others.filter((c) => c.action === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} to ${kind}`);
  const elseSection: Section = {
    heading: "### 6. Everything else",
    entries: others.map((c) => changeEntry(c, shownNotes, true, failures)),
    empty: "None.",
    separator: "\n",
    wrap: (body) => `<details><summary>${kinds.join(", ")}</summary>\n\n${body}\n\n</details>`,
  };
  const resourceNotes = new Set(review.changes.flatMap((c) => c.notes));
  const stackNotes = review.notes.filter((n) => !resourceNotes.has(n));
  const head = [title, ...(review.partialApply ? [partialApplyText(review.partialApply)] : [])];
  const dataLossSection: Section = {
    heading: "### Data gone for good",
    intro: "What this plan destroys that no later apply brings back:\n",
    entries: review.dataLoss.map(dataLossEntry),
    separator: "\n",
  };
  const applyFailureSection: Section = {
    heading: "### Apply-time failures",
    intro: "What the plan shows but AWS (or Terraform) is expected to refuse, each with the way out:\n",
    entries: expected.map(applyFailureEntry),
    separator: "\n",
  };
  const countsSection: Section = { heading: "### 1. Counts", entries: [], empty: countsTable(review), separator: "\n" };
  const stackNotesSection: Section = {
    heading: "",
    entries: [],
    ...(stackNotes.length > 0 ? { empty: stackNotes.map((n) => noteItem(n).replace(/^ {2}/, "")).join("\n") } : {}),
    separator: "\n",
  };
  const sections = [
    dataLossSection,
    applyFailureSection,
    countsSection,
    stackNotesSection,
    destroySection,
    securitySection,
    statementsSection,
    driftSection,
    outputsSection,
    elseSection,
  ];
  // The cost section (./cost.ts), within a tenth of the limit: after the outputs.
  const cost = costMarkdownSection(review.cost, maxChars / 10);
  if (cost !== undefined) sections.splice(sections.indexOf(outputsSection) + 1, 0, cost);
  return layOut(
    head,
    sections,
    {
      optional: [elseSection, outputsSection, driftSection],
      compactFirst: [driftSection],
      essential: [statementsSection, destroySection, securitySection],
      kept: [dataLossSection, applyFailureSection],
    },
    maxChars,
  );
}
