/**
 * The monthly estimate of a set of resources: for each priced resource, one
 * line per billed dimension (hours, GB-months, requests, GB) with its
 * quantity, unit price, monthly USD and source, fixed (provisioned) or usage
 * (traffic, logs, requests). A dimension the snapshot has no price for gives
 * a line without a price that says so: never a guess.
 *
 * Pure: the resources come from a synthesized stack ({@link stackResources})
 * or from one side of a plan ({@link planResources}).
 */
import {
  PlanJson,
  StackJson,
  awsProviderBlocks,
  isRecord,
  objectsOf,
  referencesIn,
  stackBlocks,
} from "@ssm-access/terraform-kit";
import { PriceSnapshot, citation, priceOf } from "./snapshot";
import { UsageAssumptions } from "./usage";

/** Hours AWS uses for a month (8,760 h a year / 12). */
export const HOURS_PER_MONTH = 730;

/** gp3 performance included in the storage price. */
export const GP3_BASELINE = { iops: 3000, throughputMiBps: 125 } as const;

/** One resource to price: its address, type, attribute values and Region. */
export interface PricedResource {
  readonly address: string;
  readonly type: string;
  /** The resource's attributes (a stack block's arguments, or a plan's `before`/`after`). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Region its provider configuration deploys to. */
  readonly region: string;
}

/** `fixed`: provisioned, billed while it exists. `usage`: billed by traffic, storage or requests. */
export type CostKind = "fixed" | "usage";

/** One billed dimension of one resource. */
export interface CostLine {
  readonly address: string;
  readonly type: string;
  /** What is billed, e.g. `Interface endpoint, 3 AZs`. */
  readonly description: string;
  /** Snapshot product key, e.g. `vpce.hours`. */
  readonly product: string;
  readonly region: string;
  readonly quantity: number;
  /** Unit of `quantity` and of the unit price, e.g. `hours`. */
  readonly unit: string;
  /** USD per unit; `null` when the snapshot has no price (see `noPrice`). */
  readonly unitPrice: number | null;
  /** quantity × unit price, rounded to the cent; `null` without a price. */
  readonly monthly: number | null;
  readonly kind: CostKind;
  /** The price list entry and its source's citation and date; `null` without a price. */
  readonly source: { readonly entry: string; readonly citation: string; readonly date: string } | null;
  /** For a usage line: the assumption behind the quantity, e.g. `cost.usage.endpointGB = 1 (default)`. */
  readonly assumption?: string;
  /** Why the line has no price. */
  readonly noPrice?: string;
}

/** The estimate of a set of resources. */
export interface Estimate {
  /** Regions the resources deploy to, sorted. */
  readonly regions: readonly string[];
  readonly snapshotDate: string;
  readonly lines: readonly CostLine[];
  /** Sum of the priced fixed lines, USD per month. */
  readonly monthlyFixed: number;
  /** Sum of the priced usage lines. */
  readonly monthlyUsage: number;
  readonly monthlyTotal: number;
  /** Lines without a price: the totals leave them out. */
  readonly unpriced: number;
}

/** Resource types that AWS does not bill by themselves (their cost is in what they hold or carry). */
export const FREE_TYPES: readonly string[] = [
  "aws_default_security_group",
  "aws_ebs_encryption_by_default",
  "aws_ec2_tag",
  "aws_iam_instance_profile",
  "aws_iam_policy",
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_role_policy_attachment",
  "aws_internet_gateway",
  "aws_kms_alias",
  "aws_launch_template",
  "aws_route",
  "aws_route_table",
  "aws_route_table_association",
  "aws_s3_account_public_access_block",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_object_lock_configuration",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_versioning",
  "aws_security_group",
  "aws_ssm_association",
  "aws_ssm_document",
  "aws_ssm_maintenance_window",
  "aws_ssm_maintenance_window_target",
  "aws_ssm_maintenance_window_task",
  "aws_ssm_service_setting",
  "aws_subnet",
  "aws_vpc",
  "aws_vpc_security_group_egress_rule",
  "aws_vpc_security_group_ingress_rule",
];

/** The product keys each priced resource type can bill. */
export const PRICED_TYPES: Readonly<Record<string, readonly string[]>> = {
  aws_instance: ["ec2:<instance type>", "ebs.gp3.storage", "ebs.gp3.iops", "ebs.gp3.throughput"],
  aws_vpc_endpoint: ["vpce.hours", "vpce.gb"],
  aws_nat_gateway: ["nat.hours", "nat.gb"],
  aws_eip: ["ipv4.hours"],
  aws_kms_key: ["kms.key", "kms.requests"],
  aws_cloudwatch_log_group: ["logs.ingestion", "logs.storage"],
  aws_flow_log: [],
  aws_s3_bucket: ["s3.storage", "s3.put", "s3.get"],
};

