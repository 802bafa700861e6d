import {
  DEFAULT_USAGE,
  FREE_TYPES,
  HOURS_PER_MONTH,
  PRICED_TYPES,
  costReport,
  estimate,
  readSnapshot,
  renderCostMarkdown,
  SNAPSHOT_FILE,
  stackResources,
  unknownTypes,
} from "../src";
import { goldenStack, inRegion } from "./support";

const snapshot = readSnapshot();

describe("estimate", () => {
  describe("checked against published prices", () => {
    it("prices prod's interface endpoints as endpoints × AZs × 730 h × the Region's AZ-hour price", () => {
      // us-east-1 USE1-VpcEndpoint-Hours = $0.01 per endpoint per AZ-hour (AWS Price List, AmazonVPC
      // 2026-09-17, read in SoongGuanLeong/de-platform docs/research/22-aws-network-and-address-pricing.md).
      // prod: 5 interface endpoints (ssm, ssmmessages, ec2messages, kms, logs) × 3 AZs; the S3 gateway is free.
      const result = estimate(stackResources(inRegion(goldenStack("prod"), "us-east-1")), snapshot, DEFAULT_USAGE);
      const hours = result.lines.filter((l) => l.product === "vpce.hours");
      expect(hours).toHaveLength(5);
      for (const line of hours) {
        expect(line.quantity).toBe(3 * 730);
        expect(line.monthly).toBe(21.9);
        expect(line.kind).toBe("fixed");
      }
      expect(hours.reduce((t, l) => t + (l.monthly ?? 0), 0)).toBeCloseTo(5 * 3 * 730 * 0.01, 6); // $109.50
      expect(result.lines.some((l) => l.address === "aws_vpc_endpoint.network_endpoints_s3_gateway")).toBe(false);
    });

    it("prices a t3.micro at its On-Demand Linux rate in us-east-1 and eu-west-1", () => {
      // AmazonEC2 offer file 20260910195514: BoxUsage:t3.micro $0.0104 (us-east-1),
      // EU-BoxUsage:t3.micro $0.0114 (eu-west-1, SKU DXH6X4VVFUT4EUU5).
      const monthly = (region: string) =>
        estimate(
          [{ address: "aws_instance.a", type: "aws_instance", values: { instance_type: "t3.micro" }, region }],
          snapshot,
          DEFAULT_USAGE,
        ).lines[0];
      expect(monthly("us-east-1")).toMatchObject({ quantity: 730, unitPrice: 0.0104, monthly: 7.59, kind: "fixed" });
      expect(monthly("eu-west-1")).toMatchObject({ quantity: 730, unitPrice: 0.0114, monthly: 8.32, kind: "fixed" });
      expect(monthly("eu-west-1").source?.entry).toContain("DXH6X4VVFUT4EUU5");
    });

    it("prices the root volume from the instance's launch template: 8 GiB gp3 at $0.08 in us-east-1", () => {
      const result = estimate(stackResources(inRegion(goldenStack("dev"), "us-east-1")), snapshot, DEFAULT_USAGE);
      const volume = result.lines.find((l) => l.product === "ebs.gp3.storage");
      expect(volume).toMatchObject({
        address: "aws_instance.instances_app_1",
        quantity: 8,
        monthly: 0.64,
        kind: "fixed",
      });
    });
  });

  describe("missing prices", () => {
    it("gives an explicit no-price line, left out of the totals, for a product the snapshot lacks in the Region", () => {
      const result = estimate(
        [
          {
            address: "aws_instance.a",
            type: "aws_instance",
            values: { instance_type: "t3.nano" },
            region: "eu-west-1",
          },
          { address: "aws_kms_key.k", type: "aws_kms_key", values: {}, region: "us-east-1" },
        ],
        // The snapshot without its EC2 prices file has no t3.nano in eu-west-1.
        readSnapshot(SNAPSHOT_FILE, null),
        DEFAULT_USAGE,
      );
      const [nano, key] = result.lines;
      expect(nano).toMatchObject({ unitPrice: null, monthly: null, source: null });
      expect(nano.noPrice).toBe(`no price for ec2:t3.nano in eu-west-1 in the snapshot of ${snapshot.snapshotDate}`);
      expect(key.monthly).toBe(1);
      expect(result.monthlyFixed).toBe(1);
      expect(result.unpriced).toBe(1);

      const markdown = renderCostMarkdown(costReport("dev", result, DEFAULT_USAGE));
      expect(markdown).toContain(
        '**1 line has no price** in the snapshot and is left out of the totals: see the lines marked "no price".',
      );
      expect(markdown).toContain(`| no price | **no price** | ${nano.noPrice} |`);
    });
  });

  describe("fixed and usage", () => {
    it("keeps usage lines apart, with their assumption, and the totals add up", () => {
      const result = estimate(
        stackResources(inRegion(goldenStack("prod"), "us-east-1")),
        snapshot,
        {
          ...DEFAULT_USAGE,
          endpointGB: 50,
        },
        DEFAULT_USAGE,
      );
      const gb = result.lines.filter((l) => l.product === "vpce.gb");
      expect(gb.every((l) => l.kind === "usage" && l.quantity === 50 && l.monthly === 0.5)).toBe(true);
      expect(gb[0].assumption).toBe("cost.usage.endpointGB = 50");
      const kmsRequests = result.lines.find((l) => l.product === "kms.requests");
      expect(kmsRequests?.assumption).toBe("cost.usage.kmsRequests = 10000 (default)");
      const sum = (kind: string) =>
        result.lines.filter((l) => l.kind === kind).reduce((t, l) => t + (l.monthly ?? 0), 0);
      expect(result.monthlyFixed).toBeCloseTo(sum("fixed"), 2);
      expect(result.monthlyUsage).toBeCloseTo(sum("usage"), 2);
      expect(result.monthlyTotal).toBeCloseTo(result.monthlyFixed + result.monthlyUsage, 2);
    });

    it("prices each resource in the Region of the provider configuration it names (state-bootstrap's aliases)", () => {
      const json = goldenStack("state-bootstrap") as { provider: { aws: Record<string, unknown>[] } };
      const copy = JSON.parse(JSON.stringify(json)) as typeof json;
      copy.provider.aws[1].region = "us-east-1";
      const regions = new Set(stackResources(copy).map((r) => r.region));
      expect([...regions].sort()).toEqual(["eu-west-1", "us-east-1"]);
    });
  });

  describe("coverage", () => {
    it("has a rule, priced or free, for every resource type the shipped stacks produce", () => {
      for (const name of ["dev", "prod", "state-bootstrap"] as const) {
        expect(unknownTypes(stackResources(goldenStack(name)).map((r) => r.type))).toEqual([]);
      }
    });

    it("lists no type as both priced and free", () => {
      expect(FREE_TYPES.filter((t) => PRICED_TYPES[t] !== undefined)).toEqual([]);
    });

    it("counts 730 hours a month", () => {
      expect(HOURS_PER_MONTH).toBe((365 * 24) / 12);
    });
  });
});
