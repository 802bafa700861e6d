/**
 * The AWS-owned S3 buckets that instances without internet access read through
 * the S3 gateway endpoint: SSM Agent, Patch Manager and the Amazon Linux
 * package repositories. Pure data and functions, no constructs.
 *
 * Every name here is an exact bucket name. AWS asks for no wildcards in these
 * names ("Using wildcards could provide access to S3 buckets that you don't
 * intend to grant access to"): a pattern such as `aws-ssm-*` would also match a
 * bucket anyone can create, and even read-only access to someone else's bucket
 * leaks data through the object keys requested.
 *
 * Sources (AWS Systems Manager User Guide unless stated otherwise):
 * - "SSM Agent communications with AWS managed S3 buckets"
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html#ssm-agent-minimum-s3-permissions),
 *   which "Improve the security of EC2 instances by using VPC endpoints for Systems Manager"
 *   (setup-create-vpc.html) names as the minimum a VPC endpoint policy must allow;
 * - "Reference: Amazon S3 buckets for patching operations"
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-operations-s3-buckets.html);
 * - the Amazon Linux 2023 repository bucket, as AWS lists it for Kernel Live Patching
 *   (https://docs.aws.amazon.com/linux/al2023/ug/live-patching.html) and in its data perimeter
 *   VPC endpoint policy examples (github.com/aws-samples/data-perimeter-policy-examples,
 *   `vpc_endpoint_policies/README.md`, "AllowRequestsToAWSOwnedResources").
 *
 * Left out on purpose (add them with `s3Gateway.allowedBuckets` when needed):
 * `aws-windows-downloads-<region>` (SSM documents for Windows only) and
 * `aws-patchmanager-macos-<region>-<suffix>` (Patch Manager on EC2 Mac): these
 * networks carry Linux instances. The Amazon Linux 2 repositories
 * (`amazonlinux-2-repos-<region>`, `amazonlinux.<region>.amazonaws.com`) are
 * left out too: Amazon Linux 2 reached end of support on 2026-06-30, its yum
 * mirror list is reached over plain HTTP in commercial Regions (which the
 * instances' 443-only egress blocks), and instances refuse its images.
 */
import { partitionForRegion } from "@ssm-access/core";

/**
 * Suffix of the Region's `aws-patch-manager-<region>-<suffix>` bucket, which holds the
 * Linux and Windows Server patching documents (`AWS-RunPatchBaseline`,
 * `AWS-RunPatchBaselineAssociation`, ...), as listed in "Reference: Amazon S3 buckets
 * for patching operations". Regions missing here have no documented bucket.
 */
export const PATCH_MANAGER_BUCKET_SUFFIXES: Readonly<Record<string, string>> = {
  "us-east-2": "552881074",
  "us-east-1": "1970c647d",
  "us-west-1": "8badb4304",
  "us-west-2": "34d7f99f8",
  "af-south-1": "bdd5f65a9",
  "ap-east-1": "632356271",
  "ap-south-2": "32f4b4128",
  "ap-southeast-3": "aa48fc462",
  "ap-southeast-4": "01e2c40d3",
  "ap-south-1": "cb7c62ff9",
  "ap-northeast-3": "67373598a",
  "ap-northeast-2": "10467995c",
  "ap-southeast-1": "7fdfd9ef7",
  "ap-southeast-2": "17283a275",
  "ap-northeast-1": "4849fa78f",
  "ca-central-1": "3148e69e3",
  "ca-west-1": "9e3a4b2f9",
  "eu-central-1": "9163fdaaf",
  "eu-west-1": "5522fb710",
  "eu-west-2": "902a2bc74",
  "eu-south-1": "c52f3f594",
  "eu-west-3": "29bf85721",
  "eu-south-2": "a4cf248b1",
  "eu-north-1": "795879e9b",
  "eu-central-2": "184ce43c8",
  "il-central-1": "e221cb57b",
  "me-south-1": "a53fc9dce",
  "me-central-1": "2932f2f80",
  "sa-east-1": "ddf4b6a09",
};

/**
 * Regions whose patch baseline snapshot bucket is not `patch-baseline-snapshot-<region>`
 * but carries a suffix ("Reference: Amazon S3 buckets for patching operations",
 * "Buckets containing AWS managed patch baseline snapshots").
 */
