/**
 * The estimate of one environment as files: the JSON that tools read and
 * the Markdown that people read (`apps/infra/.cost/<env>.json` and `.md`).
 */
import { CostLine, Estimate } from "./estimate";
import { UsageAssumptions } from "./usage";

/** Version of the JSON layout; bumped when a field changes meaning. */
export const COST_REPORT_VERSION = 1;

/** The JSON written for one environment. */
export interface CostReport {
  readonly version: typeof COST_REPORT_VERSION;
  /** Stack (environment) name. */
  readonly stack: string;
  /** The Region, or the Regions joined by `, ` when the stack deploys to several. */
  readonly region: string;
  readonly snapshotDate: string;
  readonly currency: "USD";
  readonly monthlyFixed: number;
  readonly monthlyUsage: number;
  readonly monthlyTotal: number;
  /** Lines without a price; the totals leave them out. */
  readonly unpriced: number;
  /** The usage the usage lines assume. */
  readonly usage: UsageAssumptions;
  readonly lines: readonly CostLine[];
}

/** The report of a stack's estimate. */
export function costReport(stack: string, estimate: Estimate, usage: UsageAssumptions): CostReport {
  return {
    version: COST_REPORT_VERSION,
    stack,
    region: estimate.regions.join(", "),
    snapshotDate: estimate.snapshotDate,
    currency: "USD",
    monthlyFixed: estimate.monthlyFixed,
    monthlyUsage: estimate.monthlyUsage,
    monthlyTotal: estimate.monthlyTotal,
    unpriced: estimate.unpriced,
    usage,
    lines: estimate.lines,
  };
}

/** `$1,234.50` */
export function usd(value: number): string {
  const sign = value < 0 ? "−" : "";
  return `${sign}$${Math.abs(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A unit price as published, without rounding away small prices: `$0.000003`. */
export function unitUsd(value: number): string {
  return `$${Number(value.toPrecision(6))}`;
}

function quantity(line: CostLine): string {
  return `${line.quantity.toLocaleString("en-US")} ${line.unit}`;
}

/** One table row of a line. */
export function lineRow(line: CostLine): string {
  const price = line.unitPrice === null ? "no price" : unitUsd(line.unitPrice);
  const monthly = line.monthly === null ? "**no price**" : usd(line.monthly);
  const note = [line.noPrice, line.assumption].filter((n) => n !== undefined).join("; ");
  return `| \`${line.address}\` | ${line.description} | ${line.kind} | ${quantity(line)} | ${price} | ${monthly} | ${note} |`;
}

/** The Markdown of a report. */
export function renderCostMarkdown(report: CostReport): string {
  const out: string[] = [
    `# Monthly cost of ${report.stack}`,
    "",
    `Region ${report.region}; prices of the snapshot of ${report.snapshotDate} (USD, On-Demand, 730 hours a month).`,
    "",
    "| | Monthly |",
    "| --- | ---: |",
    `| Fixed (provisioned) | ${usd(report.monthlyFixed)} |`,
    `| Usage (assumed, below) | ${usd(report.monthlyUsage)} |`,
    `| **Total** | **${usd(report.monthlyTotal)}** |`,
    "",
  ];
  if (report.unpriced > 0) {
    out.push(
      `**${report.unpriced} line${report.unpriced === 1 ? " has" : "s have"} no price** in the snapshot and ${report.unpriced === 1 ? "is" : "are"} left out of the totals: see the lines marked "no price".`,
      "",
    );
  }
  out.push(
    "| Resource | What | Kind | Quantity | Unit price | Monthly | Note |",
    "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ...report.lines.map(lineRow),
    "",
    "Sources:",
    "",
    ...[...new Set(report.lines.flatMap((l) => (l.source ? [`- ${l.source.citation}`] : [])))],
    "",
  );
  return out.join("\n");
}
