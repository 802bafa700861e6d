import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { ReadableStack, SecureBucket, ValidationError, ValidationIssue, readableLogicalId } from "@ssm-access/core";
import type { Environment } from "../config/schema";
import { addBackend } from "./backend";

/** Name of the stack that creates the S3 state buckets. */
export const STATE_BOOTSTRAP_STACK = "state-bootstrap";

/** Days a replaced or deleted state version is kept. */
export const NONCURRENT_STATE_VERSION_DAYS = 90;

/** One state bucket to create, and who uses it. */
export interface StateBucketPlan {
  readonly bucket: string;
  readonly region: string;
  readonly accountId: string;
  readonly profile?: string;
  readonly dynamodbTables: readonly string[];
  readonly environments: readonly string[];
}

/**
 * The state buckets the environments need: one per bucket name, in the
 * account of the environments that use it. A bucket named by environments of
 * different accounts or Regions is an error.
 */
export function planStateBuckets(envs: readonly Environment[]): StateBucketPlan[] {
  const plans = new Map<string, { bucket: string; region: string; accountId: string; profile?: string; tables: Set<string>; envs: string[]; file: string }>();
  const byLogicalId = new Map<string, string>();
  const issues: Array<{ file: string; issue: ValidationIssue }> = [];
  for (const env of envs) {
    const b = env.config.backend;
    if (b.type !== "s3") continue;
    const region = b.region ?? env.config.region;
    const seen = plans.get(b.bucket);
    if (!seen) {
      const logicalId = readableLogicalId([b.bucket]);
      const clash = byLogicalId.get(logicalId);
      if (clash) {
        issues.push({
          file: env.file,
          issue: { path: "backend.bucket", message: `bucket ${b.bucket} and bucket ${clash} differ only by '.' and '-'; the state bootstrap stack cannot name both, choose another name` },
        });
        continue;
      }
      byLogicalId.set(logicalId, b.bucket);
      plans.set(b.bucket, { bucket: b.bucket, region, accountId: env.config.accountId, profile: b.profile, tables: new Set(b.dynamodbTable ? [b.dynamodbTable] : []), envs: [env.name], file: env.file });
      continue;
    }
    if (seen.region !== region || seen.accountId !== env.config.accountId) {
      issues.push({
        file: env.file,
        issue: { path: "backend.bucket", message: `bucket ${b.bucket} is used by ${seen.file} in account ${seen.accountId} ${seen.region}; one bucket lives in one account and Region` },
      });
      continue;
    }
    if (seen.profile !== b.profile) {
      issues.push({
        file: env.file,
        issue: { path: "backend.profile", message: `bucket ${b.bucket} is reached with profile ${seen.profile ?? "(none)"} in ${seen.file}; environments sharing a bucket must use the same profile` },
      });
      continue;
    }
    if (b.dynamodbTable) seen.tables.add(b.dynamodbTable);
    seen.envs.push(env.name);
  }
  if (issues.length > 0) throw new ValidationError(issues[0].file, issues.map((i) => i.issue));
  return [...plans.values()].map((p) => ({
    bucket: p.bucket,
    region: p.region,
    accountId: p.accountId,
    ...(p.profile ? { profile: p.profile } : {}),
    dynamodbTables: [...p.tables].sort(),
    environments: p.envs,
  }));
}

/**
 * Creates the S3 buckets (and optional DynamoDB lock tables) that hold the
 * environments' Terraform state. Its own state is local: it must exist
 * before any remote state can. Every bucket: versioning, default KMS
 * encryption, public access blocked, owner-enforced objects, TLS-only
 * policy, expiry of old state versions, and `prevent_destroy`.
 */
export class StateBootstrapStack extends ReadableStack {
  constructor(scope: Construct, envs: readonly Environment[], project: string) {
    super(scope, STATE_BOOTSTRAP_STACK);
    addBackend(this, { type: "local" }, { environment: STATE_BOOTSTRAP_STACK, project, region: "" });

    const providers = new Map<string, AwsProvider>();
    const lockTables = new Map<string, { provider: AwsProvider; tables: Set<string> }>();
    for (const plan of planStateBuckets(envs)) {
      const providerKey = `${plan.accountId}-${plan.region}${plan.profile ? `-${plan.profile}` : ""}`;
      let provider = providers.get(providerKey);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${providerKey}`, {
          alias: `a${providerKey.replace(/[^A-Za-z0-9]/g, "_")}`,
          region: plan.region,
          allowedAccountIds: [plan.accountId],
          ...(plan.profile ? { profile: plan.profile } : {}),
          defaultTags: [{ tags: { Project: project, Environment: STATE_BOOTSTRAP_STACK, ManagedBy: "cdktf" } }],
        });
        providers.set(providerKey, provider);
      }
      new StateBucket(this, plan.bucket, { plan, provider });
      const tables = lockTables.get(providerKey) ?? { provider, tables: new Set<string>() };
      plan.dynamodbTables.forEach((t) => tables.tables.add(t));
      lockTables.set(providerKey, tables);
    }
    // A lock table may serve several buckets of one account and Region: create it once.
    for (const [providerKey, { provider, tables }] of lockTables) {
      for (const table of [...tables].sort()) {
        new DynamodbTable(this, `LockTable-${providerKey}-${table}`, {
          provider,
          name: table,
          billingMode: "PAY_PER_REQUEST",
          hashKey: "LockID",
          attribute: [{ name: "LockID", type: "S" }],
          serverSideEncryption: { enabled: true },
          pointInTimeRecovery: { enabled: true },
          lifecycle: { preventDestroy: true },
        });
      }
    }
  }
}

interface StateBucketProps {
  readonly plan: StateBucketPlan;
  readonly provider: AwsProvider;
}

/** One state bucket: a {@link SecureBucket} that refuses to be destroyed, and its name as an output. */
class StateBucket extends Construct {
  constructor(scope: Construct, id: string, { plan, provider }: StateBucketProps) {
    super(scope, id);
    const bucket = new SecureBucket(this, "Resource", {
      bucketName: plan.bucket,
      region: plan.region,
      provider,
      preventDestroy: true,
      noncurrentVersionExpireAfterDays: NONCURRENT_STATE_VERSION_DAYS,
      lifecycleRuleId: "expire-old-state-versions",
    });
    new TerraformOutput(this, "Name", { value: bucket.bucketName, description: `State bucket of ${plan.environments.join(", ")}` });
  }
}
