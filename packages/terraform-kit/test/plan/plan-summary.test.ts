import { formatPlanCounts, planCounts, plannedCreates } from "../../src/plan/plan-summary";

describe("plan summary", () => {
  const plan = {
    resource_changes: [
      { address: "aws_vpc.a", change: { actions: ["create"] } },
      { address: "aws_vpc.b", change: { actions: ["update"] } },
      { address: "aws_vpc.c", change: { actions: ["delete"] } },
      { address: "aws_vpc.d", change: { actions: ["delete", "create"] } },
      { address: "aws_vpc.e", change: { actions: ["no-op"] } },
      { address: "data.aws_region.r", mode: "data", change: { actions: ["read"] } },
    ],
  };

  it("counts like Terraform: a replacement adds and destroys, reads and no-ops count nowhere", () => {
    expect(planCounts(plan)).toEqual({ add: 2, change: 1, destroy: 2 });
    expect(formatPlanCounts(planCounts(plan))).toBe("2 to add, 1 to change, 2 to destroy");
  });

  it("lists the created addresses and copes with an empty plan", () => {
    expect(plannedCreates(plan)).toEqual(["aws_vpc.a", "aws_vpc.d"]);
    expect(planCounts({})).toEqual({ add: 0, change: 0, destroy: 0 });
  });
});
