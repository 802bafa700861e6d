/**
 * The price snapshot: a dated JSON file of the AWS prices the stacks can
 * incur, per Region and product, each price naming the source it was read
 * from. Reading it checks its shape and names the file and field of any
 * problem.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isRecord } from "@ssm-access/terraform-kit";

/** Where a price was read: a public file, a repository file, or an offer file of the AWS Price List. */
export interface PriceSource {
  /** Short id the prices refer to, e.g. `research-21`. */
  readonly id: string;
  /** What the source is, in one line. */
  readonly title: string;
  /** Address of the source, when it has one. */
  readonly url?: string;
  /** Repository (`owner/name`) holding the source file, when it is one. */
  readonly repo?: string;
  /** Path of the source file in `repo`. */
  readonly path?: string;
  /** Commit of `repo` the file was read at. */
  readonly commit?: string;
  /** Date the source carries (publication, reading, or bill date), `YYYY-MM-DD`. */
  readonly date: string;
}

/** One price: USD per unit, and where it comes from. */
export interface Price {
  /** USD per one `unit`. */
  readonly usd: number;
  /** The unit, e.g. `hours`, `GB`, `GB-months`, `requests`. */
  readonly unit: string;
  /** Id of a {@link PriceSource}. */
  readonly source: string;
  /** The price list entry: usage type, SKU or the line as published. */
  readonly entry: string;
}

/** The whole snapshot. */
export interface PriceSnapshot {
  /** The date of the snapshot, `YYYY-MM-DD`. */
  readonly snapshotDate: string;
  readonly currency: "USD";
  readonly sources: readonly PriceSource[];
  /** Region code → product key (`ec2:t3.micro`, `vpce.hours`, ...) → price. */
  readonly regions: Readonly<Record<string, Readonly<Record<string, Price>>>>;
}

/** The snapshot shipped with this package. */
export const SNAPSHOT_FILE = path.join(__dirname, "..", "prices", "snapshot.json");

/**
 * The EC2 part of the shipped snapshot: On-Demand Linux per instance type and
 * Region, written by `scripts/import-ec2instances.mjs` from one cited source.
 */
export const EC2_ON_DEMAND_FILE = path.join(__dirname, "..", "prices", "ec2-on-demand.json");

