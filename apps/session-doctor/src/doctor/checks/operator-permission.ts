import type { EvaluationResult } from "@aws-sdk/client-iam";
import { stringOutput } from "../../outputs";
import { SHELL_DOCUMENT } from "../../start-session";
import { Unanswered, fail, pass } from "../check";
import { Check, CheckContext } from "../context";
import { unansweredCall } from "../lookups";

/** The IAM principal to simulate for a caller ARN: `root`, an IAM user or role ARN, or undefined when it cannot be simulated. */
async function principalOf(
  ctx: CheckContext,
  arn: string,
): Promise<{ kind: "root" } | { kind: "principal"; arn: string; name: string; type: "user" | "role" }> {
  const m = /^arn:([\w-]+):(?:iam|sts)::(\d{12}):(.+)$/.exec(arn);
  if (!m)
    throw new Unanswered(
      `the caller ${arn} is no IAM principal`,
      "try connecting: npx session-doctor connect --stack=<env>",
    );
  const [, partition, account, resource] = m;
  if (resource === "root") return { kind: "root" };
  const user = /^user\/(.+)$/.exec(resource);
  if (user)
    return {
      kind: "principal",
      arn: `arn:${partition}:iam::${account}:user/${user[1]}`,
      name: user[1].split("/").pop() as string,
      type: "user",
    };
  const role = /^assumed-role\/([^/]+)\/.+$/.exec(resource);
  if (role) {
    try {
      const found = (await ctx.clients.getRole({ RoleName: role[1] })).Role?.Arn;
      return {
        kind: "principal",
        arn: found ?? `arn:${partition}:iam::${account}:role/${role[1]}`,
        name: role[1],
        type: "role",
      };
    } catch {
      return {
        kind: "principal",
        arn: `arn:${partition}:iam::${account}:role/${role[1]}`,
        name: role[1],
        type: "role",
      };
    }
  }
  throw new Unanswered(
    `the caller ${arn} (${resource.split("/")[0]}) cannot be simulated by IAM`,
    "try connecting: npx session-doctor connect --stack=<env>",
  );
}

function decisionFor(results: readonly EvaluationResult[], resource: string): string {
  for (const r of results) {
    const specific = r.ResourceSpecificResults?.find((s) => s.EvalResourceName === resource);
    if (specific?.EvalResourceDecision) return specific.EvalResourceDecision;
    if (r.EvalResourceName === resource || r.EvalResourceName === undefined || r.EvalResourceName === "*")
      return r.EvalDecision ?? "unknown";
  }
  return "unknown";
}

/**
 * The caller may `ssm:StartSession` on the instance with the shell document,
 * as the IAM policy simulator answers it for the caller's user or role (with
 * the instance's tags as `ssm:resourceTag/<key>`); the root user may always.
 */
export const operatorPermissionCheck: Check = {
  id: "operator-permission",
  title: "You may start a session on the instance",
  async run(ctx) {
    const { id, title } = operatorPermissionCheck;
    const caller = await ctx.lookups.callerIdentity();
    if (!caller.ok)
      throw new Unanswered(
        "no caller to simulate: the credentials did not answer (see credentials-account)",
        "fix credentials-account first",
      );
    const callerArn = caller.identity.Arn ?? "";
    const principal = await principalOf(ctx, callerArn);
    if (principal.kind === "root")
      return pass(
        id,
        title,
        `${callerArn} is the account's root user, which IAM policies do not limit (connect as an operator instead)`,
      );
    const instance = await ctx.lookups.instance();
    const { region, accountId, partition } = ctx.env;
    const resources = [
      `arn:${partition}:ec2:${region}:${accountId}:instance/${ctx.instance.id}`,
      `arn:${partition}:ssm:${region}:${accountId}:document/${SHELL_DOCUMENT}`,
    ];
    const tags = (instance.Tags ?? []).filter((t) => t.Key !== undefined && t.Value !== undefined);
    const context = [
      {
        ContextKeyName: "ssm:SessionDocumentAccessCheck",
        ContextKeyValues: ["true"],
        ContextKeyType: "boolean" as const,
      },
      ...tags.flatMap((t) => [
        {
          ContextKeyName: `ssm:resourceTag/${t.Key}`,
          ContextKeyValues: [t.Value as string],
          ContextKeyType: "string" as const,
        },
        {
          ContextKeyName: `aws:ResourceTag/${t.Key}`,
          ContextKeyValues: [t.Value as string],
          ContextKeyType: "string" as const,
        },
      ]),
    ];
    const decisions: Array<[string, string]> = [];
    for (const resource of resources) {
      let results;
      try {
        results =
          (
            await ctx.clients.simulatePrincipalPolicy({
              PolicySourceArn: principal.arn,
              ActionNames: ["ssm:StartSession"],
              ResourceArns: [resource],
              ContextEntries: context,
            })
          ).EvaluationResults ?? [];
      } catch (e) {
        throw unansweredCall(
          "iam:SimulatePrincipalPolicy",
          e,
          `try it: npx session-doctor connect --stack=${ctx.env.name} --instance=${ctx.instance.name} (a refusal names the permission it lacks)`,
        );
      }
      decisions.push([resource, decisionFor(results, resource)]);
    }
    const denied = decisions.filter(([, d]) => d !== "allowed");
    if (denied.length === 0)
      return pass(
        id,
        title,
        `the IAM policy simulator allows ${principal.arn} ssm:StartSession on ${ctx.instance.id} and ${SHELL_DOCUMENT}`,
      );
    const policy = stringOutput(ctx.outputs, "operator_policy_arn");
    const role = stringOutput(ctx.outputs, "operator_role_arn");
    const fix = role
      ? `assume the operator role ${role} (it holds the access policy), or have ${policy ?? "the operator policy"} attached to you`
      : policy
        ? principal.type === "user"
          ? `have the operator policy attached to you: aws iam attach-user-policy --user-name ${principal.name} --policy-arn ${policy}`
          : `have the operator policy ${policy} attached to the role ${principal.name} (or to the permission set you sign in with)`
        : `${ctx.env.name} grants no operator access (operatorAccess.enabled in ${ctx.env.environmentFile}): turn it on and deploy, or get ssm:StartSession on ${ctx.instance.id} elsewhere`;
    return fail(
      id,
      title,
      `the IAM policy simulator answers ${denied.map(([r, d]) => `${d} on ${r}`).join(" and ")} for ssm:StartSession by ${principal.arn}`,
      fix,
    );
  },
};
