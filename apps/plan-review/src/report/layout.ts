/** One item of a section: its full text, and a shorter one used when space runs out. */
export interface Entry {
  readonly full: string;
  readonly short: string;
}

/** A section of the Markdown review whose entries can be shortened, cut and dropped to fit. */
export interface Section {
  /** Heading line, e.g. `### 4. Drift`; empty for a part of the previous section. */
  readonly heading: string;
  /** Text after the heading when there are entries (a table header, an explanation). */
  readonly intro?: string;
  readonly entries: readonly Entry[];
  /** Text when there are no entries; the section is left out when absent. */
  readonly empty?: string;
  /** Joins entries: `\n` for list items and table rows, `\n\n` for blocks. */
  readonly separator: string;
  /** Wraps the body (intro, entries and cut line), e.g. in `<details>`. */
  readonly wrap?: (body: string) => string;
}

/** How much of a section is shown. */
interface SectionState {
  shown: number;
  compact: boolean;
  dropped: boolean;
  omitted: boolean;
}

const cutLine = (count: number) => `… ${count} more not shown; the full review is in the JSON file.`;

function renderSection(section: Section, state: SectionState): string | undefined {
  if (state.omitted) return undefined;
  const total = section.entries.length;
  if (total === 0) return section.empty === undefined ? undefined : joinParts([section.heading, section.empty]);
  if (state.dropped) return joinParts([section.heading, cutLine(total)]);
  const shown = section.entries.slice(0, state.shown).map((e) => (state.compact ? e.short : e.full));
  const body = joinParts([
    state.shown > 0
      ? [section.intro, shown.join(section.separator)].filter((p) => p !== undefined).join("\n")
      : undefined,
    state.shown < total ? cutLine(total - state.shown) : undefined,
  ]);
  return joinParts([section.heading, section.wrap ? section.wrap(body) : body]);
}

function joinParts(parts: readonly (string | undefined)[]): string {
  return parts.filter((p): p is string => p !== undefined && p !== "").join("\n\n");
}

/**
 * Lays the document out within `maxChars`: the fixed head (title, counts)
 * first, then the sections. When too long, cuts in this order: entries of
 * the `optional` sections from the end (in the order given), then each of
 * them whole; then shortens the `essential` sections' entries, then the
 * `kept` ones', then cuts entries from the end of the first essential
 * section (the details), then of the others alike (the same number shown of
 * each); then leaves out the cut sections; then cuts the `kept` sections'
 * entries alike; and as a last resort truncates the text. Every cut says how much is not shown.
 */
export function layOut(
  head: readonly string[],
  sections: readonly Section[],
  plan: {
    readonly optional: readonly Section[];
    readonly compactFirst: readonly Section[];
    readonly essential: readonly Section[];
    /** Sections shortened and cut only after everything else (data loss, apply-time failures). */
    readonly kept?: readonly Section[];
  },
  maxChars: number,
): string {
  const states = new Map<Section, SectionState>(
    sections.map((s) => [s, { shown: s.entries.length, compact: false, dropped: false, omitted: false }]),
  );
  const stateOf = (section: Section): SectionState => {
    const state = states.get(section);
    if (state === undefined) throw new Error("layOut: a section of the plan is not among the sections");
    return state;
  };
  const render = () => joinParts([...head, ...sections.map((s) => renderSection(s, stateOf(s)))]) + "\n";
  const fits = () => render().length <= maxChars;
  if (fits()) return render();

  /** Shows as many entries as fit (at least none); whether the document then fits. */
  const shrink = (section: Section): boolean => {
    const state = stateOf(section);
    let low = 0;
    let high = state.shown;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      state.shown = mid;
      if (fits()) low = mid;
      else high = mid - 1;
    }
    state.shown = low;
    return fits();
  };

  /** Shows the same number of entries of each section (or all it has), as many as fit; whether the document then fits. */
  const shrinkTogether = (group: readonly Section[]): boolean => {
    const cap = (k: number) => group.forEach((s) => (stateOf(s).shown = Math.min(k, s.entries.length)));
    let low = 0;
    let high = Math.max(0, ...group.map((s) => s.entries.length));
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      cap(mid);
      if (fits()) low = mid;
      else high = mid - 1;
    }
    cap(low);
    return fits();
  };

  for (const section of plan.optional) {
    if (plan.compactFirst.includes(section)) {
      stateOf(section).compact = true;
      if (fits()) return render();
    }
    if (shrink(section)) return render();
    stateOf(section).dropped = true;
    if (fits()) return render();
  }
  for (const section of plan.essential) {
    stateOf(section).compact = true;
    if (fits()) return render();
  }
  const kept = plan.kept ?? [];
  for (const section of kept) {
    stateOf(section).compact = true;
    if (fits()) return render();
  }
  const [details, ...rest] = plan.essential;
  if (details !== undefined && shrink(details)) return render();
  if (shrinkTogether(rest)) return render();
  for (const section of plan.optional) {
    stateOf(section).omitted = true;
    if (fits()) return render();
  }
  if (kept.length > 0 && shrinkTogether(kept)) return render();
  const text = render();
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 2))}…\n`.slice(0, maxChars);
}
