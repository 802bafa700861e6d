/**
 * The architecture of one environment as a Mermaid flowchart, from its
 * synthesized stack: the VPC, its Availability Zones and subnets per tier,
 * the VPC endpoints and instances in them, the Session Manager path from an
 * operator to an instance, and where sessions and flow logs are written.
 */
import type { StackJson } from "@ssm-access/terraform-kit";
import { Link, Shape, edge, escapeLabel, node, nodeId } from "./mermaid";
import { InstanceModel, StackModel, SubnetModel, TIERS, Tier, stackModel } from "./stack-model";
import { compareText } from "./resource-values";

/** Options of {@link stackDiagram}. */
export interface StackDiagramOptions {
  /**
   * The environment (stack) name, for the diagram's accessible title.
   * Screen readers announce it; GitHub shows it as the image's title.
   */
  readonly name: string;
}

/** Fixed node ids; resource ids always contain `__`, so they never clash with these. */
const OPERATOR = "operator";
const SESSION_MANAGER = "session_manager";

/** Node ids, unique and stable for a given stack: `<kind>__<key>`, a number added only on a clash. */
class Ids {
  private readonly byKey = new Map<string, string>();
  private readonly used = new Set<string>([OPERATOR, SESSION_MANAGER]);

  /** The id of (`kind`, `key`): a resource (`subnet`, `network_isolated_subnet_a`) or a drawn group (`az`, ...). */
  public of(kind: string, key: string): string {
    const mapKey = `${kind} ${key}`;
    const known = this.byKey.get(mapKey);
    if (known) return known;
    const base = nodeId(kind, key);
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    this.byKey.set(mapKey, id);
    return id;
  }
}

/** `aws_subnet.network_isolated_subnet_a` → `subnet__network_isolated_subnet_a`. */
function resourceKey(address: string): [string, string] {
  const dot = address.indexOf(".");
  return [address.slice(0, dot).replace(/^aws_/, ""), address.slice(dot + 1)];
}

/** Where `0.0.0.0/0` of a subnet goes, in words. */
function routeText(subnet: SubnetModel, model: StackModel): string {
  const route = subnet.defaultRoute;
  switch (route.kind) {
    case "internet-gateway":
      return "0.0.0.0/0 → internet gateway";
    case "nat-gateway": {
      const nat = model.natGateways.find((n) => n.address === route.target);
      const zone = model.subnets.find((s) => s.address === nat?.subnet)?.availabilityZone;
      return `0.0.0.0/0 → NAT gateway${zone ? ` in ${zone}` : ""}`;
    }
    case "other":
      return `0.0.0.0/0 → ${route.target}`;
    case "none":
      return "no internet route";
  }
}