/** A line before pricing. */
interface Dimension {
  readonly description: string;
  readonly product: string;
  readonly quantity: number;
  readonly unit: string;
  readonly kind: CostKind;
  readonly assumption?: string;
  /** Why the quantity is not known (the line then has no price). */
  readonly unknown?: string;
}

const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value)
    ? value
    : typeof value === "string" && value !== "" && Number.isFinite(Number(value))
      ? Number(value)
      : undefined;

function assumption(usage: UsageAssumptions, key: keyof UsageAssumptions, defaults: UsageAssumptions): string {
  return `cost.usage.${key} = ${usage[key]}${usage[key] === defaults[key] ? " (default)" : ""}`;
}

/** The root volume of an instance: its own `root_block_device`, else its launch template's first EBS mapping. */
function rootVolume(
  resource: PricedResource,
  launchTemplateOf: (resource: PricedResource) => Readonly<Record<string, unknown>> | undefined,
): { size: number; type: string; iops?: number; throughput?: number } | undefined {
  const own = objectsOf(resource.values.root_block_device)[0];
  const fromTemplate = (() => {
    const template = launchTemplateOf(resource);
    const mapping = objectsOf(template?.block_device_mappings)[0];
    return objectsOf(mapping?.ebs)[0];
  })();
  for (const volume of [own, fromTemplate]) {
    const size = num(volume?.volume_size);
    if (volume === undefined || size === undefined) continue;
    const type = typeof volume.volume_type === "string" ? volume.volume_type : "gp3";
    const iops = num(volume.iops);
    const throughput = num(volume.throughput);
    return {
      size,
      type,
      ...(iops !== undefined ? { iops } : {}),
      ...(throughput !== undefined ? { throughput } : {}),
    };
  }
  return undefined;
}

