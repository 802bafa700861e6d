/**
 * Whether the S3 buckets a plan destroys hold objects: the plan cannot say,
 * and a bucket that does refuses deletion (`BucketNotEmpty`) unless
 * `force_destroy` is on. Read through the S3 API with the caller's
 * credentials (the default chain: `AWS_PROFILE`, SSO, environment
 * variables, ...), `AWS_ENDPOINT_URL` and `AWS_CA_BUNDLE` honoured;
 * one `ListObjectVersions` of at most 10 keys per bucket (object versions
 * and delete markers both keep a bucket from being deleted).
 */
import * as fs from "node:fs";
import * as https from "node:https";
import { isRecord, planAction } from "@ssm-access/terraform-kit";
import { BucketContents } from "./report";

/** The names and Regions of the buckets a plan destroys (deleted or replaced), from `change.before`. */
export function destroyedBuckets(plan: unknown, defaultRegion: string): { name: string; region: string }[] {
  const changes = isRecord(plan) && Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  return changes.flatMap((entry) => {
    if (!isRecord(entry) || entry.type !== "aws_s3_bucket" || !isRecord(entry.change)) return [];
    const actions = Array.isArray(entry.change.actions) ? entry.change.actions.map(String) : [];
    const action = planAction(actions);
    if (action !== "delete" && action !== "replace") return [];
    const before = isRecord(entry.change.before) ? entry.change.before : {};
    if (typeof before.bucket !== "string") return [];
    return [{ name: before.bucket, region: typeof before.region === "string" ? before.region : defaultRegion }];
  });
}

/** How long one bucket read may take before the review goes on without it. */
const READ_TIMEOUT_MS = 10_000;

/**
 * Reads what each bucket holds; a bucket that cannot be read (no
 * credentials, access denied, a timeout) is `unread` with the reason, and
 * the review says "if it holds objects".
 */
export async function readBucketContents(
  buckets: readonly { name: string; region: string }[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, BucketContents>> {
  if (buckets.length === 0) return {};
  const { S3Client, ListObjectVersionsCommand } = await import("@aws-sdk/client-s3");
  const handler = await caBundleHandler(env);
  const entries = await Promise.all(
    buckets.map(async ({ name, region }): Promise<[string, BucketContents]> => {
      const client = new S3Client({
        region,
        ...(handler ? { requestHandler: handler } : {}),
        // An endpoint of one's own (an emulator, a proxy) seldom resolves bucket subdomains.
        forcePathStyle: Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL),
        maxAttempts: 2,
      });
      try {
        const listed = await client.send(new ListObjectVersionsCommand({ Bucket: name, MaxKeys: 10 }), {
          abortSignal: AbortSignal.timeout(READ_TIMEOUT_MS),
        });
        const count = (listed.Versions?.length ?? 0) + (listed.DeleteMarkers?.length ?? 0);
        return [name, count === 0 ? { kind: "empty" } : { kind: "objects", count, more: listed.IsTruncated === true }];
      } catch (e) {
        const error = e as Error;
        return [name, { kind: "unread", reason: `${error.name}: ${error.message}`.slice(0, 200) }];
      } finally {
        client.destroy();
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** An HTTP handler trusting `AWS_CA_BUNDLE` (which the SDK for JavaScript does not read itself), when set. */
async function caBundleHandler(env: NodeJS.ProcessEnv) {
  const bundle = env.AWS_CA_BUNDLE;
  if (bundle === undefined || bundle === "") return undefined;
  const { NodeHttpHandler } = await import("@smithy/node-http-handler");
  return new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: fs.readFileSync(bundle) }) });
}
