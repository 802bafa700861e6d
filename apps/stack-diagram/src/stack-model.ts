/**
 * What the diagram and the page show, read from a synthesized stack: the
 * network (VPC, subnets per tier and Availability Zone, their default
 * routes, gateways, VPC endpoints), the instances and where they run, the
 * Session Manager path and where sessions and flow logs are written.
 * Every list is sorted, so the same stack always gives the same model.
 */
import { StackBlock, StackJson, isRecord, objectsOf, referencesIn, resourcesOf } from "@ssm-access/terraform-kit";
import { constructNameOf, nameTagOf, numberOf, referenceTo, stringOf } from "./resource-values";

/** The three subnet tiers, in the order they are drawn and listed. */
export const TIERS = ["public", "private", "isolated"] as const;

/** A subnet tier. */
export type Tier = (typeof TIERS)[number];

/** Where a subnet's `0.0.0.0/0` goes. */
export type DefaultRoute =
  | { readonly kind: "internet-gateway"; readonly target: string }
  | { readonly kind: "nat-gateway"; readonly target: string }
  | { readonly kind: "other"; readonly target: string }
  | { readonly kind: "none" };

/** A VPC. */
export interface VpcModel {
  readonly address: string;
  /** `Name` tag, else the Terraform name. */
  readonly name: string;
  readonly cidr: string;
}

/** A subnet. */
export interface SubnetModel {
  readonly address: string;
  /** The VPC it belongs to, when it refers to one of the stack. */
  readonly vpc?: string;
  readonly tier: Tier;
  readonly availabilityZone: string;
  readonly cidr: string;
  /** `Name` tag, else the Terraform name. */
  readonly name: string;
  readonly defaultRoute: DefaultRoute;
  /** Route tables associated with it. */
  readonly routeTables: readonly string[];
}

/** A NAT gateway. */
export interface NatGatewayModel {
  readonly address: string;
  /** The subnet it sits in. */
  readonly subnet?: string;
}

/** An internet gateway. */
export interface InternetGatewayModel {
  readonly address: string;
  readonly vpc?: string;
}

/** An interface VPC endpoint: one network interface in each of its subnets. */
export interface InterfaceEndpointModel {
  readonly address: string;
  /** Service short name: `ssmmessages` for `com.amazonaws.eu-west-1.ssmmessages`. */
  readonly service: string;
  readonly vpc?: string;
  readonly subnets: readonly string[];
  readonly privateDns: boolean;
}

/** A gateway VPC endpoint (S3, DynamoDB), a target in route tables. */
export interface GatewayEndpointModel {
  readonly address: string;
  readonly service: string;
  readonly vpc?: string;
  readonly routeTables: readonly string[];
}

/** An EC2 instance. */
export interface InstanceModel {
  readonly address: string;
  /** From its construct path (`app-1`), else its `Name` tag. */
  readonly name: string;
  readonly instanceType?: string;
  /** Its subnet: `subnet_id`, else its launch template's or network interface's. */
  readonly subnet?: string;
  /** The name of the IAM role of its instance profile. */
  readonly role?: string;
}

/** A managed policy that lets people start sessions (`ssm:StartSession`). */
export interface OperatorPolicyModel {
  readonly address: string;
  readonly name: string;
}

/** Session Manager settings from the stack's Session documents. */
export interface SessionManagerModel {
  /** The preferences document (`Standard_Stream`), e.g. `SSM-SessionManagerRunShell`. */
  readonly preferencesDocument?: string;
  /** The log group sessions stream to. */
  readonly logGroup?: string;
  /** The bucket transcripts are written to. */
  readonly bucket?: string;
  /** The key sessions are encrypted with. */
  readonly kmsKey?: string;
  /** Instance ports the port-forwarding documents reach, ascending. */
  readonly forwardedPorts: readonly number[];
}

/** A CloudWatch Logs log group. */
export interface LogGroupModel {
  readonly address: string;
  readonly name: string;
  readonly retentionInDays?: number;
  readonly kmsKey?: string;
}

/** An S3 bucket. */
export interface BucketModel {
  readonly address: string;
  readonly name: string;
  /** The KMS key of its default encryption. */
  readonly kmsKey?: string;
  /** Days after which a lifecycle rule for the whole bucket expires objects. */
  readonly expirationInDays?: number;
}

