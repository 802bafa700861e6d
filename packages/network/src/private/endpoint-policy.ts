/**
 * VPC endpoint policies: which principals may use an endpoint, for which
 * resources. Pure functions returning the policy JSON a Terraform `policy`
 * argument takes; no constructs.
 *
 * Without a policy AWS attaches the default endpoint policy (`Allow * on *` for
 * any principal), so a shell on an instance could copy data through the S3
 * gateway endpoint to any bucket of the Region, another account's included.
 *
 * The JSON is canonical so that a second plan against the deployed endpoint is
 * clean (the provider compares policies semantically; canonical JSON keeps
 * reviews and snapshots stable too): fixed key order, lists sorted and without
 * duplicates, a one-element list written as a plain string (as IAM echoes it
 * back), no empty list or condition block.
 *
 * Source for the policy shapes: AWS PrivateLink Guide, "Control access to VPC
 * endpoints using endpoint policies"
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html):
 * a policy must have a `Principal`; for gateway endpoints it must be `*` and the
 * principal is narrowed with condition keys.
 */
import { escapeTerraformTemplate, partitionForRegion } from "@ssm-access/core";
import { awsManagedS3Buckets } from "./aws-managed-buckets";

/**
 * The interface endpoint services, by short name, that accept a VPC endpoint policy and
 * get the account-scoped one ({@link interfaceEndpointPolicy}); every other interface
 * endpoint keeps AWS's default policy: for a service without endpoint policy support "we
 * allow full access to any endpoint for the service" (PrivateLink Guide), so a policy there
 * would promise a restriction AWS does not apply.
 *
 * - `ssm`: the Systems Manager User Guide documents interface endpoint policies for it
 *   ("Create an interface VPC endpoint policy", with `ssm:*` actions, in
 *   https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html), and
 *   AWS's data perimeter examples ship an `ssm` endpoint policy
 *   (github.com/aws-samples/data-perimeter-policy-examples, `vpc_endpoint_policies/`).
 * - `logs`, `kms`: "Supports VPC endpoint policies: Yes" in the table of "AWS services that
 *   you can use with AWS PrivateLink" (Amazon VPC User Guide, integrated-services-vpce-list),
 *   with examples in the CloudWatch Logs and AWS KMS guides (`#CloudWatchLogs-VPC-endpoint-policy`,
 *   `kms-vpc-endpoint.html#vpce-policy`).
 *
 * Not listed: `ssmmessages` and `ec2messages`. That table lists Systems Manager as "No", and
 * no AWS guide documents a policy for either since (the `ssm` support came later, and the
 * data perimeter examples cover `ssm` only). The current PrivateLink guide sends readers to
 * `VpcEndpointPolicySupported` of `aws ec2 describe-vpc-endpoint-services`
 * ("View endpoint policy support"); add a service here once that flag says `true`.
 */
export const ENDPOINT_POLICY_SERVICES: readonly string[] = ["ssm", "logs", "kms"];

/** Whether the interface endpoint of `service` gets a policy (it is in {@link ENDPOINT_POLICY_SERVICES}). */
export function supportsEndpointPolicy(service: string): boolean {
  return ENDPOINT_POLICY_SERVICES.includes(service);
}

/** One value or a list of values of a policy element. */
export type PolicyValues = string | readonly string[];

/** A condition block: operator → condition key → value(s), e.g. `{ StringEquals: { "aws:PrincipalAccount": "111122223333" } }`. */
export type EndpointPolicyConditions = Readonly<Record<string, Readonly<Record<string, PolicyValues>>>>;

/** One statement of a VPC endpoint policy, spelled as in the policy JSON. */
export interface EndpointPolicyStatement {
  /** Statement id, unique within the policy. */
  readonly Sid: string;
  /** `Allow` or `Deny`. */
  readonly Effect: "Allow" | "Deny";
  /** Always `*` here: principals are narrowed with conditions, which works for gateway and interface endpoints alike. */
  readonly Principal: "*";
  /** One action or a list of actions. */
  readonly Action: PolicyValues;
  /** One resource ARN (or pattern) or a list of them. */
  readonly Resource: PolicyValues;
  /** Conditions under which the statement applies. */
  readonly Condition?: EndpointPolicyConditions;
}

/**
 * Renders `statements` as a canonical policy document (see the module documentation):
 * keys in the order Version, Statement and Sid, Effect, Principal, Action, Resource,
 * Condition; lists deduplicated and sorted, single values as strings; statements left
 * without an action or a resource dropped. Terraform template sequences in literal text
 * (an IAM policy variable such as `${aws:userid}` in a key pattern) are escaped; cdktf
 * tokens are kept and resolve at synth.
 */
