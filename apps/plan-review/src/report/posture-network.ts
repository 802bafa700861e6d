import { isRecord, JsonRecord } from "@ssm-access/terraform-kit";
import { AspectItem, AspectValue, PerResourceAspect, ResourceSet, ResourceState, firstBlock, ofTypes } from "./posture";
import { UNKNOWN, asList } from "./values";

/** IMDS of instances and launch templates: `metadata_options[0].http_tokens` (`optional` allows IMDSv1). */
export const IMDS: PerResourceAspect = {
  aspect: "imds",
  types: ["aws_instance", "aws_launch_template"],
  created: "if-weak",
  deleted: "never",
  absent: "(none)",
  read: (state) => {
    const options = state.values.metadata_options;
    if (options === UNKNOWN) return { text: UNKNOWN, attribute: "metadata_options" };
    const block = firstBlock(options);
    if (block?.http_endpoint === "disabled") return { text: "IMDS disabled" };
    const tokens = block?.http_tokens;
    if (tokens === UNKNOWN) return { text: UNKNOWN, attribute: "metadata_options" };
    if (tokens === "required") return { text: "IMDSv2 required (http_tokens required)" };
    if (tokens === "optional") return { text: "IMDSv1 allowed (http_tokens optional)", weak: true };
    return { text: "not set (the image or account default)" };
  },
  judge: (_before, after) =>
    after?.weak
      ? { weakened: true, detail: "instances accept IMDSv1 requests, which need no session token" }
      : { weakened: false },
};

function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

function publicIpSettings(state: ResourceState): { attribute: string; value: unknown } | undefined {
  const values = state.values;
  switch (state.type) {
    case "aws_instance":
      return { attribute: "associate_public_ip_address", value: values.associate_public_ip_address };
    case "aws_subnet":
      return { attribute: "map_public_ip_on_launch", value: values.map_public_ip_on_launch };
    case "aws_launch_template": {
      const interfaces = values.network_interfaces;
      if (interfaces === UNKNOWN) return { attribute: "network_interfaces", value: UNKNOWN };
      const flags = asList(interfaces).map((i) => (isRecord(i) ? i.associate_public_ip_address : undefined));
      return {
        attribute: "network_interfaces",
        value: flags.some(isTrue) ? true : flags.includes(UNKNOWN) ? UNKNOWN : false,
      };
    }
    default:
      return undefined;
  }
}

/** Public IPv4 addresses: instances, launch template network interfaces, subnets mapping them on launch. */
export const PUBLIC_IP: PerResourceAspect = {
  aspect: "public-ip",
  types: ["aws_instance", "aws_launch_template", "aws_subnet"],
  created: "if-weak",
  deleted: "never",
  absent: "(none)",
  read: (state) => {
    const setting = publicIpSettings(state);
    if (setting === undefined) return undefined;
    if (setting.value === UNKNOWN) return { text: UNKNOWN, attribute: setting.attribute };
    const on = isTrue(setting.value);
    return { text: on ? `public IP (${setting.attribute} true)` : "no public IP", key: on ? "on" : "off", weak: on };
  },
  judge: (_before, after) =>
    after?.weak
      ? {
          weakened: true,
          detail: "a public IP address makes the instance reachable from the internet wherever a route and rule allow",
        }
      : { weakened: false },
};

/** One ingress permission: protocol, ports and one source. */
interface IngressRule {
  readonly protocol: unknown;
  readonly fromPort: unknown;
  readonly toPort: unknown;
  readonly source: string;
}

function protocolName(protocol: unknown): string {
  return protocol === "-1" || protocol === -1 || protocol === "all" ? "all traffic" : String(protocol);
}

function portsText(rule: IngressRule): string {
  if (protocolName(rule.protocol) === "all traffic") return "";
  const { fromPort, toPort } = rule;
  if ((fromPort === 0 || fromPort === -1) && (toPort === 65535 || toPort === -1 || toPort === 0)) return " all ports";
  return fromPort === toPort || toPort === undefined || toPort === null ? ` ${fromPort}` : ` ${fromPort}-${toPort}`;
}

/** Whether the rule lets port 22 (SSH) in. */
function opensSsh(rule: IngressRule): boolean {
  if (protocolName(rule.protocol) === "all traffic") return true;
  if (rule.protocol !== "tcp" && rule.protocol !== "6") return false;
  const from = Number(rule.fromPort);
  const to = rule.toPort === undefined || rule.toPort === null ? from : Number(rule.toPort);
  return from <= 22 && 22 <= to;
}

/** Sources of an inline rule or `aws_security_group_rule`. */
function sourcesOf(block: JsonRecord, sgKey: string): string[] {
  return [
    ...asList(block.cidr_blocks).map(String),
    ...asList(block.ipv6_cidr_blocks).map(String),
    ...asList(block.prefix_list_ids).map((id) => `prefix list ${String(id)}`),
    ...asList(block[sgKey]).map((id) => `security group ${String(id)}`),
    ...(block.self === true ? ["the security group itself"] : []),
  ];
}

function inlineRules(ingress: unknown): IngressRule[] {
  return asList(ingress)
    .filter(isRecord)
    .flatMap((block) =>
      sourcesOf(block, "security_groups").map((source) => ({
        protocol: block.protocol,
        fromPort: block.from_port,
        toPort: block.to_port,
        source,
      })),
    );
}

