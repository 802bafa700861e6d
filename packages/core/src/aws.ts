/** An AWS Region code such as `eu-west-1`, `us-gov-west-1` or `cn-north-1`. */
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/**
 * The AWS partition a Region belongs to, so ARNs are built without a data
 * source: `cn-*` → `aws-cn`, `us-gov-*` → `aws-us-gov`, `us-iso-*` →
 * `aws-iso`, `us-isob-*` → `aws-iso-b`, anything else → `aws`.
 */
export function partitionForRegion(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/** The DNS suffix of a partition's service endpoints (`amazonaws.com`, `amazonaws.com.cn`, ...). */
export function dnsSuffixForRegion(region: string): string {
  return partitionForRegion(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** ARN of an AWS managed IAM policy in the Region's partition. */
export function awsManagedPolicyArn(region: string, policyName: string): string {
  return `arn:${partitionForRegion(region)}:iam::aws:policy/${policyName}`;
}

/** Whether `az` is an Availability Zone of `region` (`eu-west-1a` of `eu-west-1`; Local Zones included). */
export function isZoneOfRegion(az: string, region: string): boolean {
  return az.startsWith(region) && /^[a-z]$|^-[a-z0-9-]+[a-z]$/.test(az.slice(region.length));
}

/** The AWS partitions, as they appear in ARNs. */
export const PARTITIONS: readonly string[] = ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"];

/** A regular expression source matching one partition of {@link PARTITIONS}, as capture group. */
export const PARTITION_PATTERN_SOURCE = `(${PARTITIONS.join("|")})`;

/**
 * A KMS key ARN: partition (1), Region (2), account (3), key id (4). Not an
 * alias nor a bare key id: CloudWatch Logs, EBS and IAM statements need the key ARN.
 */
export const KMS_KEY_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION_PATTERN_SOURCE}:kms:([a-z0-9-]+):(\\d{12}):key\\/([A-Za-z0-9-]+)$`,
);

/**
 * Why `value` is not a KMS key ARN usable in `region` (its partition must be
 * the Region's), or `undefined` when it is one. Pass no Region to check the
 * shape only.
 */
export function kmsKeyArnProblem(value: string, region?: string): string | undefined {
  const m = KMS_KEY_ARN_PATTERN.exec(value);
  if (!m) return `"${value}" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)`;
  const partition = region !== undefined && REGION_PATTERN.test(region) ? partitionForRegion(region) : undefined;
  if (partition !== undefined && m[1] !== partition)
    return `"${value}" is in partition ${m[1]}, the Region is in ${partition}`;
  return undefined;
}

/** The retention periods CloudWatch Logs accepts, in days (`0` keeps events forever). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
