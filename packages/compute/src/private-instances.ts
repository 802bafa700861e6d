import { Annotations, Fn, TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import {
  FeatureOptions,
  SsmAccessProps,
  Validator,
  checkSsmAccessProps,
  duplicates,
  escapeTerraformTemplate,
  isEnabled,
  nameTag,
  resourceName,
} from "@ssm-access/core";
import { parseCidr, validateServiceNames } from "@ssm-access/network";
import type { INetwork, SubnetRef } from "@ssm-access/network";
import { launchTemplateImageId } from "./private/ami";
import { INSTANCE_TIERS, InstanceOptions, InstanceSpec, REPLACEMENT_GENERATION_TAG } from "./instance-options";
import { ResolvedInstance, resolveInstance, validateInstanceOptions } from "./private/instance-options";
import { placeInstances } from "./private/placement";

/** An instance name: lower-case letters, digits and `-`, not starting or ending with `-`. */
export const INSTANCE_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

const IAM_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;
const PREFIX_LIST_ID_PATTERN = /^pl-[0-9a-f]{8,17}$/;

/**
 * Longest `namePrefix`: launch template names (`<namePrefix>-<instance name>`) hold at most
 * 128 characters, so a longer prefix leaves no room for `-` and a one-character instance name.
 */
const MAX_NAME_PREFIX_LENGTH = 126;

/**
 * One extra egress rule of the instances' security group: TCP or UDP to a
 * port range, towards exactly one of an IPv4 CIDR or a managed prefix list.
 */
export interface EgressRule {
  /**
   * What the rule is for, shown in the console and the plan.
   * @default - "<protocol> <ports> to <destination>"
   */
  readonly description?: string;

  /**
   * IP protocol.
   * @default "tcp"
   */
  readonly protocol?: "tcp" | "udp";

  /** First port of the range (0 to 65535). */
  readonly fromPort: number;

  /**
   * Last port of the range (from `fromPort` to 65535).
   * @default - `fromPort`: a single port
   */
  readonly toPort?: number;

  /**
   * Destination IPv4 CIDR block. Set this or `prefixListId`.
   * @default - not set
   */
  readonly cidr?: string;

  /**
   * Destination managed prefix list id (`pl-...`), such as the S3 gateway
   * endpoint's. Set this or `cidr`.
   * @default - not set
   */
  readonly prefixListId?: string;
}

/** Egress to S3 through the VPC's S3 gateway endpoint. */
export interface S3GatewayEgress extends FeatureOptions {
  /**
   * Whether the instances get HTTPS egress to the S3 gateway endpoint.
   * @default true (the options are given)
   */
  readonly enabled?: boolean;
  /**
   * The prefix list of the S3 gateway endpoint (`pl-...`; the endpoint's
   * `prefix_list_id`). Traffic through a gateway endpoint goes to S3's public
   * addresses, which the VPC CIDR rule does not cover.
   * @default - the network's (`network.s3GatewayPrefixListId`)
   */
  readonly prefixListId?: string;
}

/** Properties of {@link PrivateInstances}. */
export interface PrivateInstancesProps extends SsmAccessProps {
  /**
   * Prefix of every name: instances and volumes are tagged
   * `<namePrefix>-<instance name>`, the security group is
   * `<namePrefix>-instances`. Lower-case letters, digits and `-`, starting
   * with a letter, at most 126 characters.
   */
  readonly namePrefix: string;

  /**
   * AWS Region of the stack, e.g. `eu-west-1`; it goes into each instance's
   * `aws ssm start-session` command.
   */
  readonly region: string;

  /**
   * The network to place the instances in: its VPC id and CIDR, and the
   * subnets of each tier (a `PrivateNetwork`, or any `INetwork`).
   */
  readonly network: INetwork;

  /**
   * Name of the instance profile every instance runs with. Its role must
   * allow the SSM Agent to register (e.g. `AmazonSSMManagedInstanceCore`,
   * as `SsmInstanceRole` provides); without it Session Manager cannot reach
   * the instance.
   */
  readonly instanceProfileName: string;

  /**
   * The instances, at least one, each with a unique name. Appending keeps the
   * round-robin placement of the instances before it.
   */
  readonly instances: readonly InstanceSpec[];

  /**
   * Settings applied to every instance that does not set them itself, e.g.
   * `{ terminationProtection: true }` for production.
   * @default - the built-in default of each field
   */
  readonly defaults?: InstanceOptions;

  /**
   * Egress TCP 443 to the S3 gateway endpoint's prefix list, for SSM Agent
   * updates, patching and S3 session logs from subnets without NAT. Added by
   * itself when the network has an S3 gateway (`network.s3GatewayPrefixListId`);
   * set this only to name another prefix list (`{ prefixListId }`, for a
   * network that does not expose its gateway), or `{ enabled: false }` for no
   * S3 egress at all.
   * Port 80 stays closed: the agent fetches from S3 over HTTPS and uses plain
   * HTTP only as a fallback of its best-effort bucket-Region lookup (README,
   * "S3 through the gateway endpoint").
   * @default - the network's S3 gateway prefix list when it has one, else no S3 egress
   */
  readonly allowS3GatewayEgress?: S3GatewayEgress;

  /**
   * Interface endpoints (service short names such as `logs`, `kms`) the
   * instances need besides Session Manager's own, e.g.
   * `SessionLogging.interfaceEndpointServices`. When an instance sits in a
   * tier without an internet route (`network.tierHasInternetRoute`), the
   * network is asked for them (`network.requireInterfaceEndpoints`); more can
   * be asked for later with {@link PrivateInstances.requireInterfaceEndpoints}.
   * @default []
   */
  readonly interfaceEndpoints?: readonly string[];

  /**
   * Further egress rules, only when a workload needs them.
   * @default - none: egress is TCP 443 to the VPC CIDR only
   */
  readonly additionalEgress?: readonly EgressRule[];
}

/** What the rest of a stack needs to know about one instance. */
export interface PrivateInstance {
  /** The instance id (a token until apply). */
  readonly id: string;
  /** The instance ARN (a token until apply). */
  readonly arn: string;
  /** The primary private IPv4 address (a token until apply). */
  readonly privateIp: string;
  /** The Availability Zone the instance is placed in. */
  readonly availabilityZone: string;
  /** The subnet the instance is placed in. */
  readonly subnetId: string;
  /** `aws ssm start-session --target <id> --region <region>`: how an operator opens a shell. */
  readonly connectCommand: string;
}

/** Values an app turns into `TerraformOutput`s, by instance name where per instance. */
export interface PrivateInstancesOutputs {
  /** The id of the instances' security group (no ingress; egress HTTPS to the VPC). */
  readonly securityGroupId: string;
  /** The instance ids, by instance name. */
  readonly instanceIds: Record<string, string>;
  /** The private IPv4 addresses, by instance name. */
  readonly privateIps: Record<string, string>;
  /** The Availability Zones, by instance name. */
  readonly availabilityZones: Record<string, string>;
  /** The `aws ssm start-session` commands, by instance name. */
  readonly connectCommands: Record<string, string>;
}

/**
 * Private EC2 instances reachable only through Session Manager: in private or
 * isolated subnets, without public IP, key pair or inbound rule.
 *
 * Each instance is launched from its own launch template, whose image is
 * `resolve:ssm:<parameter>` (EC2 resolves the AMI at launch, so the stack
 * reads nothing from AWS) or a pinned AMI id. The template also holds the
 * encrypted gp3 root volume (block device mapping) and the `Name` tag EC2
 * puts on the instance and its volume at launch: the `aws_instance` declares
 * no block device at all, because provider 5.100.0 cannot create one that
 * does from a `resolve:ssm:` template. Extra `tags` reach the volume right
 * after launch through `aws_ec2_tag` resources. The instance itself carries what reviewers look
 * for in a plan: IMDSv2 required with its hop limit,
 * `associate_public_ip_address = false`, the instance profile, the CPU
 * credit option and the `Name` tag.
 *
 * All instances share one security group with no ingress at all (the
 * inline ingress list is declared empty, so Terraform removes any ingress
 * rule added by hand) and egress TCP 443 to the VPC CIDR, where the SSM
 * interface endpoints are; more egress only when asked.
 */
export class PrivateInstances extends Construct {
  /** The id of the instances' security group. */
  public readonly securityGroupId: string;
  /** The instances, by name, in the order given. */
  public readonly instances: Readonly<Record<string, PrivateInstance>>;
  /** Values for `TerraformOutput`s. */
  public readonly outputs: PrivateInstancesOutputs;
  /** The instances' security group. */
  public readonly securityGroup: SecurityGroup;
  /** Its egress rules: HTTPS to the VPC first, then S3, then the additional ones. */
  public readonly egressRules: readonly VpcSecurityGroupEgressRule[];
  /** The `aws_instance` resources, by instance name. */
  public readonly instanceResources: Readonly<Record<string, Instance>>;
  /** The launch templates, by instance name. */
  public readonly launchTemplates: Readonly<Record<string, LaunchTemplate>>;
  /**
   * The instances (by name, in the order given) placed in a tier without an
   * internet route, which reach AWS services through VPC endpoints only.
   */
  public readonly instancesWithoutInternetRoute: readonly string[];

  private readonly network: INetwork;

  constructor(scope: Construct, id: string, props: PrivateInstancesProps) {
    super(scope, id);
    const { resolved, subnets } = validate(this, props);
    const { namePrefix, region, network } = props;
    this.network = network;
    this.instancesWithoutInternetRoute = resolved
      .filter((r) => !(network.tierHasInternetRoute?.(r.tier) ?? false))
      .map((r) => r.name);

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      provider: props.provider,
      name: resourceName(namePrefix, "instances"),
      description: "Session Manager instances: no ingress, egress HTTPS to the VPC endpoints",
      vpcId: network.vpcId,
      ingress: [],
      tags: nameTag(namePrefix, "instances"),
    });
    this.securityGroupId = this.securityGroup.id;
    this.egressRules = this.createEgressRules(props);

    const instances: Record<string, PrivateInstance> = {};
    const instanceResources: Record<string, Instance> = {};
    const launchTemplates: Record<string, LaunchTemplate> = {};
    resolved.forEach((r, i) => {
      const subnet = subnets[i] as SubnetRef;
      const { instance, launchTemplate } = this.createInstance(props, r, subnet);
      instanceResources[r.name] = instance;
      launchTemplates[r.name] = launchTemplate;
      instances[r.name] = {
        id: instance.id,
        arn: instance.arn,
        privateIp: instance.privateIp,
        availabilityZone: subnet.availabilityZone,
        subnetId: subnet.id,
        connectCommand: `aws ssm start-session --target ${instance.id} --region ${region}`,
      };
    });
    this.instances = instances;
    this.instanceResources = instanceResources;
    this.launchTemplates = launchTemplates;

    const byName = (pick: (i: PrivateInstance) => string) =>
      Object.fromEntries(Object.entries(instances).map(([name, i]) => [name, pick(i)]));
    this.outputs = {
      securityGroupId: this.securityGroupId,
      instanceIds: byName((i) => i.id),
      privateIps: byName((i) => i.privateIp),
      availabilityZones: byName((i) => i.availabilityZone),
      connectCommands: byName((i) => i.connectCommand),
    };

    if (props.interfaceEndpoints && props.interfaceEndpoints.length > 0) {
      this.requireInterfaceEndpoints(...props.interfaceEndpoints);
    }
  }

  /**
   * Makes sure the instances reach `services` (short names such as `logs`,
   * `kms`): when some instance sits in a tier without an internet route, the
   * network is asked for their interface endpoints
   * (`network.requireInterfaceEndpoints`, idempotent); when every instance
   * has an internet route, nothing is added. A network that cannot add
   * endpoints gets a warning on this construct instead.
   * @throws ValidationError when a name is not a service short name
   */
  public requireInterfaceEndpoints(...services: string[]): void {
    const v = new Validator(this.node.path, "interfaceEndpoints");
    validateServiceNames(v, services);
    v.throwIfAny();
    if (services.length === 0 || this.instancesWithoutInternetRoute.length === 0) return;
    if (this.network.requireInterfaceEndpoints) {
      this.network.requireInterfaceEndpoints(...services);
    } else {
      Annotations.of(this).addWarning(
        `Instances ${this.instancesWithoutInternetRoute.join(", ")} have no internet route and need interface ` +
          `endpoints for ${services.join(", ")}, but the network cannot add them: make sure the VPC has them.`,
      );
    }
  }

  private createEgressRules(props: PrivateInstancesProps): VpcSecurityGroupEgressRule[] {
    const { namePrefix, network } = props;
    const rule = (id: string, name: string, config: Omit<EgressRule, "protocol"> & { protocol?: string }) =>
      new VpcSecurityGroupEgressRule(this, id, {
        provider: props.provider,
        securityGroupId: this.securityGroup.id,
        ipProtocol: config.protocol ?? "tcp",
        fromPort: config.fromPort,
        toPort: config.toPort ?? config.fromPort,
        cidrIpv4: config.cidr,
        prefixListId: config.prefixListId,
        description: config.description,
        tags: nameTag(namePrefix, "instances", name),
      });

    const rules = [
      rule("HttpsToVpc", "https-vpc", {
        fromPort: 443,
        cidr: network.vpcCidr,
        description: "HTTPS to the SSM, SSM messages and EC2 messages endpoints in the VPC",
      }),
    ];
    const s3PrefixListId = isEnabled(props.allowS3GatewayEgress, true)
      ? (props.allowS3GatewayEgress?.prefixListId ?? network.s3GatewayPrefixListId)
      : undefined;
    if (s3PrefixListId !== undefined) {
      // 443 only, and that is enough for the SSM Agent's S3 traffic. Its
      // bucket-Region probe (amazon-ssm-agent, agent/s3util/crossregion.go at
      // 1c217c89, getBucketRegion, lines 162-212) first sends a signed
      // HeadBucket over the SDK's HTTPS (line 167), then anonymous HEADs with
      // `protocols := []string{"https", "http"}` (line 175): HTTPS first, plain
      // HTTP only when the HTTPS request fails (the loop breaks on the first
      // response, line 206). HTTPS fails only for bucket names with dots
      // (S3's wildcard certificate), which SessionLogging refuses; the agent
      // then uploads over HTTPS in the instance's Region either way.
      rules.push(
        rule("HttpsToS3", "https-s3", {
          fromPort: 443,
          prefixListId: s3PrefixListId,
          description: "HTTPS to S3 through the gateway endpoint (agent updates, patching, session logs)",
        }),
      );
    }
    (props.additionalEgress ?? []).forEach((e, i) => {
      const protocol = e.protocol ?? "tcp";
      const toPort = e.toPort ?? e.fromPort;
      const ports = toPort === e.fromPort ? `${e.fromPort}` : `${e.fromPort}-${toPort}`;
      const description = e.description ?? `${protocol} ${ports} to ${e.cidr ?? e.prefixListId}`;
      rules.push(rule(`AdditionalEgress${i}`, `egress-${i}`, { ...e, protocol, toPort, description }));
    });
    return rules;
  }

  private createInstance(
    props: PrivateInstancesProps,
    r: ResolvedInstance,
    subnet: SubnetRef,
  ): { instance: Instance; launchTemplate: LaunchTemplate } {
    const scope = new Construct(this, r.name);
    const name = resourceName(props.namePrefix, r.name);
    const gen = r.replacementGeneration;
    const generation: Record<string, string> = Token.isUnresolved(gen)
      ? { [REPLACEMENT_GENERATION_TAG]: Token.asString(gen) }
      : gen !== 0
        ? { [REPLACEMENT_GENERATION_TAG]: String(gen) }
        : {};
    const tags = { ...r.tags, ...generation, Name: name };
    // The template carries only what never changes by itself (Name) and the
    // deliberate roll counter: any change to its data is a new version, which
    // replaces the instance. `tags` go to the instance and, after launch, to
    // its root volume (RootVolumeTags), both changed in place.
    const templateInstanceTags = { ...generation, Name: name };
    const imdsv2 = { httpTokens: "required", httpEndpoint: "enabled" };
    const root = r.rootVolume;

    // The root volume lives in the template, not on the instance: with
    // root_block_device set and an image of resolve:ssm:..., provider 5.100.0
    // looks the literal alias up with DescribeImages and fails
    // (InvalidAMIID.Malformed, terraform-provider-aws #22912, #43488).
    const launchTemplate = new LaunchTemplate(scope, "LaunchTemplate", {
      provider: props.provider,
      name,
      description: `Launch settings of ${name}: image, root volume, metadata options, tags`,
      imageId: launchTemplateImageId(r.ami),
      metadataOptions: imdsv2,
      blockDeviceMappings: [
        {
          deviceName: root.deviceName,
          ebs: {
            volumeType: "gp3",
            volumeSize: root.sizeGiB,
            encrypted: "true",
            kmsKeyId: root.kmsKeyArn,
            iops: root.iops,
            throughput: root.throughput,
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: [
        { resourceType: "instance", tags: templateInstanceTags },
        { resourceType: "volume", tags: { Name: name } },
      ],
      updateDefaultVersion: true,
      tags: { Name: name },
    });

    const instance = new Instance(scope, "Resource", {
      provider: props.provider,
      launchTemplate: { id: launchTemplate.id, version: Token.asString(launchTemplate.latestVersion) },
      instanceType: r.instanceType,
      subnetId: subnet.id,
      vpcSecurityGroupIds: [this.securityGroup.id],
      associatePublicIpAddress: false,
      iamInstanceProfile: props.instanceProfileName,
      metadataOptions: { ...imdsv2, httpPutResponseHopLimit: r.metadataHopLimit },
      creditSpecification: r.cpuCredits === undefined ? undefined : { cpuCredits: r.cpuCredits },
      monitoring: r.detailedMonitoring,
      disableApiTermination: r.terminationProtection,
      userData: r.userData === undefined ? undefined : escapeTerraformTemplate(r.userData),
      tags,
    });

    if (Object.keys(r.tags).length > 0) {
      const volumeTags = TerraformIterator.fromMap(r.tags);
      new Ec2Tag(scope, "RootVolumeTags", {
        provider: props.provider,
        forEach: volumeTags,
        // EC2 always reports an EBS-backed instance's root volume once it runs (and the
        // provider plans it unknown before); only a mocked provider leaves the block
        // empty, where the instance id stands in so that such plans evaluate.
        resourceId: Fn.try([instance.rootBlockDevice.volumeId, instance.id]),
        key: volumeTags.key,
        value: volumeTags.value,
      });
    }
    return { instance, launchTemplate };
  }
}

/** Checks every prop and places the instances; throws one error listing every problem. */
function validate(
  scope: Construct,
  props: PrivateInstancesProps,
): { resolved: ResolvedInstance[]; subnets: Array<SubnetRef | undefined> } {
  const v = new Validator(scope.node.path);
  const { instanceProfileName, instances, defaults } = props;

  checkSsmAccessProps(v, scope, props, {
    maxNamePrefixLength: MAX_NAME_PREFIX_LENGTH,
    region: "for each instance's aws ssm start-session command",
  });
  if (!instanceProfileName) {
    v.add("instanceProfileName", "is required: without an instance profile SSM cannot manage the instances");
  } else if (!Token.isUnresolved(instanceProfileName)) {
    v.check(
      IAM_NAME_PATTERN.test(instanceProfileName),
      "instanceProfileName",
      `"${instanceProfileName}" must be an instance profile name (1-128 of letters, digits and +=,.@_-)`,
    );
  }

  if (defaults !== undefined) validateInstanceOptions(v.child("defaults"), defaults);

  const list = v.child("instances");
  v.check(instances.length > 0, "instances", "must list at least one instance");
  const names = instances.map((s) => s.name);
  instances.forEach((spec, i) => {
    const at = list.child(`[${i}]`);
    if (!spec.name) {
      at.add("name", "is required");
    } else {
      at.check(
        INSTANCE_NAME_PATTERN.test(spec.name),
        "name",
        `"${spec.name}" must be lower-case letters, digits and '-', not starting or ending with '-'`,
      );
    }
    validateInstanceOptions(at, spec, defaults);
  });
  for (const dup of duplicates(names.filter((n) => !!n))) {
    names.forEach((n, i) => {
      if (n === dup && i !== names.indexOf(dup)) list.add(`[${i}].name`, `duplicate instance name "${dup}"`);
    });
  }

  if (
    v.featureOptions("allowS3GatewayEgress", props.allowS3GatewayEgress) &&
    props.allowS3GatewayEgress?.prefixListId !== undefined
  ) {
    checkPrefixListId(v, "allowS3GatewayEgress.prefixListId", props.allowS3GatewayEgress.prefixListId);
  }
  (props.additionalEgress ?? []).forEach((rule, i) => validateEgressRule(v.child(`additionalEgress[${i}]`), rule));
  validateServiceNames(v.child("interfaceEndpoints"), props.interfaceEndpoints ?? []);

  const resolved = instances.map((spec) => resolveInstance(spec, defaults));
  const subnets = placeInstances(
    props.network,
    resolved.map((r) =>
      INSTANCE_TIERS.includes(r.tier) ? { tier: r.tier, availabilityZone: r.availabilityZone } : undefined,
    ),
    list,
  );

  v.throwIfAny();
  return { resolved, subnets };
}

function validateEgressRule(v: Validator, rule: EgressRule): void {
  const protocol = rule.protocol ?? "tcp";
  v.check(protocol === "tcp" || protocol === "udp", "protocol", `"${protocol}" must be tcp or udp`);
  const portOk = (p: number) => Token.isUnresolved(p) || (Number.isInteger(p) && p >= 0 && p <= 65535);
  const fromOk = v.check(portOk(rule.fromPort), "fromPort", `${rule.fromPort} must be a port from 0 to 65535`);
  if (rule.toPort !== undefined) {
    const toOk = v.check(portOk(rule.toPort), "toPort", `${rule.toPort} must be a port from 0 to 65535`);
    if (fromOk && toOk && !Token.isUnresolved(rule.fromPort) && !Token.isUnresolved(rule.toPort)) {
      v.check(rule.toPort >= rule.fromPort, "toPort", `${rule.toPort} is below fromPort ${rule.fromPort}`);
    }
  }
  if (rule.cidr !== undefined && rule.prefixListId !== undefined) {
    v.add("", "set cidr or prefixListId, not both");
  } else if (rule.cidr === undefined && rule.prefixListId === undefined) {
    v.add("", "set cidr or prefixListId");
  }
  if (rule.cidr !== undefined && !Token.isUnresolved(rule.cidr)) {
    const parsed = parseCidr(rule.cidr);
    if (!parsed.ok) v.add("cidr", parsed.reason);
  }
  if (rule.prefixListId !== undefined) checkPrefixListId(v, "prefixListId", rule.prefixListId);
}

function checkPrefixListId(v: Validator, path: string, id: string): void {
  if (Token.isUnresolved(id)) return;
  v.check(PREFIX_LIST_ID_PATTERN.test(id), path, `"${id}" must be a prefix list id such as pl-6da54004`);
}
