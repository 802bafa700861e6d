/**
 * The cost section of a review: the monthly estimate of what exists before
 * the plan and of what it leaves after, fixed and usage apart, and the delta
 * of each resource it creates, changes or destroys, priced offline with the
 * snapshot of `@ssm-access/aws-pricing`. `--fail-on cost-increase=<USD>`
 * fails the review when the monthly fixed delta exceeds the amount.
 */
import {
  CostDelta,
  DEFAULT_USAGE,
  ResourceDelta,
  costDelta,
  estimate,
  planResources,
  readSnapshot,
  usageOf,
  usd,
} from "@ssm-access/aws-pricing";
import { StackJson, checkPlanJson, isRecord } from "@ssm-access/terraform-kit";
import { Section } from "./layout";
import { ReviewInput } from "./types";

/** Before → after totals, USD a month. */
export interface CostTotals {
  readonly fixed: number;
  readonly usage: number;
  readonly total: number;
}

/** The cost section of a review (the `cost` field of the review JSON). */
export interface ReviewCost {
  /** The environment's Region. */
  readonly region: string;
  /** Date of the price snapshot. */
  readonly snapshotDate: string;
  readonly before: CostTotals;
  readonly after: CostTotals;
  /** after − before, USD a month. */
  readonly deltaFixed: number;
  readonly deltaUsage: number;
  readonly deltaTotal: number;
  /** Lines without a price (before and after): the totals leave them out. */
  readonly unpriced: number;
  /** Resources whose monthly cost or billed dimensions change, largest change first. */
  readonly resources: readonly ResourceDelta[];
}

/** The most resource rows the Markdown shows; the JSON has them all. */
export const COST_ROWS_SHOWN = 25;

/**
 * The cost of the reviewed plan, or `undefined` when the environment file
 * names no Region (nothing to price with). Throws naming the file and field
 * of a wrong `cost.usage`.
 */
export function reviewCost(input: ReviewInput): ReviewCost | undefined {
  const environment = input.environment.json;
  const region = isRecord(environment) && typeof environment.region === "string" ? environment.region : undefined;
  if (region === undefined) return undefined;
  const plan = checkPlanJson(input.plan);
  const usage = usageOf(environment, input.environment.file);
  const snapshot = readSnapshot();
  const stackJson = isRecord(input.stackJson) ? (input.stackJson as StackJson) : undefined;
  const delta: CostDelta = costDelta(
    estimate(planResources(plan, "before", region), snapshot, usage, DEFAULT_USAGE),
    estimate(planResources(plan, "after", region, stackJson), snapshot, usage, DEFAULT_USAGE),
  );
  const totals = (side: "before" | "after"): CostTotals => ({
    fixed: delta[side].monthlyFixed,
    usage: delta[side].monthlyUsage,
    total: delta[side].monthlyTotal,
  });
  return {
    region,
    snapshotDate: snapshot.snapshotDate,
    before: totals("before"),
    after: totals("after"),
    deltaFixed: delta.deltaFixed,
    deltaUsage: delta.deltaUsage,
    deltaTotal: delta.deltaTotal,
    unpriced: delta.before.unpriced + delta.after.unpriced,
    resources: delta.resources,
  };
}

/** `+$8.03`, `−$1.20`, `$0.00`. */
function signed(value: number): string {
  return value > 0 ? `+${usd(value)}` : usd(value);
}

function resourceRow(r: ResourceDelta): string {
  const what = r.what.length > 0 ? r.what.join("; ") : "";
  const unpriced = r.unpriced > 0 ? ` (${r.unpriced} line${r.unpriced === 1 ? "" : "s"} without a price)` : "";
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  return `| \`${r.address}\` | ${r.change} | ${usd(r.before.fixed + r.before.usage)} → ${usd(r.after.fixed + r.after.usage)} | ${signed(r.deltaFixed)} | ${signed(r.deltaUsage)} | ${cell(what + unpriced)} |`;
}

/**
 * The Markdown section of the cost, for `renderMarkdown`, in at most
 * `budget` characters: the totals and as many resource rows as fit (at most
 * {@link COST_ROWS_SHOWN}, the rest counted); when even the totals do not
 * fit, one line. The section then never needs cutting by the layout.
 */
