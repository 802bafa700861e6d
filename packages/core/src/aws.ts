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
