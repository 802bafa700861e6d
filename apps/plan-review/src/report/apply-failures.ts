import { JsonRecord, isRecord, planAction } from "@ssm-access/terraform-kit";
import { PlannedChange } from "./plan";
import { ResourceSet, firstBlock, ofTypes } from "./posture";
import { ApplyFailure, BucketContents, ResourceReview } from "./types";

/**
 * Apply-time failures a plan does not show: what AWS refuses when Terraform
 * gets there, after the other actions of the same apply have gone through.
 *
 * - Deleting a bucket that holds objects (object versions or delete markers)
 *   without `force_destroy` fails with `BucketNotEmpty`
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html).
 *   Whether it holds objects is not in the plan: read through the S3 API
 *   when the review can ({@link BucketContents}), else `likely`.
 * - Object versions under S3 Object Lock cannot be deleted before their
 *   retention ends (governance mode: only with `s3:BypassGovernanceRetention`;
 *   compliance mode: by nobody), so such a bucket cannot be emptied or
 *   deleted until then, `force_destroy` or not
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
 * - Versioning of a bucket with Object Lock cannot be suspended
 *   (`InvalidBucketState`), which is what the provider does when an
 *   `aws_s3_bucket_versioning` is destroyed; Object Lock cannot be turned
 *   off either (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
 * - A security group still attached to network interfaces outside the plan
 *   cannot be deleted (`DependencyViolation`; the provider retries until its
 *   delete timeout).
 * - `lifecycle.prevent_destroy` makes `terraform plan` itself fail
 *   ("Instance cannot be destroyed").
 */

const goesAway = (change: PlannedChange) => {
  const action = planAction(change.actions);
  return action === "delete" || action === "replace";
};

