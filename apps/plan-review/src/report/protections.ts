import { JsonRecord, isRecord } from "@ssm-access/terraform-kit";
import { readPolicy } from "./policy-document";
import { ResourceState, Sides, firstBlock, ofTypes } from "./posture";
import { SecurityFinding } from "./types";
import { UNKNOWN, asList, canonicalJson, globMatch } from "./values";

/**
 * The protections the stacks put in place, and a finding when a plan undoes
 * or weakens one of them (aspect `protection`, weakened):
 *
 * | Protection | Resource | Undone when |
 * | --- | --- | --- |
 * | transcript Object Lock | `aws_s3_bucket_object_lock_configuration` | removed, COMPLIANCE → GOVERNANCE, a shorter retention |
 * | append-only transcripts | instance policy statements `SessionTranscriptsAppendOnly` (Deny), `SessionLogsWrite`, `SessionTranscriptsWrite` (Allow) | the Deny removed or narrowed, the Allows widened |
 * | no session outside the environment | operator policy `DenyStartSessionOutsideThisEnvironment` (Deny with `NotResource`) | removed, or more resources let through |
 * | no parameter reads outside the environment | instance policy `DenyParameterReadsOutsideOwnPaths` (Deny with `NotResource`) | removed, or more parameters let through |
 * | encrypted log groups (flow logs, transcripts) | `aws_cloudwatch_log_group.kms_key_id` | the key removed |
 * | account baseline | `aws_ebs_encryption_by_default`, `aws_s3_account_public_access_block`, `aws_ssm_service_setting` (public document sharing) | turned off or removed |
 * | Run As | the preferences document's `runAsEnabled` | turned off |
 */

function finding(address: string, before: string, after: string, detail: string): SecurityFinding {
  return { aspect: "protection", address, before, after, weakened: true, detail };
}

/** Object Lock of the transcript bucket: `GOVERNANCE, 365 days`. */
function lockText(state: ResourceState | undefined): { text: string; mode?: string; days?: number } {
  if (state === undefined) return { text: "off" };
  const retention = firstBlock(firstBlock(state.values.rule)?.default_retention);
  if (retention === undefined) return { text: "on, no default retention" };
  const days =
    typeof retention.days === "number" && retention.days > 0
      ? retention.days
      : typeof retention.years === "number"
        ? retention.years * 365
        : 0;
  const mode = String(retention.mode ?? "GOVERNANCE");
  return { text: `${mode}, ${days} days`, mode, days };
}

function objectLock(sides: Sides): SecurityFinding[] {
  const type = ["aws_s3_bucket_object_lock_configuration"];
  const before = ofTypes(sides.before, type);
  const after = ofTypes(sides.after, type);
  return [...before].flatMap(([address, was]) => {
    const will = after.get(address);
    const b = lockText(was);
    const a = lockText(will);
    if (will !== undefined && (will.values.rule === UNKNOWN || a.text === b.text)) return [];
    const bucket = String(was.values.bucket ?? "the bucket");
    let detail: string | undefined;
    if (will === undefined)
      detail = `new transcripts in ${bucket} are no longer locked: anyone allowed to delete objects can delete them (locked versions keep their retention)`;
    else if (b.mode === "COMPLIANCE" && a.mode !== "COMPLIANCE")
      detail = "new transcripts can be deleted early with s3:BypassGovernanceRetention";
    else if (b.days !== undefined && a.days !== undefined && a.days < b.days)
      detail = `new transcripts are locked for ${a.days} days instead of ${b.days}`;
    return detail === undefined ? [] : [finding(address, `Object Lock ${b.text}`, `Object Lock ${a.text}`, detail)];
  });
}

/** A protective statement of a policy, by its `Sid`. */
interface GuardStatement {
  readonly sid: string;
  readonly effect: "Deny" | "Allow";
  /** What it guarantees, in words. */
  readonly what: string;
}

