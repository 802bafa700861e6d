import { PolicyStatement, Validator, escapeTerraformTemplate } from "@ssm-access/core";

/** An IAM policy document. */
export interface PolicyDocument {
  /** Policy language version; `2012-10-17` is required for policy variables. */
  readonly Version: "2012-10-17";
  /** The statements, identity-based or resource-based. */
  readonly Statement: readonly unknown[];
}

/** Wraps statements in a policy document with the current policy language version. */
export function policyDocument(statements: readonly unknown[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The policy document as the string a Terraform `policy` argument takes.
 *
 * Terraform reads every string of the synthesized JSON as a template, so IAM
 * policy variables such as `${aws:username}` are escaped (`$${aws:username}`)
 * and reach AWS unchanged; references to other resources still resolve.
 */
export function renderPolicy(statements: readonly unknown[]): string {
  return escapeTerraformTemplate(JSON.stringify(policyDocument(statements)));
}

const ACTION_PATTERN = /^[a-zA-Z0-9-]+:[A-Za-z0-9*?]+$/;

/**
 * Checks statements given by users: Effect is `Allow` or `Deny`, Action and
 * Resource (or, instead, NotResource) are present and non-empty, no action is the bare wildcard `*`, and
 * every action has the `service:Operation` shape. Problems are recorded on
 * `v` as `[i].Effect`, `[i].Action`, ... relative to its prefix.
 */
export function validateStatements(v: Validator, statements: readonly PolicyStatement[]): void {
  statements.forEach((raw, i) => {
    const s = v.child(`[${i}]`);
    const st = raw as unknown;
    if (!s.check(typeof st === "object" && st !== null, "", "must be a statement object")) return;
    const { Effect, Action, Resource, NotResource } = st as Record<string, unknown>;
    s.check(
      Effect === "Allow" || Effect === "Deny",
      "Effect",
      `must be "Allow" or "Deny", got ${JSON.stringify(Effect)}`,
    );
    const actions = asList(Action);
    if (
      s.check(
        actions !== undefined && actions.length > 0,
        "Action",
        "is required (a string or a non-empty list of strings)",
      )
    ) {
      for (const a of actions ?? []) {
        if (a === "*") s.add("Action", `"*" grants every action of every service; list the actions needed`);
        else s.check(ACTION_PATTERN.test(a), "Action", `"${a}" is not of the form service:Operation`);
      }
    }
    if (NotResource !== undefined) {
      s.check(Resource === undefined, "NotResource", "must not be given together with Resource");
      const excluded = asList(NotResource);
      s.check(
        excluded !== undefined && excluded.length > 0 && excluded.every((r) => r.length > 0),
        "NotResource",
        "must be a string or a non-empty list of non-empty strings",
      );
      return;
    }
    const resources = asList(Resource);
    if (
      s.check(
        resources !== undefined && resources.length > 0,
        "Resource",
        "is required (a string or a non-empty list of strings)",
      )
    ) {
      for (const r of resources ?? []) s.check(r.length > 0, "Resource", "must not contain an empty string");
    }
  });
}

function asList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((x) => typeof x === "string")) return value as string[];
  return undefined;
}

/**
 * A KMS key as a policy names it: by ARN when it is known (same stack), or by
 * alias when the key lives in another stack of the account and Region.
 */
export type KmsKeyRef = { readonly arn: string } | { readonly alias: string };

/**
 * A statement allowing `actions` on one KMS key. A key named by alias is
 * matched with the `kms:ResourceAliases` condition, since IAM authorizes key
 * use on the key ARN, never on the alias ARN.
 */
export function kmsKeyStatement(
  sid: string,
  actions: string | readonly string[],
  key: KmsKeyRef,
  where: { readonly partition: string; readonly region: string; readonly accountId: string },
): PolicyStatement {
  if ("arn" in key) return { Sid: sid, Effect: "Allow", Action: actions, Resource: key.arn };
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: `arn:${where.partition}:kms:${where.region}:${where.accountId}:key/*`,
    Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": key.alias } },
  };
}