/** A KMS key. */
export interface KmsKeyModel {
  readonly address: string;
  /** Its first alias (`alias/ssm-access-dev-session`), else the Terraform name. */
  readonly name: string;
  readonly rotation: boolean;
}

/** A VPC (or subnet) flow log. */
export interface FlowLogModel {
  readonly address: string;
  /** The VPC it records, or the subnet. */
  readonly vpc?: string;
  readonly subnet?: string;
  /** `ALL`, `ACCEPT` or `REJECT`. */
  readonly trafficType: string;
  /** The log group or bucket it writes to, when the stack has it. */
  readonly destination?: string;
}

/** Everything drawn and listed for one stack. */
export interface StackModel {
  /** The default AWS provider's Region. */
  readonly region?: string;
  readonly vpcs: readonly VpcModel[];
  readonly subnets: readonly SubnetModel[];
  readonly internetGateways: readonly InternetGatewayModel[];
  readonly natGateways: readonly NatGatewayModel[];
  readonly interfaceEndpoints: readonly InterfaceEndpointModel[];
  readonly gatewayEndpoints: readonly GatewayEndpointModel[];
  readonly instances: readonly InstanceModel[];
  readonly operatorPolicies: readonly OperatorPolicyModel[];
  /** Absent when the stack has no instance, no ssmmessages endpoint and no Session document. */
  readonly sessionManager?: SessionManagerModel;
  readonly logGroups: readonly LogGroupModel[];
  readonly buckets: readonly BucketModel[];
  readonly kmsKeys: readonly KmsKeyModel[];
  readonly flowLogs: readonly FlowLogModel[];
}

const ANYWHERE = "0.0.0.0/0";

/** `com.amazonaws.eu-west-1.ecr.api` → `ecr.api`; other names unchanged. */
export function serviceShortName(serviceName: string): string {
  const parts = serviceName.split(".");
  return parts.length > 3 && parts[0] === "com" && parts[1] === "amazonaws" ? parts.slice(3).join(".") : serviceName;
}

function tierFromPath(resource: StackBlock): Tier | undefined {
  const last = (resource.constructPath ?? "").split("/").pop() ?? "";
  const match = /^(Public|Private|Isolated)Subnet/.exec(last);
  return match ? (match[1].toLowerCase() as Tier) : undefined;
}

function tierFromRoute(route: DefaultRoute): Tier {
  return route.kind === "internet-gateway" ? "public" : route.kind === "none" ? "isolated" : "private";
}

/** Default routes (`0.0.0.0/0`) by route table: `aws_route` resources and inline `route` blocks. */
function defaultRoutes(stack: StackJson): Map<string, DefaultRoute> {
  const routes = new Map<string, DefaultRoute>();
  const routeOf = (block: Record<string, unknown>): DefaultRoute | undefined => {
    const destination = stringOf(block.destination_cidr_block) ?? stringOf(block.cidr_block);
    if (destination !== ANYWHERE) return undefined;
    const igw = referenceTo(block.gateway_id, "aws_internet_gateway");
    if (igw) return { kind: "internet-gateway", target: igw };
    const nat = referenceTo(block.nat_gateway_id, "aws_nat_gateway");
    if (nat) return { kind: "nat-gateway", target: nat };
    const other = [
      "transit_gateway_id",
      "vpc_peering_connection_id",
      "network_interface_id",
      "egress_only_gateway_id",
      "gateway_id",
      "nat_gateway_id",
    ]
      .map((key) => stringOf(block[key]))
      .find((v) => v !== undefined);
    return other ? { kind: "other", target: referencesIn(other)[0] ?? other } : undefined;
  };
  for (const table of resourcesOf(stack, "aws_route_table")) {
    for (const block of objectsOf(table.body.route)) {
      const route = routeOf(block);
      if (route) routes.set(table.address, route);
    }
  }
  for (const r of resourcesOf(stack, "aws_route")) {
    const table = referenceTo(r.body.route_table_id, "aws_route_table");
    const route = routeOf(r.body);
    if (table && route) routes.set(table, route);
  }
  return routes;
}

