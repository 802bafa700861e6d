import { Token } from "cdktf";
import type { SubnetTier } from "@ssm-access/network";
import { AmiSource } from "./ami";

/**
 * The subnet tiers an instance may be placed in. `public` is not one of them:
 * an instance reachable only through Session Manager never sits in a subnet
 * routed to an internet gateway.
 */
export type InstanceTier = Exclude<SubnetTier, "public">;

/** Every tier an instance may use. */
export const INSTANCE_TIERS: readonly InstanceTier[] = ["private", "isolated"];

/**
 * The default instance type: the smallest T3 with 1 GiB of memory. The
 * Session Manager recipe's `t3.nano` (512 MiB) gets the SSM Agent or `dnf`
 * OOM-killed during patch scans and release upgrades on Amazon Linux 2023
 * (amazon-ssm-agent issue 615, amazon-linux-2023 issue 404).
 */
export const DEFAULT_INSTANCE_TYPE = "t3.micro";

/** Size of the root volume when none is given, in GiB. */
export const DEFAULT_ROOT_VOLUME_SIZE_GIB = 8;

/**
 * Root device name when none is given: the one of Amazon Linux 2023 and
 * Amazon Linux 2 (`aws ec2 describe-images --query 'Images[].RootDeviceName'`).
 */
export const DEFAULT_ROOT_DEVICE_NAME = "/dev/xvda";

/**
 * A device name EC2 accepts in a block device mapping of a Linux instance, as
 * the EC2 User Guide lists them ("Device names for volumes on Amazon EC2
 * instances"): `/dev/sd[a-z]`, optionally with a partition number 1 to 15
 * (`/dev/sda1`), `/dev/xvd[a-z]` and `/dev/xvd[a-d][a-z]`. NVMe names
 * (`/dev/nvme0n1`) are given by the kernel at boot and are not accepted in a
 * mapping; paravirtual-only `/dev/hd*` names are left out.
 */
export const DEVICE_NAME_PATTERN = /^\/dev\/(?:sd[a-z](?:[1-9]|1[0-5])?|xvd[a-z]|xvd[a-d][a-z])$/;

/** CPU credit option of a burstable instance. */
export type CpuCredits = "standard" | "unlimited";

/** Every CPU credit option. */
export const CPU_CREDITS: readonly CpuCredits[] = ["standard", "unlimited"];

/**
 * CPU credit option of burstable instances when none is given: `standard`, so
 * an instance that runs hot is throttled to its baseline instead of billed for
 * surplus credits (T3, T3a and T4g launch `unlimited` unless told otherwise).
 */
export const DEFAULT_CPU_CREDITS: CpuCredits = "standard";

/** Instance families with CPU credits (burstable performance): the only ones `cpuCredits` applies to. */
export const BURSTABLE_INSTANCE_FAMILIES: readonly string[] = ["t2", "t3", "t3a", "t4g"];

/**
 * Key of the tag that carries a non-zero {@link InstanceOptions.replacementGeneration}
 * on the instance and in its launch template; reserved in `tags`.
 */
export const REPLACEMENT_GENERATION_TAG = "ReplacementGeneration";

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

/**
 * The root volume of an instance: always gp3, always encrypted, deleted with
 * the instance. It is declared in the instance's launch template (block device
 * mapping), never on the `aws_instance` itself.
 */
export interface RootVolumeOptions {
  /**
   * Root device name of the AMI, which the launch template's block device
   * mapping must name for the settings here to reach the root volume:
   * `/dev/xvda` for Amazon Linux 2023 and Amazon Linux 2, `/dev/sda1` for
   * Ubuntu or RHEL. A name the AMI does not use adds a second, empty volume
   * and leaves the root volume as the AMI defines it. Changing it replaces
   * the instance.
   * @default "/dev/xvda"
   */
  readonly deviceName?: string;

  /**
   * Size in GiB (1 to 16384). Must be at least the AMI's snapshot size
   * (8 GiB for Amazon Linux). Changing it makes a new launch template version
   * and so replaces the instance; to grow the disk of a running instance
   * without replacing it, modify the volume outside Terraform first.
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
   * Changing it replaces the instance (a new launch template version).
   * @default - 3000, the gp3 baseline
   */
  readonly iops?: number;

  /**
   * Provisioned throughput in MiB/s (125 to 1000), billed above the 125 baseline.
   * Changing it replaces the instance (a new launch template version).
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
   * @default "t3.micro"
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
   * Changing it replaces the instance. A new image behind the same parameter
   * does not: the template keeps the same `resolve:ssm:` text, so only later
   * launches get it (patch running instances, or bump `replacementGeneration`).
   * @default { ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER }
   */
  readonly ami?: AmiSource;

  /**
   * Root volume device name, size, key and performance, declared in the
   * launch template. gp3, encryption and delete on termination are not options.
   * @default - /dev/xvda, 8 GiB gp3, encrypted with the account's default EBS key
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
   * EC2 termination protection: the console, CLI and API refuse to terminate
   * the instance until it is turned off. For production. It does not hold
   * Terraform back: provider 5.100.0 turns it off itself before it destroys
   * or replaces the instance, so review plans for `delete`.
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
   * CPU credit option of a burstable instance (T2, T3, T3a, T4g):
   * `standard` throttles it to its baseline when its credits run out;
   * `unlimited` lets it burst on and bills the surplus. Changing it modifies
   * the running instance in place. Other families have no CPU credits:
   * setting it on an instance of another family is an error, and a value in
   * `defaults` applies to the burstable instances only.
   * @default - "standard" for burstable instance types; not set for others
   */
  readonly cpuCredits?: CpuCredits;

  /**
   * A counter to bump (0, 1, 2...) when the instance must be replaced on
   * purpose, e.g. to launch it from the image its SSM parameter holds today
   * (a new image behind the same parameter never replaces it by itself).
   * Any other value than 0 is written as the `ReplacementGeneration` tag of
   * the instance, on the instance and in its launch template; a changed value
   * makes a new template version, and the instance, which follows the latest
   * version, is replaced (termination protection does not prevent it). 0
   * writes nothing, so a stack that never sets it plans exactly as before.
   * Set it in `defaults` to replace every instance at once.
   * @default 0
   */
  readonly replacementGeneration?: number;

  /**
   * Extra tags on the instance and its root volume, e.g. the tag that
   * operator policies and maintenance windows target. Changed in place: they
   * are set on the `aws_instance` and, right after launch, on its root volume
   * by one `aws_ec2_tag` per key, never in the launch template (a template
   * change would replace the instance). `Name` is set by the construct;
   * provider `default_tags` are added by Terraform.
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

/**
 * Whether `instanceType` (`family.size`) belongs to a burstable family, one of
 * {@link BURSTABLE_INSTANCE_FAMILIES}. False for a Terraform token and for a
 * value that is not `family.size`.
 */
export function isBurstableInstanceType(instanceType: string): boolean {
  if (Token.isUnresolved(instanceType) || !INSTANCE_TYPE_PATTERN.test(instanceType)) return false;
  return BURSTABLE_INSTANCE_FAMILIES.includes(instanceType.slice(0, instanceType.indexOf(".")));
}