function dimensionsOf(
  resource: PricedResource,
  usage: UsageAssumptions,
  defaults: UsageAssumptions,
  launchTemplateOf: (resource: PricedResource) => Readonly<Record<string, unknown>> | undefined,
): Dimension[] {
  const v = resource.values;
  const month = HOURS_PER_MONTH;
  const use = (key: keyof UsageAssumptions) => ({ assumption: assumption(usage, key, defaults) });
  switch (resource.type) {
    case "aws_instance": {
      const type = typeof v.instance_type === "string" ? v.instance_type : undefined;
      const lines: Dimension[] = [
        {
          description: `Instance ${type ?? "of a type known only after apply"}, On-Demand Linux`,
          product: `ec2:${type ?? "unknown"}`,
          quantity: month,
          unit: "hours",
          kind: "fixed",
          ...(type === undefined ? { unknown: "its instance_type is known only after apply" } : {}),
        },
      ];
      const volume = rootVolume(resource, launchTemplateOf);
      if (volume !== undefined) {
        const product = `ebs.${volume.type}`;
        lines.push({
          description: `Root volume ${volume.type}, ${volume.size} GiB`,
          product: `${product}.storage`,
          quantity: volume.size,
          unit: "GB-months",
          kind: "fixed",
        });
        if (volume.type === "gp3" && (volume.iops ?? 0) > GP3_BASELINE.iops) {
          lines.push({
            description: `Root volume IOPS above ${GP3_BASELINE.iops}`,
            product: `${product}.iops`,
            quantity: (volume.iops ?? 0) - GP3_BASELINE.iops,
            unit: "IOPS-months",
            kind: "fixed",
          });
        }
        if (volume.type === "gp3" && (volume.throughput ?? 0) > GP3_BASELINE.throughputMiBps) {
          lines.push({
            description: `Root volume throughput above ${GP3_BASELINE.throughputMiBps} MiB/s`,
            product: `${product}.throughput`,
            quantity: (volume.throughput ?? 0) - GP3_BASELINE.throughputMiBps,
            unit: "MiBps-months",
            kind: "fixed",
          });
        }
      }
      return lines;
    }
    case "aws_vpc_endpoint": {
      if (v.vpc_endpoint_type !== "Interface") return []; // gateway endpoints (S3, DynamoDB) are free
      const service = typeof v.service_name === "string" ? v.service_name.split(".").pop() : "endpoint";
      const azs = Array.isArray(v.subnet_ids) ? v.subnet_ids.length : undefined;
      return [
        azs === undefined
          ? {
              description: `Interface endpoint ${service}, AZs known only after apply`,
              product: "vpce.hours",
              quantity: 0,
              unit: "hours",
              kind: "fixed",
              unknown: "its subnet_ids (the AZ count) are known only after apply",
            }
          : {
              description: `Interface endpoint ${service}, ${azs} AZ${azs === 1 ? "" : "s"} × ${month} h`,
              product: "vpce.hours",
              quantity: azs * month,
              unit: "hours",
              kind: "fixed",
            },
        {
          description: "Data processed by the endpoint",
          product: "vpce.gb",
          quantity: usage.endpointGB,
          unit: "GB",
          kind: "usage",
          ...use("endpointGB"),
        },
      ];
    }
    case "aws_nat_gateway":
      return [
        { description: "NAT gateway", product: "nat.hours", quantity: month, unit: "hours", kind: "fixed" },
        {
          description: "Data processed by the NAT gateway",
          product: "nat.gb",
          quantity: usage.natGB,
          unit: "GB",
          kind: "usage",
          ...use("natGB"),
        },
      ];
    case "aws_eip":
      return [
        { description: "Public IPv4 address", product: "ipv4.hours", quantity: month, unit: "hours", kind: "fixed" },
      ];
    case "aws_kms_key":
      return [
        {
          description:
            v.enable_key_rotation === true
              ? "Customer managed key (yearly rotation: each of the first two adds $1 a month later)"
              : "Customer managed key",
          product: "kms.key",
          quantity: 1,
          unit: "key-months",
          kind: "fixed",
        },
        {
          description: "Key requests",
          product: "kms.requests",
          quantity: usage.kmsRequests,
          unit: "requests",
          kind: "usage",
          ...use("kmsRequests"),
        },
      ];
    case "aws_cloudwatch_log_group":
      return [
        {
          description: "Log ingestion",
          product: "logs.ingestion",
          quantity: usage.logIngestionGB,
          unit: "GB",
          kind: "usage",
          ...use("logIngestionGB"),
        },
        {
          description: "Log storage",
          product: "logs.storage",
          quantity: usage.logStorageGB,
          unit: "GB-months",
          kind: "usage",
          ...use("logStorageGB"),
        },
      ];
    case "aws_s3_bucket":
      return [
        {
          description: "Standard storage",
          product: "s3.storage",
          quantity: usage.s3StorageGB,
          unit: "GB-months",
          kind: "usage",
          ...use("s3StorageGB"),
        },
        {
          description: "PUT, COPY, POST, LIST requests",
          product: "s3.put",
          quantity: usage.s3PutRequests,
          unit: "requests",
          kind: "usage",
          ...use("s3PutRequests"),
        },
        {
          description: "GET and other requests",
          product: "s3.get",
          quantity: usage.s3GetRequests,
          unit: "requests",
          kind: "usage",
          ...use("s3GetRequests"),
        },
      ];
    default:
      // aws_flow_log: delivery to CloudWatch Logs is billed as the log group's ingestion (priced there).
      return [];
  }
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;

/** Prices the resources with the snapshot: one line per billed dimension, and the totals. */
export function estimate(
  resources: readonly PricedResource[],
  snapshot: PriceSnapshot,
  usage: UsageAssumptions,
  defaults: UsageAssumptions = usage,
): Estimate {
  const templates = new Map<string, Readonly<Record<string, unknown>>>();
  for (const r of resources.filter((r) => r.type === "aws_launch_template")) {
    templates.set(r.address, r.values);
    if (typeof r.values.id === "string") templates.set(r.values.id, r.values);
    if (typeof r.values.name === "string") templates.set(`name:${r.values.name}`, r.values);
  }
  const launchTemplateOf = (instance: PricedResource) => {
    const link = objectsOf(instance.values.launch_template)[0];
    const ref = referencesIn(link?.id, "aws_launch_template")[0];
    return (
      (ref !== undefined ? templates.get(ref) : undefined) ??
      (typeof link?.id === "string" ? templates.get(link.id) : undefined) ??
      (typeof link?.name === "string" ? templates.get(`name:${link.name}`) : undefined) ??
      // A planned instance knows its template only after apply; the stacks name both alike.
      (isRecord(instance.values.tags) && typeof instance.values.tags.Name === "string"
        ? templates.get(`name:${instance.values.tags.Name}`)
        : undefined)
    );
  };
  const sources = new Map(snapshot.sources.map((s) => [s.id, s]));
  const lines: CostLine[] = [];
  for (const resource of resources) {
    for (const d of dimensionsOf(resource, usage, defaults, launchTemplateOf)) {
      const price = d.unknown === undefined ? priceOf(snapshot, resource.region, d.product) : undefined;
      const base = {
        address: resource.address,
        type: resource.type,
        description: d.description,
        product: d.product,
        region: resource.region,
        quantity: d.quantity,
        unit: d.unit,
        kind: d.kind,
        ...(d.assumption !== undefined ? { assumption: d.assumption } : {}),
      };
      if (price === undefined) {
        lines.push({
          ...base,
          unitPrice: null,
          monthly: null,
          source: null,
          noPrice:
            d.unknown !== undefined
              ? `not priced: ${d.unknown}`
              : `no price for ${d.product} in ${resource.region} in the snapshot of ${snapshot.snapshotDate}`,
        });
        continue;
      }
      const source = sources.get(price.source);
      lines.push({
        ...base,
        unitPrice: price.usd,
        monthly: cents(d.quantity * price.usd),
        source: {
          entry: price.entry,
          citation: source !== undefined ? citation(source) : price.source,
          date: source?.date ?? snapshot.snapshotDate,
        },
      });
    }
  }
  const sum = (kind: CostKind) => cents(lines.filter((l) => l.kind === kind).reduce((t, l) => t + (l.monthly ?? 0), 0));
  const monthlyFixed = sum("fixed");
  const monthlyUsage = sum("usage");
  return {
    regions: [...new Set(resources.map((r) => r.region))].sort(),
    snapshotDate: snapshot.snapshotDate,
    lines,
    monthlyFixed,
    monthlyUsage,
    monthlyTotal: cents(monthlyFixed + monthlyUsage),
    unpriced: lines.filter((l) => l.monthly === null).length,
  };
}

/** Resource types of `resources` that are neither priced nor known to be free. */
export function unknownTypes(types: Iterable<string>): string[] {
  return [...new Set(types)].filter((t) => !FREE_TYPES.includes(t) && PRICED_TYPES[t] === undefined).sort();
}

/**
 * The resources of a synthesized stack, each with the Region of the
 * provider configuration it names (`provider: "aws.<alias>"`, or the
 * default one). Throws naming the stack when a resource's provider has no
 * Region.
 */
export function stackResources(json: StackJson, what = "stack"): PricedResource[] {
  const regions = new Map<string, string>();
  for (const block of awsProviderBlocks(json)) {
    if (typeof block.config.region === "string")
      regions.set(block.alias === undefined ? "aws" : `aws.${block.alias}`, block.config.region);
  }
  return stackBlocks(json).map((block) => {
    const provider = typeof block.body.provider === "string" ? block.body.provider : "aws";
    const region = regions.get(provider);
    if (region === undefined) throw new Error(`${what}: ${block.address}: provider ${provider} sets no region`);
    return { address: block.address, type: block.type, values: block.body, region };
  });
}

/**
 * One side of a plan as resources: `before` (what exists) or `after` (what
 * the plan leaves), for every managed resource change; resources absent on
 * that side are left out. All take `region`, the environment's Region.
 * An attribute known only after apply (a new endpoint's `subnet_ids`) is
 * taken from the plan's `configuration` (a constant, or one entry per
 * resource referenced), else from the block of the same address in
 * `stackJson`, the synthesized stack the plan was made from.
 */
export function planResources(
  plan: PlanJson,
  side: "before" | "after",
  region: string,
  stackJson?: StackJson,
): PricedResource[] {
  const stack = new Map(stackJson !== undefined ? stackBlocks(stackJson).map((b) => [b.address, b.body]) : []);
  const config = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r.expressions]));
  const resources: PricedResource[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.mode !== undefined && change.mode !== "managed") continue;
    const known = change.change[side];
    if (!isRecord(known)) continue;
    const values: Record<string, unknown> = { ...known };
    const unknown = side === "after" && isRecord(change.change.after_unknown) ? change.change.after_unknown : {};
    const address = change.address.replace(/\[.*\]$/, "");
    for (const [key, isUnknown] of Object.entries(unknown)) {
      if (isUnknown !== true || values[key] !== undefined) continue;
      const expression = config.get(address)?.[key];
      if (isRecord(expression) && expression.constant_value !== undefined) values[key] = expression.constant_value;
      else if (isRecord(expression) && Array.isArray(expression.references)) {
        values[key] = [...new Set(expression.references.map(String).map((r) => r.split(".").slice(0, 2).join(".")))];
      } else if (stack.get(address)?.[key] !== undefined) values[key] = stack.get(address)?.[key];
    }
    resources.push({ address: change.address, type: change.type, values, region });
  }
  return resources;
}
