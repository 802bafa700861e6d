import type { Image, Instance, RouteTable, SecurityGroup, Subnet, VpcEndpoint } from "@aws-sdk/client-ec2";
import type { AwsClients } from "../src/aws-clients";
import { StackView, stackView } from "../src/stack-view";
import type { ToolRun, ToolRunner } from "../src/local-tools";
import type { StackOutputs } from "../src/outputs";

/** Where the shipped dev stack is synthesized, and its environment file (as messages show them). */
export const DEV_STACK_FILE = "apps/infra/cdktf.out/stacks/dev/cdk.tf.json";
export const DEV_ENVIRONMENT_FILE = "apps/infra/environments/dev.json";

/**
 * dev's synthesized stack (`cdk.tf.json`) as the app writes it, in short:
 * what the session doctor reads. One instance, port 8080 forwarded, an S3
 * gateway endpoint.
 */
export const DEV_STACK = {
  provider: { aws: [{ region: "eu-west-1", allowed_account_ids: ["111111111111"] }] },
  resource: {
    aws_vpc_endpoint: {
      network_endpoints_s3_gateway: { service_name: "com.amazonaws.eu-west-1.s3", vpc_endpoint_type: "Gateway" },
      network_endpoints_ssm_endpoint: { service_name: "com.amazonaws.eu-west-1.ssm", vpc_endpoint_type: "Interface" },
    },
    aws_ssm_maintenance_window_task: {
      maintenance_release_upgrade_task: {
        task_invocation_parameters: {
          run_command_parameters: { parameter: [{ name: "Release", values: ["2023.9.20251117"] }] },
        },
      },
    },
  },
  output: {
    region: { value: "eu-west-1", description: "The Region of the environment." },
    account_id: { value: "111111111111", description: "The account the environment lives in." },
    instance_ids: { value: { "app-1": "${aws_instance.instances_app_1.id}" } },
    operator_policy_arn: { value: "${aws_iam_policy.operator_access.arn}" },
    port_forwarding_documents: { value: { "8080": "ssm-access-dev-forward-8080" } },
  },
};

/** A synthesized stack's JSON, for edits. */
export type StackJsonFixture = {
  provider: { aws: Array<Record<string, unknown>> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown; description?: string }>;
};

/** dev's {@link StackView}, after `edit` of its stack JSON. */
export function devEnv(edit: (json: StackJsonFixture) => void = () => undefined): StackView {
  const json = structuredClone(DEV_STACK) as StackJsonFixture;
  edit(json);
  return stackView("dev", DEV_STACK_FILE, DEV_ENVIRONMENT_FILE, json);
}

export const INSTANCE_ID = "i-0123456789abcdef0";
export const IMAGE_ID = "ami-0123456789abcdef0";
export const VPC_ID = "vpc-1";
export const INSTANCE_SG = "sg-instances";
export const ENDPOINT_SG = "sg-endpoints";
export const ROLE = "ssm-access-dev-ssm-instance";
export const PROFILE = "ssm-access-dev-ssm-instance";
export const KEY_ID = "key-1";
export const LOG_GROUP = "/ssm/ssm-access-dev/sessions";