export const PATCH_BASELINE_SNAPSHOT_BUCKET_EXCEPTIONS: Readonly<Record<string, string>> = {
  "af-south-1": "patch-baseline-snapshot-af-south-1-tbxdb5b9",
  "ap-south-2": "patch-baseline-snapshot-ap-south-2-50209442",
  "ap-southeast-3": "patch-baseline-snapshot-ap-southeast-3-be0a3174",
  "ap-southeast-4": "patch-baseline-snapshot-ap-southeast-4-dc6f76ce",
  "eu-south-2": "patch-baseline-snapshot-eu-south-2-df2c9d70",
  "me-south-1": "patch-baseline-snapshot-me-south-1-uduvl7q8",
};

/**
 * Regions where Distributor (`AWS-ConfigureAWSPackage`, SSM Agent 2.2.45.0 and later) reads
 * `aws-ssm-distributor-file-<region>` instead of `<region>-birdwatcher-prod`
 * ("SSM Agent communications with AWS managed S3 buckets").
 */
export const DISTRIBUTOR_FILE_BUCKET_REGIONS: readonly string[] = ["af-south-1", "eu-south-1"];

/** Suffix of the Amazon Linux 2023 repository buckets, the same in every commercial Region. */
export const AL2023_REPOSITORY_BUCKET_SUFFIX = "de612dc2";

/**
 * The AWS-owned buckets instances in `region` read (`s3:GetObject`) for SSM Agent,
 * Patch Manager and the Amazon Linux package repositories, as exact bucket names, in
 * this order:
 *
 * 1. `amazon-ssm-<region>`: SSM Agent installation packages and the manifests of
 *    `AWS-UpdateSSMAgent`.
 * 2. `amazon-ssm-packages-<region>`: `AWS-ConfigureAWSPackage` with SSM Agent before 2.2.45.0.
 * 3. `<region>-birdwatcher-prod` (every Region except af-south-1 and eu-south-1) or
 *    `aws-ssm-distributor-file-<region>` (only those two): the distribution service of
 *    `AWS-ConfigureAWSPackage` for SSM Agent 2.2.45.0 and later.
 * 4. `aws-ssm-document-attachments-<region>`: AWS-owned Distributor packages.
 * 5. `aws-ssm-<region>`: modules of SSM documents on Linux and Windows Server.
 * 6. `aws-patch-manager-<region>-<suffix>`: the Patch Manager documents, where the suffix
 *    is documented ({@link PATCH_MANAGER_BUCKET_SUFFIXES}).
 * 7. `patch-baseline-snapshot-<region>` (or its suffixed exception): AWS managed patch
 *    baseline snapshots, read by `AWS-RunPatchBaseline`.
 * 8. `al2023-repos-<region>-de612dc2`: the Amazon Linux 2023 package repositories
 *    (dnf, Patch Manager on AL2023); `aws` partition only.
 *
 * The partition matters for the Amazon Linux bucket only: its name is documented
 * for the `aws` partition, so China and GovCloud Regions get the Systems Manager buckets
 * alone (see {@link unknownAwsManagedS3Buckets}).
 */
export function awsManagedS3Buckets(region: string): string[] {
  const buckets = [
    `amazon-ssm-${region}`,
    `amazon-ssm-packages-${region}`,
    DISTRIBUTOR_FILE_BUCKET_REGIONS.includes(region)
      ? `aws-ssm-distributor-file-${region}`
      : `${region}-birdwatcher-prod`,
    `aws-ssm-document-attachments-${region}`,
    `aws-ssm-${region}`,
  ];
  const patchManagerSuffix = PATCH_MANAGER_BUCKET_SUFFIXES[region];
  if (patchManagerSuffix !== undefined) buckets.push(`aws-patch-manager-${region}-${patchManagerSuffix}`);
  buckets.push(PATCH_BASELINE_SNAPSHOT_BUCKET_EXCEPTIONS[region] ?? `patch-baseline-snapshot-${region}`);
  if (partitionForRegion(region) === "aws") {
    buckets.push(`al2023-repos-${region}-${AL2023_REPOSITORY_BUCKET_SUFFIX}`);
  }
  return buckets;
}

/**
 * What {@link awsManagedS3Buckets} cannot name for `region`, as sentence fragments for a
 * synth warning; empty when every bucket is known. Instances then fail to read those
 * buckets through the gateway endpoint until they are added to `s3Gateway.allowedBuckets`.
 */
export function unknownAwsManagedS3Buckets(region: string): string[] {
  const unknown: string[] = [];
  if (PATCH_MANAGER_BUCKET_SUFFIXES[region] === undefined) {
    unknown.push(`the Patch Manager document bucket (aws-patch-manager-${region}-<suffix>)`);
  }
  if (partitionForRegion(region) !== "aws") {
    unknown.push(`the Amazon Linux repository buckets of the ${partitionForRegion(region)} partition`);
  }
  return unknown;
}
