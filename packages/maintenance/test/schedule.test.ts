import { MIN_ASSOCIATION_RATE_MINUTES, scheduleProblem } from "../src/schedule";
import { Token } from "cdktf";

describe("scheduleProblem", () => {
  describe("accepts", () => {
    it.each([
      ["rate(14 days)", "association"],
      ["rate(1 day)", "association"],
      ["rate(30 minutes)", "association"],
      ["rate(2 hours)", "association"],
      ["rate(5 minutes)", "maintenanceWindow"],
      ["cron(0 3 ? * * *)", "association"],
      ["cron(0 3 * * ?)", "association"],
      ["cron(0 0 3 ? * * *)", "association"],
      ["cron(0 3 ? * SUN *)", "maintenanceWindow"],
      ["cron(30 23 ? * TUE#3 *)", "maintenanceWindow"],
      ["cron(0 0/4 L * ? 2030-2035)", "maintenanceWindow"],
    ] as const)("%s (%s)", (expression, use) => {
      expect(scheduleProblem(expression, use)).toBeUndefined();
    });

    it("an unresolved token, left to Terraform", () => {
      expect(scheduleProblem(Token.asString({ Ref: "x" }), "association")).toBeUndefined();
    });
  });

  describe("rejects", () => {
    it.each([
      ["weekly", "association", /"weekly" is not a rate\(\.\.\.\) or cron\(\.\.\.\) expression/],
      ["", "association", /"" is not a rate/],
      ["rate(2 weeks)", "association", /is not a rate/],
      ["rate(-1 days)", "association", /is not a rate/],
      ["RATE(1 day)", "association", /is not a rate/],
      ["rate(0 days)", "maintenanceWindow", /the rate must be a whole number of at least 1/],
      ["rate(15 minutes)", "association", /associations run at most every 30 minutes/],
      ["cron(0 3 ? *)", "association", /has 4 fields; an association cron expression has 5 to 7/],
      ["cron(0 3 * * ?)", "maintenanceWindow", /has 5 fields; a maintenance window cron expression has 6 to 7/],
      ["cron(0 0 3 ? * * * *)", "maintenanceWindow", /has 8 fields/],
      ["cron()", "association", /has 0 fields/],
      ["cron(0 3 ? * * $)", "association", /"\$" is not a cron field/],
    ] as const)("%s (%s)", (expression, use, message) => {
      expect(scheduleProblem(expression, use)).toMatch(message);
    });

    it("a value that is not a string", () => {
      expect(scheduleProblem(14 as unknown as string, "association")).toMatch(/14 is not a rate/);
    });
  });

  it("allows every association rate from the 30-minute minimum up", () => {
    expect(scheduleProblem(`rate(${MIN_ASSOCIATION_RATE_MINUTES} minutes)`, "association")).toBeUndefined();
    expect(scheduleProblem(`rate(${MIN_ASSOCIATION_RATE_MINUTES - 1} minutes)`, "association")).toBeDefined();
    expect(scheduleProblem(`rate(${MIN_ASSOCIATION_RATE_MINUTES - 1} minutes)`, "maintenanceWindow")).toBeUndefined();
  });
});
