import { fail, pass } from "../check";
import { Check } from "../context";
import { unansweredCall } from "../lookups";

/** Systems Manager lists the instance as a managed node with ping status Online. */
export const registrationCheck: Check = {
  id: "registration",
  title: "SSM Agent is registered and online",
  async run(ctx) {
    const { id, title } = registrationCheck;
    const { name, id: instanceId } = ctx.instance;
    let list;
    try {
      list =
        (await ctx.clients.describeInstanceInformation({ Filters: [{ Key: "InstanceIds", Values: [instanceId] }] }))
          .InstanceInformationList ?? [];
    } catch (e) {
      throw unansweredCall(
        "ssm:DescribeInstanceInformation",
        e,
        `aws ssm describe-instance-information --filters Key=InstanceIds,Values=${instanceId} --region ${ctx.env.region} (or Fleet Manager in the console): PingStatus should be Online`,
      );
    }
    const info = list.find((i) => i.InstanceId === instanceId);
    const after = `the checks below name the cause; once fixed the agent registers within minutes (or restart it: aws ec2 reboot-instances --instance-ids ${instanceId} --region ${ctx.env.region})`;
    if (info === undefined) {
      return fail(
        id,
        title,
        `Systems Manager does not list ${name} (${instanceId}) as a managed node: its agent never reached the ssm endpoint with the role's credentials`,
        after,
      );
    }
    const agent = `agent ${info.AgentVersion ?? "?"}${info.PlatformName ? `, ${info.PlatformName} ${info.PlatformVersion ?? ""}`.trimEnd() : ""}`;
    const lastPing = info.LastPingDateTime ? new Date(info.LastPingDateTime).toISOString() : "never";
    if (info.PingStatus !== "Online") {
      return fail(
        id,
        title,
        `${name} (${instanceId}) is ${info.PingStatus ?? "not online"} (last ping ${lastPing}, ${agent})`,
        after,
      );
    }
    return pass(id, title, `${name} (${instanceId}) is Online (${agent}, last ping ${lastPing})`);
  },
};
