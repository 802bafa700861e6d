import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Validator } from "@ssm-access/core";
import { warningsOf } from "@ssm-access/core/testing";
import { resolveNamePrefix } from "../src/name-prefix";

function resolve(props: { namePrefix?: string; name?: string }) {
  const scope = new Construct(new TerraformStack(Testing.app(), "test"), "Thing");
  const v = new Validator(scope.node.path);
  const value = resolveNamePrefix(scope, v, props, 32);
  const warnings = warningsOf(scope);
  return { value, issues: v.issues, warnings };
}

describe("resolveNamePrefix", () => {
  it("takes namePrefix, without a warning", () => {
    expect(resolve({ namePrefix: "ssm-dev" })).toEqual({ value: "ssm-dev", issues: [], warnings: [] });
  });

  it("takes the deprecated name and leaves a warning annotation", () => {
    const { value, issues, warnings } = resolve({ name: "ssm-dev" });
    expect(value).toBe("ssm-dev");
    expect(issues).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(/"name" is deprecated: use "namePrefix".*removed in the next minor version/),
    ]);
  });

  it("rejects both set, even to the same value", () => {
    expect(resolve({ namePrefix: "ssm-dev", name: "ssm-dev" }).issues).toEqual([
      { path: "name", message: "is the deprecated alias of namePrefix; set namePrefix only, not both" },
    ]);
  });

  it("requires one of them", () => {
    expect(resolve({}).issues).toEqual([{ path: "namePrefix", message: "is required" }]);
  });

  it("checks the value at the field that was given", () => {
    expect(resolve({ namePrefix: "Bad" }).issues.map((i) => i.path)).toEqual(["namePrefix"]);
    expect(resolve({ name: "Bad" }).issues.map((i) => i.path)).toEqual(["name"]);
  });
});