function subnetsOf(stack: StackJson): SubnetModel[] {
  const routes = defaultRoutes(stack);
  const tablesBySubnet = new Map<string, string[]>();
  for (const a of resourcesOf(stack, "aws_route_table_association")) {
    const subnet = referenceTo(a.body.subnet_id, "aws_subnet");
    const table = referenceTo(a.body.route_table_id, "aws_route_table");
    if (subnet && table) tablesBySubnet.set(subnet, [...(tablesBySubnet.get(subnet) ?? []), table]);
  }
  return resourcesOf(stack, "aws_subnet").map((s) => {
    const routeTables = (tablesBySubnet.get(s.address) ?? []).sort();
    const defaultRoute = routeTables.map((t) => routes.get(t)).find((r) => r !== undefined) ?? {
      kind: "none" as const,
    };
    const vpc = referenceTo(s.body.vpc_id, "aws_vpc");
    return {
      address: s.address,
      ...(vpc ? { vpc } : {}),
      tier: tierFromPath(s) ?? tierFromRoute(defaultRoute),
      availabilityZone: stringOf(s.body.availability_zone) ?? stringOf(s.body.availability_zone_id) ?? "unknown zone",
      cidr: stringOf(s.body.cidr_block) ?? "no IPv4 CIDR",
      name: nameTagOf(s) ?? s.name,
      defaultRoute,
      routeTables,
    };
  });
}

function endpointsOf(stack: StackJson): { interfaces: InterfaceEndpointModel[]; gateways: GatewayEndpointModel[] } {
  const extraSubnets = new Map<string, string[]>();
  for (const a of resourcesOf(stack, "aws_vpc_endpoint_subnet_association")) {
    const endpoint = referenceTo(a.body.vpc_endpoint_id, "aws_vpc_endpoint");
    const subnet = referenceTo(a.body.subnet_id, "aws_subnet");
    if (endpoint && subnet) extraSubnets.set(endpoint, [...(extraSubnets.get(endpoint) ?? []), subnet]);
  }
  const extraTables = new Map<string, string[]>();
  for (const a of resourcesOf(stack, "aws_vpc_endpoint_route_table_association")) {
    const endpoint = referenceTo(a.body.vpc_endpoint_id, "aws_vpc_endpoint");
    const table = referenceTo(a.body.route_table_id, "aws_route_table");
    if (endpoint && table) extraTables.set(endpoint, [...(extraTables.get(endpoint) ?? []), table]);
  }
  const interfaces: InterfaceEndpointModel[] = [];
  const gateways: GatewayEndpointModel[] = [];
  for (const e of resourcesOf(stack, "aws_vpc_endpoint")) {
    const service = serviceShortName(stringOf(e.body.service_name) ?? e.name);
    const vpc = referenceTo(e.body.vpc_id, "aws_vpc");
    const type = (stringOf(e.body.vpc_endpoint_type) ?? "Gateway").toLowerCase();
    if (type === "gateway") {
      const routeTables = [
        ...new Set([...referencesIn(e.body.route_table_ids, "aws_route_table"), ...(extraTables.get(e.address) ?? [])]),
      ].sort();
      gateways.push({ address: e.address, service, ...(vpc ? { vpc } : {}), routeTables });
    } else {
      const subnets = [
        ...new Set([...referencesIn(e.body.subnet_ids, "aws_subnet"), ...(extraSubnets.get(e.address) ?? [])]),
      ].sort();
      interfaces.push({
        address: e.address,
        service,
        ...(vpc ? { vpc } : {}),
        subnets,
        privateDns: e.body.private_dns_enabled === true,
      });
    }
  }
  return { interfaces, gateways };
}

