import type {
  CloudWatchLogsClientConfig,
  DescribeLogGroupsCommandInput,
  DescribeLogGroupsCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import type {
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeRouteTablesCommandInput,
  DescribeRouteTablesCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  DescribeVpcAttributeCommandInput,
  DescribeVpcAttributeCommandOutput,
  DescribeVpcEndpointsCommandInput,
  DescribeVpcEndpointsCommandOutput,
  DescribeVpcsCommandInput,
  DescribeVpcsCommandOutput,
  EC2ClientConfig,
} from "@aws-sdk/client-ec2";
import type {
  GetInstanceProfileCommandInput,
  GetInstanceProfileCommandOutput,
  GetRoleCommandInput,
  GetRoleCommandOutput,
  IAMClientConfig,
  ListAttachedRolePoliciesCommandInput,
  ListAttachedRolePoliciesCommandOutput,
  SimulatePrincipalPolicyCommandInput,
  SimulatePrincipalPolicyCommandOutput,
} from "@aws-sdk/client-iam";
import type { DescribeKeyCommandInput, DescribeKeyCommandOutput, KMSClientConfig } from "@aws-sdk/client-kms";
import type {
  DescribeInstanceInformationCommandInput,
  DescribeInstanceInformationCommandOutput,
  GetDocumentCommandInput,
  GetDocumentCommandOutput,
  SSMClientConfig,
} from "@aws-sdk/client-ssm";
import type { GetCallerIdentityCommandOutput, STSClientConfig } from "@aws-sdk/client-sts";

type Answer<T> = Promise<Omit<T, "$metadata">>;

/**
 * The AWS calls the doctor and `connect` make, one method per API call with
 * the SDK's own input and output shapes: thin enough that {@link createAwsClients}
 * only forwards to the SDK, and that tests pass plain objects instead.
 */
export interface AwsClients {
  getCallerIdentity(): Answer<GetCallerIdentityCommandOutput>;
  describeInstances(input: DescribeInstancesCommandInput): Answer<DescribeInstancesCommandOutput>;
  describeVpcs(input: DescribeVpcsCommandInput): Answer<DescribeVpcsCommandOutput>;
  describeVpcAttribute(input: DescribeVpcAttributeCommandInput): Answer<DescribeVpcAttributeCommandOutput>;
  describeVpcEndpoints(input: DescribeVpcEndpointsCommandInput): Answer<DescribeVpcEndpointsCommandOutput>;
  describeSubnets(input: DescribeSubnetsCommandInput): Answer<DescribeSubnetsCommandOutput>;
  describeSecurityGroups(input: DescribeSecurityGroupsCommandInput): Answer<DescribeSecurityGroupsCommandOutput>;
  describeRouteTables(input: DescribeRouteTablesCommandInput): Answer<DescribeRouteTablesCommandOutput>;
  getInstanceProfile(input: GetInstanceProfileCommandInput): Answer<GetInstanceProfileCommandOutput>;
  listAttachedRolePolicies(input: ListAttachedRolePoliciesCommandInput): Answer<ListAttachedRolePoliciesCommandOutput>;
  getRole(input: GetRoleCommandInput): Answer<GetRoleCommandOutput>;
  simulatePrincipalPolicy(input: SimulatePrincipalPolicyCommandInput): Answer<SimulatePrincipalPolicyCommandOutput>;
  describeInstanceInformation(
    input: DescribeInstanceInformationCommandInput,
  ): Answer<DescribeInstanceInformationCommandOutput>;
  getDocument(input: GetDocumentCommandInput): Answer<GetDocumentCommandOutput>;
  describeLogGroups(input: DescribeLogGroupsCommandInput): Answer<DescribeLogGroupsCommandOutput>;
  describeKey(input: DescribeKeyCommandInput): Answer<DescribeKeyCommandOutput>;
}

/** Configuration every client of {@link createAwsClients} takes: Region, and optionally credentials, endpoint, HTTP handler. */
export type AwsClientConfig = EC2ClientConfig &
  IAMClientConfig &
  SSMClientConfig &
  CloudWatchLogsClientConfig &
  KMSClientConfig &
  STSClientConfig;

/**
 * {@link AwsClients} over the AWS SDK for JavaScript v3, every client made
 * with `config` (the default credential chain when it names none). Each SDK
 * client is loaded on its first call, so `connect` loads STS only.
 */
export function createAwsClients(config: AwsClientConfig): AwsClients {
  const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  const ec2 = once(async () => {
    const m = await import("@aws-sdk/client-ec2");
    return { m, client: new m.EC2Client(config) };
  });
  const iam = once(async () => {
    const m = await import("@aws-sdk/client-iam");
    return { m, client: new m.IAMClient(config) };
  });
  const ssm = once(async () => {
    const m = await import("@aws-sdk/client-ssm");
    return { m, client: new m.SSMClient(config) };
  });
  const logs = once(async () => {
    const m = await import("@aws-sdk/client-cloudwatch-logs");
    return { m, client: new m.CloudWatchLogsClient(config) };
  });
  const kms = once(async () => {
    const m = await import("@aws-sdk/client-kms");
    return { m, client: new m.KMSClient(config) };
  });
  const sts = once(async () => {
    const m = await import("@aws-sdk/client-sts");
    return { m, client: new m.STSClient(config) };
  });
  return {
    getCallerIdentity: async () => sts().then(({ m, client }) => client.send(new m.GetCallerIdentityCommand({}))),
    describeInstances: async (input) =>
      ec2().then(({ m, client }) => client.send(new m.DescribeInstancesCommand(input))),
    describeVpcs: async (input) => ec2().then(({ m, client }) => client.send(new m.DescribeVpcsCommand(input))),
    describeVpcAttribute: async (input) =>
      ec2().then(({ m, client }) => client.send(new m.DescribeVpcAttributeCommand(input))),
    describeVpcEndpoints: async (input) =>
      ec2().then(({ m, client }) => client.send(new m.DescribeVpcEndpointsCommand(input))),
    describeSubnets: async (input) => ec2().then(({ m, client }) => client.send(new m.DescribeSubnetsCommand(input))),
    describeSecurityGroups: async (input) =>
      ec2().then(({ m, client }) => client.send(new m.DescribeSecurityGroupsCommand(input))),
    describeRouteTables: async (input) =>
      ec2().then(({ m, client }) => client.send(new m.DescribeRouteTablesCommand(input))),
    getInstanceProfile: async (input) =>
      iam().then(({ m, client }) => client.send(new m.GetInstanceProfileCommand(input))),
    listAttachedRolePolicies: async (input) =>
      iam().then(({ m, client }) => client.send(new m.ListAttachedRolePoliciesCommand(input))),
    getRole: async (input) => iam().then(({ m, client }) => client.send(new m.GetRoleCommand(input))),
    simulatePrincipalPolicy: async (input) =>
      iam().then(({ m, client }) => client.send(new m.SimulatePrincipalPolicyCommand(input))),
    describeInstanceInformation: async (input) =>
      ssm().then(({ m, client }) => client.send(new m.DescribeInstanceInformationCommand(input))),
    getDocument: async (input) => ssm().then(({ m, client }) => client.send(new m.GetDocumentCommand(input))),
    describeLogGroups: async (input) =>
      logs().then(({ m, client }) => client.send(new m.DescribeLogGroupsCommand(input))),
    describeKey: async (input) => kms().then(({ m, client }) => client.send(new m.DescribeKeyCommand(input))),
  };
}
