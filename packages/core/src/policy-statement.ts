/**
 * The IAM statement shape every package speaks, so that a permission built
 * by one construct (session logging, maintenance output) lands in a policy
 * owned by another (the instance role) without conversion.
 */

/** A condition block: operator → condition key → value(s), e.g. `{ StringEquals: { "aws:SourceAccount": "111122223333" } }`. */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;

/**
 * One statement of an identity-based IAM policy, spelled as it appears in the
 * policy JSON so it is written out unchanged.
 */
export interface PolicyStatement {
  /** Statement id, unique within the policy; helps reading the policy in the console. */
  readonly Sid?: string;
  /** `Allow` or `Deny`. */
  readonly Effect: "Allow" | "Deny";
  /** One action or a list of actions (`service:Operation`); `*` alone is rejected. */
  readonly Action: string | readonly string[];
  /** One resource ARN or a list of ARNs. */
  readonly Resource: string | readonly string[];
  /** Conditions under which the statement applies. */
  readonly Condition?: PolicyConditions;
}

/**
 * Anything that takes IAM statements into its own identity policy, such as
 * `SsmInstanceRole` or an operators' role: what `grant*` methods grant to.
 */
export interface PolicyGrantee {
  /** Adds the statements to the grantee's identity policy. */
  addToPolicy(...statements: PolicyStatement[]): void;
}
