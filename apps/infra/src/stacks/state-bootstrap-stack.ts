import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { ReadableStack, SecureBucket, ValidationError, ValidationIssue, readableLogicalId } from "@ssm-access/core";
import { AggregateValidationError } from "../config/load";
import type { Environment } from "../config/schema";
import { AccountBaseline, AccountPublicAccessBlock } from "./account-baseline";
import { addBackend } from "./backend";
import {
  AwsCredentials,
  describeCredentials,
  providerCredentials,
  sameCredentials,
  stateCredentials,
} from "./credentials";

/** Name of the stack that creates the S3 state buckets. */
export const STATE_BOOTSTRAP_STACK = "state-bootstrap";

/** Days a replaced or deleted state version is kept. */
export const NONCURRENT_STATE_VERSION_DAYS = 90;

/** One state bucket to create, and who uses it. */
export interface StateBucketPlan {
  readonly bucket: string;
  readonly region: string;
  readonly accountId: string;
  /** How Terraform reaches the account to create the bucket: the environments' state credentials. */
  readonly credentials: AwsCredentials;
  readonly dynamodbTables: readonly string[];
  readonly environments: readonly string[];
}

/**
 * The state buckets the environments need: one per bucket name, in the
 * account of the environments that use it, created with their state
 * credentials (`backend.profile`, else `deploy.profile`, and `deploy`'s role).
 * Errors, each at the field of the file that breaks the rule and naming the
 * other file:
 * - a bucket named by environments of different accounts or Regions;
 * - two bucket names that differ only by `.` and `-`;
 * - one account and Region reached with different credentials (the stack has
 *   one provider per account and Region);
 * - two accounts reached with the same profile and no role, or both with the
 *   default credential chain (no `deploy` section): one profile's (or the
 *   chain's) credentials belong to one account, so the other provider would
 *   fail with "AWS account ID not allowed".
 */
export function planStateBuckets(envs: readonly Environment[]): StateBucketPlan[] {
  const plans = new Map<
    string,
    {
      bucket: string;
      region: string;
      accountId: string;
      credentials: AwsCredentials;
      tables: Set<string>;
      envs: string[];
      file: string;
    }
  >();
  const byLogicalId = new Map<string, string>();
  const reachedWith = new Map<string, { credentials: AwsCredentials; env: Environment }>();
  const byCredentials = new Map<string, { accountId: string; env: Environment }>();
  const issues: Array<{ file: string; issue: ValidationIssue }> = [];
  for (const env of envs) {
    const b = env.config.backend;
    if (b.type !== "s3") continue;
    const region = b.region ?? env.config.region;
    const { accountId } = env.config;
    const credentials = stateCredentials(b, env.config.deploy);
    const credentialIssue = checkCredentials(env, accountId, region, credentials, reachedWith, byCredentials);
    if (credentialIssue) {
      issues.push({ file: env.file, issue: credentialIssue });
      continue;
    }
    const seen = plans.get(b.bucket);
    if (!seen) {
      const logicalId = readableLogicalId([b.bucket]);
      const clash = byLogicalId.get(logicalId);
      if (clash) {
        issues.push({
          file: env.file,
          issue: {
            path: "backend.bucket",
            message: `bucket ${b.bucket} and bucket ${clash} differ only by '.' and '-'; the state bootstrap stack cannot name both, choose another name`,
          },
        });
        continue;
      }
      byLogicalId.set(logicalId, b.bucket);
      plans.set(b.bucket, {
        bucket: b.bucket,
        region,
        accountId,
        credentials,
        tables: new Set(b.dynamodbTable ? [b.dynamodbTable] : []),
        envs: [env.name],
        file: env.file,
      });
      continue;
    }
    if (seen.region !== region || seen.accountId !== accountId) {
      issues.push({
        file: env.file,
        issue: {
          path: "backend.bucket",
          message: `bucket ${b.bucket} is used by ${seen.file} in account ${seen.accountId} ${seen.region}; one bucket lives in one account and Region`,
        },
      });
      continue;
    }
    if (b.dynamodbTable) seen.tables.add(b.dynamodbTable);
    seen.envs.push(env.name);
  }
  throwIssues(issues);
  return [...plans.values()].map((p) => ({
    bucket: p.bucket,
    region: p.region,
    accountId: p.accountId,
    credentials: p.credentials,
    dynamodbTables: [...p.tables].sort(),
    environments: p.envs,
  }));
}

/**
 * The credential rules of {@link planStateBuckets} for one environment, with
 * what earlier environments recorded (`reachedWith`: by account and Region;
 * `byCredentials`: by credentials named in the file).
 */