function instancesOf(stack: StackJson): InstanceModel[] {
  const templates = new Map(resourcesOf(stack, "aws_launch_template").map((t) => [t.address, t.body]));
  const interfaces = new Map(resourcesOf(stack, "aws_network_interface").map((n) => [n.address, n.body]));
  const roles = new Map(resourcesOf(stack, "aws_iam_role").map((r) => [r.address, stringOf(r.body.name) ?? r.name]));
  const profiles = new Map(
    resourcesOf(stack, "aws_iam_instance_profile").map((p) => [
      p.address,
      roles.get(referenceTo(p.body.role, "aws_iam_role") ?? "") ?? stringOf(p.body.role),
    ]),
  );
  return resourcesOf(stack, "aws_instance").map((i) => {
    const template = templates.get(referenceTo(i.body.launch_template, "aws_launch_template") ?? "");
    const eni = referencesIn(
      objectsOf(i.body.network_interface).map((n) => n.network_interface_id),
      "aws_network_interface",
    )
      .map((a) => interfaces.get(a))
      .find((b) => b !== undefined);
    const subnet =
      referenceTo(i.body.subnet_id, "aws_subnet") ??
      (eni ? referenceTo(eni.subnet_id, "aws_subnet") : undefined) ??
      (template
        ? referenceTo(
            objectsOf(template.network_interfaces).map((n) => n.subnet_id),
            "aws_subnet",
          )
        : undefined);
    const instanceType = stringOf(i.body.instance_type) ?? (template ? stringOf(template.instance_type) : undefined);
    const profile =
      referenceTo(i.body.iam_instance_profile, "aws_iam_instance_profile") ??
      (template ? referenceTo(template.iam_instance_profile, "aws_iam_instance_profile") : undefined);
    const role = profiles.get(profile ?? "");
    return {
      address: i.address,
      name: i.constructPath ? constructNameOf(i) : (nameTagOf(i) ?? i.name),
      ...(instanceType ? { instanceType } : {}),
      ...(subnet ? { subnet } : {}),
      ...(role ? { role } : {}),
    };
  });
}

function sessionManagerOf(
  stack: StackJson,
  hasInstances: boolean,
  hasSsmMessages: boolean,
): SessionManagerModel | undefined {
  const documents = resourcesOf(stack, "aws_ssm_document").filter((d) => d.body.document_type === "Session");
  if (!hasInstances && !hasSsmMessages && documents.length === 0) return undefined;
  const sessionTypeOf = (d: StackBlock): { type?: string; port?: number } => {
    try {
      const content: unknown = JSON.parse(String(d.body.content));
      if (!isRecord(content)) return {};
      const port = isRecord(content.properties) ? numberOf(content.properties.portNumber) : undefined;
      return {
        ...(typeof content.sessionType === "string" ? { type: content.sessionType } : {}),
        ...(port !== undefined ? { port } : {}),
      };
    } catch {
      return {};
    }
  };
  const typed = documents.map((d) => ({ d, ...sessionTypeOf(d) }));
  const preferences = typed.find((t) => t.type === "Standard_Stream")?.d;
  const forwardedPorts = [
    ...new Set(typed.filter((t) => t.type === "Port" && t.port !== undefined).map((t) => t.port as number)),
  ].sort((a, b) => a - b);
  if (!preferences) return { forwardedPorts };
  const logGroup = referenceTo(preferences.body.content, "aws_cloudwatch_log_group");
  const bucket = referenceTo(preferences.body.content, "aws_s3_bucket");
  const kmsKey = referenceTo(preferences.body.content, "aws_kms_key");
  return {
    preferencesDocument: stringOf(preferences.body.name) ?? preferences.name,
    ...(logGroup ? { logGroup } : {}),
    ...(bucket ? { bucket } : {}),
    ...(kmsKey ? { kmsKey } : {}),
    forwardedPorts,
  };
}

function kmsKeysOf(stack: StackJson): KmsKeyModel[] {
  const aliases = new Map<string, string>();
  for (const a of resourcesOf(stack, "aws_kms_alias")) {
    const key = referenceTo(a.body.target_key_id, "aws_kms_key");
    const name = stringOf(a.body.name);
    if (key && name && !aliases.has(key)) aliases.set(key, name);
  }
  return resourcesOf(stack, "aws_kms_key").map((k) => ({
    address: k.address,
    name: aliases.get(k.address) ?? nameTagOf(k) ?? k.name,
    rotation: k.body.enable_key_rotation === true,
  }));
}

