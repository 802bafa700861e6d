import { PlanJson } from "@ssm-access/terraform-kit";
import { baselineOverride, managedDrift, withoutEmulatorArtifacts } from "../../src";

const drift = (address: string, type: string, before: Record<string, unknown>, after: Record<string, unknown>) => ({
  address,
  type,
  change: { actions: ["update"], before, after },
});

const plan = (
  resource_drift: PlanJson["resource_drift"],
  resources: Array<{ address: string; expressions: Record<string, unknown> }>,
): PlanJson => ({ resource_changes: [], resource_drift, configuration: { root_module: { resources } } }) as PlanJson;

describe("managed drift", () => {
  test("an ingress rule added outside Terraform to a group that sets ingress is drift; egress filled in by separate rule resources is not", () => {
    const p = managedDrift(
      plan(
        [
          drift(
            "aws_security_group.instances",
            "aws_security_group",
            { ingress: [], egress: [], name: "g" },
            { ingress: [{ from_port: 22, to_port: 22 }], egress: [{ from_port: 443 }], name: "g" },
          ),
        ],
        [
          {
            address: "aws_security_group.instances",
            expressions: { ingress: { constant_value: [] }, name: { constant_value: "g" } },
          },
        ],
      ),
    );
    expect(p.resource_drift).toHaveLength(1);
    expect(p.resource_drift?.[0].change.after).toEqual({
      ingress: [{ from_port: 22, to_port: 22 }],
      egress: [],
      name: "g",
    });
  });

  test("a resource whose only changes are attributes the configuration does not set has no drift; for_each instances match their block", () => {
    const p = managedDrift(
      plan(
        [
          drift("aws_iam_role.r", "aws_iam_role", { inline_policy: [] }, { inline_policy: [{ name: "x" }] }),
          drift('aws_ec2_tag.t["Owner"]', "aws_ec2_tag", { value: "a" }, { value: "b" }),
        ],
        [
          { address: "aws_iam_role.r", expressions: { name: {} } },
          { address: "aws_ec2_tag.t", expressions: { value: {} } },
        ],
      ),
    );
    expect(p.resource_drift?.map((d) => d.address)).toEqual(['aws_ec2_tag.t["Owner"]']);
  });

  test("against an emulated baseline, a difference only the emulator makes is neither a change nor drift", () => {
    const artifact = {
      address: "aws_vpc_security_group_egress_rule.https_to_s3",
      type: "aws_vpc_security_group_egress_rule",
      change: { actions: ["update"], before: { description: "" }, after: { description: "HTTPS to S3" } },
    };
    const { plan: p, leftOut } = withoutEmulatorArtifacts({
      resource_changes: [artifact],
      resource_drift: [artifact],
      configuration: { root_module: { resources: [{ address: artifact.address, expressions: { description: {} } }] } },
    } as PlanJson);
    expect(leftOut).toEqual([artifact.address]);
    expect(p.resource_changes?.[0].change.actions).toEqual(["no-op"]);
    expect(p.resource_drift).toEqual([]);
  });
});

describe("the emulated baseline's override", () => {
  test("sends the providers to the account's emulator and replaces the S3 backend with one local state file", () => {
    const stack = {
      provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["222222222222"], profile: "prod" }] },
      terraform: { backend: { s3: { bucket: "b", key: "k", region: "eu-west-1" } } },
    };
    const o = baselineOverride(
      "prod",
      stack,
      { endpoints: { "222222222222": "https://127.0.0.1:5000" }, awsConfigFile: "/run/aws-config" },
      "/state/terraform.tfstate",
    ) as {
      terraform: unknown;
      provider: { aws: Array<Record<string, unknown>> };
    };
    expect(o.terraform).toEqual({ backend: { local: { path: "/state/terraform.tfstate" } } });
    expect(o.provider.aws[0]).toMatchObject({
      profile: "ssm-access-emulator-222222222222",
      shared_config_files: ["/run/aws-config"],
    });
  });
});
