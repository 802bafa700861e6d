import { Token } from "cdktf";
import { TAG_KEY_PATTERN, TAG_VALUE_PATTERN, Validator } from "@ssm-access/core";
import { AmiSource, DEFAULT_AMI } from "../ami";
import {
  BURSTABLE_INSTANCE_FAMILIES,
  CPU_CREDITS,
  CpuCredits,
  DEFAULT_CPU_CREDITS,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_METADATA_HOP_LIMIT,
  DEFAULT_ROOT_DEVICE_NAME,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEVICE_NAME_PATTERN,
  GP3_IOPS_RANGE,
  GP3_SIZE_RANGE_GIB,
  GP3_THROUGHPUT_RANGE_MIBPS,
  INSTANCE_TIERS,
  INSTANCE_TYPE_PATTERN,
  InstanceOptions,
  InstanceSpec,
  InstanceTier,
  METADATA_HOP_LIMIT_RANGE,
  REPLACEMENT_GENERATION_TAG,
  RootVolumeOptions,
  USER_DATA_MAX_BYTES,
  isBurstableInstanceType,
} from "../instance-options";
import { instanceTypeProblem, isArm64InstanceType } from "../instance-types";
import { validateAmi } from "./ami";

/** An instance's settings after `defaults` and the built-in defaults are applied. */
export interface ResolvedInstance {
  readonly name: string;
  readonly instanceType: string;
  readonly tier: InstanceTier;
  readonly availabilityZone?: string;
  readonly ami: AmiSource;
  readonly rootVolume: RootVolumeOptions & { readonly sizeGiB: number; readonly deviceName: string };
  readonly userData?: string;
  readonly detailedMonitoring: boolean;
  readonly terminationProtection: boolean;
  readonly metadataHopLimit: number;
  /** The option to render; absent for instance types without CPU credits. */
  readonly cpuCredits?: CpuCredits;
  readonly replacementGeneration: number;
  readonly tags: Record<string, string>;
}

/** Applies `defaults`, then the built-in defaults, to `spec`. */
export function resolveInstance(spec: InstanceSpec, defaults: InstanceOptions = {}): ResolvedInstance {
  const rootVolume = { ...definedOnly(defaults.rootVolume), ...definedOnly(spec.rootVolume) };
  const instanceType = spec.instanceType ?? defaults.instanceType ?? DEFAULT_INSTANCE_TYPE;
  return {
    name: spec.name,
    instanceType,
    tier: spec.tier ?? defaults.tier ?? "isolated",
    availabilityZone: spec.availabilityZone ?? defaults.availabilityZone,
    ami: spec.ami ?? defaults.ami ?? DEFAULT_AMI,
    rootVolume: {
      ...rootVolume,
      sizeGiB: rootVolume.sizeGiB ?? DEFAULT_ROOT_VOLUME_SIZE_GIB,
      deviceName: rootVolume.deviceName ?? DEFAULT_ROOT_DEVICE_NAME,
    },
    userData: spec.userData ?? defaults.userData,
    detailedMonitoring: spec.detailedMonitoring ?? defaults.detailedMonitoring ?? false,
    terminationProtection: spec.terminationProtection ?? defaults.terminationProtection ?? false,
    metadataHopLimit: spec.metadataHopLimit ?? defaults.metadataHopLimit ?? DEFAULT_METADATA_HOP_LIMIT,
    cpuCredits: resolveCpuCredits(instanceType, spec.cpuCredits, defaults.cpuCredits),
    replacementGeneration: spec.replacementGeneration ?? defaults.replacementGeneration ?? 0,
    tags: { ...defaults.tags, ...spec.tags },
  };
}

/**
 * The CPU credit option to render: the instance's own, else the default's,
 * else {@link DEFAULT_CPU_CREDITS}, for burstable types; nothing for other
 * types. When the type is a Terraform token only an explicit value is kept
 * (the provider ignores it at launch for a type without CPU credits).
 */
function resolveCpuCredits(instanceType: string, own?: CpuCredits, inherited?: CpuCredits): CpuCredits | undefined {
  if (Token.isUnresolved(instanceType)) return own ?? inherited;
  if (!isBurstableInstanceType(instanceType)) return undefined;
  return own ?? inherited ?? DEFAULT_CPU_CREDITS;
}

/**
 * Records every problem of the fields set in `options` (an instance or the
 * defaults) in `v`, at paths relative to its prefix (`tier`, `ami.id`...).
 * `inherited` holds the settings `options` is applied over (the `defaults`,
 * for an instance), for the rules that join two fields: `cpuCredits` needs a
 * burstable `instanceType`, its own or the inherited one.
 * Values that are Terraform tokens are not checked.
 */
