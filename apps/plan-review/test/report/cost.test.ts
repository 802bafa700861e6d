import {
  buildReview,
  renderMarkdown,
  reviewCost,
  splitCostIncrease,
  costIncreaseExceeds,
  COST_ROWS_SHOWN,
} from "../../src/report";
import { change, fixture, scenarioInput } from "./support";

/** A plan of the given resource changes, in Terraform's format. */
function plan(changes: Record<string, unknown>[]): unknown {
  return { format_version: "1.2", resource_changes: changes };
}

const endpoint = (azs: number) => ({
  vpc_endpoint_type: "Interface",
  service_name: "com.amazonaws.eu-west-1.ssm",
  subnet_ids: Array.from({ length: azs }, (_, i) => `subnet-${i}`),
});

describe("the cost section of a review", () => {
  describe("on the real plans", () => {
    it("prices the instance type change of the mixed plan at both types' On-Demand rates", () => {
      const cost = reviewCost(scenarioInput("mixed"));
      expect(cost).toBeDefined();
      const app1 = cost?.resources.find((r) => r.address === "aws_instance.instances_app_1");
      // eu-west-1 On-Demand Linux: t3.nano $0.0057 × 730 = $4.16 before, t3.micro $0.0114 × 730 = $8.32 after
      expect(app1?.what).toEqual(
        expect.arrayContaining(["− Instance t3.nano, On-Demand Linux", "+ Instance t3.micro, On-Demand Linux"]),
      );
      expect(app1?.before.fixed).toBeCloseTo(4.16 + 0.7, 2); // and the 8 GiB gp3 root volume, $0.088 a GiB
      expect(app1?.after.fixed).toBeCloseTo(8.32 + 0.7, 2);
      expect(app1?.unpriced).toBe(0);
    });

    it("does not price an endpoint whose AZs are known only after apply, and says so", () => {
      // cidr replaces ssmmessages; the trimmed plan keeps no configuration and the trimmed stack no arguments
      const cost = reviewCost(scenarioInput("cidr"));
      const ssmmessages = cost?.resources.find(
        (r) => r.address === "aws_vpc_endpoint.network_endpoints_ssmmessages_endpoint",
      );
      expect(ssmmessages?.what).toContain("+ Interface endpoint ssmmessages, AZs known only after apply");
      expect(ssmmessages?.unpriced).toBe(1);
      expect(ssmmessages?.before.fixed).toBe(24.09); // 3 AZs × 730 h × $0.011
    });

    it("takes the AZs of a new endpoint from the plan's configuration", () => {
      const cost = reviewCost({
        ...scenarioInput("mixed"),
        plan: {
          format_version: "1.2",
          resource_changes: [
            change({
              address: "aws_vpc_endpoint.ssm",
              actions: ["create"],
              after: { vpc_endpoint_type: "Interface", service_name: "com.amazonaws.eu-west-1.ssm" },
              afterUnknown: { subnet_ids: true },
            }),
          ],
          configuration: {
            root_module: {
              resources: [
                {
                  address: "aws_vpc_endpoint.ssm",
                  expressions: {
                    subnet_ids: { references: ["aws_subnet.a.id", "aws_subnet.a", "aws_subnet.b.id", "aws_subnet.b"] },
                  },
                },
              ],
            },
          },
        },
      });
      expect(cost?.after.fixed).toBe(16.06); // 2 AZs × 730 h × $0.011
    });
  });

  describe("before → after", () => {
    const input = (changes: Record<string, unknown>[]) => ({
      ...scenarioInput("mixed"),
      plan: plan(changes),
    });

    it("shows an endpoint AZ count change: (3 − 2) AZs × 730 h × $0.011 = $8.03 a month in eu-west-1", () => {
      const review = buildReview(
        input([
          change({ address: "aws_vpc_endpoint.ssm", actions: ["update"], before: endpoint(2), after: endpoint(3) }),
        ]),
      );
      expect(review.cost).toMatchObject({
        region: "eu-west-1",
        before: { fixed: 16.06 },
        after: { fixed: 24.09 },
        deltaFixed: 8.03,
      });
      const markdown = renderMarkdown(review);
      expect(markdown).toContain("### Monthly cost before → after");
      expect(markdown).toContain("| Fixed | $16.06 | $24.09 | +$8.03 |");
      expect(markdown).toContain(
        "| `aws_vpc_endpoint.ssm` | change | $16.07 → $24.10 | +$8.03 | $0.00 | − Interface endpoint ssm, 2 AZs × 730 h; + Interface endpoint ssm, 3 AZs × 730 h |",
      );
    });

    it("counts what the plan creates and destroys", () => {
      const cost = reviewCost(
        input([
          change({ address: "aws_kms_key.new", actions: ["create"], after: {} }),
          change({ address: "aws_vpc_endpoint.old", actions: ["delete"], before: endpoint(1) }),
        ]),
      );
      expect(cost?.resources.map((r) => [r.address, r.change])).toEqual([
        ["aws_vpc_endpoint.old", "delete"],
        ["aws_kms_key.new", "create"],
      ]);
      expect(cost?.deltaFixed).toBe(-7.03); // + $1 the key − $8.03 the endpoint's AZ-hours
      expect(cost?.unpriced).toBe(0); // the key's requests are priced in eu-west-1 too (usage, not fixed)
    });

    it("keeps within its row limit, the rest named as in the JSON", () => {
      const many = Array.from({ length: COST_ROWS_SHOWN + 5 }, (_, i) =>
        change({ address: `aws_vpc_endpoint.e${i}`, actions: ["create"], after: endpoint(1) }),
      );
      const review = buildReview(input(many));
      expect(review.cost?.resources).toHaveLength(COST_ROWS_SHOWN + 5);
      const markdown = renderMarkdown(review, { maxChars: 65000 });
      expect(markdown).toContain("… 5 more in the JSON file.");
      expect(markdown.match(/^\| `aws_vpc_endpoint\.e\d+` \|/gm)).toHaveLength(COST_ROWS_SHOWN);
    });

    it("keeps within a tenth of the size limit, down to one line, so the review fits a short limit", () => {
      const many = Array.from({ length: COST_ROWS_SHOWN + 5 }, (_, i) =>
        change({ address: `aws_vpc_endpoint.e${i}`, actions: ["create"], after: endpoint(1) }),
      );
      const review = buildReview(input(many));
      const short = renderMarkdown(review, { maxChars: 4000 });
      expect(short.length).toBeLessThanOrEqual(4000);
      expect(short).toContain(
        "Monthly, USD, in eu-west-1: $0.00 → $241.20 (fixed +$240.90, usage +$0.30); 30 resources in the JSON.",
      );
      const medium = renderMarkdown(review, { maxChars: 20000 });
      const rows = medium.match(/^\| `aws_vpc_endpoint\.e\d+` \| create \|/gm) ?? [];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.length).toBeLessThan(COST_ROWS_SHOWN);
      expect(medium).toContain(`… ${COST_ROWS_SHOWN + 5 - rows.length} more in the JSON file.`);
    });

    it("is left out when the environment file names no Region", () => {
      const base = scenarioInput("mixed");
      expect(reviewCost({ ...base, environment: { file: base.environment.file, json: {} } })).toBeUndefined();
    });

    it("names the file and field of a wrong cost.usage", () => {
      const base = scenarioInput("mixed");
      const json = { ...(fixture("prod.mixed.json") as object), cost: { usage: { endpointGB: "lots" } } };
      expect(() => reviewCost({ ...base, environment: { file: base.environment.file, json } })).toThrow(
        "apps/infra/environments/prod.json: cost.usage.endpointGB: is not a number of 0 or more",
      );
    });
  });

  describe("--fail-on cost-increase=<USD>", () => {
    it("splits the threshold out of the list, and stands alone as the only kind", () => {
      expect(splitCostIncrease("destroy,cost-increase=50")).toEqual({ rest: "destroy", threshold: 50 });
      expect(splitCostIncrease("cost-increase=12.5")).toEqual({ rest: "none", threshold: 12.5 });
      expect(splitCostIncrease("destroy,replace")).toEqual({ rest: "destroy,replace" });
      expect(splitCostIncrease(undefined)).toEqual({ rest: undefined });
    });

    it("rejects an amount that is not a number", () => {
      expect(() => splitCostIncrease("cost-increase=lots")).toThrow(
        "cost-increase=lots must be cost-increase=<USD a month>",
      );
      expect(() => splitCostIncrease("cost-increase")).toThrow("must be cost-increase=<USD a month>");
    });

    it("is exceeded only by a fixed delta above the amount", () => {
      const cost = reviewCost({
        ...scenarioInput("mixed"),
        plan: plan([
          change({ address: "aws_vpc_endpoint.ssm", actions: ["update"], before: endpoint(2), after: endpoint(3) }),
        ]),
      });
      expect(costIncreaseExceeds(cost, 8)).toBe(true);
      expect(costIncreaseExceeds(cost, 8.03)).toBe(false);
      expect(costIncreaseExceeds(cost, undefined)).toBe(false);
    });
  });
});
