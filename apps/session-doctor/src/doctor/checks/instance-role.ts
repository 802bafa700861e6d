import { errorCode } from "../../api-error";
import { awsManagedPolicyArn } from "@ssm-access/core";
import { Unanswered, fail, pass } from "../check";
import { Check, redeploy } from "../context";
import { unansweredCall } from "../lookups";

/** The managed policy that lets the agent register and carry sessions. */
export const MANAGED_INSTANCE_CORE = "AmazonSSMManagedInstanceCore";

/** The instance profile's role has AmazonSSMManagedInstanceCore attached. */
export const instanceRoleCheck: Check = {
  id: "instance-role",
  title: `Instance role has ${MANAGED_INSTANCE_CORE}`,
  async run(ctx) {
    const { id, title } = instanceRoleCheck;
    const instance = await ctx.lookups.instance();
    const profileArn = instance.IamInstanceProfile?.Arn;
    // The instance check names this cause and its fix; here it only means there is no role to look at.
    if (profileArn === undefined)
      throw new Unanswered(
        `depends on the instance profile of ${ctx.instance.name} (${ctx.instance.id}), which has none`,
        "fix the instance check first",
      );
    const profileName = profileArn.split("/").pop() as string;
    let roles;
    try {
      roles = (await ctx.clients.getInstanceProfile({ InstanceProfileName: profileName })).InstanceProfile?.Roles ?? [];
    } catch (e) {
      if (errorCode(e) === "NoSuchEntity")
        return fail(id, title, `the instance profile ${profileName} does not exist`, redeploy(ctx));
      throw unansweredCall("iam:GetInstanceProfile", e);
    }
    const role = roles[0]?.RoleName;
    if (role === undefined) return fail(id, title, `the instance profile ${profileName} holds no role`, redeploy(ctx));
    let attached;
    try {
      attached = (await ctx.clients.listAttachedRolePolicies({ RoleName: role })).AttachedPolicies ?? [];
    } catch (e) {
      throw unansweredCall("iam:ListAttachedRolePolicies", e);
    }
    const arn = awsManagedPolicyArn(ctx.env.region, MANAGED_INSTANCE_CORE);
    if (attached.some((p) => p.PolicyArn === arn))
      return pass(id, title, `role ${role} (instance profile ${profileName}) has ${MANAGED_INSTANCE_CORE} attached`);
    const others = attached.map((p) => p.PolicyName).filter(Boolean);
    return fail(
      id,
      title,
      `role ${role} (instance profile ${profileName}) lacks ${MANAGED_INSTANCE_CORE}${others.length > 0 ? `; attached: ${others.join(", ")}` : "; no managed policy is attached"}: the agent may not register or open session channels`,
      `${redeploy(ctx)}; or at once: aws iam attach-role-policy --role-name ${role} --policy-arn ${arn}`,
    );
  },
};