function tierRank(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** Subnets sorted by Availability Zone, tier, CIDR. */
function sortedSubnets(subnets: readonly SubnetModel[]): SubnetModel[] {
  return [...subnets].sort(
    (a, b) =>
      compareText(a.availabilityZone, b.availabilityZone) ||
      tierRank(a.tier) - tierRank(b.tier) ||
      compareText(a.cidr, b.cidr) ||
      compareText(a.address, b.address),
  );
}

/** The tiers of the subnets using any of `routeTables`, in tier order. */
function tiersRoutedBy(routeTables: readonly string[], model: StackModel): Tier[] {
  const tiers = new Set(
    model.subnets.filter((s) => s.routeTables.some((t) => routeTables.includes(t))).map((s) => s.tier),
  );
  return TIERS.filter((t) => tiers.has(t));
}

/** Text for `accTitle` and `accDescr`, which take no entity codes: only letters, digits, spaces and `.,:()/_-`. */
function plain(text: string): string {
  return text.replace(/[^A-Za-z0-9 .,:()/_-]/g, "");
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/**
 * Renders the Mermaid flowchart of a synthesized stack. Pure: the same stack
 * gives the same text, every list in a fixed order, node ids from Terraform
 * addresses.
 */
export function stackDiagram(stack: StackJson, options: StackDiagramOptions): string {
  const model = stackModel(stack);
  const ids = new Ids();
  const idOf = (address: string): string => ids.of(...resourceKey(address));
  const lines: string[] = [];
  const emit = (depth: number, text: string): void => {
    lines.push(`${"  ".repeat(depth)}${text}`);
  };
  const declared = new Set<string>();
  const put = (depth: number, id: string, shape: Shape, ...text: string[]): void => {
    declared.add(id);
    emit(depth, node(id, shape, ...text));
  };
  const edges: string[] = [];
  /** An edge between two drawn nodes; a reference to something not drawn is left out rather than drawn as a bare id. */
  const link = (from: string, style: Link, to: string, text?: string): void => {
    if (declared.has(from) && declared.has(to)) edges.push(edge(from, style, to, text));
  };

  emit(0, "flowchart LR");
  emit(1, `accTitle: ${plain(`${options.name}: architecture`)}`);
  emit(
    1,
    `accDescr: ${plain(`Network, instances, Session Manager access and logging of ${options.name}, drawn from its synthesized stack.`)}`,
  );

  // ---- who connects, through what
  const session = model.sessionManager;
  if (session) {
    const policies = model.operatorPolicies.map((p) => p.name);
    put(1, OPERATOR, "stadium", "Operator", ...(policies.length > 0 ? [`IAM policy ${policies.join(", ")}`] : []));
    const features = [
      "shell sessions",
      ...(session.forwardedPorts.length > 0 ? [`port forwarding to ${session.forwardedPorts.join(", ")}`] : []),
    ];
    put(
      1,
      SESSION_MANAGER,
      "hexagon",
      "Session Manager",
      features.join(" · "),
      ...(session.kmsKey ? ["sessions encrypted with KMS"] : []),
    );
  }

  // ---- the network
  const interfaceNodeOf = (subnet: string): string => ids.of("vpce", resourceKey(subnet)[1]);
  const servicesBySubnet = new Map<string, string[]>();
  for (const e of model.interfaceEndpoints) {
    for (const s of e.subnets) servicesBySubnet.set(s, [...(servicesBySubnet.get(s) ?? []), e.service]);
  }
  const instancesBySubnet = new Map<string, InstanceModel[]>();
  for (const i of model.instances) {
    if (i.subnet && model.subnets.some((s) => s.address === i.subnet))
      instancesBySubnet.set(i.subnet, [...(instancesBySubnet.get(i.subnet) ?? []), i]);
  }
  const natsBySubnet = new Map<string, string[]>();
  for (const n of model.natGateways)
    if (n.subnet) natsBySubnet.set(n.subnet, [...(natsBySubnet.get(n.subnet) ?? []), n.address]);

  const emitSubnet = (depth: number, subnet: SubnetModel): void => {
    const title = `${subnet.tier} · ${subnet.cidr} · ${routeText(subnet, model)}`;
    const services = [...new Set(servicesBySubnet.get(subnet.address) ?? [])].sort();
    const nats = natsBySubnet.get(subnet.address) ?? [];
    const instances = instancesBySubnet.get(subnet.address) ?? [];
    if (services.length === 0 && nats.length === 0 && instances.length === 0) {
      put(depth, idOf(subnet.address), "box", title);
      return;
    }
    emit(depth, `subgraph ${idOf(subnet.address)}["${escapeLabel(title)}"]`);
    if (services.length > 0)
      put(depth + 1, interfaceNodeOf(subnet.address), "rounded", "Interface endpoints", services.join(" · "));
    for (const n of nats) put(depth + 1, idOf(n), "stadium", "NAT gateway");
    for (const i of instances)
      put(depth + 1, idOf(i.address), "box", i.name, ...(i.instanceType ? [i.instanceType] : []));
    emit(depth, "end");
  };

  const inVpc = (vpc: string | undefined, address: string): boolean => vpc === address;
  for (const vpc of model.vpcs) {
    emit(1, `subgraph ${idOf(vpc.address)}["${escapeLabel(`VPC ${vpc.name} · ${vpc.cidr}`)}"]`);
    const subnets = sortedSubnets(model.subnets.filter((s) => inVpc(s.vpc, vpc.address)));
    for (const zone of [...new Set(subnets.map((s) => s.availabilityZone))]) {
      emit(2, `subgraph ${ids.of("az", `${resourceKey(vpc.address)[1]}__${zone}`)}["${escapeLabel(zone)}"]`);
      for (const subnet of subnets.filter((s) => s.availabilityZone === zone)) emitSubnet(3, subnet);
      emit(2, "end");
    }
    for (const g of model.internetGateways.filter((g) => inVpc(g.vpc, vpc.address)))
      put(2, idOf(g.address), "stadium", "Internet gateway");
    for (const g of model.gatewayEndpoints.filter((g) => inVpc(g.vpc, vpc.address))) {
      const tiers = tiersRoutedBy(g.routeTables, model);
      put(
        2,
        idOf(g.address),
        "rounded",
        `${g.service.toUpperCase()} gateway endpoint`,
        ...(tiers.length > 0 ? [`for the ${joinWords(tiers)} subnets`] : []),
      );
    }
    for (const f of model.flowLogs.filter((f) => inVpc(f.vpc, vpc.address)))
      put(2, idOf(f.address), "stadium", `Flow log · ${f.trafficType} traffic`);
    emit(1, "end");
  }
  // Whatever is not inside a VPC of the stack.
  const vpcAddresses = new Set(model.vpcs.map((v) => v.address));
  for (const subnet of sortedSubnets(model.subnets.filter((s) => !s.vpc || !vpcAddresses.has(s.vpc))))
    emitSubnet(1, subnet);
  for (const i of model.instances.filter((i) => !i.subnet || !model.subnets.some((s) => s.address === i.subnet))) {
    put(1, idOf(i.address), "box", i.name, ...(i.instanceType ? [i.instanceType] : []), "subnet not in this stack");
  }
  for (const f of model.flowLogs.filter((f) => !f.vpc || !vpcAddresses.has(f.vpc)))
    put(1, idOf(f.address), "stadium", `Flow log · ${f.trafficType} traffic`);

  // ---- where logs go
  for (const g of model.logGroups) {
    const retention = g.retentionInDays ? `kept ${g.retentionInDays} days` : "kept forever";
    put(1, idOf(g.address), "cylinder", "CloudWatch log group", g.name, retention);
  }
  for (const b of model.buckets)
    put(
      1,
      idOf(b.address),
      "cylinder",
      "S3 bucket",
      b.name,
      ...(b.expirationInDays ? [`kept ${b.expirationInDays} days`] : []),
    );
  for (const k of model.kmsKeys) put(1, idOf(k.address), "hexagon", "KMS key", k.name);

  // ---- edges
  if (session) {
    link(OPERATOR, "arrow", SESSION_MANAGER, "start-session");
    const withMessages = (subnet: string): boolean => (servicesBySubnet.get(subnet) ?? []).includes("ssmmessages");
    const messageSubnets = sortedSubnets(model.subnets.filter((s) => withMessages(s.address)));
    const subnetOf = (i: InstanceModel): SubnetModel | undefined => model.subnets.find((s) => s.address === i.subnet);
    // The ssmmessages endpoint an instance's agent uses: the one in its zone, else the first of its VPC.
    const endpointOf = (i: InstanceModel): SubnetModel | undefined => {
      const subnet = subnetOf(i);
      if (!subnet) return undefined;
      return (
        messageSubnets.find((s) => s.vpc === subnet.vpc && s.availabilityZone === subnet.availabilityZone) ??
        messageSubnets.find((s) => s.vpc === subnet.vpc)
      );
    };
    // Session Manager reaches the endpoints the instances use; every one when there is no instance.
    const used =
      model.instances.length > 0
        ? messageSubnets.filter((s) => model.instances.some((i) => endpointOf(i) === s))
        : messageSubnets;
    for (const s of used) link(SESSION_MANAGER, "both", interfaceNodeOf(s.address), "ssmmessages");

    const s3Gateway = model.gatewayEndpoints.find((g) => g.service === "s3" && declared.has(idOf(g.address)));
    let transcriptsThroughGateway = false;
    for (const i of model.instances) {
      const id = idOf(i.address);
      const subnet = subnetOf(i);
      const endpoint = endpointOf(i);
      if (endpoint) {
        link(interfaceNodeOf(endpoint.address), "both", id, "agent channel");
      } else {
        const via =
          subnet?.defaultRoute.kind === "nat-gateway"
            ? "agent channel through the NAT gateway"
            : subnet?.defaultRoute.kind === "internet-gateway"
              ? "agent channel through the internet gateway"
              : "no route: no ssmmessages endpoint, no internet route";
        link(SESSION_MANAGER, "both", id, via);
      }
      const logsEndpoint =
        subnet !== undefined && model.interfaceEndpoints.some((e) => e.service === "logs" && e.vpc === subnet.vpc);
      if (session.logGroup)
        link(
          id,
          "dotted-arrow",
          idOf(session.logGroup),
          logsEndpoint ? "session log, through the logs endpoint" : "session log",
        );
      if (session.bucket) {
        if (s3Gateway && subnet && subnet.routeTables.some((t) => s3Gateway.routeTables.includes(t))) {
          link(id, "dotted-arrow", idOf(s3Gateway.address), "session transcript");
          transcriptsThroughGateway = true;
        } else {
          link(id, "dotted-arrow", idOf(session.bucket), "session transcript");
        }
      }
    }
    if (model.instances.length === 0) {
      if (session.logGroup) link(SESSION_MANAGER, "dotted-arrow", idOf(session.logGroup), "session log");
      if (session.bucket) link(SESSION_MANAGER, "dotted-arrow", idOf(session.bucket), "session transcript");
    }
    if (s3Gateway && session.bucket && transcriptsThroughGateway)
      link(idOf(s3Gateway.address), "dotted-arrow", idOf(session.bucket), "session transcripts");
  }
  for (const f of model.flowLogs)
    if (f.destination) link(idOf(f.address), "dotted-arrow", idOf(f.destination), "flow logs");
  for (const g of model.logGroups) if (g.kmsKey) link(idOf(g.address), "dotted-line", idOf(g.kmsKey), "encrypted with");
  for (const b of model.buckets) if (b.kmsKey) link(idOf(b.address), "dotted-line", idOf(b.kmsKey), "encrypted with");
  for (const e of edges) emit(1, e);

  return `${lines.join("\n")}\n`;
}