/** The EC2 prices file: one source, one unit, Region → instance type → USD per unit. */
export interface Ec2OnDemandPrices {
  readonly source: PriceSource;
  readonly unit: string;
  /** The price list entry every price stands for. */
  readonly entry: string;
  readonly regions: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks that `value` is a price snapshot; throws one Error listing every
 * problem as `<file>: <field>: <reason>`.
 */
export function checkSnapshot(value: unknown, file: string): PriceSnapshot {
  const problems: string[] = [];
  const fail = (field: string, reason: string) => problems.push(`${file}: ${field}: ${reason}`);
  if (!isRecord(value)) throw new Error(`${file}: a price snapshot is a JSON object`);
  if (typeof value.snapshotDate !== "string" || !DATE.test(value.snapshotDate)) {
    fail("snapshotDate", "is not a date YYYY-MM-DD");
  }
  if (value.currency !== "USD") fail("currency", "must be USD");
  const sourceIds = new Set<string>();
  if (!Array.isArray(value.sources) || value.sources.length === 0) {
    fail("sources", "is not a non-empty list");
  } else {
    value.sources.forEach((source: unknown, i: number) => {
      if (!isRecord(source) || typeof source.id !== "string" || typeof source.title !== "string") {
        fail(`sources[${i}]`, "needs an id and a title");
        return;
      }
      if (typeof source.date !== "string" || !DATE.test(source.date)) fail(`sources[${i}].date`, "is not YYYY-MM-DD");
      if (typeof source.url !== "string" && (typeof source.repo !== "string" || typeof source.path !== "string")) {
        fail(`sources[${i}]`, "names neither a url nor a repo and path");
      }
      sourceIds.add(source.id);
    });
  }
  if (!isRecord(value.regions)) {
    fail("regions", "is not an object");
  } else {
    for (const [region, products] of Object.entries(value.regions)) {
      if (!isRecord(products)) {
        fail(`regions.${region}`, "is not an object");
        continue;
      }
      for (const [product, price] of Object.entries(products)) {
        const field = `regions.${region}.${product}`;
        if (!isRecord(price)) {
          fail(field, "is not an object");
          continue;
        }
        if (typeof price.usd !== "number" || !Number.isFinite(price.usd) || price.usd < 0) {
          fail(`${field}.usd`, "is not a price (a number, 0 or more)");
        }
        if (typeof price.unit !== "string" || price.unit === "") fail(`${field}.unit`, "is missing");
        if (typeof price.entry !== "string" || price.entry === "") fail(`${field}.entry`, "is missing");
        if (typeof price.source !== "string" || !sourceIds.has(price.source)) {
          fail(`${field}.source`, `names no source of the sources list (${String(price.source)})`);
        }
      }
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return value as unknown as PriceSnapshot;
}

/**
 * Checks that `value` is an EC2 prices file; throws one Error listing every
 * problem as `<file>: <field>: <reason>`.
 */
export function checkEc2Prices(value: unknown, file: string): Ec2OnDemandPrices {
  const problems: string[] = [];
  const fail = (field: string, reason: string) => problems.push(`${file}: ${field}: ${reason}`);
  if (!isRecord(value)) throw new Error(`${file}: an EC2 prices file is a JSON object`);
  const source = value.source;
  if (!isRecord(source) || typeof source.id !== "string" || typeof source.title !== "string") {
    fail("source", "needs an id and a title");
  } else {
    if (typeof source.repo !== "string" || typeof source.path !== "string" || typeof source.commit !== "string") {
      fail("source", "names no repo, path and commit");
    }
    if (typeof source.date !== "string" || !DATE.test(source.date)) fail("source.date", "is not YYYY-MM-DD");
  }
  if (typeof value.unit !== "string" || value.unit === "") fail("unit", "is missing");
  if (typeof value.entry !== "string" || value.entry === "") fail("entry", "is missing");
  if (!isRecord(value.regions)) {
    fail("regions", "is not an object");
  } else {
    for (const [region, types] of Object.entries(value.regions)) {
      if (!isRecord(types)) {
        fail(`regions.${region}`, "is not an object");
        continue;
      }
      for (const [type, usd] of Object.entries(types)) {
        if (typeof usd !== "number" || !Number.isFinite(usd) || usd <= 0) {
          fail(`regions.${region}.${type}`, "is not a price (a number above 0)");
        }
      }
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return value as unknown as Ec2OnDemandPrices;
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: cannot read the ${what} (${(error as Error).message})`);
  }
}

/**
 * Adds the EC2 prices (`ec2:<type>` products) to a snapshot. A price the
 * snapshot already has for a Region and type stays: it comes from a source
 * picked for it, or from the refresh script.
 */
export function withEc2Prices(snapshot: PriceSnapshot, ec2: Ec2OnDemandPrices): PriceSnapshot {
  const regions: Record<string, Record<string, Price>> = {};
  for (const [region, types] of Object.entries(ec2.regions)) {
    regions[region] = Object.fromEntries(
      Object.entries(types).map(([type, usd]) => [
        `ec2:${type}`,
        { usd, unit: ec2.unit, source: ec2.source.id, entry: `${type}: ${ec2.entry}` },
      ]),
    );
  }
  for (const [region, products] of Object.entries(snapshot.regions)) {
    regions[region] = { ...regions[region], ...products };
  }
  const known = snapshot.sources.some((source) => source.id === ec2.source.id);
  return { ...snapshot, sources: known ? snapshot.sources : [...snapshot.sources, ec2.source], regions };
}

/**
 * Reads and checks a snapshot file (by default the shipped one) and, unless
 * `ec2File` is `null`, adds the EC2 prices file to it (by default the
 * shipped one).
 */
export function readSnapshot(file: string = SNAPSHOT_FILE, ec2File: string | null = EC2_ON_DEMAND_FILE): PriceSnapshot {
  const snapshot = checkSnapshot(readJson(file, "price snapshot"), file);
  if (ec2File === null) return snapshot;
  return withEc2Prices(snapshot, checkEc2Prices(readJson(ec2File, "EC2 prices file"), ec2File));
}

/** The price of `product` in `region`, or `undefined` when the snapshot has none. */
export function priceOf(snapshot: PriceSnapshot, region: string, product: string): Price | undefined {
  return snapshot.regions[region]?.[product];
}

/** A source's citation in one line: `title (url | repo:path@commit), date`. */
export function citation(source: PriceSource): string {
  const where =
    source.url ?? `${source.repo}:${source.path}${source.commit !== undefined ? `@${source.commit.slice(0, 12)}` : ""}`;
  return `${source.title} (${where}), ${source.date}`;
}
