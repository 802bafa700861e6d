/**
 * The EC2 instance types this package accepts, offline: for each supported
 * family, its sizes and their memory. EC2 rejects a type that does not exist
 * only at launch (`InvalidParameterValue` from `RunInstances`, after the rest
 * of the stack was applied); this list lets a typo fail the synth instead,
 * with the nearest type as a suggestion. Sizes and memory are those of the
 * EC2 "Instance types" specifications (`aws ec2 describe-instance-types
 * --query 'InstanceTypes[].[InstanceType,MemoryInfo.SizeInMiB]'`).
 */
import leven from "leven";

/** Memory of each size of a family, in GiB. */
type FamilySizes = Readonly<Record<string, number>>;

const BURSTABLE: FamilySizes = {
  nano: 0.5,
  micro: 1,
  small: 2,
  medium: 4,
  large: 8,
  xlarge: 16,
  "2xlarge": 32,
};

/** `large` .. `<n>xlarge` of a family with `perVcpu` GiB per vCPU (2 vCPUs per `large`). */
function scaled(perVcpu: number, sizes: readonly string[], extra: FamilySizes = {}): FamilySizes {
  const out: Record<string, number> = {};
  for (const size of sizes) {
    const vcpus = size === "medium" ? 1 : size === "large" ? 2 : size === "xlarge" ? 4 : 4 * Number(size.slice(0, -6));
    out[size] = vcpus * perVcpu;
  }
  return { ...out, ...extra };
}

const M5_SIZES = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"];
const M6I_SIZES = [...M5_SIZES, "32xlarge"];
const M7I_SIZES = [...M5_SIZES, "48xlarge"];
const GRAVITON_SIZES = ["medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const C5_SIZES = ["large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge"];

/** Memory in GiB of every supported instance type, by family and size. */
const FAMILIES: Readonly<Record<string, FamilySizes>> = {
  t2: BURSTABLE,
  t3: BURSTABLE,
  t3a: BURSTABLE,
  t4g: BURSTABLE,
  m5: scaled(4, M5_SIZES, { metal: 384 }),
  m6i: scaled(4, M6I_SIZES, { metal: 512 }),
  m7i: scaled(4, M7I_SIZES, { "metal-24xl": 384, "metal-48xl": 768 }),
  "m7i-flex": scaled(4, ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge"]),
  m6g: scaled(4, GRAVITON_SIZES, { metal: 256 }),
  m7g: scaled(4, GRAVITON_SIZES, { metal: 256 }),
  c5: scaled(2, C5_SIZES, { metal: 192 }),
  c6i: scaled(2, M6I_SIZES, { metal: 256 }),
  c7i: scaled(2, M7I_SIZES, { "metal-24xl": 192, "metal-48xl": 384 }),
  c6g: scaled(2, GRAVITON_SIZES, { metal: 128 }),
  c7g: scaled(2, GRAVITON_SIZES, { metal: 128 }),
  r5: scaled(8, M5_SIZES, { metal: 768 }),
  r6i: scaled(8, M6I_SIZES, { metal: 1024 }),
  r7i: scaled(8, M7I_SIZES, { "metal-24xl": 768, "metal-48xl": 1536 }),
  r6g: scaled(8, GRAVITON_SIZES, { metal: 512 }),
  r7g: scaled(8, GRAVITON_SIZES, { metal: 512 }),
};

/** The instance families whose types this package accepts. */
export const SUPPORTED_INSTANCE_FAMILIES: readonly string[] = Object.keys(FAMILIES);

/** Families of AWS Graviton (arm64) processors: they boot arm64 images only. */
export const ARM64_INSTANCE_FAMILIES: readonly string[] = ["t4g", "m6g", "m7g", "c6g", "c7g", "r6g", "r7g"];

/** Every supported instance type, e.g. `t3.micro`. */
export const KNOWN_INSTANCE_TYPES: readonly string[] = Object.entries(FAMILIES).flatMap(([family, sizes]) =>
  Object.keys(sizes).map((size) => `${family}.${size}`),
);

/**
 * Least memory for an instance that runs patching or release upgrades, in
 * MiB. With 512 MiB (`*.nano`) on Amazon Linux 2023, the SSM Agent's patch
 * scans and `dnf` transactions get the agent or dnf OOM-killed
 * (amazon-ssm-agent issue 615, amazon-linux-2023 issue 404 on GitHub).
 */
export const MIN_MAINTENANCE_MEMORY_MIB = 1024;

/** Memory of `instanceType` in MiB, or `undefined` when it is not in the list. */
export function instanceTypeMemoryMiB(instanceType: string): number | undefined {
  const dot = instanceType.indexOf(".");
  const gib = FAMILIES[instanceType.slice(0, dot)]?.[instanceType.slice(dot + 1)];
  return dot > 0 && gib !== undefined ? gib * 1024 : undefined;
}

/** Whether `instanceType` runs on an arm64 (Graviton) processor. */
export function isArm64InstanceType(instanceType: string): boolean {
  return ARM64_INSTANCE_FAMILIES.includes(instanceType.slice(0, instanceType.indexOf(".")));
}

/**
 * Why `instanceType` is not accepted, with the nearest known type as a
 * suggestion, or `undefined` when it is a supported type.
 */
export function instanceTypeProblem(instanceType: string): string | undefined {
  if (instanceTypeMemoryMiB(instanceType) !== undefined) return undefined;
  const family = instanceType.slice(0, Math.max(instanceType.indexOf("."), 0));
  const suggestion = nearest(instanceType, KNOWN_INSTANCE_TYPES);
  const hint = suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`;
  if (FAMILIES[family] !== undefined) {
    return `"${instanceType}" is not an EC2 instance type${hint}; ${family} has ${Object.keys(FAMILIES[family]).join(", ")}`;
  }
  return `"${instanceType}" is not an EC2 instance type of the supported families${hint}: ${SUPPORTED_INSTANCE_FAMILIES.join(", ")}`;
}

/** The candidate nearest to `value` by edit distance, if one is at most two edits away. */
function nearest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = leven(value, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
