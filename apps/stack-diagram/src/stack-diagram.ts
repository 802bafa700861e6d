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

/** The lines of one diagram as they are written: nodes first, in drawing order, then the edges between drawn nodes. */
class Diagram {
  private readonly ids = new Ids();
  private readonly lines: string[] = [];
  private readonly declared = new Set<string>();
  private readonly edges: string[] = [];
  private readonly servicesBySubnet = new Map<string, string[]>();
  private readonly instancesBySubnet = new Map<string, InstanceModel[]>();
  private readonly natsBySubnet = new Map<string, string[]>();

  public constructor(private readonly model: StackModel) {
    for (const e of model.interfaceEndpoints) {
      for (const s of e.subnets) this.servicesBySubnet.set(s, [...(this.servicesBySubnet.get(s) ?? []), e.service]);
    }
    for (const i of model.instances) {
      if (i.subnet && model.subnets.some((s) => s.address === i.subnet))
        this.instancesBySubnet.set(i.subnet, [...(this.instancesBySubnet.get(i.subnet) ?? []), i]);
    }
    for (const n of model.natGateways)
      if (n.subnet) this.natsBySubnet.set(n.subnet, [...(this.natsBySubnet.get(n.subnet) ?? []), n.address]);
  }

  /** The node id of a resource. */
  public idOf(address: string): string {
    return this.ids.of(...resourceKey(address));
  }

  /** The node id of the interface endpoints of a subnet. */
  private interfaceNodeOf(subnet: string): string {
    return this.ids.of("vpce", resourceKey(subnet)[1]);
  }

  private emit(depth: number, text: string): void {
    this.lines.push(`${"  ".repeat(depth)}${text}`);
  }

  private put(depth: number, id: string, shape: Shape, ...text: string[]): void {
    this.declared.add(id);
    this.emit(depth, node(id, shape, ...text));
  }

  /** An edge between two drawn nodes; a reference to something not drawn is left out rather than drawn as a bare id. */
  private link(from: string, style: Link, to: string, text?: string): void {
    if (this.declared.has(from) && this.declared.has(to)) this.edges.push(edge(from, style, to, text));
  }

  /** The chart type and its accessible title and description. */
  public header(name: string): void {
    this.emit(0, "flowchart LR");
    this.emit(1, `accTitle: ${plain(`${name}: architecture`)}`);
    this.emit(
      1,
      `accDescr: ${plain(`Network, instances, Session Manager access and logging of ${name}, drawn from its synthesized stack.`)}`,
    );
  }

  /** Who connects, through what: the operator and Session Manager. */
  public accessNodes(): void {
    const session = this.model.sessionManager;
    if (!session) return;
    const policies = this.model.operatorPolicies.map((p) => p.name);
    this.put(1, OPERATOR, "stadium", "Operator", ...(policies.length > 0 ? [`IAM policy ${policies.join(", ")}`] : []));
    const features = [
      "shell sessions",
      ...(session.forwardedPorts.length > 0 ? [`port forwarding to ${session.forwardedPorts.join(", ")}`] : []),
    ];
    this.put(
      1,
      SESSION_MANAGER,
      "hexagon",
      "Session Manager",
      features.join(" · "),
      ...(session.kmsKey ? ["sessions encrypted with KMS"] : []),
    );
  }

  /** A subnet: a box, or a subgraph holding its interface endpoints, NAT gateways and instances. */
  private subnet(depth: number, subnet: SubnetModel): void {
    const title = `${subnet.tier} · ${subnet.cidr} · ${routeText(subnet, this.model)}`;
    const services = [...new Set(this.servicesBySubnet.get(subnet.address) ?? [])].sort();
    const nats = this.natsBySubnet.get(subnet.address) ?? [];
    const instances = this.instancesBySubnet.get(subnet.address) ?? [];
    if (services.length === 0 && nats.length === 0 && instances.length === 0) {
      this.put(depth, this.idOf(subnet.address), "box", title);
      return;
    }
    this.emit(depth, `subgraph ${this.idOf(subnet.address)}["${escapeLabel(title)}"]`);
    if (services.length > 0)
      this.put(depth + 1, this.interfaceNodeOf(subnet.address), "rounded", "Interface endpoints", services.join(" · "));
    for (const n of nats) this.put(depth + 1, this.idOf(n), "stadium", "NAT gateway");
    for (const i of instances)
      this.put(depth + 1, this.idOf(i.address), "box", i.name, ...(i.instanceType ? [i.instanceType] : []));
    this.emit(depth, "end");
  }

