import * as fs from "node:fs";
import * as path from "node:path";
import {
  DEFAULT_USAGE,
  PRICED_INSTANCE_FAMILIES,
  costReport,
  estimate,
  readSnapshot,
  stackResources,
  usageOf,
  usd,
} from "@ssm-access/aws-pricing";
import { KNOWN_INSTANCE_TYPES, SUPPORTED_INSTANCE_FAMILIES } from "@ssm-access/compute";
import { readStackJson } from "@ssm-access/terraform-kit";
import { environmentSchema } from "../src/config/schema";

const root = path.join(__dirname, "..", "..", "..");
const golden = path.join(__dirname, "golden", "shipped");

/** What `infra:cost` writes for a shipped stack (the golden stacks are the synthesized ones: golden.test.ts). */
function costOf(stack: string) {
  const environmentFile = path.join(__dirname, "..", "environments", `${stack}.json`);
  const usage = fs.existsSync(environmentFile)
    ? usageOf(JSON.parse(fs.readFileSync(environmentFile, "utf8")), environmentFile)
    : DEFAULT_USAGE;
  const resources = stackResources(readStackJson(path.join(golden, `${stack}.cdk.tf.json`)));
  return costReport(stack, estimate(resources, readSnapshot(), usage, DEFAULT_USAGE), usage);
}

describe("cost", () => {
  it.each(["dev", "prod", "state-bootstrap"])(
    "the README's 'What it costs' row of %s is the estimate infra:cost writes",
    (stack) => {
      const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
      const report = costOf(stack);
      const row = `| \`${stack}\` | ${report.region} | ${usd(report.monthlyFixed)} | ${usd(report.monthlyUsage)} | ${usd(report.monthlyTotal)} | ${report.unpriced} |`;
      const section = readme.slice(readme.indexOf("## What it costs"));
      expect(section.split("\n").find((line) => line.startsWith(`| \`${stack}\` |`))).toBe(row);
      expect(section).toContain(`Prices of the snapshot of ${report.snapshotDate}`);
    },
  );

  it("prices the instance families the environment schema accepts", () => {
    expect([...PRICED_INSTANCE_FAMILIES].sort()).toEqual([...SUPPORTED_INSTANCE_FAMILIES].sort());
  });

  /** Every accepted type of `families`. */
  const typesOf = (families: readonly string[]) =>
    KNOWN_INSTANCE_TYPES.filter((type) => families.includes(type.slice(0, type.indexOf("."))));

  /**
   * The instance types without an On-Demand price in the Regions the price
   * coverage test requires (aws-pricing's test/coverage.test.ts): mostly
   * whole families the price list did not offer there when the snapshot was
   * taken. Exact, so the test fails when a gap opens or closes.
   */
  const UNPRICED_TYPES: Record<string, readonly string[]> = {
    "us-east-1": [],
    "eu-west-1": [],
    "ap-southeast-1": [],
    "sa-east-1": typesOf(["c7g", "r7g"]).filter(
      (type) => !["c7g.large", "c7g.xlarge", "c7g.2xlarge", "c7g.4xlarge"].includes(type),
    ),
    "af-south-1": typesOf(["t2", "t3a", "m7i", "m7i-flex", "m7g", "c7i", "c7g", "r7i", "r7g"]),
    "ap-southeast-2": [],
  };

  it.each(Object.keys(UNPRICED_TYPES))(
    "prices in %s every instance type the schema accepts but the listed ones",
    (region) => {
      const snapshot = readSnapshot();
      const unpriced = KNOWN_INSTANCE_TYPES.filter((type) => snapshot.regions[region]?.[`ec2:${type}`] === undefined);
      expect(unpriced).toEqual(UNPRICED_TYPES[region]);
    },
  );

  it("documents in the schema exactly the cost.usage fields the estimate reads", () => {
    const shape = environmentSchema.shape.cost.unwrap().shape.usage.unwrap().shape;
    expect(Object.keys(shape).sort()).toEqual(Object.keys(DEFAULT_USAGE).sort());
  });
});