export function renderEndpointPolicy(statements: readonly EndpointPolicyStatement[]): string {
  const rendered: Array<Record<string, unknown>> = [];
  for (const s of statements) {
    const action = canonicalValues(s.Action);
    const resource = canonicalValues(s.Resource);
    if (action === undefined || resource === undefined) continue;
    const statement: Record<string, unknown> = {
      Sid: s.Sid,
      Effect: s.Effect,
      Principal: s.Principal,
      Action: action,
      Resource: resource,
    };
    const condition = canonicalConditions(s.Condition);
    if (condition !== undefined) statement.Condition = condition;
    rendered.push(statement);
  }
  return escapeTerraformTemplate(JSON.stringify({ Version: "2012-10-17", Statement: rendered }));
}

function canonicalValues(values: PolicyValues | undefined): string | string[] | undefined {
  if (values === undefined) return undefined;
  const list = [...new Set(typeof values === "string" ? [values] : values)].sort();
  if (list.length === 0) return undefined;
  return list.length === 1 ? list[0] : list;
}

function canonicalConditions(
  conditions: EndpointPolicyConditions | undefined,
): Record<string, Record<string, string | string[]>> | undefined {
  if (conditions === undefined) return undefined;
  const out: Record<string, Record<string, string | string[]>> = {};
  for (const operator of Object.keys(conditions).sort()) {
    const keys: Record<string, string | string[]> = {};
    for (const key of Object.keys(conditions[operator]).sort()) {
      const values = canonicalValues(conditions[operator][key]);
      if (values !== undefined) keys[key] = values;
    }
    if (Object.keys(keys).length > 0) out[operator] = keys;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The policy of an interface endpoint whose service supports one: every action on every
 * resource, for principals of `accountId` only (`aws:PrincipalAccount`). Credentials of
 * another account brought onto an instance cannot use the endpoint, and neither can
 * unsigned calls (such as registering the instance as a hybrid node of another account,
 * whose `ssm:RegisterManagedInstance` carries no principal).
 */
export function interfaceEndpointPolicy(accountId: string): string {
  return renderEndpointPolicy([
    {
      Sid: "AllowPrincipalsOfThisAccount",
      Effect: "Allow",
      Principal: "*",
      Action: "*",
      Resource: "*",
      Condition: { StringEquals: { "aws:PrincipalAccount": accountId } },
    },
  ]);
}

/** What {@link s3GatewayEndpointPolicy} needs. */
export interface S3GatewayPolicyInput {
  /** The Region of the endpoint: the AWS-owned buckets and the ARN partition derive from it. */
  readonly region: string;
  /** The account whose own buckets are reachable. */
  readonly accountId: string;
  /** More buckets (`name`) or object patterns (`name/key-pattern`) to allow, as in `s3Gateway.allowedBuckets`. */
  readonly allowedBuckets?: readonly string[];
}

/**
 * The S3 ARNs of one `s3Gateway.allowedBuckets` entry: a bucket name gives the bucket and
 * all its objects (`arn:…:s3:::name`, `arn:…:s3:::name/*`); `name/key-pattern` gives the
 * matching objects only (`arn:…:s3:::name/key-pattern`, wildcards `*` and `?` allowed in
 * the key pattern). A token (a bucket name from another resource) works on either side of
 * the `/`, since token markers hold no `/`.
 */
export function allowedBucketResources(partition: string, entry: string): string[] {
  if (!entry.includes("/")) return [`arn:${partition}:s3:::${entry}`, `arn:${partition}:s3:::${entry}/*`];
  return [`arn:${partition}:s3:::${entry}`];
}

/**
 * The S3 gateway endpoint policy:
 *
 * 1. `OwnAccountBuckets`: every S3 action on buckets owned by `accountId`
 *    (`aws:ResourceAccount`, the key AWS's example "Restricting access to buckets in a
 *    specific account from a VPC endpoint" uses; `s3:ResourceAccount` is equivalent). Session
 *    transcripts and maintenance output live there.
 * 2. `AwsManagedBucketsReadOnly`: `s3:GetObject` on the objects of the AWS-owned buckets of
 *    {@link awsManagedS3Buckets}, without a principal condition: SSM Agent and dnf/yum may
 *    read them unsigned, and AWS owns them, so the account condition would refuse them.
 * 3. `AllowedBuckets` (only when `allowedBuckets` is not empty): every S3 action on the
 *    buckets or object patterns listed.
 *
 * Anything else (another account's bucket, writes to AWS-owned buckets) is refused by the
 * endpoint, whatever the caller's IAM permissions.
 */
export function s3GatewayEndpointPolicy(input: S3GatewayPolicyInput): string {
  const partition = partitionForRegion(input.region);
  const allowed = input.allowedBuckets ?? [];
  return renderEndpointPolicy([
    {
      Sid: "OwnAccountBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: "*",
      Condition: { StringEquals: { "aws:ResourceAccount": input.accountId } },
    },
    {
      Sid: "AwsManagedBucketsReadOnly",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:GetObject",
      Resource: awsManagedS3Buckets(input.region).map((bucket) => `arn:${partition}:s3:::${bucket}/*`),
    },
    {
      Sid: "AllowedBuckets",
      Effect: "Allow",
      Principal: "*",
      Action: "s3:*",
      Resource: allowed.flatMap((entry) => allowedBucketResources(partition, entry)),
    },
  ]);
}
