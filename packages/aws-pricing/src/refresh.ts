/**
 * Rewrites the price snapshot from the AWS Price List Query API
 * (`@aws-sdk/client-pricing`, `GetProducts`), for every commercial Region
 * the API lists: only the products the stacks incur, each price with its
 * usage type and SKU. Needs network access and credentials allowed to call
 * `pricing:GetProducts` and `pricing:GetAttributeValues`.
 */
import { GetAttributeValuesCommand, GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { isRecord } from "@ssm-access/terraform-kit";
import { PRICED_INSTANCE_FAMILIES } from "./families";
import { Price, PriceSnapshot, PriceSource } from "./snapshot";

/** Id of the source every refreshed price names. */
export const QUERY_API_SOURCE_ID = "price-list-query-api";

/** What the refresh needs of a Pricing client: `send` of the two commands. */
export interface PricingSender {
  send(command: GetProductsCommand | GetAttributeValuesCommand): Promise<unknown>;
}

/** Options of {@link refreshSnapshot}. */
export interface RefreshOptions {
  /**
   * The client (tests pass recorded responses).
   * @default - a PricingClient of us-east-1, the Query API's endpoint
   */
  readonly client?: PricingSender;
  /**
   * Regions to read.
   * @default - every commercial Region the API lists for AmazonEC2
   */
  readonly regions?: readonly string[];
  /**
   * The snapshot date.
   * @default - today (UTC)
   */
  readonly today?: string;
}

/** A commercial Region code (no GovCloud, China, ISO or Local Zone codes). */
const COMMERCIAL_REGION = /^(?!us-gov|cn-|us-iso)[a-z]{2}-[a-z]+-\d$/;

/** One query: a service, its filters, and how to name what it returns. */
interface Query {
  readonly serviceCode: string;
  readonly filters: Readonly<Record<string, string>>;
  /** The product key of a returned price, or `undefined` to leave it out. */
  readonly classify: (item: PriceItem) => string | undefined;
  /** Converts the published price into the snapshot unit (e.g. per GiBps-month → per MiBps-month). */
  readonly convert?: (item: PriceItem) => { usd: number; unit: string };
}

/** The parts of one Price List item the refresh reads. */
export interface PriceItem {
  readonly sku: string;
  readonly usagetype: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** First on-demand price dimension with a non-zero price (free tiers skipped), else the first. */
  readonly usd: number;
  readonly unit: string;
  readonly description: string;
}

/**
 * Parses one `PriceList` entry of a GetProducts response (a JSON string);
 * throws naming the field that is missing.
 */
export function parsePriceItem(text: string): PriceItem {
  const item: unknown = JSON.parse(text);
  if (!isRecord(item) || !isRecord(item.product) || !isRecord(item.product.attributes)) {
    throw new Error("GetProducts: a PriceList entry has no product.attributes");
  }
  const attributes = item.product.attributes as Record<string, string>;
  const sku = typeof item.product.sku === "string" ? item.product.sku : "";
  const onDemand = isRecord(item.terms) && isRecord(item.terms.OnDemand) ? item.terms.OnDemand : undefined;
  if (onDemand === undefined) throw new Error(`GetProducts: SKU ${sku} has no terms.OnDemand`);
  const dimensions = Object.values(onDemand)
    .flatMap((term) => (isRecord(term) && isRecord(term.priceDimensions) ? Object.values(term.priceDimensions) : []))
    .filter(isRecord)
    .map((d) => ({
      usd: Number(isRecord(d.pricePerUnit) ? d.pricePerUnit.USD : NaN),
      unit: String(d.unit ?? ""),
      description: String(d.description ?? ""),
      begin: Number(d.beginRange ?? 0),
    }))
    .filter((d) => Number.isFinite(d.usd))
    .sort((a, b) => a.begin - b.begin);
  const chosen = dimensions.find((d) => d.usd > 0) ?? dimensions[0];
  if (chosen === undefined) throw new Error(`GetProducts: SKU ${sku} has no USD price dimension`);
  return {
    sku,
    usagetype: attributes.usagetype ?? "",
    attributes,
    usd: chosen.usd,
    unit: chosen.unit,
    description: chosen.description,
  };
}

const endsWith = (suffix: string) => (item: PriceItem) => item.usagetype.endsWith(suffix);

/** The queries of one Region. */
function queriesOf(region: string): Query[] {
  const families = new Set(PRICED_INSTANCE_FAMILIES);
  return [
    {
      serviceCode: "AmazonEC2",
      filters: {
        regionCode: region,
        productFamily: "Compute Instance",
        operatingSystem: "Linux",
        tenancy: "Shared",
        preInstalledSw: "NA",
        capacitystatus: "Used",
        licenseModel: "No License required",
        marketoption: "OnDemand",
      },
      classify: (item) => {
        const type = item.attributes.instanceType ?? "";
        return families.has(type.split(".")[0]) && item.attributes.operation === "RunInstances"
          ? `ec2:${type}`
          : undefined;
      },
    },
    {
      serviceCode: "AmazonEC2",
      filters: { regionCode: region, volumeApiName: "gp3" },
      classify: (item) =>
        endsWith("VolumeUsage.gp3")(item)
          ? "ebs.gp3.storage"
          : endsWith("VolumeP-IOPS.gp3")(item)
            ? "ebs.gp3.iops"
            : endsWith("VolumeP-Throughput.gp3")(item)
              ? "ebs.gp3.throughput"
              : undefined,
      convert: (item) =>
        /gibps/i.test(item.unit)
          ? { usd: item.usd / 1024, unit: "MiBps-months" }
          : { usd: item.usd, unit: snapshotUnit(item) },
    },
    {
      serviceCode: "AmazonEC2",
      filters: { regionCode: region, productFamily: "NAT Gateway" },
      classify: (item) =>
        /(^|-)NatGateway-Hours$/.test(item.usagetype)
          ? "nat.hours"
          : /(^|-)NatGateway-Bytes$/.test(item.usagetype)
            ? "nat.gb"
            : undefined,
    },
    {
      serviceCode: "AmazonVPC",
      filters: { regionCode: region, productFamily: "VpcEndpoint" },
      classify: (item) =>
        /(^|-)VpcEndpoint-Hours$/.test(item.usagetype)
          ? "vpce.hours"
          : /(^|-)VpcEndpoint-Bytes$/.test(item.usagetype)
            ? "vpce.gb"
            : undefined,
    },
    {
      serviceCode: "AmazonVPC",
      filters: { regionCode: region },
      classify: (item) => (endsWith("PublicIPv4:InUseAddress")(item) ? "ipv4.hours" : undefined),
    },
    {
      serviceCode: "awskms",
      filters: { regionCode: region },
      classify: (item) =>
        endsWith("KMS-Keys")(item) ? "kms.key" : endsWith("KMS-Requests")(item) ? "kms.requests" : undefined,
    },
    {
      serviceCode: "AmazonCloudWatch",
      filters: { regionCode: region },
      classify: (item) =>
        /(^|-)DataProcessing-Bytes$/.test(item.usagetype)
          ? "logs.ingestion"
          : /(^|-)TimedStorage-ByteHrs$/.test(item.usagetype)
            ? "logs.storage"
            : undefined,
    },
    {
      serviceCode: "AmazonS3",
      filters: { regionCode: region },
      classify: (item) =>
        /(^|-)TimedStorage-ByteHrs$/.test(item.usagetype) && item.attributes.volumeType === "Standard"
          ? "s3.storage"
          : /(^|-)Requests-Tier1$/.test(item.usagetype)
            ? "s3.put"
            : /(^|-)Requests-Tier2$/.test(item.usagetype)
              ? "s3.get"
              : undefined,
    },
  ];
}

/** The snapshot's unit of a published Price List unit. */
function snapshotUnit(item: PriceItem): string {
  const unit = item.unit.toLowerCase();
  if (unit === "hrs" || unit === "hours") return "hours";
  if (unit === "gb-mo" || unit === "gb-month") return "GB-months";
  if (unit === "iops-mo") return "IOPS-months";
  if (unit === "gb") return "GB";
  if (unit === "requests") return "requests";
  if (unit === "keys" || unit === "months" || unit === "key-mo") return "key-months";
  return item.unit;
}

async function allProducts(client: PricingSender, query: Query): Promise<PriceItem[]> {
  const items: PriceItem[] = [];
  let token: string | undefined;
  do {
    const response = await client.send(
      new GetProductsCommand({
        ServiceCode: query.serviceCode,
        FormatVersion: "aws_v1",
        Filters: Object.entries(query.filters).map(([Field, Value]) => ({ Type: "TERM_MATCH", Field, Value })),
        ...(token !== undefined ? { NextToken: token } : {}),
      }),
    );
    if (!isRecord(response) || !Array.isArray(response.PriceList)) {
      throw new Error(
        `GetProducts ${query.serviceCode} ${JSON.stringify(query.filters)}: no PriceList in the response`,
      );
    }
    for (const entry of response.PriceList) items.push(parsePriceItem(String(entry)));
    token = typeof response.NextToken === "string" && response.NextToken !== "" ? response.NextToken : undefined;
  } while (token !== undefined);
  return items;
}

/** Every commercial Region code the Query API lists for AmazonEC2, sorted. */
export async function commercialRegions(client: PricingSender): Promise<string[]> {
  const codes = new Set<string>();
  let token: string | undefined;
  do {
    const response = await client.send(
      new GetAttributeValuesCommand({
        ServiceCode: "AmazonEC2",
        AttributeName: "regionCode",
        ...(token !== undefined ? { NextToken: token } : {}),
      }),
    );
    const values = isRecord(response) && Array.isArray(response.AttributeValues) ? response.AttributeValues : [];
    for (const v of values)
      if (isRecord(v) && typeof v.Value === "string" && COMMERCIAL_REGION.test(v.Value)) codes.add(v.Value);
    token =
      isRecord(response) && typeof response.NextToken === "string" && response.NextToken !== ""
        ? response.NextToken
        : undefined;
  } while (token !== undefined);
  return [...codes].sort();
}

/**
 * Reads the prices of every Region and builds a snapshot. Where several
 * products give one key (e.g. two NAT gateway SKUs), the one with the
 * lowest SKU is kept, so the result does not depend on the API's order; a
 * product the API does not list for a Region is absent (the estimate then
 * says "no price").
 */
export async function refreshSnapshot(options: RefreshOptions = {}): Promise<PriceSnapshot> {
  const client = options.client ?? new PricingClient({ region: "us-east-1" });
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const regions = options.regions ?? (await commercialRegions(client));
  const snapshotRegions: Record<string, Record<string, Price>> = {};
  for (const region of regions) {
    const prices: Record<string, Price & { sku: string }> = {};
    for (const query of queriesOf(region)) {
      for (const item of await allProducts(client, query)) {
        const key = query.classify(item);
        if (key === undefined) continue;
        const { usd, unit } = query.convert?.(item) ?? { usd: item.usd, unit: snapshotUnit(item) };
        const existing = prices[key];
        if (existing !== undefined && existing.sku <= item.sku) continue;
        prices[key] = {
          usd: Number(usd.toPrecision(10)),
          unit,
          source: QUERY_API_SOURCE_ID,
          entry: `${item.usagetype}, SKU ${item.sku}: ${item.description}`,
          sku: item.sku,
        };
      }
    }
    snapshotRegions[region] = Object.fromEntries(
      Object.entries(prices)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, { sku: _sku, ...price }]) => [key, price]),
    );
  }
  const source: PriceSource = {
    id: QUERY_API_SOURCE_ID,
    title: "AWS Price List Query API, GetProducts (on-demand terms)",
    url: "https://api.pricing.us-east-1.amazonaws.com",
    date: today,
  };
  return { snapshotDate: today, currency: "USD", sources: [source], regions: snapshotRegions };
}