/** The outputs of dev as deployed. */
export const DEV_OUTPUTS: StackOutputs = {
  instance_ids: { "app-1": INSTANCE_ID },
  instance_profile_name: PROFILE,
  instance_role_arn: `arn:aws:iam::111111111111:role/${ROLE}`,
  vpc_id: VPC_ID,
  vpc_cidr: "10.10.0.0/16",
  endpoint_security_group_id: ENDPOINT_SG,
  instance_security_group_id: INSTANCE_SG,
  session_log_group_name: LOG_GROUP,
  session_kms_key_arn: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}`,
  operator_policy_arn: "arn:aws:iam::111111111111:policy/ssm-access-dev-ssm-operator",
  port_forwarding_documents: { "8080": "ssm-access-dev-forward-8080" },
  access_tag: { key: "SsmAccessGroup", value: "ssm-access-dev" },
};

const interfaceEndpoint = (service: string): VpcEndpoint => ({
  VpcEndpointId: `vpce-${service}`,
  VpcId: VPC_ID,
  ServiceName: `com.amazonaws.eu-west-1.${service}`,
  VpcEndpointType: "Interface",
  State: "available" as never,
  PrivateDnsEnabled: true,
  SubnetIds: ["subnet-a"],
  Groups: [{ GroupId: ENDPOINT_SG, GroupName: "ssm-access-dev-vpc-endpoints" }],
});

/** Everything the fake AWS of a healthy dev answers; tests edit it. */
export interface World {
  caller: { Account: string; Arn: string; UserId: string };
  instances: Instance[];
  images: Image[];
  vpcAttributes: { enableDnsSupport: boolean; enableDnsHostnames: boolean };
  endpoints: VpcEndpoint[];
  subnets: Subnet[];
  groups: SecurityGroup[];
  routeTables: RouteTable[];
  profileRoles: Record<string, string[]>;
  attachedPolicies: Record<string, string[]>;
  /** The partition in the ARNs of AWS managed policies. @default "aws" */
  partition?: string;
  instanceInformation: Array<{
    InstanceId: string;
    PingStatus: string;
    AgentVersion: string;
    PlatformName: string;
    PlatformVersion: string;
    LastPingDateTime: Date;
  }>;
  preferences: string | undefined;
  logGroups: Array<{ logGroupName: string; kmsKeyId?: string }>;
  keys: Record<string, { KeyId: string; Arn: string; KeyState: string; DeletionDate?: Date }>;
  /** Decision of the policy simulator by resource ARN (default allowed). */
  simulation: Record<string, string>;
  /** Calls that throw, by method name. */
  failures: Partial<Record<keyof AwsClients, unknown>>;
  /** Every call made, by method name. */
  calls: string[];
}

export function healthyWorld(): World {
  return {
    caller: {
      Account: "111111111111",
      Arn: "arn:aws:sts::111111111111:assumed-role/Operator/alice",
      UserId: "AROA:alice",
    },
    instances: [
      {
        InstanceId: INSTANCE_ID,
        ImageId: IMAGE_ID,
        State: { Name: "running" },
        VpcId: VPC_ID,
        SubnetId: "subnet-a",
        PrivateIpAddress: "10.10.128.4",
        Placement: { AvailabilityZone: "eu-west-1a" },
        IamInstanceProfile: { Arn: `arn:aws:iam::111111111111:instance-profile/${PROFILE}` },
        SecurityGroups: [{ GroupId: INSTANCE_SG, GroupName: "ssm-access-dev-instances" }],
        Tags: [
          { Key: "Name", Value: "ssm-access-dev-app-1" },
          { Key: "SsmAccessGroup", Value: "ssm-access-dev" },
        ],
      },
    ],
    images: [{ ImageId: IMAGE_ID, Name: "al2023-ami-2023.9.20251117.0-kernel-6.1-x86_64" }],
    vpcAttributes: { enableDnsSupport: true, enableDnsHostnames: true },
    endpoints: [
      ...["ssm", "ssmmessages", "ec2messages", "logs", "kms"].map(interfaceEndpoint),
      {
        VpcEndpointId: "vpce-s3",
        VpcId: VPC_ID,
        ServiceName: "com.amazonaws.eu-west-1.s3",
        VpcEndpointType: "Gateway",
        State: "available" as never,
        RouteTableIds: ["rtb-isolated"],
      },
    ],
    subnets: [
      { SubnetId: "subnet-a", AvailabilityZone: "eu-west-1a", CidrBlock: "10.10.128.0/20", VpcId: VPC_ID },
      { SubnetId: "subnet-b", AvailabilityZone: "eu-west-1b", CidrBlock: "10.10.144.0/20", VpcId: VPC_ID },
    ],
    groups: [
      {
        GroupId: ENDPOINT_SG,
        GroupName: "ssm-access-dev-vpc-endpoints",
        IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.10.0.0/16" }] }],
        IpPermissionsEgress: [],
      },
      {
        GroupId: INSTANCE_SG,
        GroupName: "ssm-access-dev-instances",
        IpPermissions: [],
        IpPermissionsEgress: [
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.10.0.0/16" }] },
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-s3" }] },
        ],
      },
    ],
    routeTables: [
      {
        RouteTableId: "rtb-isolated",
        VpcId: VPC_ID,
        Associations: [{ SubnetId: "subnet-a" }, { SubnetId: "subnet-b" }],
        Routes: [
          { DestinationCidrBlock: "10.10.0.0/16", GatewayId: "local", State: "active" },
          { DestinationPrefixListId: "pl-s3", GatewayId: "vpce-s3", State: "active" },
        ],
      },
    ],
    profileRoles: { [PROFILE]: [ROLE] },
    attachedPolicies: { [ROLE]: ["AmazonSSMManagedInstanceCore"] },
    instanceInformation: [
      {
        InstanceId: INSTANCE_ID,
        PingStatus: "Online",
        AgentVersion: "3.3.1957.0",
        PlatformName: "Amazon Linux",
        PlatformVersion: "2023",
        LastPingDateTime: new Date("2025-11-20T10:00:00Z"),
      },
    ],
    preferences: JSON.stringify({
      schemaVersion: "1.0",
      sessionType: "Standard_Stream",
      inputs: {
        s3BucketName: "",
        cloudWatchLogGroupName: LOG_GROUP,
        cloudWatchEncryptionEnabled: true,
        kmsKeyId: KEY_ID,
      },
    }),
    logGroups: [{ logGroupName: LOG_GROUP, kmsKeyId: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}` }],
    keys: { [KEY_ID]: { KeyId: KEY_ID, Arn: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}`, KeyState: "Enabled" } },
    simulation: {},
    failures: {},
    calls: [],
  };
}

/** An SDK error as the SDK throws it: `name` is the AWS error code. */
export function awsError(code: string, message = code, status = 400): Error {
  return Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: status } });
}

/** What the SDK throws when an endpoint answers a call it lacks with an HTML error page (moto's server). */
export function notImplemented(): Error {
  return Object.assign(
    new Error(
      "Unexpected token '<', \"<!doctype \"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.",
    ),
    {
      name: "SyntaxError",
      $metadata: { httpStatusCode: 500 },
    },
  );
}

/** Answers a call from the world: records it, fails it as the world says, else returns `value()` (or its error). */
type Answer = <T>(method: keyof AwsClients, value: () => T) => Promise<T>;

function answerFrom(world: World): Answer {
  return <T>(method: keyof AwsClients, value: () => T): Promise<T> => {
    world.calls.push(method);
    if (world.failures[method] !== undefined) return Promise.reject(world.failures[method]);
    try {
      return Promise.resolve(value());
    } catch (e) {
      return Promise.reject(e);
    }
  };
}

/** The values of the EC2 filter `name`. */
function filter(filters: Array<{ Name?: string; Values?: string[] }> | undefined, name: string): string[] | undefined {
  return filters?.find((f) => f.Name === name)?.Values;
}

type Ec2Calls =
  | "describeInstances"
  | "describeImages"
  | "describeVpcs"
  | "describeVpcAttribute"
  | "describeVpcEndpoints"
  | "describeSubnets"
  | "describeSecurityGroups"
  | "describeRouteTables";

/** The EC2 calls, answered from the world's instances, network and security groups. */
function fakeEc2(world: World, answer: Answer): Pick<AwsClients, Ec2Calls> {
  return {
    describeInstances: (input) =>
      answer("describeInstances", () => {
        const found = world.instances.filter((i) => input.InstanceIds?.includes(i.InstanceId as string));
        if (found.length === 0) throw awsError("InvalidInstanceID.NotFound");
        return { Reservations: [{ Instances: found }] };
      }),
    describeImages: (input) =>
      answer("describeImages", () => ({
        Images: world.images.filter((i) => input.ImageIds?.includes(i.ImageId as string)),
      })),
    describeVpcs: (input) =>
      answer("describeVpcs", () => ({
        Vpcs: (input.VpcIds ?? []).map((VpcId) => ({ VpcId, CidrBlock: "10.10.0.0/16" })),
      })),
    describeVpcAttribute: (input) =>
      answer("describeVpcAttribute", () =>
        input.Attribute === "enableDnsSupport"
          ? { VpcId: input.VpcId, EnableDnsSupport: { Value: world.vpcAttributes.enableDnsSupport } }
          : { VpcId: input.VpcId, EnableDnsHostnames: { Value: world.vpcAttributes.enableDnsHostnames } },
      ),
    describeVpcEndpoints: (input) =>
      answer("describeVpcEndpoints", () => ({
        VpcEndpoints: world.endpoints.filter((e) => filter(input.Filters, "vpc-id")?.includes(e.VpcId as string)),
      })),
    describeSubnets: (input) =>
      answer("describeSubnets", () => ({
        Subnets: world.subnets.filter((s) => input.SubnetIds?.includes(s.SubnetId as string)),
      })),
    describeSecurityGroups: (input) =>
      answer("describeSecurityGroups", () => ({
        SecurityGroups: world.groups.filter((g) => input.GroupIds?.includes(g.GroupId as string)),
      })),
    describeRouteTables: (input) =>
      answer("describeRouteTables", () => {
        const subnet = filter(input.Filters, "association.subnet-id")?.[0];
        const main = filter(input.Filters, "association.main")?.[0] === "true";
        return {
          RouteTables: world.routeTables.filter((t) =>
            subnet
              ? (t.Associations ?? []).some((a) => a.SubnetId === subnet)
              : main
                ? (t.Associations ?? []).some((a) => a.Main)
                : true,
          ),
        };
      }),
  };
}

type IamCalls = "getInstanceProfile" | "listAttachedRolePolicies" | "getRole" | "simulatePrincipalPolicy";

/** The IAM calls, answered from the world's instance profiles, attached policies and simulation results. */
function fakeIam(world: World, answer: Answer): Pick<AwsClients, IamCalls> {
  return {
    getInstanceProfile: (input) =>
      answer("getInstanceProfile", () => {
        const roles = world.profileRoles[input.InstanceProfileName as string];
        if (roles === undefined) throw awsError("NoSuchEntity");
        return {
          InstanceProfile: {
            InstanceProfileName: input.InstanceProfileName,
            Roles: roles.map((RoleName) => ({ RoleName })),
          },
        } as never;
      }),
    listAttachedRolePolicies: (input) =>
      answer("listAttachedRolePolicies", () => ({
        AttachedPolicies: (world.attachedPolicies[input.RoleName as string] ?? []).map((name) => ({
          PolicyName: name,
          PolicyArn: `arn:${world.partition ?? "aws"}:iam::aws:policy/${name}`,
        })),
      })),
    getRole: (input) =>
      answer(
        "getRole",
        () =>
          ({
            Role: { RoleName: input.RoleName, Arn: `arn:aws:iam::111111111111:role/operators/${input.RoleName}` },
          }) as never,
      ),
    simulatePrincipalPolicy: (input) =>
      answer("simulatePrincipalPolicy", () => ({
        EvaluationResults: (input.ResourceArns ?? []).map((r) => ({
          EvalActionName: "ssm:StartSession",
          EvalResourceName: r,
          EvalDecision: (world.simulation[r] ?? "allowed") as never,
        })),
      })),
  };
}

/** The SSM, CloudWatch Logs and KMS calls, answered from the world's registrations, preferences, log groups and keys. */
function fakeSsmLogsKms(
  world: World,
  answer: Answer,
): Pick<AwsClients, "describeInstanceInformation" | "getDocument" | "describeLogGroups" | "describeKey"> {
  return {
    describeInstanceInformation: () =>
      answer("describeInstanceInformation", () => ({ InstanceInformationList: world.instanceInformation as never })),
    getDocument: () =>
      answer("getDocument", () => {
        if (world.preferences === undefined) throw awsError("InvalidDocument");
        return { Name: "SSM-SessionManagerRunShell", Content: world.preferences };
      }),
    describeLogGroups: (input) =>
      answer("describeLogGroups", () => ({
        logGroups: world.logGroups.filter((g) => g.logGroupName.startsWith(input.logGroupNamePrefix ?? "")),
      })),
    describeKey: (input) =>
      answer("describeKey", () => {
        const key = world.keys[input.KeyId as string];
        if (key === undefined) throw awsError("NotFoundException");
        return { KeyMetadata: key as never };
      }),
  };
}

/** {@link AwsClients} answering from `world`. */
export function fakeClients(world: World): AwsClients {
  const answer = answerFrom(world);
  return {
    getCallerIdentity: () => answer("getCallerIdentity", () => world.caller),
    ...fakeEc2(world, answer),
    ...fakeIam(world, answer),
    ...fakeSsmLogsKms(world, answer),
  };
}

/** A {@link ToolRunner} answering from a table of `command` → run; a command not in it is not on PATH. */
export function fakeTools(table: Record<string, Partial<ToolRun>> = {}): ToolRunner & { calls: string[] } {
  const calls: string[] = [];
  const run = async (command: string, args: readonly string[]): Promise<ToolRun> => {
    calls.push([command, ...args].join(" "));
    const found = table[command];
    if (found === undefined) return { code: null, stdout: "", stderr: "", error: "ENOENT" };
    return { code: 0, stdout: "", stderr: "", ...found };
  };
  return Object.assign(run, { calls });
}

/** The AWS CLI v2 and the plugin, installed. */
export const INSTALLED = {
  aws: { stdout: "aws-cli/2.17.20 Python/3.11.9 Linux/6.1 exe/x86_64.amzn.2023\n" },
  "session-manager-plugin": { stdout: "1.2.707.0\n" },
};