const GUARD_STATEMENTS: readonly GuardStatement[] = [
  {
    sid: "SessionTranscriptsAppendOnly",
    effect: "Deny",
    what: "the instance can only append to the session log group and transcript bucket (someone on it cannot delete or rewrite transcripts)",
  },
  {
    sid: "SessionLogsWrite",
    effect: "Allow",
    what: "the instance may only create log streams and put log events in the session log group",
  },
  {
    sid: "SessionTranscriptsWrite",
    effect: "Allow",
    what: "the instance may only put transcript objects in the bucket",
  },
  {
    sid: "DenyStartSessionOutsideThisEnvironment",
    effect: "Deny",
    what: "operators cannot start sessions with other documents (AWS-StartInteractiveCommand, ...) even where another policy allows them",
  },
  {
    sid: "DenyParameterReadsOutsideOwnPaths",
    effect: "Deny",
    what: "the instance (and whoever holds its credentials) cannot read parameters outside /aws/service/* and the environment's prefix",
  },
];

const POLICY_TYPES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

function statementsBySid(state: ResourceState | undefined): Map<string, JsonRecord> | undefined {
  if (state === undefined) return new Map();
  const policy = readPolicy(state.values.policy);
  if (policy.kind !== "statements") return undefined;
  return new Map(
    policy.statements.flatMap((s) => (typeof s.Sid === "string" ? [[s.Sid, s] as [string, JsonRecord]] : [])),
  );
}

function strings(value: unknown): string[] {
  return asList(value).map((v) => (typeof v === "string" ? v : canonicalJson(v)));
}

/** Entries of `from` that no pattern of `to` covers. */
function uncovered(from: readonly string[], to: readonly string[]): string[] {
  return from.filter((item) => !to.some((pattern) => pattern === item || globMatch(pattern, item)));
}

/** How a guard statement is weakened, or `undefined` when it is not. */
function weakening(guard: GuardStatement, before: JsonRecord, after: JsonRecord | undefined): string | undefined {
  if (after === undefined) return "removed";
  if (after.Effect !== before.Effect) return `turned into ${String(after.Effect ?? "Allow")}`;
  const reasons: string[] = [];
  if (guard.effect === "Deny") {
    const actions = uncovered(strings(before.Action), strings(after.Action));
    if (actions.length > 0) reasons.push(`no longer denies ${actions.join(", ")}`);
    const resources = uncovered(strings(before.Resource), strings(after.Resource));
    if (resources.length > 0) reasons.push(`no longer covers ${resources.join(", ")}`);
    const exempt = uncovered(strings(after.NotResource), strings(before.NotResource));
    if (exempt.length > 0) reasons.push(`lets through ${exempt.join(", ")} (NotResource)`);
    if (canonicalJson(after.Condition) !== canonicalJson(before.Condition) && after.Condition !== undefined)
      reasons.push("applies only under a condition now");
  } else {
    const actions = uncovered(strings(after.Action), strings(before.Action));
    if (actions.length > 0) reasons.push(`also allows ${actions.join(", ")}`);
    const resources = uncovered(strings(after.Resource), strings(before.Resource));
    if (resources.length > 0) reasons.push(`also covers ${resources.join(", ")}`);
  }
  return reasons.length > 0 ? reasons.join("; ") : undefined;
}

function guardStatements(sides: Sides): SecurityFinding[] {
  const before = ofTypes(sides.before, POLICY_TYPES);
  const after = ofTypes(sides.after, POLICY_TYPES);
  return [...before].flatMap(([address, was]) => {
    const wasStatements = statementsBySid(was);
    const willStatements = statementsBySid(after.get(address));
    if (wasStatements === undefined || willStatements === undefined) return [];
    return GUARD_STATEMENTS.flatMap((guard) => {
      const statement = wasStatements.get(guard.sid);
      if (statement === undefined || statement.Effect !== guard.effect) return [];
      const how = weakening(guard, statement, willStatements.get(guard.sid));
      if (how === undefined) return [];
      return [
        finding(
          address,
          `${guard.effect} statement ${guard.sid}`,
          how === "removed" ? "(removed)" : `${guard.effect} statement ${guard.sid}, ${how}`,
          `${guard.sid} ${how}: no longer guaranteed that ${guard.what}`,
        ),
      ];
    });
  });
}

