import { Annotations, Token } from "cdktf";
import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import {
  FeatureOptions,
  SsmAccessProps,
  Validator,
  bucketNameProblems,
  checkSsmAccessProps,
  duplicates,
  isEnabled,
  nameTag,
  pascalCase,
  resourceName,
} from "@ssm-access/core";
import { unknownAwsManagedS3Buckets } from "./private/aws-managed-buckets";
import { parseCidr } from "./cidr-planner";
import { interfaceEndpointPolicy, s3GatewayEndpointPolicy, supportsEndpointPolicy } from "./private/endpoint-policy";
import { SubnetRef } from "./types";

/** The interface endpoints Session Manager needs when instances have no internet route. */
export const SSM_INTERFACE_SERVICES: readonly string[] = ["ssm", "ssmmessages", "ec2messages"];

/** A service short name as it appears in `com.amazonaws.<region>.<service>`: `kms`, `logs`, `ecr.api`. */
export const SERVICE_SHORT_NAME_PATTERN = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** Longest name prefix the network constructs accept (IAM role and security group names derive from it). */
export const MAX_NAME_LENGTH = 32;

/** The interface endpoint service name of `service` in `region`: `com.amazonaws.eu-west-1.ssm`. */
export function interfaceServiceName(region: string, service: string): string {
  return `com.amazonaws.${region}.${service}`;
}

/** The S3 gateway endpoint: on by default; `{ enabled: false }` for none. */
export interface S3GatewayOptions extends FeatureOptions {
  /**
   * Whether to create the S3 gateway endpoint (free) on the route tables, so instances without
   * internet reach S3 for SSM Agent updates, patch baselines and session logs.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Buckets of other accounts that instances may use through the S3 gateway endpoint, beyond the
   * account's own buckets and the AWS-owned buckets of SSM Agent, Patch Manager and the Amazon Linux
   * repositories, which the endpoint policy always allows. Each entry is a bucket name
   * (`shared-artifacts`: the bucket and all its objects) or `bucket/key-pattern`
   * (`shared-artifacts/releases/*`: the matching objects only; `*` and `?` allowed after the `/`).
   * Every S3 action is allowed on them; IAM and the bucket policy still decide who may do what. No
   * wildcard in bucket names: a pattern would match buckets anyone can create, the very
   * exfiltration path the policy closes. Empty: the endpoint reaches only the account's own buckets
   * and the AWS-owned ones.
   * @default []
   */
  readonly allowedBuckets?: readonly string[];
}

/** Options shared by {@link SsmVpcEndpointsProps} and `PrivateNetworkProps.endpoints`. */
export interface SsmVpcEndpointsOptions {
  /**
   * How many Availability Zones carry the interface endpoints: the first N zones of the subnets given.
   * Each interface endpoint is billed per AZ-hour, so fewer zones cost less; instances in other zones
   * still reach the endpoints across zones (with cross-AZ data charges).
   * @default - every zone of the subnets
   */
  readonly availabilityZoneCount?: number;
  /**
   * More interface endpoints by service short name (`kms`, `logs`, `ecr.api`, ...), beyond
   * `ssm`, `ssmmessages` and `ec2messages`, which are always created. Names already present are ignored.
   * S3 is served by the gateway endpoint instead (see `s3Gateway`).
   * @default []
   */
  readonly extraServices?: readonly string[];
  /**
   * The S3 gateway endpoint (free) on the route tables, so instances without internet reach S3 for
   * SSM Agent updates, patch baselines and session logs, with the buckets of other accounts it may
   * reach (`allowedBuckets`); `{ enabled: false }` for none.
   * @default - on, reaching the account's own buckets and the AWS-owned ones instances need
   */
  readonly s3Gateway?: S3GatewayOptions;
}

