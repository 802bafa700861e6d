import { PlannedChange, ConfigResource } from "./plan";
import { comparePerResource, sidesOf } from "./posture";
import { FLOW_LOGS, IMDS, INGRESS, PUBLIC_IP } from "./posture-network";
import { POLICY_ATTACHMENTS, policyFindings } from "./posture-policies";
import { SESSION_ENCRYPTION, SESSION_LOGGING, portForwardingFindings } from "./posture-sessions";
import { protectionFindings } from "./protections";
import { SecurityFinding } from "./types";

/** The order aspects are reported in. */
const ASPECT_ORDER: readonly SecurityFinding["aspect"][] = [
  "port-forwarding",
  "session-encryption",
  "session-logging",
  "imds",
  "ingress",
  "public-ip",
  "flow-logs",
  "endpoint-policy",
  "iam-policy",
  "kms-policy",
  "bucket-policy",
  "protection",
];

/**
 * The security posture before and after the plan, as findings for the
 * aspects that change: before is `change.before` of every resource change
 * (no-ops included), after is `change.after`.
 */
export function securityFindings(
  changes: readonly PlannedChange[],
  configResources: ReadonlyMap<string, ConfigResource>,
): SecurityFinding[] {
  const sides = sidesOf(changes, configResources);
  const findings = [
    ...portForwardingFindings(sides.before, sides.after),
    ...[SESSION_ENCRYPTION, SESSION_LOGGING, IMDS, INGRESS, PUBLIC_IP, FLOW_LOGS, POLICY_ATTACHMENTS].flatMap(
      (aspect) => comparePerResource(aspect, sides),
    ),
    ...policyFindings(sides),
    ...protectionFindings(sides),
  ];
  const rank = (f: SecurityFinding) => ASPECT_ORDER.indexOf(f.aspect);
  return findings
    .map((finding, i) => ({ finding, i }))
    .sort((a, b) => rank(a.finding) - rank(b.finding) || a.i - b.i)
    .map(({ finding }) => finding);
}
