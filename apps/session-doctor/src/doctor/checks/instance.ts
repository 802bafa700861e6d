import { stringOutput } from "../../outputs";
import { fail, pass } from "../check";
import { Check, redeploy } from "../context";

/** The instance exists, is running, and carries the stack's instance profile. */
export const instanceCheck: Check = {
  id: "instance",
  title: "Instance is running with the stack's instance profile",
  async run(ctx) {
    const { id, title } = instanceCheck;
    const { name, id: instanceId } = ctx.instance;
    const region = ctx.env.region;
    const instance = await ctx.lookups.instanceOrNone();
    if (instance === undefined) {
      return fail(
        id,
        title,
        `EC2 does not know ${instanceId}, the id of ${name} in the stack outputs (terminated, or the outputs are stale)`,
        redeploy(ctx),
      );
    }
    const state = instance.State?.Name ?? "unknown";
    const where = `${instance.Placement?.AvailabilityZone ?? "?"} (${instance.SubnetId ?? "?"}, ${instance.PrivateIpAddress ?? "no private IP"})`;
    if (state !== "running") {
      const fix =
        state === "stopped" || state === "stopping"
          ? `start it: aws ec2 start-instances --instance-ids ${instanceId} --region ${region}`
          : state === "pending"
            ? "wait for it to finish starting, then check again"
            : redeploy(ctx);
      return fail(id, title, `${name} (${instanceId}) is ${state}, not running`, fix);
    }
    const profileArn = instance.IamInstanceProfile?.Arn;
    const expected = stringOutput(ctx.outputs, "instance_profile_name");
    if (profileArn === undefined) {
      return fail(
        id,
        title,
        `${name} (${instanceId}) is running with no instance profile: the agent has no credentials to register with`,
        expected
          ? `attach it: aws ec2 associate-iam-instance-profile --instance-id ${instanceId} --iam-instance-profile Name=${expected} --region ${region}; or ${redeploy(ctx)}`
          : redeploy(ctx),
      );
    }
    const profileName = profileArn.split("/").pop();
    if (expected !== undefined && profileName !== expected) {
      return fail(
        id,
        title,
        `${name} (${instanceId}) has the instance profile ${profileName}, not the stack's ${expected}`,
        `replace it: aws ec2 replace-iam-instance-profile-association (find the association with aws ec2 describe-iam-instance-profile-associations --filters Name=instance-id,Values=${instanceId}); or ${redeploy(ctx)}`,
      );
    }
    return pass(id, title, `${name} (${instanceId}) is running in ${where} with the instance profile ${profileName}`);
  },
};