/** Props of {@link SsmVpcEndpoints}. */
export interface SsmVpcEndpointsProps extends SsmVpcEndpointsOptions, SsmAccessProps {
  /**
   * Naming prefix for the endpoints' `Name` tags and the security group name.
   * Lower-case letters, digits and `-`, starting with a letter, at most 32 characters.
   */
  readonly namePrefix: string;
  /** The AWS Region, for the endpoint service names (`com.amazonaws.<region>.<service>`); no data source is read. */
  readonly region: string;
  /**
   * The AWS account id (12 digits) the endpoints serve. The endpoint policies only let principals
   * of this account use the interface endpoints that support a policy, and only let the S3 gateway
   * reach this account's buckets (plus the AWS-owned ones and `s3Gateway.allowedBuckets`).
   */
  readonly accountId: string;
  /** The VPC the endpoints and their security group belong to. */
  readonly vpcId: string;
  /** The VPC CIDR; the endpoint security group allows TCP 443 from it and nothing else. */
  readonly vpcCidr: string;
  /**
   * The subnets the interface endpoints may use. The first subnet of each Availability Zone is used
   * (an endpoint can have only one network interface per zone), in the first `availabilityZoneCount` zones.
   */
  readonly subnets: readonly SubnetRef[];
  /**
   * Route tables the S3 gateway endpoint is attached to (the tables of the subnets that must reach S3).
   * Required when `s3Gateway` is on.
   * @default []
   */
  readonly routeTableIds?: readonly string[];
}

/** Validates the shared endpoint options into `v` (paths relative to `v`). `zoneCount` is the zones available. */
export function validateEndpointOptions(v: Validator, options: SsmVpcEndpointsOptions, zoneCount: number): void {
  const count = options.availabilityZoneCount;
  if (count !== undefined) {
    v.check(
      Number.isInteger(count) && count >= 1,
      "availabilityZoneCount",
      `${count} must be an integer of at least 1`,
    );
    if (Number.isInteger(count) && count > zoneCount && zoneCount > 0) {
      v.add("availabilityZoneCount", `${count} is more than the ${zoneCount} Availability Zone(s) available`);
    }
  }
  validateServiceNames(v.child("extraServices"), options.extraServices ?? []);
  if (v.featureOptions("s3Gateway", options.s3Gateway) && isEnabled(options.s3Gateway, true)) {
    validateAllowedBuckets(v.child("s3Gateway"), options.s3Gateway?.allowedBuckets ?? []);
  }
}

/** Whether the S3 gateway endpoint of `options` is on (it is by default). */
export function hasS3Gateway(options: SsmVpcEndpointsOptions): boolean {
  return isEnabled(options.s3Gateway, true);
}

/**
 * Checks `s3Gateway.allowedBuckets` entries (`v` positioned at `s3Gateway`): a bucket name or
 * `bucket/key-pattern`, the bucket part a valid S3 bucket name without wildcards, no duplicates;
 * entries holding tokens are taken as is.
 */
function validateAllowedBuckets(v: Validator, entries: readonly string[]): void {
  const field = "allowedBuckets";
  entries.forEach((entry, i) => {
    const path = `${field}[${i}]`;
    if (typeof entry !== "string" || entry.length === 0) {
      v.add(path, `${JSON.stringify(entry)} is not a bucket name or bucket/key-pattern`);
      return;
    }
    if (Token.isUnresolved(entry)) return;
    if (entry.startsWith("arn:") || entry.startsWith("s3://")) {
      v.add(path, `${entry} is an ARN or URL; give the bucket name (or bucket/key-pattern)`);
      return;
    }
    const slash = entry.indexOf("/");
    const bucket = slash < 0 ? entry : entry.slice(0, slash);
    if (/[*?]/.test(bucket)) {
      v.add(path, `"${bucket}": no wildcard in bucket names, a pattern would also match buckets of other accounts`);
    } else {
      for (const problem of bucketNameProblems(bucket)) v.add(path, `"${bucket}" ${problem}`);
    }
    if (slash >= 0 && slash === entry.length - 1) {
      v.add(
        path,
        `"${entry}" has an empty key pattern; give the bucket name alone for the whole bucket, or bucket/prefix/*`,
      );
    }
  });
  for (const dup of duplicates(entries)) v.add(field, `${dup} is listed more than once`);
}

