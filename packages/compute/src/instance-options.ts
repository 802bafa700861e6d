import { Token } from "cdktf";
import { Validator } from "@ssm-access/core";
import { AmiSource, DEFAULT_AMI, validateAmi } from "./ami";
import { INSTANCE_TIERS, InstanceTier } from "./placement";

/** Instance type of the Session Manager recipe, and the default. */
export const DEFAULT_INSTANCE_TYPE = "t3.nano";

/** Size of the root volume when none is given, in GiB. */
export const DEFAULT_ROOT_VOLUME_SIZE_GIB = 8;

/** IMDSv2 PUT response hop limit when none is given: the instance itself only, no container. */
export const DEFAULT_METADATA_HOP_LIMIT = 1;

/** An instance type such as `t3.nano`, `m7i-flex.large` or `c7i.metal-24xl`: `family.size`. */
export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$/;

/** Smallest and largest gp3 volume, in GiB. */
export const GP3_SIZE_RANGE_GIB = { min: 1, max: 16384 } as const;
/** Provisioned IOPS a gp3 volume accepts (3000 is the free baseline). */
export const GP3_IOPS_RANGE = { min: 3000, max: 16000 } as const;
/** Throughput a gp3 volume accepts, in MiB/s (125 is the free baseline). */
export const GP3_THROUGHPUT_RANGE_MIBPS = { min: 125, max: 1000 } as const;
/** Hop limits the instance metadata service accepts. */
export const METADATA_HOP_LIMIT_RANGE = { min: 1, max: 64 } as const;
/** Largest user data EC2 accepts, in bytes before base64 encoding. */
export const USER_DATA_MAX_BYTES = 16384;

const KMS_KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** The root volume of an instance: always gp3, always encrypted, deleted with the instance. */
export interface RootVolumeOptions {
  /**
   * Size in GiB (1 to 16384). Must be at least the AMI's snapshot size
   * (8 GiB for Amazon Linux).
   * @default 8
   */
  readonly sizeGiB?: number;

  /**
   * ARN of the customer managed KMS key that encrypts the volume, for
   * accounts that require their own key (key policy must let EC2 use it for
   * the instance's launch). Changing it replaces the instance.
   * @default - the account's default EBS key (AWS managed `aws/ebs` unless the account set another)
   */
  readonly kmsKeyArn?: string;

  /**
   * Provisioned IOPS (3000 to 16000), billed above the 3000 baseline.
   * @default - 3000, the gp3 baseline
   */
  readonly iops?: number;

  /**
   * Provisioned throughput in MiB/s (125 to 1000), billed above the 125 baseline.
   * @default - 125, the gp3 baseline
   */
  readonly throughput?: number;
}

/**
 * Settings of one instance. Each field can also be set once for every
 * instance through `defaults`; an instance's own value wins (`tags` and
 * `rootVolume` are merged key by key).
 */
export interface InstanceOptions {
  /**
   * EC2 instance type, `family.size`. Changing it stops and starts the instance.
   * @default "t3.nano"
   */
  readonly instanceType?: string;

  /**
   * Subnet tier: `isolated` (local route only; SSM through the VPC endpoints)
   * or `private` (egress through NAT). Never `public`. The network must have
   * subnets in the tier.
   * @default "isolated"
   */
  readonly tier?: InstanceTier;

  /**
   * Availability Zone to place the instance in; must be one of the tier's
   * zones. Pin it to keep an instance in place when instances are inserted
   * before it in the list.
   * @default - round-robin over the tier's subnets, in instance order
   */
  readonly availabilityZone?: string;

  /**
   * The image: an SSM parameter resolved by EC2 at launch, or a pinned AMI id.
   * Changing it replaces the instance; a new image behind the same parameter
   * does not (patch running instances instead).
   * @default { ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER }
   */
  readonly ami?: AmiSource;

  /**
   * Root volume size, key and performance. gp3, encryption and delete on
   * termination are not options.
   * @default - 8 GiB gp3, encrypted with the account's default EBS key
   */
  readonly rootVolume?: RootVolumeOptions;

  /**
   * User data (a shell script or cloud-init document), at most 16 KB. Passed
   * as literal text: `${...}` in it reaches the instance unchanged. Changing
   * it stops and starts the instance; cloud-init runs scripts on first boot only.
   * @default - none
   */
  readonly userData?: string;

  /**
   * CloudWatch detailed monitoring (1-minute metrics, billed per instance).
   * @default false
   */
  readonly detailedMonitoring?: boolean;

  /**
   * EC2 termination protection: the API refuses to terminate the instance
   * (Terraform included) until it is turned off. For production.
   * @default false
   */
  readonly terminationProtection?: boolean;

  /**
   * IMDSv2 PUT response hop limit (1 to 64). 1 keeps instance credentials
   * away from containers on the instance; 2 lets containers reach them.
   * @default 1
   */
  readonly metadataHopLimit?: number;

  /**
   * Extra tags on the instance and its root volume, e.g. the tag that
   * operator policies and maintenance windows target. `Name` is set by the
   * construct; provider `default_tags` are added by Terraform.
   * @default - none
   */
  readonly tags?: Record<string, string>;
}

/** One instance: a unique name and its settings. */
export interface InstanceSpec extends InstanceOptions {
  /**
   * Name of the instance, unique in the construct: lower-case letters, digits
   * and `-`. The `Name` tag is `<namePrefix>-<name>`; it keys the
   * `instances` record and the construct ids, so renaming replaces the instance.
   */
  readonly name: string;
}

