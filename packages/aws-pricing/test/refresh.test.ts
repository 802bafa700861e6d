import * as fs from "node:fs";
import * as path from "node:path";
import { GetAttributeValuesCommand, GetProductsCommand } from "@aws-sdk/client-pricing";
import { checkSnapshot, estimate, DEFAULT_USAGE } from "../src";
import { PricingSender, parsePriceItem, refreshSnapshot } from "../src/refresh";

interface Recorded {
  attributeValues: unknown[];
  products: { serviceCode: string; filters: Record<string, string>; pages: { NextToken?: string }[] }[];
}

const recorded = JSON.parse(
  fs.readFileSync(path.join(__dirname, "fixtures", "get-products.eu-west-1.json"), "utf8"),
) as Recorded;

/** A Pricing client that answers from the recorded responses, and remembers the calls. */
function recordedClient(): PricingSender & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async send(command) {
      if (command instanceof GetAttributeValuesCommand) {
        calls.push(`GetAttributeValues ${command.input.AttributeName} ${command.input.NextToken ?? ""}`);
        return command.input.NextToken === "page-2" ? recorded.attributeValues[1] : recorded.attributeValues[0];
      }
      const input = (command as GetProductsCommand).input;
      const filters = Object.fromEntries((input.Filters ?? []).map((f) => [f.Field, f.Value]));
      calls.push(`GetProducts ${input.ServiceCode} ${JSON.stringify(filters)} ${input.NextToken ?? ""}`);
      expect((input.Filters ?? []).every((f) => f.Type === "TERM_MATCH")).toBe(true);
      const match = recorded.products.find(
        (p) => p.serviceCode === input.ServiceCode && JSON.stringify(p.filters) === JSON.stringify(filters),
      );
      if (match === undefined) return { FormatVersion: "aws_v1", PriceList: [] };
      const page =
        input.NextToken === undefined
          ? 0
          : match.pages.findIndex((_, i) => match.pages[i - 1]?.NextToken === input.NextToken);
      return match.pages[page];
    },
  };
}

describe("refreshSnapshot on recorded GetProducts responses", () => {
  it("lists the commercial Regions only, across pages", async () => {
    const client = recordedClient();
    const snapshot = await refreshSnapshot({ client, today: "2026-12-04" });
    expect(Object.keys(snapshot.regions)).toEqual(["eu-west-1", "us-east-1"]);
    expect(client.calls.filter((c) => c.startsWith("GetAttributeValues"))).toHaveLength(2);
  });

  it("keeps the products the stacks bill, with the rate, unit, usage type and SKU", async () => {
    const snapshot = await refreshSnapshot({ client: recordedClient(), regions: ["eu-west-1"], today: "2026-12-04" });
    const prices = snapshot.regions["eu-west-1"];
    expect(prices["ec2:t3.micro"]).toMatchObject({ usd: 0.0114, unit: "hours" });
    expect(prices["ec2:t3.micro"].entry).toContain("EU-BoxUsage:t3.micro, SKU DXH6X4VVFUT4EUU5");
    expect(prices["ec2:m5.xlarge"].usd).toBe(0.214); // from the second page
    expect(prices["ec2:p4d.24xlarge"]).toBeUndefined(); // not a family the schema accepts
    expect(prices["vpce.hours"]).toMatchObject({ usd: 0.011, unit: "hours" });
    expect(prices["vpce.gb"]).toMatchObject({ usd: 0.01, unit: "GB" }); // the first tier, whatever the order
    expect(prices["nat.hours"].usd).toBe(0.048);
    expect(prices["ipv4.hours"].entry).toContain("InUseAddress");
    expect(prices["ebs.gp3.storage"]).toMatchObject({ usd: 0.088, unit: "GB-months" });
    expect(prices["ebs.gp3.iops"]).toMatchObject({ usd: 0.0055, unit: "IOPS-months" });
    expect(prices["ebs.gp3.throughput"]).toMatchObject({ usd: 0.044, unit: "MiBps-months" }); // 45.056 per GiBps / 1024
    expect(prices["logs.ingestion"].usd).toBe(0.57); // the free tier skipped
    expect(prices["logs.storage"]).toMatchObject({ usd: 0.03, unit: "GB-months" });
    expect(prices["kms.key"]).toBeUndefined(); // none recorded: absent, never guessed
  });

  it("writes a snapshot that reads back and prices a stack, citing the Query API", async () => {
    const snapshot = checkSnapshot(
      JSON.parse(
        JSON.stringify(
          await refreshSnapshot({ client: recordedClient(), regions: ["eu-west-1"], today: "2026-12-04" }),
        ),
      ),
      "refreshed.json",
    );
    expect(snapshot.snapshotDate).toBe("2026-12-04");
    const result = estimate(
      [{ address: "aws_instance.a", type: "aws_instance", values: { instance_type: "t3.micro" }, region: "eu-west-1" }],
      snapshot,
      DEFAULT_USAGE,
    );
    expect(result.lines[0].monthly).toBe(8.32);
    expect(result.lines[0].source?.citation).toContain("AWS Price List Query API");
  });
});

describe("parsePriceItem", () => {
  it("names the SKU of an entry without on-demand terms", () => {
    expect(() => parsePriceItem(JSON.stringify({ product: { sku: "ABC", attributes: {} }, terms: {} }))).toThrow(
      "GetProducts: SKU ABC has no terms.OnDemand",
    );
  });
});
