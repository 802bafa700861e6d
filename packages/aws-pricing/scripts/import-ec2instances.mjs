#!/usr/bin/env node
/**
 * Writes prices/ec2-on-demand.json, the EC2 part of the price snapshot: the
 * On-Demand Linux price per hour of every instance type of the families the
 * environment schema accepts, in every commercial Region the source lists
 * (GovCloud, China, Local Zones and Wavelength Zones left out).
 *
 * The source is the flattened instance list of the ec2instances.info
 * repository (vantage-sh/ec2instances.info, `opszero-app/instances.json`:
 * one row per instance type, architecture and Region, whose `ondemand` is
 * the `pricing.<region>.linux.ondemand` its scraper reads from the AWS Price
 * List). The file is large and not committed: bring it here, then run
 *
 *   git -C ../ec2instances.info show <commit>:opszero-app/instances.json > instances.json
 *   npx nx run aws-pricing:build
 *   node packages/aws-pricing/scripts/import-ec2instances.mjs instances.json <commit> <commit date YYYY-MM-DD>
 *
 * Re-running it on the same input writes the same file. Prices in
 * prices/snapshot.json (from other cited sources or from the refresh
 * script) take precedence over this file when the snapshot is read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, "..", "prices", "ec2-on-demand.json");
const REPO = "vantage-sh/ec2instances.info";
const SOURCE_PATH = "opszero-app/instances.json";
/** Commercial Regions only: `eu-west-1`, not `us-gov-west-1`, `cn-north-1` or `us-east-1-bos-1`. */
const COMMERCIAL_REGION = /^(?!us-gov-|cn-)[a-z]{2}-[a-z]+-\d+$/;

function fail(message) {
  console.error(`import-ec2instances: ${message}`);
  process.exit(1);
}

const [file, commit, date] = process.argv.slice(2);
if (file === undefined || !/^[0-9a-f]{40}$/.test(commit ?? "") || !/^\d{4}-\d{2}-\d{2}$/.test(date ?? "")) {
  fail("usage: import-ec2instances.mjs <instances.json> <commit (40 hex digits)> <commit date YYYY-MM-DD>");
}

let families;
try {
  families = createRequire(import.meta.url)("../dist/families.js").PRICED_INSTANCE_FAMILIES;
} catch (error) {
  fail(
    `cannot load the instance families from dist/families.js: run npx nx run aws-pricing:build first (${error.message})`,
  );
}

let rows;
try {
  rows = JSON.parse(fs.readFileSync(file, "utf8")).data;
} catch (error) {
  fail(`${file}: cannot read the instance list (${error.message})`);
}
if (!Array.isArray(rows)) fail(`${file}: data: is not a list of instance rows`);

/** Region → instance type → USD per hour. */
const regions = {};
rows.forEach((row, i) => {
  const type = row["instance-type"];
  const region = row.region;
  if (typeof type !== "string" || typeof region !== "string") {
    fail(`${file}: data[${i}]: has no instance-type or region`);
  }
  if (!families.includes(type.slice(0, type.indexOf("."))) || !COMMERCIAL_REGION.test(region)) return;
  const usd = Number(row.ondemand);
  if (row.ondemand === null || row.ondemand === undefined || !Number.isFinite(usd) || usd <= 0) return;
  regions[region] ??= {};
  const known = regions[region][type];
  // The source repeats a type once per architecture (i386 and x86_64): the price must agree.
  if (known !== undefined && known !== usd) {
    fail(`${file}: data[${i}]: ${type} in ${region} costs ${usd} and ${known} in two rows`);
  }
  regions[region][type] = usd;
});

const byType = (a, b) => a.localeCompare(b, "en", { numeric: true });
const sorted = Object.fromEntries(
  Object.keys(regions)
    .sort()
    .map((region) => [
      region,
      Object.fromEntries(
        Object.keys(regions[region])
          .sort(byType)
          .map((type) => [type, regions[region][type]]),
      ),
    ]),
);

const output = {
  note: "Written by scripts/import-ec2instances.mjs; do not edit by hand. USD per instance-hour, On-Demand, Linux/UNIX, shared tenancy.",
  source: {
    id: `ec2instances-info-${commit.slice(0, 8)}`,
    title:
      "ec2instances.info instance list generated from the AWS Price List: pricing.<region>.linux.ondemand per instance type and Region, as flattened into opszero-app/instances.json",
    repo: REPO,
    path: SOURCE_PATH,
    commit,
    date,
  },
  unit: "hours",
  entry: "On-Demand Linux/UNIX, shared tenancy, per instance-hour",
  regions: sorted,
};
fs.writeFileSync(OUT, `${JSON.stringify(output, null, 2)}\n`);
const prices = Object.values(sorted).reduce((n, types) => n + Object.keys(types).length, 0);
console.log(`${path.relative(process.cwd(), OUT)}: ${prices} prices, ${Object.keys(sorted).length} Regions`);