  /** Each VPC: its Availability Zones with their subnets, its gateways, gateway endpoints and flow logs. */
  public vpcs(): void {
    const model = this.model;
    for (const vpc of model.vpcs) {
      this.emit(1, `subgraph ${this.idOf(vpc.address)}["${escapeLabel(`VPC ${vpc.name} · ${vpc.cidr}`)}"]`);
      const subnets = sortedSubnets(model.subnets.filter((s) => s.vpc === vpc.address));
      for (const zone of [...new Set(subnets.map((s) => s.availabilityZone))]) {
        this.emit(
          2,
          `subgraph ${this.ids.of("az", `${resourceKey(vpc.address)[1]}__${zone}`)}["${escapeLabel(zone)}"]`,
        );
        for (const subnet of subnets.filter((s) => s.availabilityZone === zone)) this.subnet(3, subnet);
        this.emit(2, "end");
      }
      for (const g of model.internetGateways.filter((g) => g.vpc === vpc.address))
        this.put(2, this.idOf(g.address), "stadium", "Internet gateway");
      for (const g of model.gatewayEndpoints.filter((g) => g.vpc === vpc.address)) {
        const tiers = tiersRoutedBy(g.routeTables, model);
        this.put(
          2,
          this.idOf(g.address),
          "rounded",
          `${g.service.toUpperCase()} gateway endpoint`,
          ...(tiers.length > 0 ? [`for the ${joinWords(tiers)} subnets`] : []),
        );
      }
      for (const f of model.flowLogs.filter((f) => f.vpc === vpc.address))
        this.put(2, this.idOf(f.address), "stadium", `Flow log · ${f.trafficType} traffic`);
      this.emit(1, "end");
    }
  }

  /** Whatever is not inside a VPC of the stack. */
  public outsideVpcs(): void {
    const model = this.model;
    const vpcAddresses = new Set(model.vpcs.map((v) => v.address));
    for (const subnet of sortedSubnets(model.subnets.filter((s) => !s.vpc || !vpcAddresses.has(s.vpc))))
      this.subnet(1, subnet);
    for (const i of model.instances.filter((i) => !i.subnet || !model.subnets.some((s) => s.address === i.subnet))) {
      this.put(
        1,
        this.idOf(i.address),
        "box",
        i.name,
        ...(i.instanceType ? [i.instanceType] : []),
        "subnet not in this stack",
      );
    }
    for (const f of model.flowLogs.filter((f) => !f.vpc || !vpcAddresses.has(f.vpc)))
      this.put(1, this.idOf(f.address), "stadium", `Flow log · ${f.trafficType} traffic`);
  }

  /** Where logs go: log groups, buckets, keys. */
  public logDestinations(): void {
    for (const g of this.model.logGroups) {
      const retention = g.retentionInDays ? `kept ${g.retentionInDays} days` : "kept forever";
      this.put(1, this.idOf(g.address), "cylinder", "CloudWatch log group", g.name, retention);
    }
    for (const b of this.model.buckets)
      this.put(
        1,
        this.idOf(b.address),
        "cylinder",
        "S3 bucket",
        b.name,
        ...(b.expirationInDays ? [`kept ${b.expirationInDays} days`] : []),
      );
    for (const k of this.model.kmsKeys) this.put(1, this.idOf(k.address), "hexagon", "KMS key", k.name);
  }

  private subnetOf(i: InstanceModel): SubnetModel | undefined {
    return this.model.subnets.find((s) => s.address === i.subnet);
  }

  /** The subnets with an ssmmessages endpoint, sorted. */
  private messageSubnets(): SubnetModel[] {
    const withMessages = (subnet: string): boolean => (this.servicesBySubnet.get(subnet) ?? []).includes("ssmmessages");
    return sortedSubnets(this.model.subnets.filter((s) => withMessages(s.address)));
  }

  /** The ssmmessages endpoint an instance's agent uses: the one in its zone, else the first of its VPC. */
  private endpointOf(i: InstanceModel, messageSubnets: readonly SubnetModel[]): SubnetModel | undefined {
    const subnet = this.subnetOf(i);
    if (!subnet) return undefined;
    return (
      messageSubnets.find((s) => s.vpc === subnet.vpc && s.availabilityZone === subnet.availabilityZone) ??
      messageSubnets.find((s) => s.vpc === subnet.vpc)
    );
  }

