import {
  ReadPolicy,
  diffStatements,
  diffSummary,
  isEmptyDiff,
  readPolicy,
  statementCount,
  weakeningReasons,
} from "./policy-document";
import { PerResourceAspect, ResourceState, Sides, ofTypes } from "./posture";
import { SecurityFinding } from "./types";
import { SENSITIVE, UNKNOWN } from "./values";

/** A policy document attribute and the aspect it belongs to. */
interface PolicyAttribute {
  readonly aspect: SecurityFinding["aspect"];
  readonly type: string;
  readonly attribute: string;
}

/** The policy documents whose statements are compared. */
export const POLICY_ATTRIBUTES: readonly PolicyAttribute[] = [
  { aspect: "iam-policy", type: "aws_iam_policy", attribute: "policy" },
  { aspect: "iam-policy", type: "aws_iam_role_policy", attribute: "policy" },
  { aspect: "iam-policy", type: "aws_iam_user_policy", attribute: "policy" },
  { aspect: "iam-policy", type: "aws_iam_group_policy", attribute: "policy" },
  { aspect: "iam-policy", type: "aws_iam_role", attribute: "assume_role_policy" },
  { aspect: "endpoint-policy", type: "aws_vpc_endpoint", attribute: "policy" },
  { aspect: "kms-policy", type: "aws_kms_key", attribute: "policy" },
  { aspect: "bucket-policy", type: "aws_s3_bucket_policy", attribute: "policy" },
];

/**
 * Compares one policy document attribute across both sides, statement by
 * statement. A resource only on one side has no statements on the other.
 * A new document known only after apply is reported only when the
 * configuration sets it (a provider-computed default is left out).
 */
function comparePolicy(
  spec: PolicyAttribute,
  address: string,
  before: ResourceState | undefined,
  after: ResourceState | undefined,
  sides: Sides,
): SecurityFinding | undefined {
  const was = readPolicy(before?.values[spec.attribute]);
  const will = readPolicy(after?.values[spec.attribute]);
  const base = { aspect: spec.aspect, address };
  const describe = (p: ReadPolicy, present: boolean): string => {
    if (!present) return "(none)";
    if (p.kind === "statements") return statementCount(p.statements.length);
    return p.kind === "unknown" ? UNKNOWN : p.text === SENSITIVE ? SENSITIVE : "(not a JSON policy)";
  };
  if (will.kind === "unknown") {
    if (!sides.configured(address, spec.attribute)) return undefined;
    return {
      ...base,
      before: describe(was, before !== undefined),
      after: UNKNOWN,
      weakened: false,
      detail: `${spec.attribute} is known only after apply`,
    };
  }
  if (was.kind !== "statements" || will.kind !== "statements") {
    const differs = before === undefined || after === undefined || sides.changed(address, spec.attribute);
    if (!differs) return undefined;
    return {
      ...base,
      before: describe(was, before !== undefined),
      after: describe(will, after !== undefined),
      weakened: true,
      detail: `${spec.attribute} cannot be read (sensitive, or not JSON); review it by hand`,
    };
  }
  const statements = diffStatements(was.statements, will.statements);
  if (isEmptyDiff(statements)) return undefined;
  const reasons = weakeningReasons(statements);
  const prefix = spec.attribute !== "policy" ? `${spec.attribute}: ` : "";
  return {
    ...base,
    before: describe(was, before !== undefined),
    after: after === undefined ? describe(will, false) : `${describe(will, true)} (${diffSummary(statements)})`,
    weakened: reasons.length > 0,
    detail: `${prefix}${reasons.length > 0 ? reasons.join("; ") : "only removes or narrows permissions"}`,
    statements,
  };
}

/** Statement-by-statement findings for every policy document on either side. */
export function policyFindings(sides: Sides): SecurityFinding[] {
  const findings: SecurityFinding[] = [];
  for (const spec of POLICY_ATTRIBUTES) {
    const before = ofTypes(sides.before, [spec.type]);
    const after = ofTypes(sides.after, [spec.type]);
    for (const address of new Set([...before.keys(), ...after.keys()])) {
      const finding = comparePolicy(spec, address, before.get(address), after.get(address), sides);
      if (finding) findings.push(finding);
    }
  }
  return findings;
}

/** Managed policies attached to roles, users and groups: a new attachment grants its permissions. */
export const POLICY_ATTACHMENTS: PerResourceAspect = {
  aspect: "iam-policy",
  types: [
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
  ],
  created: "always",
  deleted: "always",
  absent: "(not attached)",
  read: (state) => {
    const arn = state.values.policy_arn;
    if (arn === UNKNOWN) return { text: UNKNOWN, attribute: "policy_arn" };
    const to = state.values.role ?? state.values.user ?? state.values.group ?? state.values.roles;
    const target = to === undefined || to === null ? "" : ` to ${Array.isArray(to) ? to.join(", ") : String(to)}`;
    return { text: `${String(arn)} attached${target}` };
  },
  judge: (_before, after) =>
    after === undefined
      ? { weakened: false, detail: "detaches the policy" }
      : { weakened: true, detail: "grants the attached policy's permissions" },
};
