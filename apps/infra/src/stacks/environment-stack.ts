import { Construct } from "constructs";
import { Annotations, TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  InstanceTagTarget,
  ReadableStack,
  SsmAccessProps,
  ValidationError,
  ValidationIssue,
  isEnabled,
  joinPath,
  resourceName,
} from "@ssm-access/core";
import { PrivateNetwork, PrivateNetworkEndpointsOptions, PrivateNetworkFlowLogsOptions } from "@ssm-access/network";
import {
  ISessionLogging,
  OperatorAccess,
  OperatorAccessProps,
  SessionLogging,
  SessionLoggingProps,
  SsmInstanceRole,
} from "@ssm-access/iam-ssm";
import {
  DEFAULT_INSTANCE_TYPE,
  InstanceSpec,
  MIN_MAINTENANCE_MEMORY_MIB,
  PrivateInstances,
  instanceTypeMemoryMiB,
} from "@ssm-access/compute";
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
  /** The Region of the stack (the provider's, and every construct's). */
  public readonly region: string;
  /** The only account the stack may touch (the provider's `allowed_account_ids`). */
  public readonly accountId: string;

  /** The session audit resources this environment creates; absent when it logs into another environment's. */
  private readonly ownSessionLogging?: SessionLogging;

  constructor(scope: Construct, env: Environment) {
    super(scope, env.name);
    const c = env.config;
    const { region, accountId } = c;
    this.region = region;
    this.accountId = accountId;
    this.accessTag = { key: ACCESS_TAG_KEY, value: namePrefixOf(env) };

    new AwsProvider(this, "aws", {
      region,
      allowedAccountIds: [accountId],
      ...providerCredentials(deployCredentials(c.deploy)),
      defaultTags: [{ tags: { ...c.tags, Project: c.project, Environment: env.name, ManagedBy: "cdktf" } }],
    });
    addBackend(this, c.backend, { environment: env.name, project: c.project, region, deploy: c.deploy });

    // Every section of the file is handed to its construct as it is: the
    // file's fields are the props (and say "off" the same way, enabled: false).
    this.network = this.addNetwork(env);
    this.instanceRole = new SsmInstanceRole(this, "InstanceRole", this.scopeOf(env));
    const logging = this.addSessionLogging(env);
    this.sessionLogging = logging.logging;
    this.ownSessionLogging = logging.own;
    this.sessionLogging.grantWrite(this.instanceRole);
    this.instances = this.addInstances(env);
    this.operatorAccess = this.addOperatorAccess(env);
    this.maintenance = this.addMaintenance(env);
    this.maintenance.grantOutputWrite(this.instanceRole);
    this.warnAboutMemory(env);

    this.addOutputs();
  }

  /** What every construct of the environment takes: its name prefix, Region and account. */
  private scopeOf(env: Environment): SsmAccessProps & { region: string; accountId: string } {
    return { namePrefix: namePrefixOf(env), region: env.config.region, accountId: env.config.accountId };
  }

  /** The network of the file's `network` section. */
  private addNetwork(env: Environment): PrivateNetwork {
    const net = env.config.network;
    const { endpoints, flowLogs } = net;
    return fileSection(env.file)(
      "network",
      () =>
        new PrivateNetwork(this, "Network", {
          ...this.scopeOf(env),
          cidr: net.cidr,
          availabilityZones: net.availabilityZones,
          natGateways: net.natGateways,
          subnets: net.subnets,
          azSlotsPerTier: net.azSlotsPerTier,
          zoneSlots: net.zoneSlots,
          endpoints: endpoints && sectionOf<PrivateNetworkEndpointsOptions>()(endpoints),
          flowLogs: flowLogs && sectionOf<PrivateNetworkFlowLogsOptions>()(flowLogs),
        }),
    );
  }

  /**
   * Sessions are logged where the preferences document of the account and
   * Region points: at this environment's own resources, or at the owner's.
   */
  private addSessionLogging(env: Environment): { logging: ISessionLogging; own?: SessionLogging } {
    const owner = env.preferencesOwner;
    if (owner) {
      const logging = fileSection(owner.file)("sessionLogging", () =>
        SessionLogging.fromOwner(this, "SessionLogging", sessionLoggingProps(owner)),
      );
      return { logging };
    }
    const own = fileSection(env.file)(
      "sessionLogging",
      () => new SessionLogging(this, "SessionLogging", sessionLoggingProps(env)),
    );
    return { logging: own, own };
  }

  /**
   * The instances of the file. They wire themselves to the network: egress
   * to its S3 gateway, and, in tiers without internet, the interface
   * endpoints session logging needs.
   */
  private addInstances(env: Environment): PrivateInstances {
    const c = env.config;
    return fileSection(env.file)(
      "",
      () =>
        new PrivateInstances(this, "Instances", {
          ...this.scopeOf(env),
          network: this.network,
          instanceProfileName: this.instanceRole.instanceProfileName,
          instances: c.instances.map((i) => sectionOf<InstanceSpec>()(i)),
          defaults: { terminationProtection: c.terminationProtection, tags: { [ACCESS_TAG_KEY]: namePrefixOf(env) } },
          interfaceEndpoints: this.sessionLogging.interfaceEndpointServices,
        }),
    );
  }

  /** The operators' access, unless the file turns it off; operators get the session key. */
  private addOperatorAccess(env: Environment): OperatorAccess | undefined {
    const section = env.config.operatorAccess;
    if (!isEnabled(section, true)) return undefined;
    // portForwarding, assumeRole: a field of the section OperatorAccess does not take fails to compile.
    const access = sectionOf<Partial<OperatorAccessProps>>()(withoutKey(section, "enabled"));
    return fileSection(env.file)("operatorAccess", () => {
      const operators = new OperatorAccess(this, "OperatorAccess", {
        ...access,
        ...this.scopeOf(env),
        targetTag: this.accessTag,
      });
      this.sessionLogging.grantStartSession(operators);
      return operators;
    });
  }

  /** Maintenance of the file; its output goes to this environment's own session bucket, when it has one. */
  private addMaintenance(env: Environment): InstanceMaintenance {
    const m = env.config.maintenance;
    const bucket = this.ownSessionLogging?.transcriptBucket;
    const { agentUpdate, patching, releaseUpgrade } = m;
    return fileSection(env.file)(
      "maintenance",
      () =>
        new InstanceMaintenance(this, "Maintenance", {
          ...this.scopeOf(env),
          target: this.accessTag,
          agentUpdate: agentUpdate && sectionOf<AgentUpdateSettings>()(agentUpdate),
          patching: patching && sectionOf<PatchingSettings>()(patching),
          // osReleaseFrom is the loader's promotion rule, not a construct prop.
          osRelease: m.osRelease,
          releaseUpgrade: releaseUpgrade && sectionOf<ReleaseUpgradeOptions>()(releaseUpgrade),
          outputS3: bucket === undefined ? undefined : { bucket, keyPrefix: "maintenance" },
        }),
    );
  }

  /**
   * Warns, naming the file and the field, about each instance with less than
   * {@link MIN_MAINTENANCE_MEMORY_MIB} of memory that patching or the release
   * upgrade runs on: on Amazon Linux 2023 the SSM Agent's patch scans and
   * `dnf` transactions get the agent or dnf OOM-killed on 512 MiB
   * (amazon-ssm-agent issue 615, amazon-linux-2023 issue 404 on GitHub).
   * A warning, not an error: an instance can be sized down on purpose.
   */
  private warnAboutMemory(env: Environment): void {
    const m = env.config.maintenance;
    const tasks = [
      isEnabled(m.patching, true) ? "patching" : undefined,
      m.osRelease !== undefined ? "release upgrades" : undefined,
    ].filter((t): t is string => t !== undefined);
    if (tasks.length === 0) return;
    env.config.instances.forEach((instance, i) => {
      const type = instance.instanceType ?? DEFAULT_INSTANCE_TYPE;
      const mib = instanceTypeMemoryMiB(type);
      if (mib === undefined || mib >= MIN_MAINTENANCE_MEMORY_MIB) return;
      Annotations.of(this.instances).addWarning(
        `${env.file}: instances[${i}].instanceType: ${type} has ${mib} MiB of memory, and ${tasks.join(" and ")} run on it (maintenance); the SSM Agent or dnf is OOM-killed during patch scans and dnf transactions on Amazon Linux 2023 under ${MIN_MAINTENANCE_MEMORY_MIB} MiB (amazon-ssm-agent issue 615, amazon-linux-2023 issue 404): use a type with at least 1 GiB, such as ${DEFAULT_INSTANCE_TYPE}`,
      );
    });
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
    output("region", this.region, "The AWS Region of the stack.");
    output(
      "account_id",
      this.accountId,
      "The AWS account the stack is locked to (the provider's allowed_account_ids).",
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
          e.issues.map((i) => fileIssue(section, i)),
        );
      }
      throw e;
    }
  };
}

/**
 * A construct's issue at its place in the file. The constructs' `namePrefix`
 * is no field of the file: it is built from `project` and the file name, so a
 * name that grows too long (an IAM role, a bucket) is reported at `project`.
 */
function fileIssue(section: string, issue: ValidationIssue): ValidationIssue {
  if (issue.path === "namePrefix" || issue.path.endsWith(".namePrefix")) {
    return {
      path: "project",
      message: `${issue.message} (the name prefix is <project>-<environment>, from project and the file name: shorten either; reported by ${joinPath(section, issue.path)})`,
    };
  }
  return { path: joinPath(section, issue.path), message: issue.message };
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