function bucketsOf(stack: StackJson): BucketModel[] {
  const keys = new Map<string, string>();
  for (const e of resourcesOf(stack, "aws_s3_bucket_server_side_encryption_configuration")) {
    const bucket = referenceTo(e.body.bucket, "aws_s3_bucket");
    const key = referenceTo(e.body.rule, "aws_kms_key");
    if (bucket && key) keys.set(bucket, key);
  }
  const expirations = new Map<string, number>();
  for (const l of resourcesOf(stack, "aws_s3_bucket_lifecycle_configuration")) {
    const bucket = referenceTo(l.body.bucket, "aws_s3_bucket");
    const wholeBucket = objectsOf(l.body.rule).filter(
      (r) =>
        r.status === "Enabled" &&
        objectsOf(r.filter).every((f) => Object.keys(f).length === 0) &&
        stringOf(r.prefix) === undefined,
    );
    const days = wholeBucket
      .flatMap((r) => objectsOf(r.expiration).map((e) => numberOf(e.days)))
      .filter((d): d is number => d !== undefined);
    if (bucket && days.length > 0) expirations.set(bucket, Math.min(...days));
  }
  return resourcesOf(stack, "aws_s3_bucket").map((b) => {
    const kmsKey = keys.get(b.address);
    const expirationInDays = expirations.get(b.address);
    return {
      address: b.address,
      name: stringOf(b.body.bucket) ?? stringOf(b.body.bucket_prefix) ?? b.name,
      ...(kmsKey ? { kmsKey } : {}),
      ...(expirationInDays !== undefined ? { expirationInDays } : {}),
    };
  });
}

/** Reads the model of a synthesized stack. */
export function stackModel(stack: StackJson): StackModel {
  const providers = isRecord(stack.provider) ? stack.provider : {};
  const aws = objectsOf(providers.aws).find((p) => p.alias === undefined);
  const region = aws ? stringOf(aws.region) : undefined;

  const { interfaces, gateways } = endpointsOf(stack);
  const instances = instancesOf(stack);
  const sessionManager = sessionManagerOf(
    stack,
    instances.length > 0,
    interfaces.some((e) => e.service === "ssmmessages"),
  );
  return {
    ...(region ? { region } : {}),
    vpcs: resourcesOf(stack, "aws_vpc").map((v) => ({
      address: v.address,
      name: nameTagOf(v) ?? v.name,
      cidr: stringOf(v.body.cidr_block) ?? "no IPv4 CIDR",
    })),
    subnets: subnetsOf(stack),
    internetGateways: resourcesOf(stack, "aws_internet_gateway").map((g) => {
      const vpc = referenceTo(g.body.vpc_id, "aws_vpc");
      return { address: g.address, ...(vpc ? { vpc } : {}) };
    }),
    natGateways: resourcesOf(stack, "aws_nat_gateway").map((n) => {
      const subnet = referenceTo(n.body.subnet_id, "aws_subnet");
      return { address: n.address, ...(subnet ? { subnet } : {}) };
    }),
    interfaceEndpoints: interfaces,
    gatewayEndpoints: gateways,
    instances,
    operatorPolicies: resourcesOf(stack, "aws_iam_policy")
      .filter((p) => String(p.body.policy ?? "").includes("ssm:StartSession"))
      .map((p) => ({ address: p.address, name: stringOf(p.body.name) ?? p.name })),
    ...(sessionManager ? { sessionManager } : {}),
    logGroups: resourcesOf(stack, "aws_cloudwatch_log_group").map((g) => {
      const retentionInDays = numberOf(g.body.retention_in_days);
      const kmsKey = referenceTo(g.body.kms_key_id, "aws_kms_key");
      return {
        address: g.address,
        name: stringOf(g.body.name) ?? g.name,
        ...(retentionInDays !== undefined ? { retentionInDays } : {}),
        ...(kmsKey ? { kmsKey } : {}),
      };
    }),
    buckets: bucketsOf(stack),
    kmsKeys: kmsKeysOf(stack),
    flowLogs: resourcesOf(stack, "aws_flow_log").map((f) => {
      const vpc = referenceTo(f.body.vpc_id, "aws_vpc");
      const subnet = referenceTo(f.body.subnet_id, "aws_subnet");
      const destination =
        referenceTo(f.body.log_destination, "aws_cloudwatch_log_group") ??
        referenceTo(f.body.log_destination, "aws_s3_bucket") ??
        referenceTo(f.body.log_group_name, "aws_cloudwatch_log_group");
      return {
        address: f.address,
        ...(vpc ? { vpc } : {}),
        ...(subnet ? { subnet } : {}),
        trafficType: stringOf(f.body.traffic_type) ?? "ALL",
        ...(destination ? { destination } : {}),
      };
    }),
  };
}
