import { loadEnvironments } from "../../src/config/load";
import type { EnvironmentInput } from "../../src/config/schema";
import { SHIPPED_ENVIRONMENTS, environmentsDir, removeTempDirs, validEnvironment } from "../fixtures";

afterAll(removeTempDirs);

function problemsOf(files: Record<string, unknown>): string {
  try {
    loadEnvironments(environmentsDir(files));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the environments to be rejected");
}

describe("the ci section of an environment file", () => {
  const PLAN = "arn:aws:iam::123456789012:role/ssm-access-qa-plan";
  const APPLY = "arn:aws:iam::123456789012:role/ci/ssm-access-qa-apply";

  it.each<[string, EnvironmentInput["ci"]]>([
    ["a plan role", { planRoleArn: PLAN }],
    ["a plan role and an apply role", { planRoleArn: PLAN, applyRoleArn: APPLY }],
    ["an order", { planRoleArn: PLAN, applyRoleArn: APPLY, deployAfter: ["dev"] }],
    ["an empty section", {}],
  ])("accepts %s", (_what, ci) => {
    const [qa] = loadEnvironments(environmentsDir({ "qa.json": validEnvironment({ ci }) }));
    expect(qa.config.ci).toEqual(ci);
  });

  it("is absent by default, in the shipped files too: nothing is deployed from CI", () => {
    expect(loadEnvironments(environmentsDir({ "qa.json": validEnvironment() }))[0].config.ci).toBeUndefined();
    for (const env of loadEnvironments(SHIPPED_ENVIRONMENTS)) expect(env.config.ci).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "a role name instead of its ARN",
      { planRoleArn: "plan" },
      /qa\.json: 1 problem\n {2}- ci\.planRoleArn: must be an IAM role ARN/,
    ],
    [
      "a user ARN as apply role",
      { planRoleArn: PLAN, applyRoleArn: "arn:aws:iam::123456789012:user/alice" },
      /ci\.applyRoleArn: must be an IAM role ARN/,
    ],
    [
      "a plan role of another account",
      { planRoleArn: "arn:aws:iam::999999999999:role/plan" },
      /ci\.planRoleArn: is a role of account 999999999999, but accountId is 123456789012/,
    ],
    [
      "an apply role of another account",
      { planRoleArn: PLAN, applyRoleArn: "arn:aws:iam::999999999999:role/apply" },
      /ci\.applyRoleArn: is a role of account 999999999999, but accountId is 123456789012/,
    ],
    ["an apply role without a plan role", { applyRoleArn: APPLY }, /ci\.applyRoleArn: only applies with planRoleArn/],
    [
      "an order that is not environment names",
      { deployAfter: ["Dev"] },
      /ci\.deployAfter\[0\]: must be an environment name/,
    ],
    ["an unknown field", { roleArn: PLAN }, /ci\.roleArn: unknown field/],
  ])("rejects %s at its field", (_what, ci, expected) => {
    expect(problemsOf({ "qa.json": { ...validEnvironment(), ci } })).toMatch(expected);
  });
});