/** An instance's settings after `defaults` and the built-in defaults are applied. */
export interface ResolvedInstance {
  readonly name: string;
  readonly instanceType: string;
  readonly tier: InstanceTier;
  readonly availabilityZone?: string;
  readonly ami: AmiSource;
  readonly rootVolume: RootVolumeOptions & { readonly sizeGiB: number };
  readonly userData?: string;
  readonly detailedMonitoring: boolean;
  readonly terminationProtection: boolean;
  readonly metadataHopLimit: number;
  readonly tags: Record<string, string>;
}

/** Applies `defaults`, then the built-in defaults, to `spec`. */
export function resolveInstance(spec: InstanceSpec, defaults: InstanceOptions = {}): ResolvedInstance {
  const rootVolume = { ...definedOnly(defaults.rootVolume), ...definedOnly(spec.rootVolume) };
  return {
    name: spec.name,
    instanceType: spec.instanceType ?? defaults.instanceType ?? DEFAULT_INSTANCE_TYPE,
    tier: spec.tier ?? defaults.tier ?? "isolated",
    availabilityZone: spec.availabilityZone ?? defaults.availabilityZone,
    ami: spec.ami ?? defaults.ami ?? DEFAULT_AMI,
    rootVolume: { ...rootVolume, sizeGiB: rootVolume.sizeGiB ?? DEFAULT_ROOT_VOLUME_SIZE_GIB },
    userData: spec.userData ?? defaults.userData,
    detailedMonitoring: spec.detailedMonitoring ?? defaults.detailedMonitoring ?? false,
    terminationProtection: spec.terminationProtection ?? defaults.terminationProtection ?? false,
    metadataHopLimit: spec.metadataHopLimit ?? defaults.metadataHopLimit ?? DEFAULT_METADATA_HOP_LIMIT,
    tags: { ...defaults.tags, ...spec.tags },
  };
}

/**
 * Records every problem of the fields set in `options` (an instance or the
 * defaults) in `v`, at paths relative to its prefix (`tier`, `ami.id`...).
 * Values that are Terraform tokens are not checked.
 */
export function validateInstanceOptions(v: Validator, options: InstanceOptions): void {
  const { instanceType, tier, ami, rootVolume, userData, metadataHopLimit, tags } = options;
  if (instanceType !== undefined && !Token.isUnresolved(instanceType)) {
    v.check(INSTANCE_TYPE_PATTERN.test(instanceType), "instanceType", `"${instanceType}" must be an instance type such as t3.nano (family.size)`);
  }
  if (tier !== undefined) {
    if ((tier as string) === "public") {
      v.add("tier", "instances are never placed in public subnets; use private or isolated");
    } else {
      v.check(INSTANCE_TIERS.includes(tier), "tier", `"${tier}" must be one of ${INSTANCE_TIERS.join(", ")}`);
    }
  }
  if (ami !== undefined) validateAmi(v, ami);
  if (rootVolume !== undefined) validateRootVolume(v.child("rootVolume"), rootVolume);
  if (userData !== undefined && !Token.isUnresolved(userData)) {
    const bytes = Buffer.byteLength(userData, "utf8");
    v.check(bytes <= USER_DATA_MAX_BYTES, "userData", `is ${bytes} bytes; EC2 accepts at most ${USER_DATA_MAX_BYTES}`);
  }
  if (metadataHopLimit !== undefined) {
    checkIntegerRange(v, "metadataHopLimit", metadataHopLimit, METADATA_HOP_LIMIT_RANGE);
  }
  if (tags !== undefined) validateTags(v.child("tags"), tags);
}

function validateRootVolume(v: Validator, volume: RootVolumeOptions): void {
  if (volume.sizeGiB !== undefined) checkIntegerRange(v, "sizeGiB", volume.sizeGiB, GP3_SIZE_RANGE_GIB);
  if (volume.iops !== undefined) checkIntegerRange(v, "iops", volume.iops, GP3_IOPS_RANGE);
  if (volume.throughput !== undefined) checkIntegerRange(v, "throughput", volume.throughput, GP3_THROUGHPUT_RANGE_MIBPS);
  const key = volume.kmsKeyArn;
  if (key !== undefined && !Token.isUnresolved(key)) {
    v.check(KMS_KEY_ARN_PATTERN.test(key), "kmsKeyArn", `"${key}" must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)`);
  }
}

function validateTags(v: Validator, tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key === "Name") {
      v.add(key, "Name is set from namePrefix and the instance name");
    } else if (key.toLowerCase().startsWith("aws:")) {
      v.add(key, "keys starting with aws: are reserved by AWS");
    } else {
      v.check(key.length >= 1 && key.length <= 128, key, "keys must be 1 to 128 characters");
    }
    if (typeof value === "string" && !Token.isUnresolved(value)) {
      v.check(value.length <= 256, key, "values must be at most 256 characters");
    }
  }
}

function checkIntegerRange(v: Validator, path: string, value: number, range: { min: number; max: number }): void {
  if (Token.isUnresolved(value)) return;
  v.check(
    Number.isInteger(value) && value >= range.min && value <= range.max,
    path,
    `${value} must be an integer from ${range.min} to ${range.max}`,
  );
}

function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