export function validateInstanceOptions(v: Validator, options: InstanceOptions, inherited: InstanceOptions = {}): void {
  const { instanceType, tier, ami, rootVolume, userData, metadataHopLimit, cpuCredits, replacementGeneration, tags } =
    options;
  if (instanceType !== undefined && !Token.isUnresolved(instanceType)) {
    if (
      v.check(
        INSTANCE_TYPE_PATTERN.test(instanceType),
        "instanceType",
        `"${instanceType}" must be an instance type such as t3.micro (family.size)`,
      )
    ) {
      const problem = instanceTypeProblem(instanceType);
      if (problem !== undefined) v.add("instanceType", problem);
    }
  }
  checkArchitecture(v, options, inherited);
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
  if (cpuCredits !== undefined) {
    const type = instanceType ?? inherited.instanceType ?? DEFAULT_INSTANCE_TYPE;
    if (!CPU_CREDITS.includes(cpuCredits)) {
      v.add("cpuCredits", `${JSON.stringify(cpuCredits)} must be one of ${CPU_CREDITS.join(", ")}`);
    } else if (!Token.isUnresolved(type) && INSTANCE_TYPE_PATTERN.test(type) && !isBurstableInstanceType(type)) {
      v.add(
        "cpuCredits",
        `applies to burstable instance types only (${BURSTABLE_INSTANCE_FAMILIES.join(", ")}); ${type} has no CPU credits, remove cpuCredits`,
      );
    }
  }
  if (replacementGeneration !== undefined && !Token.isUnresolved(replacementGeneration)) {
    v.check(
      Number.isSafeInteger(replacementGeneration) && replacementGeneration >= 0,
      "replacementGeneration",
      `${replacementGeneration} must be a whole number from 0 up; bump it by one to replace the instance`,
    );
  }
  if (tags !== undefined) validateTags(v.child("tags"), tags);
}

/**
 * An image parameter that names its architecture (`..._x86_64`, `..._arm64`)
 * must match the processor of the instance type, or `RunInstances` fails with
 * "The architecture 'x86_64' of the specified instance type does not match
 * the architecture 'arm64' of the specified AMI".
 */
function checkArchitecture(v: Validator, options: InstanceOptions, inherited: InstanceOptions): void {
  const type = options.instanceType ?? inherited.instanceType ?? DEFAULT_INSTANCE_TYPE;
  const parameter = (options.ami ?? inherited.ami ?? DEFAULT_AMI).ssmParameter;
  if (options.instanceType === undefined && options.ami === undefined) return;
  if (parameter === undefined || Token.isUnresolved(type) || Token.isUnresolved(parameter)) return;
  if (instanceTypeProblem(type) !== undefined) return;
  const imageArch = /arm64/.test(parameter) ? "arm64" : /x86_64/.test(parameter) ? "x86_64" : undefined;
  const typeArch = isArm64InstanceType(type) ? "arm64" : "x86_64";
  if (imageArch !== undefined && imageArch !== typeArch) {
    v.add(
      options.instanceType !== undefined ? "instanceType" : "ami.ssmParameter",
      `${type} runs ${typeArch} images, but ami.ssmParameter ${parameter} holds ${imageArch} images; EC2 refuses the launch: use the ${typeArch} parameter (${parameter.replace(imageArch, typeArch)}) or an ${imageArch} instance type`,
    );
  }
}

function validateRootVolume(v: Validator, volume: RootVolumeOptions): void {
  const device = volume.deviceName;
  if (device !== undefined && !Token.isUnresolved(device)) {
    if (/^\/dev\/nvme/.test(device)) {
      v.add(
        "deviceName",
        `"${device}" is a name the kernel gives NVMe volumes at boot; a block device mapping names the AMI's root device, such as /dev/xvda (Amazon Linux) or /dev/sda1 (Ubuntu, RHEL)`,
      );
    } else {
      v.check(
        DEVICE_NAME_PATTERN.test(device),
        "deviceName",
        `"${device}" must be the AMI's root device name as EC2 spells it: /dev/sd[a-z] with an optional partition 1-15, /dev/xvd[a-z] or /dev/xvd[a-d][a-z], such as /dev/xvda (Amazon Linux) or /dev/sda1 (Ubuntu, RHEL)`,
      );
    }
  }
  if (volume.sizeGiB !== undefined) checkIntegerRange(v, "sizeGiB", volume.sizeGiB, GP3_SIZE_RANGE_GIB);
  if (volume.iops !== undefined) checkIntegerRange(v, "iops", volume.iops, GP3_IOPS_RANGE);
  if (volume.throughput !== undefined)
    checkIntegerRange(v, "throughput", volume.throughput, GP3_THROUGHPUT_RANGE_MIBPS);
  if (volume.kmsKeyArn !== undefined) v.kmsKeyArn("kmsKeyArn", volume.kmsKeyArn);
}

function validateTags(v: Validator, tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key === "Name") {
      v.add(key, "Name is set from namePrefix and the instance name");
    } else if (key === REPLACEMENT_GENERATION_TAG) {
      v.add(key, `${REPLACEMENT_GENERATION_TAG} is set from replacementGeneration`);
    } else if (key.toLowerCase().startsWith("aws:")) {
      v.add(key, "keys starting with aws: are reserved by AWS");
    } else {
      v.check(
        TAG_KEY_PATTERN.test(key),
        key,
        `"${key}" is not a tag key AWS accepts: 1 to 128 letters, digits, spaces and _ . : / = + - @`,
      );
    }
    if (typeof value === "string" && !Token.isUnresolved(value)) {
      v.check(
        TAG_VALUE_PATTERN.test(value),
        key,
        `"${value}" is not a tag value AWS accepts: at most 256 letters, digits, spaces and _ . : / = + - @`,
      );
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
