import { Testing, TerraformStack } from "cdktf";
import { CloudwatchLogGroup as TfCloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog as TfFlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole as TfIamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy as TfIamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey as TfKmsKey } from "@cdktf/provider-aws/lib/kms-key";
import {
  TerraformJson,
  onlyOf,
  parsePolicy,
  providersOf,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
  offProvider,
} from "@ssm-access/core/testing";
import { LOG_RETENTION_DAYS } from "@ssm-access/core";
import { FlowLogs, FlowLogsProps } from "../src";

const BASE: FlowLogsProps = { namePrefix: "ssm-dev", region: "eu-west-1", vpcId: "vpc-123" };

function synth(props: Partial<FlowLogsProps> = {}): { json: TerraformJson; flowLogs: FlowLogs } {
  let flowLogs: FlowLogs | undefined;
  const json = synthJson((scope) => {
    flowLogs = new FlowLogs(scope, "FlowLogs", { ...BASE, ...props });
  }, props.region ?? BASE.region);
  return { json, flowLogs: flowLogs as FlowLogs };
}

function build(props: Partial<FlowLogsProps>): FlowLogs {
  return new FlowLogs(new TerraformStack(Testing.app(), "test"), "FlowLogs", { ...BASE, ...props } as FlowLogsProps);
}

const ref = (json: TerraformJson, type: { tfResourceType: string }, attr: string): string =>
  `\${${type.tfResourceType}.${Object.keys(resourcesOf(json, type))[0]}.${attr}}`;

