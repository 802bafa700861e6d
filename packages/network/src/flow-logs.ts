import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import {
  SsmAccessProps,
  Validator,
  checkSsmAccessProps,
  dnsSuffixForRegion,
  nameTag,
  resourceName,
} from "@ssm-access/core";
import { MAX_NAME_LENGTH } from "./vpc-endpoints";

/** Which traffic a flow log records. */
export type FlowLogTrafficType = "ALL" | "ACCEPT" | "REJECT";

const FLOW_LOG_TRAFFIC_TYPES: readonly FlowLogTrafficType[] = ["ALL", "ACCEPT", "REJECT"];

/** Options shared by {@link FlowLogsProps} and `PrivateNetworkProps.flowLogs`. */
export interface FlowLogsOptions {
  /**
   * How long the log group keeps flow log records, in days; one of CloudWatch's allowed values
   * (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
   * 3288, 3653, or 0 for never). A year covers most audit requirements without unbounded cost.
   * @default 365
   */
  readonly retentionInDays?: number;
  /**
   * ARN of a KMS key encrypting the log group. Its key policy must allow the
   * `logs.<region>.amazonaws.com` principal (scoped by `kms:EncryptionContext:aws:logs:arn`).
   * @default - a key of the flow logs' own (`createKmsKey`)
   */
  readonly kmsKeyArn?: string;
  /**
   * Without `kmsKeyArn`: create a customer managed KMS key (rotated) for the
   * log group, whose key policy lets CloudWatch Logs use it for this log
   * group only (`kms:EncryptionContext:aws:logs:arn`). The flow records name
   * every address and port the VPC talks to; a key of your own puts reading
   * them under a key policy and in CloudTrail. `false`: CloudWatch Logs'
   * own encryption. Needs `accountId` (the key policy names the account).
   * @default - true when `accountId` is given, else false
   */
  readonly createKmsKey?: boolean;
  /**
   * Which traffic to record: accepted, rejected, or both.
   * @default "ALL"
   */
  readonly trafficType?: FlowLogTrafficType;
  /**
   * Longest interval, in seconds, over which a flow is captured before it is written: 60 or 600.
   * @default 600
   */
  readonly maxAggregationInterval?: 60 | 600;
}

/** Props of {@link FlowLogs}. */
export interface FlowLogsProps extends FlowLogsOptions, SsmAccessProps {
  /**
   * Naming prefix for the log group, role and `Name` tags.
   * Lower-case letters, digits and `-`, starting with a letter, at most 32 characters.
   */
  readonly namePrefix: string;
  /** The AWS Region, for the partition of ARNs; no data source is read. */
  readonly region: string;
  /**
   * The AWS account id. When given, the role's trust policy only lets the flow logs service assume it
   * for this account's flow logs (`aws:SourceAccount` / `aws:SourceArn`, against the confused deputy).
   * @default - no source conditions on the trust policy
   */
  readonly accountId?: string;
  /** The VPC whose traffic is recorded. */
  readonly vpcId: string;
}

/**
 * Validates the shared flow log options into `v` (paths relative to `v`); a
 * KMS key must be in the partition of `region` when it is given.
 */
export function validateFlowLogsOptions(v: Validator, options: FlowLogsOptions, region?: string): void {
  if (options.retentionInDays !== undefined) v.logRetentionDays("retentionInDays", options.retentionInDays);
  if (options.kmsKeyArn !== undefined) v.kmsKeyArn("kmsKeyArn", options.kmsKeyArn, region);
  if (options.createKmsKey === true && options.kmsKeyArn !== undefined) {
    v.add("createKmsKey", "cannot be true together with kmsKeyArn: give one key or let the flow logs create one");
  }
  if (options.trafficType !== undefined) {
    v.oneOf("trafficType", options.trafficType, FLOW_LOG_TRAFFIC_TYPES);
  }
  if (options.maxAggregationInterval !== undefined) {
    v.check(
      [60, 600].includes(options.maxAggregationInterval),
      "maxAggregationInterval",
      `${options.maxAggregationInterval} is not 60 or 600`,
    );
  }
}

/**
 * VPC flow logs to a CloudWatch log group with a fixed retention, encrypted
 * with a KMS key of its own (or `kmsKeyArn`), written by a
 * role of their own that the flow logs service assumes and that may only write
 * to that one log group.
 */
