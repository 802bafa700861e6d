/**
 * Usage assumptions: what the usage lines of an estimate multiply. They come
 * from the optional `cost.usage` section of an environment file; every
 * field has a small default, printed beside each line it prices.
 */
import { isRecord } from "@ssm-access/terraform-kit";

/** Monthly usage the estimate assumes. Every figure is per resource, per month. */
export interface UsageAssumptions {
  /**
   * GB processed by each interface endpoint (session traffic, agent calls).
   * @default 1
   */
  readonly endpointGB: number;
  /**
   * GB processed by each NAT gateway.
   * @default 1
   */
  readonly natGB: number;
  /**
   * GB ingested into each log group (session transcripts, flow logs).
   * @default 1
   */
  readonly logIngestionGB: number;
  /**
   * GB stored in each log group (the retention keeps it; a month's ingestion by default).
   * @default 1
   */
  readonly logStorageGB: number;
  /**
   * Requests to each KMS key (encryption of sessions and logs).
   * @default 10000
   */
  readonly kmsRequests: number;
  /**
   * GB stored in each S3 bucket.
   * @default 1
   */
  readonly s3StorageGB: number;
  /**
   * PUT/COPY/POST/LIST requests to each bucket.
   * @default 10000
   */
  readonly s3PutRequests: number;
  /**
   * GET and other requests to each bucket.
   * @default 10000
   */
  readonly s3GetRequests: number;
}

/** The defaults: small, so that a reviewer reads the fixed part as the bulk of the estimate. */
export const DEFAULT_USAGE: UsageAssumptions = {
  endpointGB: 1,
  natGB: 1,
  logIngestionGB: 1,
  logStorageGB: 1,
  kmsRequests: 10000,
  s3StorageGB: 1,
  s3PutRequests: 10000,
  s3GetRequests: 10000,
};

/**
 * The usage assumptions of an environment file: `cost.usage` over the
 * defaults. Throws naming the file and field of a value that is not a
 * number of 0 or more, or of an unknown field.
 */
export function usageOf(environment: unknown, file: string): UsageAssumptions {
  const cost = isRecord(environment) ? environment.cost : undefined;
  if (cost === undefined) return DEFAULT_USAGE;
  if (!isRecord(cost)) throw new Error(`${file}: cost: is not an object`);
  const usage = cost.usage;
  if (usage === undefined) return DEFAULT_USAGE;
  if (!isRecord(usage)) throw new Error(`${file}: cost.usage: is not an object`);
  const problems: string[] = [];
  const result: Record<string, number> = { ...DEFAULT_USAGE };
  for (const [key, value] of Object.entries(usage)) {
    if (!(key in DEFAULT_USAGE)) {
      problems.push(`${file}: cost.usage.${key}: unknown; use ${Object.keys(DEFAULT_USAGE).join(", ")}`);
    } else if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      problems.push(`${file}: cost.usage.${key}: is not a number of 0 or more`);
    } else {
      result[key] = value;
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return result as unknown as UsageAssumptions;
}
