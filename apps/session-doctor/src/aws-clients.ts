import type {
  CloudWatchLogsClientConfig,
  DescribeLogGroupsCommandInput,
  DescribeLogGroupsCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import type {
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
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
import * as fs from "node:fs";
import * as https from "node:https";
import { NodeHttpHandler } from "@smithy/node-http-handler";

type Answer<T> = Promise<Omit<T, "$metadata">>;

/**
 * The AWS calls the doctor and `connect` make, one method per API call with
 * the SDK's own input and output shapes: thin enough that {@link createAwsClients}
 * only forwards to the SDK, and that tests pass plain objects instead.
 */
export interface AwsClients {
  getCallerIdentity(): Answer<GetCallerIdentityCommandOutput>;
  describeInstances(input: DescribeInstancesCommandInput): Answer<DescribeInstancesCommandOutput>;
  describeImages(input: DescribeImagesCommandInput): Answer<DescribeImagesCommandOutput>;
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

/** The variable naming a certificate bundle to trust instead of Node's own, as the AWS CLI reads it. */
export const CA_BUNDLE_VARIABLE = "AWS_CA_BUNDLE";

/**
 * `config` with what the environment says and the SDK for JavaScript v3 does
 * not read itself: `AWS_CA_BUNDLE`, the certificates to trust (a private CA,
 * or the self-signed certificate of a local AWS API emulator), unless
 * `config` brings its own request handler. The SDK reads the rest itself:
 * credentials (`AWS_ACCESS_KEY_ID`, `AWS_PROFILE`, SSO, ...) and endpoints
 * (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`). Throws naming the
 * variable and the file when the bundle cannot be read.
 */
export function withEnvironmentConfig(config: AwsClientConfig, env: NodeJS.ProcessEnv = process.env): AwsClientConfig {
  const bundle = env[CA_BUNDLE_VARIABLE];
  if (bundle === undefined || bundle === "" || config.requestHandler !== undefined) return config;
  let ca: Buffer;
  try {
    ca = fs.readFileSync(bundle);
  } catch (e) {
    throw new Error(`${CA_BUNDLE_VARIABLE}=${bundle}: the certificate bundle cannot be read (${(e as Error).message})`);
  }
  return { ...config, requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca }) }) };
}

/**
 * {@link AwsClients} over the AWS SDK for JavaScript v3, every client made
 * with `config` and the environment's additions ({@link withEnvironmentConfig}:
 * the default credential chain when `config` names none, `AWS_ENDPOINT_URL`,
 * `AWS_CA_BUNDLE`). Each SDK client is loaded on its first call, so `connect`
 * loads STS only.
 */
export function createAwsClients(given: AwsClientConfig, env: NodeJS.ProcessEnv = process.env): AwsClients {
  const config = withEnvironmentConfig(given, env);
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
    describeImages: async (input) => ec2().then(({ m, client }) => client.send(new m.DescribeImagesCommand(input))),
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