export class FlowLogs extends Construct {
  /** The log group receiving the records. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The role the flow logs service assumes to write to the log group. */
  public readonly role: IamRole;
  /** The role's inline policy (write access to the log group only). */
  public readonly rolePolicy: IamRolePolicy;
  /** The flow log. */
  public readonly flowLog: FlowLog;
  /** The key encrypting the log group, when the flow logs create one (`createKmsKey`). */
  public readonly kmsKey?: KmsKey;
  /** The log group name. */
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: FlowLogsProps) {
    super(scope, id);
    const v = new Validator(this.node.path);
    const { namePrefix, partition } = checkSsmAccessProps(v, this, props, {
      maxNamePrefixLength: MAX_NAME_LENGTH,
      region: "for the partition of the role's ARNs",
    });
    validateFlowLogsOptions(v, props, props.region);
    if (props.createKmsKey === true && props.accountId === undefined) {
      v.add("accountId", "is needed for the key policy of the flow log key (createKmsKey)");
    }
    v.throwIfAny();
    this.logGroupName = `/vpc-flow-logs/${resourceName(namePrefix)}`;

    if (props.kmsKeyArn === undefined && props.accountId !== undefined && props.createKmsKey !== false) {
      this.kmsKey = this.createKey(props, partition, props.accountId);
    }

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      provider: props.provider,
      name: this.logGroupName,
      retentionInDays: props.retentionInDays ?? 365,
      kmsKeyId: props.kmsKeyArn ?? this.kmsKey?.arn,
      tags: nameTag(namePrefix, "flow-logs"),
    });

    const trust: Record<string, unknown> = {
      Effect: "Allow",
      Principal: { Service: "vpc-flow-logs.amazonaws.com" },
      Action: "sts:AssumeRole",
    };
    if (props.accountId !== undefined) {
      trust.Condition = {
        StringEquals: { "aws:SourceAccount": props.accountId },
        ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${props.region}:${props.accountId}:vpc-flow-log/*` },
      };
    }
    this.role = new IamRole(this, "Role", {
      provider: props.provider,
      name: resourceName(namePrefix, "vpc-flow-logs"),
      description: "Lets VPC Flow Logs write to its CloudWatch log group",
      assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [trust] }),
      tags: nameTag(namePrefix, "vpc-flow-logs"),
    });
    this.rolePolicy = new IamRolePolicy(this, "RolePolicy", {
      provider: props.provider,
      name: "write-flow-logs",
      role: this.role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "WriteFlowLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: `${this.logGroup.arn}:*`,
          },
        ],
      }),
    });

    this.flowLog = new FlowLog(this, "Resource", {
      provider: props.provider,
      vpcId: props.vpcId,
      trafficType: props.trafficType ?? "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: this.role.arn,
      maxAggregationInterval: props.maxAggregationInterval ?? 600,
      tags: nameTag(namePrefix, "flow-logs"),
    });
  }

  /**
   * The log group's key (rotated): the account administers it through IAM,
   * and CloudWatch Logs may use it for this log group only. The condition is
   * the one the CloudWatch Logs User Guide gives in "Encrypt log data in
   * CloudWatch Logs using AWS Key Management Service", step 2.
   */
  private createKey(props: FlowLogsProps, partition: string, accountId: string): KmsKey {
    const { region } = props;
    const logGroupArn = `arn:${partition}:logs:${region}:${accountId}:log-group:${this.logGroupName}`;
    return new KmsKey(this, "Key", {
      provider: props.provider,
      description: `Encrypts the VPC flow log group ${this.logGroupName}.`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EnableIamPoliciesOfTheAccount",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "kms:*",
            Resource: "*",
          },
          {
            Sid: "AllowCloudWatchLogsForTheFlowLogGroup",
            Effect: "Allow",
            Principal: { Service: `logs.${region}.${dnsSuffixForRegion(region)}` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
          },
        ],
      }),
      tags: nameTag(props.namePrefix, "flow-logs"),
    });
  }

  /** The log group ARN (without the `:*` suffix). */
  public get logGroupArn(): string {
    return this.logGroup.arn;
  }
}
