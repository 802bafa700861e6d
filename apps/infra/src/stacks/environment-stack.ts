import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { InstanceTagTarget, ReadableStack, ValidationError, isEnabled, joinPath, resourceName } from "@ssm-access/core";
import { PrivateNetwork, PrivateNetworkEndpointsOptions, PrivateNetworkFlowLogsOptions } from "@ssm-access/network";
import {
  ISessionLogging,
  OperatorAccess,
  OperatorAccessProps,
  SessionLogging,
  SessionLoggingProps,
  SsmInstanceRole,
} from "@ssm-access/iam-ssm";
import { InstanceSpec, PrivateInstances } from "@ssm-access/compute";
import {
  AgentUpdateSettings,
  InstanceMaintenance,
  PatchingSettings,
  ReleaseUpgradeOptions,
} from "@ssm-access/maintenance";
import type { Environment } from "../config/schema";
import { addBackend } from "./backend";
import { deployCredentials, providerCredentials } from "./credentials";

/**
 * Tag that marks an environment's instances. Operators may start sessions
 * only on instances carrying their environment's value, and maintenance
 * targets them by it. A tag of its own, not `Environment`, so that tagging
 * some other instance `Environment=prod` grants nobody a shell on it.
 */
export const ACCESS_TAG_KEY = "SsmAccessGroup";

/**
 * One environment: network, instance role, session audit, instances,
 * operator access and maintenance, with its own state backend and an AWS
 * provider locked to the environment's account, reached with the file's
 * `deploy` credentials.
 */
export class EnvironmentStack extends ReadableStack {
  public readonly network: PrivateNetwork;
  public readonly instanceRole: SsmInstanceRole;
  /**
   * Where this environment's sessions are logged: its own session audit
   * resources, or a reference to those of the environment that owns the
   * preferences document of its account and Region (`sessionLogging.preferencesOwner`).
   */
  public readonly sessionLogging: ISessionLogging;
  public readonly instances: PrivateInstances;
  public readonly operatorAccess?: OperatorAccess;
  public readonly maintenance: InstanceMaintenance;
  /** The tag operators and maintenance find this environment's instances by. */
  public readonly accessTag: InstanceTagTarget;

  /** The session audit resources this environment creates; absent when it logs into another environment's. */
  private readonly ownSessionLogging?: SessionLogging;

  constructor(scope: Construct, env: Environment) {
    super(scope, env.name);
    const c = env.config;
    const namePrefix = namePrefixOf(env);
    const { region, accountId } = c;
    const inFile = fileSection(env.file);
    this.accessTag = { key: ACCESS_TAG_KEY, value: namePrefix };

    new AwsProvider(this, "aws", {
      region,
      allowedAccountIds: [accountId],
      ...providerCredentials(deployCredentials(c.deploy)),
      defaultTags: [{ tags: { ...c.tags, Project: c.project, Environment: env.name, ManagedBy: "cdktf" } }],
    });
    addBackend(this, c.backend, { environment: env.name, project: c.project, region, deploy: c.deploy });

    // Every section of the file is handed to its construct as it is: the
    // file's fields are the props (and say "off" the same way, enabled: false).
    const { endpoints, flowLogs } = c.network;
    this.network = inFile(
      "network",
      () =>
        new PrivateNetwork(this, "Network", {
          namePrefix,
          region,
          accountId,
          cidr: c.network.cidr,
          availabilityZones: c.network.availabilityZones,
          natGateways: c.network.natGateways,
          subnets: c.network.subnets,
          azSlotsPerTier: c.network.azSlotsPerTier,
          zoneSlots: c.network.zoneSlots,
          endpoints: endpoints && sectionOf<PrivateNetworkEndpointsOptions>()(endpoints),
          flowLogs: flowLogs && sectionOf<PrivateNetworkFlowLogsOptions>()(flowLogs),
        }),
    );

    this.instanceRole = new SsmInstanceRole(this, "InstanceRole", { namePrefix, region });

    // Sessions are logged where the preferences document of the account and
    // Region points: at this environment's own resources, or at the owner's.
    const owner = env.preferencesOwner;
    if (owner) {
      this.sessionLogging = fileSection(owner.file)("sessionLogging", () =>
        SessionLogging.fromOwner(this, "SessionLogging", sessionLoggingProps(owner)),
      );
    } else {
      this.ownSessionLogging = inFile(
        "sessionLogging",
        () => new SessionLogging(this, "SessionLogging", sessionLoggingProps(env)),
      );
      this.sessionLogging = this.ownSessionLogging;
    }
    this.sessionLogging.grantWrite(this.instanceRole);

    // The instances wire themselves to the network: egress to its S3 gateway,
    // and, in tiers without internet, the interface endpoints session logging needs.
    this.instances = inFile(
      "",
      () =>
        new PrivateInstances(this, "Instances", {
          namePrefix,
          region,
          network: this.network,
          instanceProfileName: this.instanceRole.instanceProfileName,
          instances: c.instances.map((i) => sectionOf<InstanceSpec>()(i)),
          defaults: { terminationProtection: c.terminationProtection, tags: { [ACCESS_TAG_KEY]: namePrefix } },
          interfaceEndpoints: this.sessionLogging.interfaceEndpointServices,
        }),
    );

    if (isEnabled(c.operatorAccess, true)) {
      // portForwarding, assumeRole: a field of the section OperatorAccess does not take fails to compile.
      const access = sectionOf<Partial<OperatorAccessProps>>()(withoutKey(c.operatorAccess, "enabled"));
      this.operatorAccess = inFile("operatorAccess", () => {
        const operators = new OperatorAccess(this, "OperatorAccess", {
          ...access,
          namePrefix,
          region,
          accountId,
          targetTag: this.accessTag,
        });
        this.sessionLogging.grantStartSession(operators);
        return operators;
      });
    }

    // Maintenance output goes to this environment's own session bucket, when it has one.
    const bucketName = this.ownSessionLogging?.bucketName;
    const { agentUpdate, patching, releaseUpgrade } = c.maintenance;
    this.maintenance = inFile(
      "maintenance",
      () =>
        new InstanceMaintenance(this, "Maintenance", {
          namePrefix,
          region,
          target: this.accessTag,
          agentUpdate: agentUpdate && sectionOf<AgentUpdateSettings>()(agentUpdate),
          patching: patching && sectionOf<PatchingSettings>()(patching),
          // osReleaseFrom is the loader's promotion rule, not a construct prop.
          osRelease: c.maintenance.osRelease,
          releaseUpgrade: releaseUpgrade && sectionOf<ReleaseUpgradeOptions>()(releaseUpgrade),
          outputS3: bucketName === undefined ? undefined : { bucketName, keyPrefix: "maintenance" },
        }),
    );
    this.maintenance.grantOutputWrite(this.instanceRole);

    this.addOutputs();
  }

