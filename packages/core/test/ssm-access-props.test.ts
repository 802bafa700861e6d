import { TerraformStack, Testing, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SsmAccessProps, SsmAccessRequirements, ValidationError, Validator, checkSsmAccessProps } from "../src";

/** Checks `props` on a construct of a fresh stack with `providers`; returns the issues. */
function issuesOf(
  props: Partial<SsmAccessProps>,
  needs: SsmAccessRequirements = { maxNamePrefixLength: 32 },
  addProviders: (stack: TerraformStack) => Partial<SsmAccessProps> = () => ({}),
): string[] {
  const stack = new TerraformStack(Testing.app(), "stack");
  const extra = addProviders(stack);
  const scope = new Construct(stack, "Thing");
  const v = new Validator(scope.node.path);
  checkSsmAccessProps(v, scope, { namePrefix: "ssm-dev", ...props, ...extra } as SsmAccessProps, needs);
  return v.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("checkSsmAccessProps", () => {
  it("accepts a name prefix alone when the construct needs no Region or account", () => {
    expect(issuesOf({})).toEqual([]);
  });

  it("names a missing Region and account, with why the construct needs them", () => {
    expect(issuesOf({}, { maxNamePrefixLength: 32, region: "for ARNs", accountId: "for policies" })).toEqual([
      "region: is required for ARNs",
      "accountId: is required for policies",
    ]);
  });

  it("rejects a missing or bad name prefix, and one longer than the construct allows", () => {
    expect(issuesOf({ namePrefix: undefined })).toEqual(["namePrefix: is required"]);
    expect(issuesOf({ namePrefix: "Bad_Name" })).toEqual([
      'namePrefix: "Bad_Name" must be lower-case letters, digits and "-", starting with a letter, at most 32 characters',
    ]);
    expect(issuesOf({ namePrefix: "a".repeat(9) }, { maxNamePrefixLength: 8 })).toHaveLength(1);
  });

  it("checks a Region and an account that are given even when not needed", () => {
    expect(issuesOf({ region: "Ireland", accountId: "1234" })).toEqual([
      'region: "Ireland" is not an AWS Region code such as eu-west-1',
      'accountId: "1234" is not a 12-digit AWS account id',
    ]);
  });

  it("takes an account id reference as it is, but not a Region reference", () => {
    const issues = issuesOf({}, { maxNamePrefixLength: 32 }, (stack) => ({
      accountId: new TerraformVariable(stack, "account", { type: "string" }).stringValue,
      region: new TerraformVariable(stack, "region", { type: "string" }).stringValue,
    }));
    expect(issues).toEqual(["region: must be a literal Region code, not a reference resolved at apply"]);
  });

  describe("against the AWS provider", () => {
    it("accepts the Region of the stack's default AWS provider", () => {
      const issues = issuesOf({ region: "eu-west-1" }, undefined, (stack) => {
        new AwsProvider(stack, "aws", { region: "eu-west-1" });
        return {};
      });
      expect(issues).toEqual([]);
    });

    it("rejects another Region than the stack's default AWS provider's", () => {
      const issues = issuesOf({ region: "us-east-1" }, undefined, (stack) => {
        new AwsProvider(stack, "aws", { region: "eu-west-1" });
        new AwsProvider(stack, "other", { region: "us-east-1", alias: "other" });
        return {};
      });
      expect(issues).toEqual([
        "region: us-east-1 is not the Region of the AWS provider the resources are created with (eu-west-1); give the provider's Region, or a provider of us-east-1",
      ]);
    });

    it("checks against the provider given, not the default one", () => {
      const check = (region: string) =>
        issuesOf({ region }, undefined, (stack) => {
          new AwsProvider(stack, "aws", { region: "eu-west-1" });
          return { provider: new AwsProvider(stack, "other", { region: "us-east-1", alias: "other" }) };
        });
      expect(check("us-east-1")).toEqual([]);
      expect(check("eu-west-1")).toEqual([
        "region: eu-west-1 is not the Region of the AWS provider the resources are created with (us-east-1); give the provider's Region, or a provider of eu-west-1",
      ]);
    });

    it("skips the check when the provider's Region is not known (absent or a reference)", () => {
      expect(
        issuesOf({ region: "eu-west-1" }, undefined, (stack) => {
          new AwsProvider(stack, "aws", {});
          return {};
        }),
      ).toEqual([]);
      expect(
        issuesOf({ region: "eu-west-1" }, undefined, (stack) => {
          const region = new TerraformVariable(stack, "region", { type: "string" }).stringValue;
          new AwsProvider(stack, "aws", { region });
          return {};
        }),
      ).toEqual([]);
    });

    it("rejects an account the provider does not allow", () => {
      const provider = (stack: TerraformStack) => {
        new AwsProvider(stack, "aws", { region: "eu-west-1", allowedAccountIds: ["111122223333"] });
        return {};
      };
      expect(issuesOf({ accountId: "111122223333" }, undefined, provider)).toEqual([]);
      expect(issuesOf({ accountId: "444455556666" }, undefined, provider)).toEqual([
        "accountId: 444455556666 is not an account the AWS provider the resources are created with allows (111122223333)",
      ]);
    });
  });

  it("reports through the one validation error of the construct", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const v = new Validator("stack/Thing");
    checkSsmAccessProps(v, stack, { namePrefix: "" }, { maxNamePrefixLength: 32, region: "for ARNs" });
    expect(() => v.throwIfAny()).toThrow(ValidationError);
    expect(() => v.throwIfAny()).toThrow(/namePrefix: is required\n\s+- region: is required for ARNs/);
  });

  it("resolves the partition of the Region", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const v = new Validator("stack");
    const resolved = checkSsmAccessProps(
      v,
      stack,
      { namePrefix: "x", region: "cn-north-1", accountId: "111122223333" },
      { maxNamePrefixLength: 32 },
    );
    expect(resolved).toMatchObject({ partition: "aws-cn", regionOk: true, accountIdOk: true, namePrefixOk: true });
  });
});