/**
 * Checks interface endpoint service short names (`logs`, `kms`, `ecr.api`):
 * not a full service name, and not `s3`, which the gateway endpoint serves.
 * Problems go to `v` at `[i]`, relative to its prefix.
 */
export function validateServiceNames(v: Validator, services: readonly string[]): void {
  services.forEach((service, i) => {
    if (typeof service !== "string" || !SERVICE_SHORT_NAME_PATTERN.test(service)) {
      v.add(`[${i}]`, `${JSON.stringify(service)} is not a service short name (such as kms, logs or ecr.api)`);
    } else if (service.startsWith("com.") || service.includes("amazonaws")) {
      v.add(`[${i}]`, `${service} is a full service name; give the short name (such as kms)`);
    } else if (service === "s3") {
      v.add(`[${i}]`, "s3 is served by the gateway endpoint (s3Gateway), not an interface endpoint");
    }
  });
}

/** The first subnet of each Availability Zone, zones in the order they first appear. */
function onePerZone(subnets: readonly SubnetRef[]): SubnetRef[] {
  const seen = new Set<string>();
  return subnets.filter((s) => {
    if (seen.has(s.availabilityZone)) return false;
    seen.add(s.availabilityZone);
    return true;
  });
}

/**
 * The VPC endpoints Session Manager needs in a network without internet access:
 * interface endpoints `ssm`, `ssmmessages` and `ec2messages` (private DNS on) in
 * at most one subnet per Availability Zone, their own security group allowing
 * only TCP 443 from the VPC CIDR (no egress rule), optional extra interface
 * services, and the S3 gateway endpoint on the given route tables.
 *
 * Endpoint policies, always on: interface endpoints of services that support one
 * (`ENDPOINT_POLICY_SERVICES`) serve principals of `accountId` only; the S3 gateway
 * reaches the account's own buckets, the AWS-owned buckets instances read, and the
 * buckets listed in `s3Gateway.allowedBuckets`.
 *
 * The VPC must have DNS support and DNS hostnames enabled for private DNS.
 */
export class SsmVpcEndpoints extends Construct {
  /** The security group of the interface endpoints (443 from the VPC CIDR only). */
  public readonly securityGroup: SecurityGroup;
  /** The security group's id. */
  public readonly securityGroupId: string;
  /** The rule allowing TCP 443 from the VPC CIDR. */
  public readonly httpsIngressRule: VpcSecurityGroupIngressRule;
  /**
   * The S3 gateway endpoint; undefined when `s3Gateway` is off. Its policy allows the account's own
   * buckets, the AWS-owned buckets of SSM Agent, Patch Manager and the Amazon Linux repositories
   * (read-only) and `s3Gateway.allowedBuckets`, nothing else.
   */
  public readonly s3GatewayEndpoint?: VpcEndpoint;
  /** The subnets the interface endpoints use: one per zone, in the first `availabilityZoneCount` zones. */
  public readonly subnetIds: readonly string[];
  /** The zones the interface endpoints are in. */
  public readonly availabilityZones: readonly string[];

  private readonly props: SsmVpcEndpointsProps;
  private readonly namePrefix: string;
  private readonly endpoints = new Map<string, VpcEndpoint>();