function encryptedLogGroups(sides: Sides): SecurityFinding[] {
  const after = ofTypes(sides.after, ["aws_cloudwatch_log_group"]);
  return [...ofTypes(sides.before, ["aws_cloudwatch_log_group"])].flatMap(([address, was]) => {
    const will = after.get(address);
    const key = was.values.kms_key_id;
    if (will === undefined || typeof key !== "string" || key === "") return [];
    const now = will.values.kms_key_id;
    if (now === UNKNOWN || (typeof now === "string" && now !== "")) return [];
    return [
      finding(
        address,
        `KMS-encrypted (${key})`,
        "not KMS-encrypted",
        `new events in ${String(was.values.name ?? address)} are no longer encrypted with a key of the stack; anyone with logs read access reads them`,
      ),
    ];
  });
}

const PUBLIC_ACCESS_FLAGS = [
  "block_public_acls",
  "block_public_policy",
  "ignore_public_acls",
  "restrict_public_buckets",
];
const PUBLIC_SHARING_SETTING = "/ssm/documents/console/public-sharing-permission";

function accountBaseline(sides: Sides): SecurityFinding[] {
  const findings: SecurityFinding[] = [];
  const pairs = (type: string) => {
    const after = ofTypes(sides.after, [type]);
    return [...ofTypes(sides.before, [type])].map(([address, was]) => ({ address, was, will: after.get(address) }));
  };
  for (const { address, was, will } of pairs("aws_ebs_encryption_by_default")) {
    if (was.values.enabled === false) continue;
    if (will === undefined || will.values.enabled === false)
      findings.push(
        finding(
          address,
          "EBS encryption by default on",
          will ? "off" : "(removed: off)",
          "new EBS volumes in the account are no longer encrypted by default",
        ),
      );
  }
  for (const { address, was, will } of pairs("aws_s3_account_public_access_block")) {
    const lost = PUBLIC_ACCESS_FLAGS.filter(
      (f) => was.values[f] === true && (will === undefined || will.values[f] === false),
    );
    if (lost.length > 0)
      findings.push(
        finding(
          address,
          `S3 account Block Public Access: ${PUBLIC_ACCESS_FLAGS.filter((f) => was.values[f] === true).join(", ")}`,
          will ? `off: ${lost.join(", ")}` : "(removed: off)",
          "buckets in the account can be made public again (per-bucket settings aside)",
        ),
      );
  }
  for (const { address, was, will } of pairs("aws_ssm_service_setting")) {
    if (!String(was.values.setting_id ?? "").endsWith(PUBLIC_SHARING_SETTING) || was.values.setting_value !== "Disable")
      continue;
    if (will === undefined || will.values.setting_value === "Enable")
      findings.push(
        finding(
          address,
          "public sharing of SSM documents blocked",
          will ? "allowed" : "(removed: the account's default, allowed)",
          "documents of the account can be shared publicly again",
        ),
      );
  }
  return findings;
}

function runAs(state: ResourceState | undefined): { enabled: boolean; user?: string } | undefined {
  if (state === undefined || state.values.document_type !== "Session" || typeof state.values.content !== "string")
    return undefined;
  try {
    const content: unknown = JSON.parse(state.values.content);
    if (!isRecord(content) || content.sessionType !== "Standard_Stream" || !isRecord(content.inputs)) return undefined;
    const user = content.inputs.runAsDefaultUser;
    return { enabled: content.inputs.runAsEnabled === true, ...(typeof user === "string" ? { user } : {}) };
  } catch {
    return undefined;
  }
}

function runAsOff(sides: Sides): SecurityFinding[] {
  const after = ofTypes(sides.after, ["aws_ssm_document"]);
  return [...ofTypes(sides.before, ["aws_ssm_document"])].flatMap(([address, was]) => {
    const b = runAs(was);
    if (b === undefined || !b.enabled) return [];
    const will = after.get(address);
    if (will?.values.content === UNKNOWN) return [];
    const a = runAs(will);
    if (a?.enabled === true) return [];
    return [
      finding(
        address,
        `Run As ${b.user ?? "on"}`,
        "Run As off: sessions run as ssm-user",
        "sessions run as ssm-user, who has sudo and can read the instance role's credentials",
      ),
    ];
  });
}

/** The protections the plan undoes or weakens. */
export function protectionFindings(sides: Sides): SecurityFinding[] {
  return [
    ...objectLock(sides),
    ...guardStatements(sides),
    ...encryptedLogGroups(sides),
    ...accountBaseline(sides),
    ...runAsOff(sides),
  ];
}