  /** Outputs for reviewers and the next step; optional parts only when present. */
  private addOutputs(): void {
    const net = this.network.outputs;
    const inst = this.instances.outputs;
    const output = (id: string, value: unknown, description: string) => {
      if (value !== undefined) new TerraformOutput(this, id, { value, description });
    };
    output("vpc_id", net.vpcId, "The ID of the VPC.");
    output("vpc_cidr", net.vpcCidr, "The IPv4 CIDR block of the VPC.");
    output("subnet_ids", net.subnetIds, "Subnet IDs per tier, in Availability Zone order.");
    output("endpoint_security_group_id", net.endpointSecurityGroupId, "Security group of the SSM interface endpoints.");
    output(
      "interface_endpoint_services",
      this.network.interfaceEndpointServices,
      "Interface VPC endpoints present, by service short name.",
    );
    output(
      "instance_security_group_id",
      inst.securityGroupId,
      "Security group of the instances: no ingress, egress 443 only.",
    );
    output("instance_ids", inst.instanceIds, "EC2 instance IDs by instance name.");
    output("instance_private_ips", inst.privateIps, "Private IPv4 addresses by instance name.");
    output("instance_availability_zones", inst.availabilityZones, "Availability Zone of each instance.");
    output(
      "connect_commands",
      inst.connectCommands,
      "The command that opens a Session Manager shell on each instance.",
    );
    output("instance_role_arn", this.instanceRole.roleArn, "ARN of the instances' IAM role.");
    output("instance_profile_name", this.instanceRole.instanceProfileName, "Name of the instances' instance profile.");
    output(
      "session_log_group_name",
      this.sessionLogging.logGroupName,
      "CloudWatch log group holding session transcripts.",
    );
    output(
      "session_kms_key_arn",
      this.ownSessionLogging?.kmsKeyArn,
      "KMS key encrypting session transcripts and session data.",
    );
    output("session_bucket_name", this.ownSessionLogging?.bucketName, "S3 bucket holding session transcripts.");
    output(
      "operator_policy_arn",
      this.operatorAccess?.policyArn,
      "Managed policy to attach to the people who connect.",
    );
    output("operator_role_arn", this.operatorAccess?.roleArn, "Role operators assume to connect.");
    const forwarding = this.operatorAccess?.portForwardingDocuments ?? [];
    output(
      "port_forwarding_documents",
      forwarding.length > 0
        ? Object.fromEntries(
            forwarding.map((d) => [d.host === undefined ? String(d.port) : `${d.host}:${d.port}`, d.documentName]),
          )
        : undefined,
      "Session document per allowed port forwarding (port, or host:port): aws ssm start-session --target <instance id> --document-name <document> --parameters localPortNumber=<local port>.",
    );
    output(
      "access_tag",
      this.accessTag,
      "Tag that marks the instances operators may connect to and maintenance targets.",
    );
  }
}

/**
 * Runs `build` and reports a construct's validation problems as problems of
 * the environment file, at `section` + the construct's field path (the file
 * mirrors the construct props, so the paths line up).
 */
function fileSection(file: string) {
  return <T>(section: string, build: () => T): T => {
    try {
      return build();
    } catch (e) {
      if (e instanceof ValidationError) {
        throw new ValidationError(
          file,
          e.issues.map((i) => ({ path: joinPath(section, i.path), message: i.message })),
        );
      }
      throw e;
    }
  };
}

/** The prefix of every name of an environment's resources: `<project>-<environment>`. */
function namePrefixOf(env: Environment): string {
  return resourceName(env.config.project, env.name);
}

/** The session logging of an environment, as its stack builds it (and other stacks of its account and Region refer to it). */
function sessionLoggingProps(env: Environment): SessionLoggingProps {
  const logging = sectionOf<Partial<SessionLoggingProps>>()(withoutKey(env.config.sessionLogging, "preferencesOwner"));
  return { ...logging, namePrefix: namePrefixOf(env), region: env.config.region, accountId: env.config.accountId };
}

/**
 * A file section passed whole to a construct, typed as its props `P`. Compiles
 * only when every field of the section is a prop of `P`, so a field the
 * construct no longer takes is a type error here instead of a value silently
 * ignored (spreads and whole objects escape TypeScript's excess property check).
 */
function sectionOf<P>(): <S extends P>(section: S & { readonly [K in Exclude<keyof S, keyof P>]: never }) => S {
  return (section) => section;
}

function withoutKey<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const rest = { ...o };
  delete rest[key];
  return rest;
}
