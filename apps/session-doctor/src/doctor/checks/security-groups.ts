import type { IpPermission, SecurityGroup } from "@aws-sdk/client-ec2";
import { stringOutput } from "../../outputs";
import { httpsRuleFor, describeRule, HTTPS } from "../network-rules";
import { fail, pass } from "../check";
import { Check, redeploy } from "../context";
import { availableEndpoints, noEndpointToCheck } from "./endpoints";

const groupName = (g: SecurityGroup | undefined, id: string) => (g?.GroupName ? `${id} (${g.GroupName})` : id);
const rulesOf = (rules: readonly IpPermission[]) => (rules.length > 0 ? rules.map(describeRule).join("; ") : "none");

/** The security groups of the available needed endpoints let HTTPS in from the instance (its private IP or its security groups). */
export const endpointIngressCheck: Check = {
  id: "endpoint-ingress",
  title: "Endpoint security groups allow HTTPS from the instance",
  async run(ctx) {
    const { id, title } = endpointIngressCheck;
    const instance = await ctx.lookups.instance();
    const endpoints = await availableEndpoints(ctx);
    if (endpoints.length === 0) return noEndpointToCheck(id, title);
    const ip = instance.PrivateIpAddress;
    const instanceGroups = (instance.SecurityGroups ?? []).map((g) => g.GroupId as string);
    const groups = await ctx.lookups.securityGroups(
      endpoints.flatMap((e) => (e.endpoint.Groups ?? []).map((g) => g.GroupId as string)),
    );
    const byGroups = new Map<string, string[]>();
    for (const e of endpoints) {
      const key = (e.endpoint.Groups ?? [])
        .map((g) => g.GroupId as string)
        .sort()
        .join(",");
      byGroups.set(key, [...(byGroups.get(key) ?? []), e.service]);
    }
    const allowed: string[] = [];
    const refused: string[] = [];
    const refusedGroups: string[] = [];
    for (const [key, services] of byGroups) {
      const ids = key === "" ? [] : key.split(",");
      const rules = ids.flatMap((g) => groups.get(g)?.IpPermissions ?? []);
      const rule = httpsRuleFor(rules, { ips: ip ? [ip] : [], groupIds: instanceGroups });
      const names = ids.map((g) => groupName(groups.get(g), g)).join(", ") || "no security group";
      if (rule !== undefined)
        allowed.push(`${names} of ${services.join(", ")} lets in ${rule}, covering ${ip ?? "the instance"}`);
      else {
        refused.push(
          `${names} of ${services.join(", ")} lets no HTTPS in from ${ip ?? "the instance"} or ${instanceGroups.join(", ") || "its groups"} (inbound rules: ${rulesOf(rules)})`,
        );
        refusedGroups.push(...ids);
      }
    }
    if (refused.length === 0) return pass(id, title, allowed.join("; "));
    const source = stringOutput(ctx.outputs, "vpc_cidr") ?? (ip ? `${ip}/32` : "<VPC CIDR>");
    const now = [...new Set(refusedGroups)].map(
      (g) =>
        `aws ec2 authorize-security-group-ingress --group-id ${g} --protocol tcp --port ${HTTPS} --cidr ${source} --region ${ctx.env.region}`,
    );
    return fail(
      id,
      title,
      refused.join("; "),
      `${redeploy(ctx)}${now.length > 0 ? `; or at once: ${now.join(" && ")}` : ""}`,
    );
  },
};

/** The instance's security groups let HTTPS out to every available needed endpoint (its subnets' ranges or its security groups). */
export const instanceEgressCheck: Check = {
  id: "instance-egress",
  title: "Instance security groups allow HTTPS out to the endpoints",
  async run(ctx) {
    const { id, title } = instanceEgressCheck;
    const instance = await ctx.lookups.instance();
    const endpoints = await availableEndpoints(ctx);
    if (endpoints.length === 0) return noEndpointToCheck(id, title);
    const instanceGroups = (instance.SecurityGroups ?? []).map((g) => g.GroupId as string);
    const groups = await ctx.lookups.securityGroups(instanceGroups);
    const rules = instanceGroups.flatMap((g) => groups.get(g)?.IpPermissionsEgress ?? []);
    const subnets = await ctx.lookups.subnets(endpoints.flatMap((e) => e.endpoint.SubnetIds ?? []));
    const names = instanceGroups.map((g) => groupName(groups.get(g), g)).join(", ") || "no security group";
    const allowed = new Map<string, string[]>();
    const refused: string[] = [];
    for (const e of endpoints) {
      const cidrs = (e.endpoint.SubnetIds ?? [])
        .map((s) => subnets.get(s)?.CidrBlock)
        .filter((c): c is string => typeof c === "string");
      const rule = httpsRuleFor(rules, { cidrs, groupIds: (e.endpoint.Groups ?? []).map((g) => g.GroupId as string) });
      if (rule !== undefined) allowed.set(rule, [...(allowed.get(rule) ?? []), e.service]);
      else refused.push(`${e.service} (subnets ${cidrs.join(", ") || "unknown"})`);
    }
    if (refused.length === 0) {
      return pass(
        id,
        title,
        `${names} lets out ${[...allowed].map(([rule, services]) => `${rule}, covering ${services.join(", ")}`).join("; ")}`,
      );
    }
    const destination = stringOutput(ctx.outputs, "vpc_cidr") ?? "<VPC CIDR>";
    const now = instanceGroups[0]
      ? `; or at once: aws ec2 authorize-security-group-egress --group-id ${instanceGroups[0]} --ip-permissions 'IpProtocol=tcp,FromPort=${HTTPS},ToPort=${HTTPS},IpRanges=[{CidrIp=${destination}}]' --region ${ctx.env.region}`
      : "";
    return fail(
      id,
      title,
      `${names} lets no HTTPS out to ${refused.join(", ")} (outbound rules: ${rulesOf(rules)})`,
      `${redeploy(ctx)}${now}`,
    );
  },
};