export function costMarkdownSection(cost: ReviewCost | undefined, budget = Infinity): Section | undefined {
  if (cost === undefined) return undefined;
  const heading = "### Monthly cost before → after";
  const unpriced =
    cost.unpriced > 0
      ? `\n\n${cost.unpriced} line${cost.unpriced === 1 ? " has" : "s have"} no price in the snapshot for ${cost.region} and ${cost.unpriced === 1 ? "is" : "are"} left out of the totals (see the JSON).`
      : "";
  const intro = [
    `Monthly, USD, On-Demand in ${cost.region}, prices of ${cost.snapshotDate}; usage as assumed by \`cost.usage\` of the environment file.`,
    "",
    "| | Before | After | Delta |",
    "| --- | ---: | ---: | ---: |",
    `| Fixed | ${usd(cost.before.fixed)} | ${usd(cost.after.fixed)} | ${signed(cost.deltaFixed)} |`,
    `| Usage | ${usd(cost.before.usage)} | ${usd(cost.after.usage)} | ${signed(cost.deltaUsage)} |`,
    `| **Total** | **${usd(cost.before.total)}** | **${usd(cost.after.total)}** | **${signed(cost.deltaTotal)}** |${unpriced}`,
    "",
    "| Resource | Change | Monthly before → after | Fixed delta | Usage delta | What |",
    "| --- | --- | ---: | ---: | ---: | --- |",
  ].join("\n");
  if (cost.resources.length === 0 || heading.length + intro.length > budget) {
    const line =
      `Monthly, USD, in ${cost.region}: ${usd(cost.before.total)} → ${usd(cost.after.total)} ` +
      `(fixed ${signed(cost.deltaFixed)}, usage ${signed(cost.deltaUsage)}); ` +
      (cost.resources.length === 0
        ? "the plan changes no priced resource."
        : `${cost.resources.length} resource${cost.resources.length === 1 ? "" : "s"} in the JSON.`);
    return { heading, entries: [], empty: line, separator: "\n" };
  }
  const rows: string[] = [];
  let used = heading.length + intro.length + 60; // room for the "more" line
  for (const r of cost.resources.slice(0, COST_ROWS_SHOWN)) {
    const row = resourceRow(r);
    if (used + row.length + 1 > budget) break;
    rows.push(row);
    used += row.length + 1;
  }
  const more = cost.resources.length - rows.length;
  const entries = rows.map((row) => ({ full: row, short: row }));
  if (more > 0) entries.push({ full: `… ${more} more in the JSON file.`, short: `… ${more} more in the JSON file.` });
  return { heading, intro, entries, separator: "\n" };
}

/**
 * Splits `cost-increase=<USD>` out of a `--fail-on` value: the remaining
 * value (for `parseFailOn`; `none` when cost-increase stands alone) and the
 * threshold. Throws naming the word when the amount is not a number of 0 or
 * more.
 */
export function splitCostIncrease(value: string | undefined): { rest: string | undefined; threshold?: number } {
  if (value === undefined) return { rest: undefined };
  const words = value.split(",").map((w) => w.trim());
  const cost = words.filter((w) => w.startsWith("cost-increase"));
  if (cost.length === 0) return { rest: value };
  if (cost.length > 1) throw new Error(`--fail-on "${value}": cost-increase is given ${cost.length} times`);
  const match = /^cost-increase=(\d+(?:\.\d+)?)$/.exec(cost[0]);
  if (match === null) {
    throw new Error(`--fail-on "${value}": ${cost[0]} must be cost-increase=<USD a month>, e.g. cost-increase=50`);
  }
  // Alone, cost-increase replaces the default kinds, as any --fail-on list does.
  const rest = words.filter((w) => !w.startsWith("cost-increase") && w !== "").join(",");
  return { rest: rest === "" ? "none" : rest, threshold: Number(match[1]) };
}

/** Whether the monthly fixed delta of the review's cost exceeds `threshold` USD. */
export function costIncreaseExceeds(cost: ReviewCost | undefined, threshold: number | undefined): boolean {
  return threshold !== undefined && cost !== undefined && cost.deltaFixed > threshold;
}