describe("FlowLogs", () => {
  describe("with the defaults", () => {
    const { json, flowLogs } = synth();

    it("creates a log group kept 365 days, without a KMS key when no accountId names the key's account", () => {
      const group = onlyOf(json, TfCloudwatchLogGroup);
      expect(group).toMatchObject({ name: "/vpc-flow-logs/ssm-dev", retention_in_days: 365 });
      expect(group.kms_key_id).toBeUndefined();
      expect(flowLogs.logGroupName).toBe("/vpc-flow-logs/ssm-dev");
    });

    it("records ALL traffic of the VPC into the log group with its role", () => {
      expect(onlyOf(json, TfFlowLog)).toMatchObject({
        vpc_id: "vpc-123",
        traffic_type: "ALL",
        log_destination_type: "cloud-watch-logs",
        log_destination: ref(json, TfCloudwatchLogGroup, "arn"),
        iam_role_arn: ref(json, TfIamRole, "arn"),
        max_aggregation_interval: 600,
      });
    });

    it("lets only the flow logs service assume the role, without conditions", () => {
      const trust = parsePolicy(onlyOf(json, TfIamRole).assume_role_policy);
      expect(trust.Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    });

    it("scopes the role's permissions to the streams of its own log group, with no wildcard resource", () => {
      const policy = onlyOf(json, TfIamRolePolicy);
      expect(policy.role).toBe(ref(json, TfIamRole, "id"));
      const statements = parsePolicy(policy.policy).Statement;
      expect(statements).toEqual([
        {
          Sid: "WriteFlowLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: `${ref(json, TfCloudwatchLogGroup, "arn")}:*`,
        },
      ]);
      for (const s of statements) expect(s.Resource).not.toBe("*");
    });

    it("names the role after the network", () => {
      expect(onlyOf(json, TfIamRole).name).toBe("ssm-dev-vpc-flow-logs");
    });
  });

  describe("options", () => {
    it("sets retention, KMS key, traffic type and aggregation interval", () => {
      const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const { json } = synth({ retentionInDays: 0, kmsKeyArn: key, trafficType: "REJECT", maxAggregationInterval: 60 });
      expect(onlyOf(json, TfCloudwatchLogGroup)).toMatchObject({ retention_in_days: 0, kms_key_id: key });
      expect(onlyOf(json, TfFlowLog)).toMatchObject({ traffic_type: "REJECT", max_aggregation_interval: 60 });
    });

    it("with accountId, restricts the trust policy to this account's flow logs", () => {
      const { json } = synth({ accountId: "123456789012" });
      const [statement] = parsePolicy(onlyOf(json, TfIamRole).assume_role_policy).Statement;
      expect(statement.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": "123456789012" },
        ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/*" },
      });
    });

    it("uses the region's partition in the source ARN", () => {
      const json = synthJson((scope) => {
        new FlowLogs(scope, "FlowLogs", { ...BASE, region: "cn-north-1", accountId: "123456789012" });
      }, "cn-north-1");
      const [statement] = parsePolicy(onlyOf(json, TfIamRole).assume_role_policy).Statement;
      expect(JSON.stringify(statement.Condition)).toContain("arn:aws-cn:ec2:cn-north-1:123456789012:vpc-flow-log/*");
    });

    it.each(LOG_RETENTION_DAYS)("accepts a retention of %d days", (days) => {
      expect(() => build({ retentionInDays: days })).not.toThrow();
    });
  });

  describe("with accountId: a KMS key of its own", () => {
    const { json, flowLogs } = synth({ accountId: "123456789012" });
    const key = onlyOf(json, TfKmsKey);

    it("encrypts the log group with a rotated key", () => {
      expect(onlyOf(json, TfCloudwatchLogGroup).kms_key_id).toBe(ref(json, TfKmsKey, "arn"));
      expect(key.enable_key_rotation).toBe(true);
      expect(flowLogs.kmsKey).toBeDefined();
    });

    it("lets CloudWatch Logs use the key for the flow log group only", () => {
      expect(parsePolicy(key.policy).Statement).toEqual([
        {
          Sid: "EnableIamPoliciesOfTheAccount",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "AllowCloudWatchLogsForTheFlowLogGroup",
          Effect: "Allow",
          Principal: { Service: "logs.eu-west-1.amazonaws.com" },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnEquals: {
              "kms:EncryptionContext:aws:logs:arn":
                "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc-flow-logs/ssm-dev",
            },
          },
        },
      ]);
    });

    it("names the CloudWatch Logs principal of the Region's partition", () => {
      const cn = synth({ accountId: "123456789012", region: "cn-north-1" }).json;
      const statements = parsePolicy(onlyOf(cn, TfKmsKey).policy).Statement;
      expect(statements[1].Principal).toEqual({ Service: "logs.cn-north-1.amazonaws.com.cn" });
      expect(statements[1].Condition).toEqual({
        ArnEquals: {
          "kms:EncryptionContext:aws:logs:arn":
            "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/vpc-flow-logs/ssm-dev",
        },
      });
    });

    it("creates no key with createKmsKey: false or a key of the caller's", () => {
      const off = synth({ accountId: "123456789012", createKmsKey: false }).json;
      expect(resourcesOf(off, TfKmsKey)).toEqual({});
      expect(onlyOf(off, TfCloudwatchLogGroup).kms_key_id).toBeUndefined();
      const given = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const own = synth({ accountId: "123456789012", kmsKeyArn: given }).json;
      expect(resourcesOf(own, TfKmsKey)).toEqual({});
      expect(onlyOf(own, TfCloudwatchLogGroup).kms_key_id).toBe(given);
    });
  });

  describe("validation", () => {
    it.each<[string, Partial<FlowLogsProps>, RegExp]>([
      ["a bad name prefix", { namePrefix: "9lives" }, /namePrefix: "9lives" must be lower-case letters/],
      ["no name prefix", { namePrefix: undefined }, /namePrefix: is required/],
      ["a bad region", { region: "EU" }, /region: "EU" is not an AWS Region code/],
      [
        "a retention CloudWatch does not offer",
        { retentionInDays: 10 },
        /retentionInDays: 10 is not a CloudWatch Logs retention/,
      ],
      ["a negative retention", { retentionInDays: -1 }, /retentionInDays: -1 is not a CloudWatch Logs retention/],
      [
        "a KMS alias instead of a key ARN",
        { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/logs" },
        /kmsKeyArn: .* is not a KMS key ARN/,
      ],
      ["a bad traffic type", { trafficType: "SOME" as never }, /trafficType: "SOME" is not one of ALL, ACCEPT, REJECT/],
      [
        "a bad aggregation interval",
        { maxAggregationInterval: 300 as never },
        /maxAggregationInterval: 300 is not 60 or 600/,
      ],
      ["a bad account id", { accountId: "1234" }, /accountId: "1234" is not a 12-digit AWS account id/],
      [
        "createKmsKey together with a key",
        {
          createKmsKey: true,
          kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        },
        /createKmsKey: cannot be true together with kmsKeyArn/,
      ],
      ["createKmsKey without an account", { createKmsKey: true }, /accountId: is needed for the key policy/],
    ])("rejects %s", (_label, props, expected) => {
      expect(() => build(props)).toThrow(expected);
    });
  });

  describe("with a provider", () => {
    it("creates every resource with that provider", () => {
      const json = synthJsonWithAliasedProvider(
        (scope, provider) => new FlowLogs(scope, "FlowLogs", { ...BASE, provider }),
      );
      const providers = providersOf(json);
      expect(Object.keys(providers)).toHaveLength(4);
      expect(offProvider(json)).toEqual({});
    });
  });
});