  /** The Session Manager path: operator to Session Manager, to the endpoints, to each instance, and where sessions are logged. */
  public sessionEdges(): void {
    const session = this.model.sessionManager;
    if (!session) return;
    const model = this.model;
    this.link(OPERATOR, "arrow", SESSION_MANAGER, "start-session");
    const messageSubnets = this.messageSubnets();
    // Session Manager reaches the endpoints the instances use; every one when there is no instance.
    const used =
      model.instances.length > 0
        ? messageSubnets.filter((s) => model.instances.some((i) => this.endpointOf(i, messageSubnets) === s))
        : messageSubnets;
    for (const s of used) this.link(SESSION_MANAGER, "both", this.interfaceNodeOf(s.address), "ssmmessages");

    const s3Gateway = model.gatewayEndpoints.find((g) => g.service === "s3" && this.declared.has(this.idOf(g.address)));
    let transcriptsThroughGateway = false;
    for (const i of model.instances) {
      if (this.instanceEdges(i, messageSubnets, s3Gateway)) transcriptsThroughGateway = true;
    }
    if (model.instances.length === 0) {
      if (session.logGroup) this.link(SESSION_MANAGER, "dotted-arrow", this.idOf(session.logGroup), "session log");
      if (session.bucket) this.link(SESSION_MANAGER, "dotted-arrow", this.idOf(session.bucket), "session transcript");
    }
    if (s3Gateway && session.bucket && transcriptsThroughGateway)
      this.link(this.idOf(s3Gateway.address), "dotted-arrow", this.idOf(session.bucket), "session transcripts");
  }

  /**
   * One instance's agent channel and where its sessions are logged; whether
   * its transcripts go through the S3 gateway endpoint.
   */
  private instanceEdges(
    i: InstanceModel,
    messageSubnets: readonly SubnetModel[],
    s3Gateway: StackModel["gatewayEndpoints"][number] | undefined,
  ): boolean {
    const session = this.model.sessionManager;
    const id = this.idOf(i.address);
    const subnet = this.subnetOf(i);
    const endpoint = this.endpointOf(i, messageSubnets);
    if (endpoint) {
      this.link(this.interfaceNodeOf(endpoint.address), "both", id, "agent channel");
    } else {
      const via =
        subnet?.defaultRoute.kind === "nat-gateway"
          ? "agent channel through the NAT gateway"
          : subnet?.defaultRoute.kind === "internet-gateway"
            ? "agent channel through the internet gateway"
            : "no route: no ssmmessages endpoint, no internet route";
      this.link(SESSION_MANAGER, "both", id, via);
    }
    const logsEndpoint =
      subnet !== undefined && this.model.interfaceEndpoints.some((e) => e.service === "logs" && e.vpc === subnet.vpc);
    if (session?.logGroup)
      this.link(
        id,
        "dotted-arrow",
        this.idOf(session.logGroup),
        logsEndpoint ? "session log, through the logs endpoint" : "session log",
      );
    if (!session?.bucket) return false;
    if (s3Gateway && subnet && subnet.routeTables.some((t) => s3Gateway.routeTables.includes(t))) {
      this.link(id, "dotted-arrow", this.idOf(s3Gateway.address), "session transcript");
      return true;
    }
    this.link(id, "dotted-arrow", this.idOf(session.bucket), "session transcript");
    return false;
  }

  /** Flow logs to their destination, and log groups and buckets to their keys. */
  public logEdges(): void {
    for (const f of this.model.flowLogs)
      if (f.destination) this.link(this.idOf(f.address), "dotted-arrow", this.idOf(f.destination), "flow logs");
    for (const g of this.model.logGroups)
      if (g.kmsKey) this.link(this.idOf(g.address), "dotted-line", this.idOf(g.kmsKey), "encrypted with");
    for (const b of this.model.buckets)
      if (b.kmsKey) this.link(this.idOf(b.address), "dotted-line", this.idOf(b.kmsKey), "encrypted with");
  }

  /** The flowchart: the nodes, then the edges. */
  public text(): string {
    for (const e of this.edges) this.emit(1, e);
    return `${this.lines.join("\n")}\n`;
  }
}

/**
 * Renders the Mermaid flowchart of a synthesized stack. Pure: the same stack
 * gives the same text, every list in a fixed order, node ids from Terraform
 * addresses.
 */
export function stackDiagram(stack: StackJson, options: StackDiagramOptions): string {
  const diagram = new Diagram(stackModel(stack));
  diagram.header(options.name);
  diagram.accessNodes();
  diagram.vpcs();
  diagram.outsideVpcs();
  diagram.logDestinations();
  diagram.sessionEdges();
  diagram.logEdges();
  return diagram.text();
}