  constructor(scope: Construct, id: string, props: SsmVpcEndpointsProps) {
    super(scope, id);
    const zones = onePerZone(props.subnets ?? []);

    const v = new Validator(this.node.path);
    const { namePrefix } = checkSsmAccessProps(v, this, props, {
      maxNamePrefixLength: MAX_NAME_LENGTH,
      region: "for the endpoint service names (com.amazonaws.<region>.<service>)",
      accountId: "to scope the endpoint policies to the account",
    });
    if (typeof props.vpcCidr === "string" && !Token.isUnresolved(props.vpcCidr)) {
      const parsed = parseCidr(props.vpcCidr);
      if (!parsed.ok) v.add("vpcCidr", parsed.reason);
    }
    v.check(zones.length > 0, "subnets", "at least one subnet is needed for the interface endpoints");
    validateEndpointOptions(v, props, zones.length);
    if (hasS3Gateway(props)) {
      v.check(
        (props.routeTableIds ?? []).length > 0,
        "routeTableIds",
        "the S3 gateway endpoint needs at least one route table (or turn it off: s3Gateway: { enabled: false })",
      );
    }
    v.throwIfAny();

    this.props = props;
    this.namePrefix = namePrefix;
    const chosen = zones.slice(0, props.availabilityZoneCount ?? zones.length);
    this.subnetIds = chosen.map((s) => s.id);
    this.availabilityZones = chosen.map((s) => s.availabilityZone);

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      provider: props.provider,
      name: resourceName(namePrefix, "vpc-endpoints"),
      description: "Interface VPC endpoints: HTTPS from the VPC only",
      vpcId: props.vpcId,
      tags: nameTag(namePrefix, "vpc-endpoints"),
    });
    this.securityGroupId = this.securityGroup.id;
    this.httpsIngressRule = new VpcSecurityGroupIngressRule(this, "HttpsFromVpc", {
      provider: props.provider,
      securityGroupId: this.securityGroup.id,
      description: "HTTPS from the VPC",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
      tags: nameTag(namePrefix, "vpc-endpoints", "https"),
    });

    this.createInterfaceEndpoints([...SSM_INTERFACE_SERVICES, ...(props.extraServices ?? [])]);

    if (hasS3Gateway(props)) {
      this.s3GatewayEndpoint = new VpcEndpoint(this, "S3Gateway", {
        provider: props.provider,
        vpcId: props.vpcId,
        serviceName: interfaceServiceName(props.region, "s3"),
        vpcEndpointType: "Gateway",
        routeTableIds: [...(props.routeTableIds ?? [])],
        policy: s3GatewayEndpointPolicy({
          region: props.region,
          accountId: props.accountId,
          allowedBuckets: props.s3Gateway?.allowedBuckets,
        }),
        tags: nameTag(namePrefix, "s3", "endpoint"),
      });
      const unknown = unknownAwsManagedS3Buckets(props.region);
      if (unknown.length > 0) {
        Annotations.of(this).addWarning(
          `The S3 gateway endpoint policy cannot name ${unknown.join(" or ")} in ${props.region}: instances cannot ` +
            "read them through the endpoint until they are listed in s3Gateway.allowedBuckets.",
        );
      }
    }
  }

  /** The interface services that have an endpoint, in creation order. */
  public get services(): readonly string[] {
    return [...this.endpoints.keys()];
  }

  /** The interface endpoint of `service`, if there is one. */
  public endpoint(service: string): VpcEndpoint | undefined {
    return this.endpoints.get(service);
  }

  /**
   * Adds interface endpoints for `services` (short names such as `logs`, `kms`) that have none yet;
   * services already present are skipped, so calling it twice is harmless.
   * @returns the endpoints created by this call
   * @throws ValidationError when a name is not a valid service short name
   */
  public addInterfaceEndpoints(...services: string[]): VpcEndpoint[] {
    const v = new Validator(this.node.path, "addInterfaceEndpoints");
    validateServiceNames(v, services);
    v.throwIfAny();
    return this.createInterfaceEndpoints(services);
  }

  private createInterfaceEndpoints(services: readonly string[]): VpcEndpoint[] {
    const created: VpcEndpoint[] = [];
    for (const service of services) {
      if (this.endpoints.has(service)) continue;
      const endpoint = new VpcEndpoint(this, `${pascalCase(service)}Endpoint`, {
        provider: this.props.provider,
        vpcId: this.props.vpcId,
        serviceName: interfaceServiceName(this.props.region, service),
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [...this.subnetIds],
        securityGroupIds: [this.securityGroup.id],
        policy: supportsEndpointPolicy(service) ? interfaceEndpointPolicy(this.props.accountId) : undefined,
        tags: nameTag(this.namePrefix, service, "endpoint"),
      });
      this.endpoints.set(service, endpoint);
      created.push(endpoint);
    }
    return created;
  }
}