function rulesOf(state: ResourceState): IngressRule[] | typeof UNKNOWN | undefined {
  const v = state.values;
  switch (state.type) {
    case "aws_security_group":
    case "aws_default_security_group":
      return v.ingress === UNKNOWN ? UNKNOWN : inlineRules(v.ingress);
    case "aws_security_group_rule":
      if (v.type !== "ingress") return undefined;
      return sourcesOf(v, "source_security_group_id").map((source) => ({
        protocol: v.protocol,
        fromPort: v.from_port,
        toPort: v.to_port,
        source,
      }));
    case "aws_vpc_security_group_ingress_rule": {
      const sources = [
        v.cidr_ipv4,
        v.cidr_ipv6,
        v.prefix_list_id === undefined || v.prefix_list_id === null
          ? undefined
          : `prefix list ${String(v.prefix_list_id)}`,
        v.referenced_security_group_id === undefined || v.referenced_security_group_id === null
          ? undefined
          : `security group ${String(v.referenced_security_group_id)}`,
      ].filter((s) => s !== undefined && s !== null && s !== "");
      return sources.map((source) => ({
        protocol: v.ip_protocol,
        fromPort: v.from_port,
        toPort: v.to_port,
        source: String(source),
      }));
    }
    default:
      return undefined;
  }
}

/** CIDR blocks of the VPCs on a side, so "from the VPC" reads the same after a VPC CIDR change. */
function vpcCidrs(side: ResourceSet): Map<string, string> {
  const cidrs = new Map<string, string>();
  for (const [address, state] of ofTypes(side, ["aws_vpc", "aws_vpc_ipv4_cidr_block_association"])) {
    const cidr = state.values.cidr_block;
    if (typeof cidr === "string" && cidr !== UNKNOWN) cidrs.set(cidr, address);
  }
  return cidrs;
}

/** `tcp 443 from 10.0.0.0/16`, keyed by the VPC (not its CIDR) when the source is a VPC's block. */
function describeRule(rule: IngressRule, vpcs: ReadonlyMap<string, string>): { text: string; key: string } {
  const vpc = vpcs.get(rule.source);
  const head = `${protocolName(rule.protocol)}${portsText(rule)}`;
  const anywhere = rule.source === "0.0.0.0/0" || rule.source === "::/0" ? " (anywhere)" : "";
  return {
    text: `${head} from ${vpc ? `the VPC (${rule.source})` : rule.source}${anywhere}`,
    key: `${head} from ${vpc ? `vpc ${vpc}` : rule.source}`,
  };
}

function ruleItems(state: ResourceState, side: ResourceSet): AspectItem[] | typeof UNKNOWN | undefined {
  const rules = rulesOf(state);
  if (rules === undefined || rules === UNKNOWN) return rules;
  const vpcs = vpcCidrs(side);
  return rules
    .map((rule) => ({ ...describeRule(rule, vpcs), ...(opensSsh(rule) ? { callout: "opens port 22 (SSH)" } : {}) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Ingress of security groups: inline `ingress` blocks and separate ingress rule resources. */
export const INGRESS: PerResourceAspect = {
  aspect: "ingress",
  types: [
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
  ],
  created: "if-weak",
  deleted: "always",
  absent: "no ingress",
  read: (state, side) => {
    const items = ruleItems(state, side);
    if (items === undefined) return undefined;
    if (items === UNKNOWN) return { text: UNKNOWN, attribute: "ingress" };
    return {
      text: items.length > 0 ? items.map((i) => i.text).join("; ") : "no ingress",
      key: items.map((i) => i.key).join("; "),
      weak: items.length > 0,
      items,
    };
  },
  judge: (before, after) => {
    const was = new Set((before?.items ?? []).map((i) => i.key));
    const will = new Set((after?.items ?? []).map((i) => i.key));
    const added = (after?.items ?? []).filter((i) => !was.has(i.key));
    if (added.length === 0) {
      const removed = (before?.items ?? []).filter((i) => !will.has(i.key));
      return { weakened: false, detail: `removes ingress: ${removed.map((i) => i.text).join("; ")}` };
    }
    const callouts = [...new Set(added.flatMap((i) => (i.callout ? [i.callout] : [])))];
    return {
      weakened: true,
      detail: `adds ingress: ${added.map((i) => i.text).join("; ")}${callouts.map((c) => `; ${c}`).join("")}`,
    };
  },
};

/** VPC flow logs: deleting one stops recording the VPC's traffic. */
export const FLOW_LOGS: PerResourceAspect = {
  aspect: "flow-logs",
  types: ["aws_flow_log"],
  created: "always",
  deleted: "always",
  absent: "off",
  read: (state) => {
    const traffic = state.values.traffic_type;
    const destination = state.values.log_destination_type;
    if (traffic === UNKNOWN) return { text: UNKNOWN, attribute: "traffic_type" };
    return { text: `on: ${String(traffic ?? "ALL")} traffic to ${String(destination ?? "cloud-watch-logs")}` };
  },
  judge: (before: AspectValue | undefined, after: AspectValue | undefined) => {
    if (after === undefined) return { weakened: true, detail: "the VPC's traffic is no longer recorded" };
    if (before !== undefined && before.text.includes("ALL") && !after.text.includes("ALL")) {
      return { weakened: true, detail: "fewer kinds of traffic are recorded" };
    }
    return { weakened: false };
  },
};
