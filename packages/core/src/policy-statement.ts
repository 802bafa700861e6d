/**
 * The IAM statement shape every package speaks, so that a permission built
 * by one construct (session logging, maintenance output) lands in a policy
 * owned by another (the instance role) without conversion.
 */

/** A condition block: operator → condition key → value(s), e.g. `{ StringEquals: { "aws:SourceAccount": "111122223333" } }`. */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;

/** What every {@link PolicyStatement} has, whichever way it names its resources. */
export interface PolicyStatementBase {
  /** Statement id, unique within the policy; helps reading the policy in the console. */
  readonly Sid?: string;
  /** `Allow` or `Deny`. */
  readonly Effect: "Allow" | "Deny";
  /** One action or a list of actions (`service:Operation`); `*` alone is rejected. */
  readonly Action: string | readonly string[];
  /** Conditions under which the statement applies. */
  readonly Condition?: PolicyConditions;
}

/** A statement on the resources it lists. */
export interface ResourcePolicyStatement extends PolicyStatementBase {
  /** One resource ARN or a list of ARNs. */
  readonly Resource: string | readonly string[];
  /** Never together with `Resource`. */
  readonly NotResource?: never;
}

/**
 * A statement on every resource except those it lists: for explicit denies
 * ("nothing but these"), which no Allow of another policy can undo.
 */
export interface NotResourcePolicyStatement extends PolicyStatementBase {
  /** Never together with `NotResource`. */
  readonly Resource?: never;
  /** The resource ARNs (or patterns) the statement does not apply to. */
  readonly NotResource: string | readonly string[];
}

/**
 * One statement of an identity-based IAM policy, spelled as it appears in the
 * policy JSON so it is written out unchanged: with `Resource`, or with
 * `NotResource` for explicit denies.
 */
export type PolicyStatement = ResourcePolicyStatement | NotResourcePolicyStatement;

/**
 * Anything that takes IAM statements into its own identity policy, such as
 * `SsmInstanceRole` or an operators' role: what `grant*` methods grant to.
 */
export interface PolicyGrantee {
  /** Adds the statements to the grantee's identity policy. */
  addToPolicy(...statements: PolicyStatement[]): void;
}