function values(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

/** The Object Lock default retention of a bucket on the `before` side: `GOVERNANCE mode, 365 days`, or `undefined`. */
export function objectLockOf(bucket: JsonRecord, before: ResourceSet): string | undefined {
  const name = bucket.bucket;
  const config = [...ofTypes(before, ["aws_s3_bucket_object_lock_configuration"]).values()].find(
    (state) => state.values.bucket === name,
  );
  if (config === undefined && bucket.object_lock_enabled !== true) return undefined;
  const retention = firstBlock(firstBlock(config?.values.rule)?.default_retention);
  if (retention === undefined) return "enabled, no default retention";
  const days = typeof retention.days === "number" && retention.days > 0 ? `${retention.days} days` : undefined;
  const years = typeof retention.years === "number" && retention.years > 0 ? `${retention.years} years` : undefined;
  return `${String(retention.mode ?? "GOVERNANCE")} mode, ${days ?? years ?? "no period"}`;
}

function removedBlock(address: string): string {
  return `removed {\n  from = ${address.replace(/\[.*$/, "")}\n  lifecycle {\n    destroy = false\n  }\n}`;
}

function bucketFailures(
  change: PlannedChange,
  before: ResourceSet,
  contents: Readonly<Record<string, BucketContents>> | undefined,
): ApplyFailure[] {
  const bucket = values(change.before);
  const name = typeof bucket.bucket === "string" ? bucket.bucket : change.address;
  const read = contents?.[name];
  if (read?.kind === "empty") return [];
  const lock = objectLockOf(bucket, before);
  const failures: ApplyFailure[] = [];
  const holds =
    read?.kind === "objects"
      ? `holds ${read.count}${read.more ? " or more" : ""} object version${read.count === 1 && !read.more ? "" : "s"} (read through the S3 API)`
      : `will hold objects if it was ever written to (the plan cannot say${read?.kind === "unread" ? `; the S3 API was not read: ${read.reason}` : ""})`;
  const likelihood = read?.kind === "objects" ? "certain" : "likely";
  const keep = `To keep the bucket and its objects outside Terraform, replace the change by a \`removed\` block:\n\n${removedBlock(change.address)}`;
  if (bucket.force_destroy !== true) {
    failures.push({
      kind: "bucket-not-empty",
      address: change.address,
      likelihood,
      text:
        `Apply-time failure: the bucket ${name} ${holds} and force_destroy is off, so deleting it fails with ` +
        "BucketNotEmpty, after the other actions of this apply have already gone through.",
      fix: `${keep}\n\nOr empty it on purpose before applying (every object version and delete marker${lock !== undefined ? ", which Object Lock refuses until the retention ends" : ""}).`,
    });
  }
  if (lock !== undefined) {
    failures.push({
      kind: "object-lock",
      address: change.address,
      likelihood,
      text:
        `Apply-time failure: the bucket's objects are under S3 Object Lock (${lock}) and cannot be deleted before their retention ends` +
        `${lock.startsWith("COMPLIANCE") ? " by anyone" : " without s3:BypassGovernanceRetention"}, so the bucket cannot be emptied nor deleted` +
        `${bucket.force_destroy === true ? " (force_destroy does not bypass the retention)" : ""} until the last object's retention ends.`,
      fix: `Keep the bucket until then: ${bucket.force_destroy === true ? "a `removed` block with `lifecycle { destroy = false }`" : "see the `removed` block above"}.`,
    });
  }
  return failures;
}

function securityGroupFailure(change: PlannedChange): ApplyFailure {
  const group = values(change.before);
  const id = typeof group.id === "string" ? group.id : "<group id>";
  const name = typeof group.name === "string" ? ` ${group.name}` : "";
  return {
    kind: "security-group-in-use",
    address: change.address,
    likelihood: "possible",
    text:
      `Apply-time failure if the security group${name} is still attached to network interfaces outside this plan ` +
      "(made by hand, by another stack, or by a service): deleting it fails with DependencyViolation once the provider's delete timeout runs out, " +
      "after the other actions of this apply have gone through.",
    fix:
      `Before applying, list them: \`aws ec2 describe-network-interfaces --filters Name=group-id,Values=${id}\`; ` +
      "move those interfaces to another group, or delete them on purpose.",
  };
}

/** Destroying the versioning of an Object Lock bucket suspends it, which S3 refuses. */
function versioningFailure(change: PlannedChange, before: ResourceSet): ApplyFailure[] {
  const name = values(change.before).bucket;
  const bucket = [...ofTypes(before, ["aws_s3_bucket"]).values()].find((b) => b.values.bucket === name);
  const lock = bucket === undefined ? undefined : objectLockOf(bucket.values, before);
  const status = firstBlock(values(change.before).versioning_configuration)?.status;
  if (lock === undefined || status !== "Enabled") return [];
  return [
    {
      kind: "versioning-locked",
      address: change.address,
      likelihood: "certain",
      text:
        `Apply-time failure: destroying this resource suspends versioning of ${String(name)}, which has S3 Object Lock (${lock}); ` +
        'S3 refuses with InvalidBucketState ("An Object Lock configuration is present on this bucket, so the versioning state cannot be changed"), ' +
        "after the other actions of this apply have already gone through.",
      fix: `Keep the versioning with the bucket: a \`removed\` block for it too:\n\n${removedBlock(change.address)}`,
    },
  ];
}

/** The apply-time failures of the plan's actions, in plan order (not yet `prevent_destroy`: see {@link preventDestroyFailure}). */
export function applyFailures(
  changes: readonly PlannedChange[],
  before: ResourceSet,
  contents: Readonly<Record<string, BucketContents>> | undefined,
): ApplyFailure[] {
  return changes.filter(goesAway).flatMap((change) => {
    if (change.type === "aws_s3_bucket") return bucketFailures(change, before, contents);
    if (change.type === "aws_s3_bucket_versioning") return versioningFailure(change, before);
    if (change.type === "aws_security_group") return [securityGroupFailure(change)];
    return [];
  });
}

/** `terraform plan` fails on a destroy of a resource guarded by `prevent_destroy`: name the cause and the way out. */
export function preventDestroyFailure(change: ResourceReview): ApplyFailure {
  const cause = change.source
    ? `the change of ${change.source.field} in ${change.source.file}`
    : change.replacedBecause.length > 0
      ? `the change of ${change.replacedBecause.join(", ")}`
      : "its removal from the configuration";
  const forced =
    change.replacedBecause.length > 0 ? ` (it forces a replacement through ${change.replacedBecause.join(", ")})` : "";
  return {
    kind: "prevent-destroy",
    address: change.address,
    likelihood: "certain",
    text:
      `Plan-time failure: ${change.address} has lifecycle.prevent_destroy and this plan would ${change.action === "replace" ? "replace" : "destroy"} it, ` +
      `so \`terraform plan\` fails with "Instance cannot be destroyed". Caused by ${cause}${forced}; this review planned with the guard lifted to say so.`,
    fix:
      "If the resource only moved to another address, add a `moved` block from the old address to the new one. " +
      "If the change is not meant to destroy it, undo it. To destroy it on purpose, remove prevent_destroy in a change of its own first.",
  };
}

/** Terraform's `prevent_destroy` refusals in the output of a failed `terraform plan`: the guarded addresses. */
export function preventDestroyRefusals(output: string): string[] {
  // Terraform wraps diagnostics to the terminal's width and frames them with "│".
  const found = [...output.matchAll(/Resource[\s│]+(\S+)[\s│]+has[\s│]+lifecycle\.prevent_destroy[\s│]+set/g)].map(
    (m) => m[1],
  );
  return [...new Set(found)];
}

/** A failure as one note of its resource: what fails, then the fix. */
export function failureNote(failure: ApplyFailure): string {
  return `${failure.text}\n\n${failure.fix}`;
}

/** Whether a failure counts as a finding (`--fail-on=apply-failure`). */
export function isLikely(failure: ApplyFailure): boolean {
  return failure.likelihood !== "possible";
}
