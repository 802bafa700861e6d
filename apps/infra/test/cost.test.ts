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
import { SUPPORTED_INSTANCE_FAMILIES } from "@ssm-access/compute";
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

  it("documents in the schema exactly the cost.usage fields the estimate reads", () => {
    const shape = environmentSchema.shape.cost.unwrap().shape.usage.unwrap().shape;
    expect(Object.keys(shape).sort()).toEqual(Object.keys(DEFAULT_USAGE).sort());
  });
});
