import { isRecord, JsonRecord } from "@ssm-access/terraform-kit";
import { appliesToResource, coversAction, isDeny, readPolicy } from "./policy-document";
import { AspectValue, PerResourceAspect, ResourceSet, ResourceState, ofTypes } from "./posture";
import { SecurityFinding } from "./types";
import { SENSITIVE, UNKNOWN, globMatch } from "./values";

/** The content of a Session document, parsed; `unknown` until apply, `undefined` when unreadable. */
function sessionContent(state: ResourceState): JsonRecord | "unknown" | undefined {
  if (state.values.document_type !== "Session") return undefined;
  const content = state.values.content;
  if (content === UNKNOWN || content === SENSITIVE) return "unknown";
  if (typeof content !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(content);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The `inputs` of a Session Manager preferences document (`sessionType: Standard_Stream`). */
function preferencesInputs(state: ResourceState): JsonRecord | "unknown" | undefined {
  const content = sessionContent(state);
  if (content === "unknown") return "unknown";
  if (content === undefined || content.sessionType !== "Standard_Stream") return undefined;
  return isRecord(content.inputs) ? content.inputs : {};
}

const SESSION_DOCUMENT_TYPES = ["aws_ssm_document"];

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/** What losing each part of session encryption means. */
const ENCRYPTION_LOSSES: Readonly<Record<string, string>> = {
  "session data KMS-encrypted": "session data is no longer encrypted with the KMS key",
  "cloudWatchEncryptionEnabled true": "sessions no longer require an encrypted log group",
  "s3EncryptionEnabled true": "sessions no longer require an encrypted bucket",
};

/** Session encryption of the preferences document: `kmsKeyId`, `cloudWatchEncryptionEnabled`, `s3EncryptionEnabled`. */
export const SESSION_ENCRYPTION: PerResourceAspect = {
  aspect: "session-encryption",
  types: SESSION_DOCUMENT_TYPES,
  created: "always",
  deleted: "always",
  absent: "no preferences document (the account's defaults)",
  read: (state) => {
    const inputs = preferencesInputs(state);
    if (inputs === undefined) return undefined;
    if (inputs === "unknown") return { text: UNKNOWN, attribute: "content" };
    const kms = nonEmpty(inputs.kmsKeyId);
    const parts = [
      kms ? "session data KMS-encrypted" : "session data not KMS-encrypted",
      `cloudWatchEncryptionEnabled ${inputs.cloudWatchEncryptionEnabled === true}`,
      `s3EncryptionEnabled ${inputs.s3EncryptionEnabled === true}`,
    ];
    return { text: parts.join("; ") };
  },
  judge: (before, after) => {
    const lost = lostParts(before, after, Object.keys(ENCRYPTION_LOSSES)).map((part) => ENCRYPTION_LOSSES[part]);
    return lost.length > 0 ? { weakened: true, detail: lost.join("; ") } : { weakened: false };
  },
};

/** Session logging of the preferences document: `cloudWatchLogGroupName`, `s3BucketName`. */
export const SESSION_LOGGING: PerResourceAspect = {
  aspect: "session-logging",
  types: SESSION_DOCUMENT_TYPES,
  created: "always",
  deleted: "always",
  absent: "no preferences document (the account's defaults)",
  read: (state) => {
    const inputs = preferencesInputs(state);
    if (inputs === undefined) return undefined;
    if (inputs === "unknown") return { text: UNKNOWN, attribute: "content" };
    const parts: string[] = [];
    if (nonEmpty(inputs.cloudWatchLogGroupName)) parts.push(`CloudWatch Logs ${inputs.cloudWatchLogGroupName}`);
    if (nonEmpty(inputs.s3BucketName))
      parts.push(`S3 ${inputs.s3BucketName}/${typeof inputs.s3KeyPrefix === "string" ? inputs.s3KeyPrefix : ""}`);
    return { text: parts.length > 0 ? parts.join("; ") : "sessions not logged" };
  },
  judge: (before, after) => {
    const lost = lostParts(before, after, ["CloudWatch Logs ", "S3 "]).map((part) => part.trim());
    return lost.length > 0
      ? { weakened: true, detail: `sessions are no longer logged to ${lost.join(" or ")}` }
      : { weakened: false };
  },
};

/** The parts present before and missing after (all of them when the document goes away). */
function lostParts(
  before: AspectValue | undefined,
  after: AspectValue | undefined,
  parts: readonly string[],
): string[] {
  if (before === undefined) return [];
  return parts.filter((part) => before.text.includes(part) && (after === undefined || !after.text.includes(part)));
}

/** The AWS-managed documents that forward to any port, or any host and port, through the instance. */
const AWS_FORWARDING_DOCUMENTS: readonly { name: string; what: string }[] = [
  { name: "AWS-StartPortForwardingSession", what: "any port of the instance (AWS-StartPortForwardingSession)" },
  {
    name: "AWS-StartPortForwardingSessionToRemoteHost",
    what: "any host and port reached through the instance (AWS-StartPortForwardingSessionToRemoteHost)",
  },
];

const IAM_POLICY_ATTRIBUTES: Readonly<Record<string, string>> = {
  aws_iam_policy: "policy",
  aws_iam_role_policy: "policy",
  aws_iam_user_policy: "policy",
  aws_iam_group_policy: "policy",
};

/** Whether a statement's resource pattern names the SSM document `name`. */
function namesDocument(pattern: string, name: string): boolean {
  if (pattern === "*") return true;
  const at = pattern.lastIndexOf("document/");
  if (at >= 0) return globMatch(pattern.slice(at + "document/".length), name);
  return /^arn:[^:]*:(ssm|\*):/.test(pattern) && pattern.endsWith(":*");
}

/** The port forwarding Session documents of a side (`sessionType: Port`), by document name: `port 8080`, `db.internal:5432`. */
function forwardingDocuments(side: ResourceSet): Map<string, string> {
  const documents = new Map<string, string>();
  for (const state of ofTypes(side, SESSION_DOCUMENT_TYPES).values()) {
    const content = sessionContent(state);
    const name = state.values.name;
    if (content === undefined || content === "unknown" || content.sessionType !== "Port" || typeof name !== "string")
      continue;
    const properties = isRecord(content.properties) ? content.properties : {};
    const port = properties.portNumber ?? "(any, chosen by the client)";
    documents.set(
      name,
      typeof properties.host === "string" ? `${properties.host}:${String(port)}` : `port ${String(port)}`,
    );
  }
  return documents;
}

/** What the IAM policies of one side let people forward to, and whether some policy is known only after apply. */
function forwardingOf(side: ResourceSet): { entries: Map<string, string>; undetermined: boolean } {
  const documents = forwardingDocuments(side);
  const entries = new Map<string, string>();
  let undetermined = false;
  for (const state of side.values()) {
    const attribute = IAM_POLICY_ATTRIBUTES[state.type];
    if (attribute === undefined) continue;
    const policy = readPolicy(state.values[attribute]);
    if (policy.kind === "unknown" || policy.kind === "opaque") {
      undetermined = true;
      continue;
    }
    const starts = policy.statements.filter((s) => coversAction(s, "ssm:StartSession"));
    const allowed = (document: string) =>
      starts.some((s) => !isDeny(s) && appliesToResource(s, (p) => namesDocument(p, document))) &&
      !starts.some(
        (s) => isDeny(s) && s.Condition === undefined && appliesToResource(s, (p) => namesDocument(p, document)),
      );
    for (const { name, what } of AWS_FORWARDING_DOCUMENTS) {
      if (allowed(name)) entries.set(`aws:${name}`, `${what} (${state.address})`);
    }
    for (const [name, target] of documents) {
      if (allowed(name)) entries.set(`document:${target}`, `${target} (document ${name})`);
    }
  }
  if (undetermined) {
    for (const [name, target] of documents) {
      if (!entries.has(`document:${target}`))
        entries.set(`document:${target}`, `${target} (document ${name}, if a policy known after apply allows it)`);
    }
  }
  return { entries, undetermined };
}

function forwardingText(state: { entries: Map<string, string>; undetermined: boolean }): string {
  const texts = [...state.entries.values()].sort();
  if (texts.length === 0) return state.undetermined ? UNKNOWN : "off";
  return texts.join("; ");
}

/**
 * Port forwarding, stack-wide: what the IAM policies allow `ssm:StartSession`
 * with. The AWS-managed forwarding documents (any port, any host) count when
 * an Allow names them and no unconditional Deny does; a Session document of
 * type `Port` counts, with the port (and host) it pins, when an Allow names
 * it. Anything new after the plan is weakened.
 */
export function portForwardingFindings(before: ResourceSet, after: ResourceSet): SecurityFinding[] {
  const was = forwardingOf(before);
  const will = forwardingOf(after);
  const beforeText = forwardingText(was);
  const afterText = forwardingText(will);
  if (beforeText === afterText) return [];
  const added = [...will.entries].filter(([key]) => !was.entries.has(key)).map(([, text]) => text);
  const removed = [...was.entries].filter(([key]) => !will.entries.has(key)).map(([, text]) => text);
  const detail = [
    added.length > 0 ? `allows forwarding to ${added.join("; ")}` : "",
    removed.length > 0 ? `no longer allows ${removed.join("; ")}` : "",
    will.undetermined ? "a policy is known only after apply" : "",
  ]
    .filter((d) => d !== "")
    .join("; ");
  return [
    {
      aspect: "port-forwarding",
      before: beforeText,
      after: afterText,
      weakened: added.length > 0,
      ...(detail !== "" ? { detail } : {}),
    },
  ];
}