function checkCredentials(
  env: Environment,
  accountId: string,
  region: string,
  credentials: AwsCredentials,
  reachedWith: Map<string, { credentials: AwsCredentials; env: Environment }>,
  byCredentials: Map<string, { accountId: string; env: Environment }>,
): ValidationIssue | undefined {
  const target = `${accountId}/${region}`;
  const first = reachedWith.get(target);
  if (first && !sameCredentials(first.credentials, credentials)) {
    return {
      path: credentialField(env, first.credentials, credentials),
      message:
        `account ${accountId} in ${region} is reached with ${describeCredentials(first.credentials)} in ${first.env.file} and with ${describeCredentials(credentials)} here; ` +
        `the state-bootstrap stack has one provider per account and Region, so give both files the same deploy credentials`,
    };
  }
  if (!first) reachedWith.set(target, { credentials, env });
  // Without a role, the credentials are one identity of one account: a profile,
  // or the default chain (whatever the caller has, but the same for every provider
  // of one run). Two accounts reached that way cannot both be bootstrapped.
  if (!credentials.assumeRole) {
    const key = describeCredentials(credentials);
    const other = byCredentials.get(key);
    if (other && other.accountId !== accountId) {
      if (credentials.profile === undefined) {
        return {
          path: "deploy",
          message:
            `is absent here and in ${other.env.file}, so accounts ${other.accountId} and ${accountId} are both reached with the default credential chain, which holds the credentials of one account; ` +
            `the state-bootstrap provider of the other would fail with "AWS account ID not allowed": give each file a deploy section with the profile (or assumeRoleArn) of its account`,
        };
      }
      return {
        path:
          env.config.backend.type === "s3" && env.config.backend.profile !== undefined
            ? "backend.profile"
            : "deploy.profile",
        message:
          `profile ${credentials.profile} also reaches account ${other.accountId} for ${other.env.file}; one profile's credentials belong to one account, ` +
          `so the state-bootstrap provider of the other would fail with "AWS account ID not allowed": set a profile or deploy.assumeRoleArn per account`,
      };
    }
    if (!other) byCredentials.set(key, { accountId, env });
  }
  return undefined;
}

/** The field of `env`'s file where its state credentials first differ from `expected`. */
function credentialField(env: Environment, expected: AwsCredentials, actual: AwsCredentials): string {
  if (expected.profile !== actual.profile) {
    const b = env.config.backend;
    return b.type === "s3" && b.profile !== undefined
      ? "backend.profile"
      : env.config.deploy?.profile !== undefined
        ? "deploy.profile"
        : "deploy";
  }
  if (expected.assumeRole?.roleArn !== actual.assumeRole?.roleArn)
    return env.config.deploy?.assumeRoleArn !== undefined ? "deploy.assumeRoleArn" : "deploy";
  if (expected.assumeRole?.externalId !== actual.assumeRole?.externalId) return "deploy.externalId";
  return "deploy.sessionName";
}

/** Throws the issues, one ValidationError per file (an AggregateValidationError for several files). */
function throwIssues(issues: ReadonlyArray<{ file: string; issue: ValidationIssue }>): void {
  const byFile = new Map<string, ValidationIssue[]>();
  for (const { file, issue } of issues) byFile.set(file, [...(byFile.get(file) ?? []), issue]);
  const errors = [...byFile].map(([file, list]) => new ValidationError(file, list));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateValidationError(errors);
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

    // One provider per account and Region, with the credentials its environments
    // share (planStateBuckets rejects differing ones); ids do not depend on them.
    const providers = new Map<string, AwsProvider>();
    const lockTables = new Map<string, { provider: AwsProvider; tables: Set<string> }>();
    for (const plan of planStateBuckets(envs)) {
      const providerKey = `${plan.accountId}-${plan.region}`;
      let provider = providers.get(providerKey);
      if (!provider) {
        provider = new AwsProvider(this, `aws-${providerKey}`, {
          alias: `a${providerKey.replace(/[^A-Za-z0-9]/g, "_")}`,
          region: plan.region,
          allowedAccountIds: [plan.accountId],
          ...providerCredentials(plan.credentials),
          defaultTags: [{ tags: { Project: project, Environment: STATE_BOOTSTRAP_STACK, ManagedBy: "cdktf" } }],
        });
        providers.set(providerKey, provider);
      }
      new StateBucket(this, plan.bucket, { plan, provider });
      const tables = lockTables.get(providerKey) ?? { provider, tables: new Set<string>() };
      plan.dynamodbTables.forEach((t) => tables.tables.add(t));
      lockTables.set(providerKey, tables);
    }
    addAccountBaselines(this, envs, providers);
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

/**
 * The account baseline of every account and Region one of whose files asks
 * for it (`accountBaseline`), with the provider of its state bucket; S3 Block
 * Public Access, account-wide, once per account. A file asking for it
 * without an S3 backend has no provider here: an error naming the field.
 */
function addAccountBaselines(
  scope: Construct,
  envs: readonly Environment[],
  providers: Map<string, AwsProvider>,
): void {
  const issues: Array<{ file: string; issue: ValidationIssue }> = [];
  const wanted = new Map<string, { accountId: string; region: string; provider: AwsProvider }>();
  for (const env of envs) {
    const baseline = env.config.accountBaseline;
    if (baseline === undefined || baseline.enabled === false) continue;
    const b = env.config.backend;
    const region = b.type === "s3" ? (b.region ?? env.config.region) : env.config.region;
    const key = `${env.config.accountId}-${region}`;
    const provider = b.type === "s3" ? providers.get(key) : undefined;
    if (provider === undefined) {
      issues.push({
        file: env.file,
        issue: {
          path: "accountBaseline",
          message:
            'is applied by the state-bootstrap stack with the provider of the S3 state bucket; this file has backend type "' +
            b.type +
            '": use an S3 backend or leave the baseline to a file of the same account that has one',
        },
      });
      continue;
    }
    if (!wanted.has(key)) wanted.set(key, { accountId: env.config.accountId, region, provider });
  }
  throwIssues(issues);
  const accountsDone = new Set<string>();
  for (const [key, { accountId, region, provider }] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    new AccountBaseline(scope, `AccountBaseline-${key}`, { provider, accountId, region });
    if (!accountsDone.has(accountId)) {
      new AccountPublicAccessBlock(scope, `AccountPublicAccessBlock-${accountId}`, { provider, accountId });
      accountsDone.add(accountId);
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
    new TerraformOutput(this, "Name", {
      value: bucket.bucketName,
      description: `State bucket of ${plan.environments.join(", ")}`,
    });
  }
}
