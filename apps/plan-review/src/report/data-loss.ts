import { JsonRecord, isRecord, planAction } from "@ssm-access/terraform-kit";
import { PlannedChange } from "./plan";
import { ResourceSet, firstBlock, ofTypes } from "./posture";
import { DataLoss } from "./types";
import { asList } from "./values";

/**
 * Data a plan destroys for good: a deleted log group and its events, a
 * deleted bucket and its objects, a KMS key scheduled for deletion (and with
 * it whatever was encrypted under it), the root volume of a replaced or
 * destroyed instance. What each held (session transcripts, flow logs) is
 * read from the other resources of the stack.
 */

function values(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

const goesAway = (change: PlannedChange) => {
  const action = planAction(change.actions);
  return action === "delete" || action === "replace";
};

/** The `inputs` of every Session Manager preferences document on a side. */
function preferencesInputs(side: ResourceSet): JsonRecord[] {
  return [...ofTypes(side, ["aws_ssm_document"]).values()].flatMap((state) => {
    if (state.values.document_type !== "Session" || typeof state.values.content !== "string") return [];
    try {
      const content: unknown = JSON.parse(state.values.content);
      return isRecord(content) && content.sessionType === "Standard_Stream" && isRecord(content.inputs)
        ? [content.inputs]
        : [];
    } catch {
      return [];
    }
  });
}

function logGroupLoss(change: PlannedChange, before: ResourceSet): DataLoss {
  const group = values(change.before);
  const name = String(group.name ?? change.address);
  const transcripts = preferencesInputs(before).some((i) => i.cloudWatchLogGroupName === name);
  const flowLogs = [...ofTypes(before, ["aws_flow_log"]).values()].some(
    (f) =>
      typeof group.arn === "string" && String(f.values.log_destination ?? "").startsWith(group.arn.replace(/:\*$/, "")),
  );
  const what = transcripts
    ? "the Session Manager session transcripts"
    : flowLogs
      ? "the VPC flow logs"
      : "the log events";
  const retention =
    typeof group.retention_in_days === "number" && group.retention_in_days > 0
      ? ` (kept ${group.retention_in_days} days)`
      : "";
  return {
    kind: "log-group",
    address: change.address,
    text: `The log group ${name} is deleted with ${what} it holds${retention}: CloudWatch Logs keeps no copy.`,
  };
}

function bucketLoss(change: PlannedChange, before: ResourceSet): DataLoss {
  const bucket = values(change.before);
  const name = String(bucket.bucket ?? change.address);
  const transcripts = preferencesInputs(before).some((i) => i.s3BucketName === name);
  const what = transcripts ? "the session transcripts" : "every object version";
  return {
    kind: "bucket",
    address: change.address,
    text:
      `The bucket ${name} is deleted with ${what} it holds, once it is empty or with force_destroy` +
      `${bucket.force_destroy === true ? " (on: Terraform deletes every object version first)" : ""}.`,
  };
}

/** Whether `value` holds `needle` anywhere (a key ARN or id in an attribute, a policy, a document). */
function mentions(value: unknown, needles: readonly string[]): boolean {
  if (typeof value === "string") return needles.some((n) => value.includes(n));
  if (Array.isArray(value)) return value.some((v) => mentions(v, needles));
  if (isRecord(value)) return Object.values(value).some((v) => mentions(v, needles));
  return false;
}

/** Resources whose data a key encrypts (policies and aliases only name it). */
const NOT_DATA = ["aws_kms_alias", "aws_iam_policy", "aws_iam_role_policy", "aws_kms_grant"];

function kmsKeyLoss(change: PlannedChange, before: ResourceSet, gone: ReadonlySet<string>): DataLoss {
  const key = values(change.before);
  const days = typeof key.deletion_window_in_days === "number" ? key.deletion_window_in_days : 30;
  const needles = [key.arn, key.key_id].filter((n): n is string => typeof n === "string" && n !== "");
  const referencedBy =
    needles.length === 0
      ? []
      : [...before.values()]
          .filter((s) => s.address !== change.address && !NOT_DATA.includes(s.type) && mentions(s.values, needles))
          .map((s) => (gone.has(s.address) ? `${s.address} (destroyed too)` : s.address));
  const id = typeof key.key_id === "string" ? key.key_id : "<key id>";
  return {
    kind: "kms-key",
    address: change.address,
    pendingWindowDays: days,
    referencedBy,
    text:
      `The KMS key ${id} is scheduled for deletion: AWS deletes it for good after the ${days}-day pending window (deletion_window_in_days). ` +
      "Logs, objects and session data encrypted with it become unreadable then" +
      (referencedBy.length > 0 ? `; still referencing it: ${referencedBy.join(", ")}.` : ".") +
      ` Within the window, \`aws kms cancel-key-deletion --key-id ${id}\` keeps it.`,
  };
}

function rootVolumeLoss(change: PlannedChange): DataLoss | undefined {
  const instance = values(change.before);
  const root = firstBlock(instance.root_block_device);
  if (root?.delete_on_termination === false) return undefined;
  const volume = typeof root?.volume_id === "string" ? ` ${root.volume_id}` : "";
  const size = typeof root?.volume_size === "number" ? ` (${root.volume_size} GiB)` : "";
  const extra = asList(instance.ebs_block_device).filter(
    (d) => isRecord(d) && d.delete_on_termination !== false,
  ).length;
  const id = typeof instance.id === "string" ? ` ${instance.id}` : "";
  return {
    kind: "root-volume",
    address: change.address,
    text:
      `The root volume${volume}${size} of instance${id} is deleted with it (delete_on_termination): data on it is lost` +
      `${extra > 0 ? `, and on ${extra} more EBS volume${extra === 1 ? "" : "s"} deleted on termination` : ""}.`,
  };
}

/** The data the plan's actions destroy for good, in plan order. */
export function dataLoss(changes: readonly PlannedChange[], before: ResourceSet): DataLoss[] {
  const gone = new Set(changes.filter(goesAway).map((c) => c.address));
  return changes.filter(goesAway).flatMap((change): DataLoss[] => {
    switch (change.type) {
      case "aws_cloudwatch_log_group":
        return [logGroupLoss(change, before)];
      case "aws_s3_bucket":
        return [bucketLoss(change, before)];
      case "aws_kms_key":
        return [kmsKeyLoss(change, before, gone)];
      case "aws_instance": {
        const loss = rootVolumeLoss(change);
        return loss ? [loss] : [];
      }
      default:
        return [];
    }
  });
}
