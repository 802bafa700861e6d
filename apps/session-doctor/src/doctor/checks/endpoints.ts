import type { RouteTable, VpcEndpoint } from "@aws-sdk/client-ec2";
import { CheckResult, fail, pass, unknown } from "../check";
import { Check, CheckContext, redeploy } from "../context";
import { unansweredCall } from "../lookups";

/** An interface endpoint of a needed service, or why there is none to use. */
interface ServiceEndpoint {
  readonly service: string;
  readonly endpoint?: VpcEndpoint;
  readonly available: boolean;
}

/** The needed interface endpoints and which of them are available. */
export async function serviceEndpoints(ctx: CheckContext): Promise<{ endpoints: ServiceEndpoint[]; because: string }> {
  const needed = await ctx.lookups.neededServices();
  const endpoints = await Promise.all(
    needed.services.map(async (service) => {
      const endpoint = await ctx.lookups.endpointOf(service, "Interface");
      return { service, endpoint, available: String(endpoint?.State ?? "").toLowerCase() === "available" };
    }),
  );
  return { endpoints, because: needed.because };
}

/** The available interface endpoints of the needed services (what the network checks look at). */
export async function availableEndpoints(
  ctx: CheckContext,
): Promise<Array<{ service: string; endpoint: VpcEndpoint }>> {
  const { endpoints } = await serviceEndpoints(ctx);
  return endpoints.filter((e) => e.available).map((e) => ({ service: e.service, endpoint: e.endpoint as VpcEndpoint }));
}

/** The result of a network check that has no available needed endpoint to look at: the endpoints check says why. */
export function noEndpointToCheck(id: string, title: string): CheckResult {
  return unknown(id, title, "no needed interface endpoint is available to look at", "fix the endpoints check first");
}

/** The route of the subnet to the internet (NAT or internet gateway), if it has one. */
export function internetRoute(table: RouteTable | undefined): string | undefined {
  const route = (table?.Routes ?? []).find(
    (r) =>
      r.DestinationCidrBlock === "0.0.0.0/0" &&
      (r.NatGatewayId || r.GatewayId?.startsWith("igw-")) &&
      r.State !== "blackhole",
  );
  return route ? `0.0.0.0/0 → ${route.NatGatewayId ?? route.GatewayId}` : undefined;
}

const list = (items: readonly string[]) => items.join(", ");

/** Each needed interface endpoint exists in the VPC and is available (and where its network interfaces are). */
export const endpointsCheck: Check = {
  id: "endpoints",
  title: "Interface endpoints for Session Manager are available",
  async run(ctx) {
    const { id, title } = endpointsCheck;
    const { endpoints, because } = await serviceEndpoints(ctx);
    const instance = await ctx.lookups.instanceOrNone().catch(() => undefined);
    const zone = instance?.Placement?.AvailabilityZone;
    const subnets = await ctx.lookups.subnets(
      endpoints.flatMap((e) => (e.available ? (e.endpoint?.SubnetIds ?? []) : [])),
    );
    const ok: string[] = [];
    const otherZone: string[] = [];
    const missing: string[] = [];
    for (const e of endpoints) {
      if (!e.available) {
        missing.push(
          e.endpoint ? `${e.service} (${e.endpoint.VpcEndpointId} is ${e.endpoint.State})` : `${e.service} (none)`,
        );
        continue;
      }
      ok.push(`${e.service} ${e.endpoint?.VpcEndpointId}`);
      const zones = (e.endpoint?.SubnetIds ?? []).map((s) => subnets.get(s)?.AvailabilityZone).filter(Boolean);
      if (zone !== undefined && zones.length > 0 && !zones.includes(zone)) otherZone.push(e.service);
    }
    const across =
      otherZone.length > 0
        ? `; no network interface of ${list(otherZone)} in ${zone}: reached across Availability Zones`
        : zone
          ? ` (network interfaces in ${zone})`
          : "";
    if (missing.length === 0) return pass(id, title, `available: ${list(ok)}${across}; ${because}`);
    let route: string | undefined;
    try {
      route = internetRoute(await ctx.lookups.routeTable());
    } catch {
      route = undefined;
    }
    if (route !== undefined) {
      return pass(
        id,
        title,
        `no endpoint for ${list(missing)}: the subnet reaches the public service endpoints through ${route}${ok.length > 0 ? `; available: ${list(ok)}` : ""}`,
      );
    }
    const pending = endpoints.every((e) => e.available || String(e.endpoint?.State ?? "").toLowerCase() === "pending");
    return fail(
      id,
      title,
      `missing: ${list(missing)}${ok.length > 0 ? `; available: ${list(ok)}` : ""}; ${because}; the subnet has no route to the internet`,
      pending ? "wait for the endpoints to become available, then check again" : redeploy(ctx),
    );
  },
};

/** Private DNS is on for each available needed endpoint, and the VPC resolves it (DNS support and hostnames). */
export const endpointDnsCheck: Check = {
  id: "endpoint-dns",
  title: "Private DNS resolves the endpoints inside the VPC",
  async run(ctx) {
    const { id, title } = endpointDnsCheck;
    const region = ctx.env.region;
    const endpoints = await availableEndpoints(ctx);
    if (endpoints.length === 0) return noEndpointToCheck(id, title);
    const vpcId = await ctx.lookups.vpcId();
    const attribute = async (Attribute: "enableDnsSupport" | "enableDnsHostnames") => {
      try {
        const r = await ctx.clients.describeVpcAttribute({ VpcId: vpcId, Attribute });
        return (Attribute === "enableDnsSupport" ? r.EnableDnsSupport : r.EnableDnsHostnames)?.Value === true;
      } catch (e) {
        throw unansweredCall("ec2:DescribeVpcAttribute", e);
      }
    };
    const [support, hostnames] = await Promise.all([attribute("enableDnsSupport"), attribute("enableDnsHostnames")]);
    const off = endpoints.filter((e) => e.endpoint.PrivateDnsEnabled !== true);
    const problems: string[] = [];
    const fixes: string[] = [];
    for (const e of off) {
      problems.push(
        `${e.service} endpoint ${e.endpoint.VpcEndpointId} has private DNS off, so ${e.service}.${region}.amazonaws.com resolves to the public service the instance cannot reach`,
      );
      fixes.push(
        `aws ec2 modify-vpc-endpoint --vpc-endpoint-id ${e.endpoint.VpcEndpointId} --private-dns-enabled --region ${region}`,
      );
    }
    for (const [on, attr, option] of [
      [support, "enableDnsSupport", "--enable-dns-support"],
      [hostnames, "enableDnsHostnames", "--enable-dns-hostnames"],
    ] as const) {
      if (!on) {
        problems.push(`VPC ${vpcId} has ${attr} off, which private DNS of interface endpoints needs`);
        fixes.push(`aws ec2 modify-vpc-attribute --vpc-id ${vpcId} ${option} '{"Value":true}' --region ${region}`);
      }
    }
    if (problems.length === 0) {
      return pass(
        id,
        title,
        `private DNS on for ${list(endpoints.map((e) => e.service))}; VPC ${vpcId} has DNS support and DNS hostnames on`,
      );
    }
    return fail(id, title, problems.join("; "), `${redeploy(ctx)}; or at once: ${fixes.join(" && ")}`);
  },
};
