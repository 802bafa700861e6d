import { httpsRuleFor } from "../network-rules";
import { fail, pass } from "../check";
import { Check, redeploy } from "../context";

/**
 * The S3 gateway endpoint is on the route table of the instance's subnet,
 * and the instance's security groups let HTTPS out to its prefix list (agent
 * updates, patching, and S3 session transcripts go through it).
 */
export const s3GatewayCheck: Check = {
  id: "s3-gateway",
  title: "S3 gateway endpoint is on the instance subnet's route table",
  async run(ctx) {
    const { id, title } = s3GatewayCheck;
    const instance = await ctx.lookups.instance();
    const gateway = await ctx.lookups.endpointOf("s3", "Gateway");
    const available = gateway !== undefined && String(gateway.State).toLowerCase() === "available";
    if (!available) {
      if (!ctx.env.s3Gateway)
        return pass(
          id,
          title,
          `the stack has no S3 gateway endpoint (network.endpoints in ${ctx.env.environmentFile}), and the VPC has none`,
        );
      return fail(
        id,
        title,
        gateway
          ? `the S3 gateway endpoint ${gateway.VpcEndpointId} is ${gateway.State}`
          : `the VPC has no S3 gateway endpoint`,
        redeploy(ctx),
      );
    }
    const table = await ctx.lookups.routeTable();
    const tableId = table?.RouteTableId;
    const route = (table?.Routes ?? []).find((r) => r.GatewayId === gateway.VpcEndpointId);
    const onTable = tableId !== undefined && ((gateway.RouteTableIds ?? []).includes(tableId) || route !== undefined);
    if (!onTable) {
      return fail(
        id,
        title,
        `the S3 gateway endpoint ${gateway.VpcEndpointId} is not on ${tableId ?? "any route table"} of the subnet ${instance.SubnetId} (it is on ${(gateway.RouteTableIds ?? []).join(", ") || "none"})`,
        `${redeploy(ctx)}${tableId ? `; or at once: aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${gateway.VpcEndpointId} --add-route-table-ids ${tableId} --region ${ctx.env.region}` : ""}`,
      );
    }
    const prefixList = route?.DestinationPrefixListId;
    const instanceGroups = (instance.SecurityGroups ?? []).map((g) => g.GroupId as string);
    const groups = await ctx.lookups.securityGroups(instanceGroups);
    const rules = instanceGroups.flatMap((g) => groups.get(g)?.IpPermissionsEgress ?? []);
    const rule = prefixList ? httpsRuleFor(rules, { prefixListIds: [prefixList] }) : undefined;
    if (prefixList && rule === undefined) {
      return fail(
        id,
        title,
        `${gateway.VpcEndpointId} is on ${tableId}, but ${instanceGroups.join(", ")} lets no HTTPS out to its prefix list ${prefixList}`,
        `${redeploy(ctx)}; or at once: aws ec2 authorize-security-group-egress --group-id ${instanceGroups[0]} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=${prefixList}}]' --region ${ctx.env.region}`,
      );
    }
    return pass(
      id,
      title,
      `the S3 gateway ${gateway.VpcEndpointId} is on ${tableId}, the route table of ${instance.SubnetId}${prefixList ? `; the instance lets out ${rule}, covering its prefix list ${prefixList}` : ""}`,
    );
  },
};
