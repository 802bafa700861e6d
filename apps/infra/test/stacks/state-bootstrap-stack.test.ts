import * as fs from "node:fs";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { DynamodbTable as TfDynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { EbsEncryptionByDefault as TfEbsEncryptionByDefault } from "@cdktf/provider-aws/lib/ebs-encryption-by-default";
import { S3AccountPublicAccessBlock as TfS3AccountPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-account-public-access-block";
import { SsmServiceSetting as TfSsmServiceSetting } from "@cdktf/provider-aws/lib/ssm-service-setting";
import { S3Bucket as TfS3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration as TfS3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls as TfS3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy as TfS3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock as TfS3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as TfS3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as TfS3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ValidationError } from "@ssm-access/core";
import { TerraformJson, configsOf, resourcesOf, parsePolicy } from "@ssm-access/core/testing";
import { AggregateValidationError, loadEnvironmentFile, loadEnvironments } from "../../src/config/load";
import type { Environment, EnvironmentInput } from "../../src/config/schema";
import {
  NONCURRENT_STATE_VERSION_DAYS,
  STATE_BOOTSTRAP_STACK,
  StateBootstrapStack,
  planStateBuckets,
} from "../../src/stacks/state-bootstrap-stack";
import { SHIPPED_ENVIRONMENTS, environmentsDir, removeTempDirs, tempDir, validEnvironment } from "../fixtures";

afterAll(removeTempDirs);

const DEV_ACCOUNT = "111111111111";
const PROD_ACCOUNT = "222222222222";
/** The credentials of the prod account in tests that also have the dev account on the default chain. */
const PROD_DEPLOY = { profile: "prod" };

/** An environment named `name`, read from `environments/<name>.json` built from the minimal valid file. */
function env(name: string, overrides: Partial<EnvironmentInput> = {}): Environment {
  const dir = environmentsDir({ [`${name}.json`]: validEnvironment(overrides) });
  return loadEnvironmentFile(path.join(dir, `${name}.json`), `environments/${name}.json`);
}

/** An environment keeping its state in `bucket` of `accountId`. */
function s3Env(
  name: string,
  bucket: string,
  options: {
    accountId?: string;
    region?: string;
    dynamodbTable?: string;
    profile?: string;
    bucketRegion?: string;
    deploy?: EnvironmentInput["deploy"];
  } = {},
): Environment {
  const region = options.region ?? "eu-west-1";
  return env(name, {
    accountId: options.accountId ?? DEV_ACCOUNT,
    region,
    network: { cidr: "10.30.0.0/16", availabilityZones: [`${region}a`] },
    ...(options.deploy ? { deploy: options.deploy } : {}),
    backend: {
      type: "s3",
      bucket,
      ...(options.bucketRegion ? { region: options.bucketRegion } : {}),
      ...(options.dynamodbTable ? { dynamodbTable: options.dynamodbTable } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
    },
  });
}

/** Synthesizes the bootstrap stack of `envs`. */
function synthBootstrap(envs: readonly Environment[], project = "ssm-access"): TerraformJson {
  const app = new App({ outdir: tempDir("infra-bootstrap-"), stackTraces: false });
  const stack = new StateBootstrapStack(app, envs, project);
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** The config of the resource of `type` that belongs to the state bucket `bucket` (by its `bucket` reference). */
function ofBucket(
  json: TerraformJson,
  type: { tfResourceType: string },
  bucketLogicalId: string,
): Record<string, unknown> {
  const found = configsOf(json, type).find((c) => c.bucket === `\${aws_s3_bucket.${bucketLogicalId}.id}`);
  if (!found) throw new Error(`no ${type.tfResourceType} for bucket ${bucketLogicalId}`);
  return found;
}

/** The ValidationError planStateBuckets throws for `envs`. */
function rejection(envs: Environment[]): ValidationError {
  try {
    planStateBuckets(envs);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected the bucket plan to be rejected");
}

/** The aws provider blocks of a stack. */
function providersOf(json: TerraformJson): Array<Record<string, unknown>> {
  return ((json.provider ?? {}) as Record<string, Array<Record<string, unknown>>>).aws ?? [];
}

describe("planStateBuckets", () => {
  it("plans one bucket per bucket name, in the account and Region of its environment", () => {
    const plans = planStateBuckets([
      s3Env("dev", "dev-tfstate", { accountId: DEV_ACCOUNT }),
      s3Env("prod", "prod-tfstate", { accountId: PROD_ACCOUNT, region: "eu-central-1", deploy: PROD_DEPLOY }),
    ]);
    expect(plans).toEqual([
      {
        bucket: "dev-tfstate",
        region: "eu-west-1",
        accountId: DEV_ACCOUNT,
        credentials: {},
        dynamodbTables: [],
        environments: ["dev"],
      },
      {
        bucket: "prod-tfstate",
        region: "eu-central-1",
        accountId: PROD_ACCOUNT,
        credentials: { profile: "prod" },
        dynamodbTables: [],
        environments: ["prod"],
      },
    ]);
  });

  it("takes the backend's own Region over the environment's", () => {
    const [plan] = planStateBuckets([s3Env("dev", "dev-tfstate", { region: "eu-west-1", bucketRegion: "us-east-1" })]);
    expect(plan.region).toBe("us-east-1");
  });

  it("plans a bucket shared by several environments once, listing each of them", () => {
    const plans = planStateBuckets([s3Env("dev", "shared-tfstate"), s3Env("qa", "shared-tfstate")]);
    expect(plans).toHaveLength(1);
    expect(plans[0].environments).toEqual(["dev", "qa"]);
  });

  it("collects the lock tables of a shared bucket, each once and sorted", () => {
    const [plan] = planStateBuckets([
      s3Env("dev", "shared-tfstate", { dynamodbTable: "locks-b" }),
      s3Env("qa", "shared-tfstate"),
      s3Env("stage", "shared-tfstate", { dynamodbTable: "locks-a" }),
      s3Env("uat", "shared-tfstate", { dynamodbTable: "locks-b" }),
    ]);
    expect(plan.dynamodbTables).toEqual(["locks-a", "locks-b"]);
  });

  it("reaches the bucket with backend.profile", () => {
    const [plan] = planStateBuckets([s3Env("dev", "dev-tfstate", { profile: "state-admin" })]);
    expect(plan.credentials).toEqual({ profile: "state-admin" });
  });

  it("reaches the bucket with the deploy credentials when the backend names no profile", () => {
    const role = `arn:aws:iam::${DEV_ACCOUNT}:role/deploy`;
    const [plan] = planStateBuckets([
      s3Env("dev", "dev-tfstate", { deploy: { profile: "org", assumeRoleArn: role, externalId: "ext-1" } }),
    ]);
    expect(plan.credentials).toEqual({ profile: "org", assumeRole: { roleArn: role, externalId: "ext-1" } });
  });

  it("takes backend.profile over deploy.profile, with deploy's role", () => {
    const role = `arn:aws:iam::${DEV_ACCOUNT}:role/deploy`;
    const [plan] = planStateBuckets([
      s3Env("dev", "dev-tfstate", { profile: "state-admin", deploy: { profile: "org", assumeRoleArn: role } }),
    ]);
    expect(plan.credentials).toEqual({ profile: "state-admin", assumeRole: { roleArn: role } });
  });

  it("skips environments whose state is not in S3", () => {
    const plans = planStateBuckets([
      env("local", { backend: { type: "local" } }),
      env("cloud", { backend: { type: "cloud", organization: "acme", workspace: "cloud" } }),
      s3Env("dev", "dev-tfstate"),
    ]);
    expect(plans.map((p) => p.environments)).toEqual([["dev"]]);
  });

  it("plans nothing when no environment uses S3", () => {
    expect(planStateBuckets([env("dev")])).toEqual([]);
  });

  describe("when one bucket is named by environments of different accounts or Regions", () => {
    it("reports backend.bucket against the file of the environment in the other account", () => {
      const e = rejection([
        s3Env("dev", "shared-tfstate", { accountId: DEV_ACCOUNT }),
        s3Env("prod", "shared-tfstate", { accountId: PROD_ACCOUNT, deploy: PROD_DEPLOY }),
      ]);
      expect(e.subject).toBe("environments/prod.json");
      expect(e.issues).toEqual([expect.objectContaining({ path: "backend.bucket" })]);
      expect(e.message).toContain("backend.bucket");
      expect(e.message).toContain("environments/prod.json");
      expect(e.issues[0].message).toContain("environments/dev.json");
      expect(e.issues[0].message).toContain(DEV_ACCOUNT);
    });

    it("reports backend.bucket when the Regions differ in one account", () => {
      const e = rejection([
        s3Env("dev", "shared-tfstate", { bucketRegion: "eu-west-1" }),
        s3Env("qa", "shared-tfstate", { bucketRegion: "eu-central-1" }),
      ]);
      expect(e.subject).toBe("environments/qa.json");
      expect(e.issues[0].path).toBe("backend.bucket");
      expect(e.issues[0].message).toContain("shared-tfstate");
    });
  });
});

describe("StateBootstrapStack", () => {
  it("is named state-bootstrap", () => {
    const app = new App({ outdir: tempDir("infra-bootstrap-"), stackTraces: false });
    expect(new StateBootstrapStack(app, [], "ssm-access").node.id).toBe(STATE_BOOTSTRAP_STACK);
  });

  describe("for one environment with its state in S3", () => {
    const bucket = "ssm-access-tfstate-111111111111-eu-west-1";
    const json = synthBootstrap([s3Env("dev", bucket)]);
    const bucketId = Object.keys(resourcesOf(json, TfS3Bucket))[0];

    it("keeps its own state in a local file, since no bucket exists before it", () => {
      const backend = (json.terraform as { backend: Record<string, { path: string }> }).backend;
      expect(Object.keys(backend)).toEqual(["local"]);
      expect(backend.local.path).toBe("../../../terraform.state-bootstrap.tfstate");
    });

    it("creates the bucket, protected from terraform destroy", () => {
      const buckets = configsOf(json, TfS3Bucket);
      expect(buckets).toHaveLength(1);
      expect(buckets[0].bucket).toBe(bucket);
      expect(buckets[0].lifecycle).toEqual(expect.objectContaining({ prevent_destroy: true }));
    });

    it("turns versioning on", () => {
      expect(ofBucket(json, TfS3BucketVersioning, bucketId).versioning_configuration).toEqual({ status: "Enabled" });
    });

    it("encrypts objects with KMS by default", () => {
      const rule = (
        ofBucket(json, TfS3BucketServerSideEncryptionConfiguration, bucketId).rule as Array<Record<string, unknown>>
      )[0];
      expect(rule.apply_server_side_encryption_by_default).toEqual(
        expect.objectContaining({ sse_algorithm: "aws:kms" }),
      );
    });

    it("blocks every kind of public access", () => {
      expect(ofBucket(json, TfS3BucketPublicAccessBlock, bucketId)).toEqual(
        expect.objectContaining({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        }),
      );
    });

    it("enforces bucket-owner ownership of every object", () => {
      expect(ofBucket(json, TfS3BucketOwnershipControls, bucketId).rule).toEqual({
        object_ownership: "BucketOwnerEnforced",
      });
    });

    it("denies every request not made over TLS, on the bucket and its objects", () => {
      const policy = parsePolicy(ofBucket(json, TfS3BucketPolicy, bucketId).policy);
      expect(policy.Statement).toHaveLength(1);
      const [deny] = policy.Statement;
      expect(deny.Effect).toBe("Deny");
      expect(deny.Principal).toBe("*");
      expect(deny.Action).toBe("s3:*");
      expect(deny.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
      expect(deny.Resource).toEqual(expect.arrayContaining([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]));
    });

    it("expires replaced state versions after 90 days", () => {
      const rules = ofBucket(json, TfS3BucketLifecycleConfiguration, bucketId).rule as Array<Record<string, unknown>>;
      expect(NONCURRENT_STATE_VERSION_DAYS).toBe(90);
      expect(rules).toEqual([
        expect.objectContaining({
          status: "Enabled",
          noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        }),
      ]);
      expect(rules[0]).not.toHaveProperty("expiration");
    });

    it("creates no lock table when none is named", () => {
      expect(configsOf(json, TfDynamodbTable)).toEqual([]);
    });

    it("configures one aliased provider locked to the environment's account and Region", () => {
      const providers = providersOf(json);
      expect(providers).toHaveLength(1);
      expect(providers[0]).toEqual(
        expect.objectContaining({ region: "eu-west-1", allowed_account_ids: [DEV_ACCOUNT], alias: expect.any(String) }),
      );
    });

    it("creates every bucket resource through that provider", () => {
      const alias = `aws.${providersOf(json)[0].alias as string}`;
      const types = [
        TfS3Bucket,
        TfS3BucketVersioning,
        TfS3BucketServerSideEncryptionConfiguration,
        TfS3BucketPublicAccessBlock,
        TfS3BucketOwnershipControls,
        TfS3BucketPolicy,
        TfS3BucketLifecycleConfiguration,
      ];
      for (const type of types) {
        for (const config of configsOf(json, type)) expect(config.provider).toBe(alias);
      }
    });

    it("tags its resources as the state-bootstrap stack of the project", () => {
      expect(providersOf(json)[0].default_tags).toEqual([
        { tags: { Project: "ssm-access", Environment: STATE_BOOTSTRAP_STACK, ManagedBy: "cdktf" } },
      ]);
    });

    it("outputs the bucket name with a description naming its environments", () => {
      const outputs = Object.values(json.output ?? {});
      expect(outputs).toHaveLength(1);
      expect(outputs[0].description).toContain("dev");
    });
  });

  describe("when a lock table is named", () => {
    const json = synthBootstrap([
      s3Env("dev", "dev-tfstate", { dynamodbTable: "terraform-locks", profile: "state-admin" }),
    ]);

    it("creates the table keyed by LockID, protected from terraform destroy", () => {
      const tables = configsOf(json, TfDynamodbTable);
      expect(tables).toHaveLength(1);
      expect(tables[0]).toEqual(
        expect.objectContaining({
          name: "terraform-locks",
          hash_key: "LockID",
          attribute: [{ name: "LockID", type: "S" }],
          lifecycle: expect.objectContaining({ prevent_destroy: true }),
          provider: `aws.${providersOf(json)[0].alias as string}`,
        }),
      );
    });

    it("passes the profile to the provider", () => {
      expect(providersOf(json)[0].profile).toBe("state-admin");
    });
  });

  describe("for environments in two accounts and one Region", () => {
    const json = synthBootstrap([
      s3Env("dev", "dev-tfstate", { accountId: DEV_ACCOUNT }),
      s3Env("qa", "qa-tfstate", { accountId: DEV_ACCOUNT }),
      s3Env("prod", "prod-tfstate", { accountId: PROD_ACCOUNT, deploy: PROD_DEPLOY }),
    ]);

    it("creates one bucket per bucket name", () => {
      expect(
        configsOf(json, TfS3Bucket)
          .map((b) => b.bucket)
          .sort(),
      ).toEqual(["dev-tfstate", "prod-tfstate", "qa-tfstate"]);
    });

    it("configures one provider per account and Region, each allowed only its account", () => {
      const providers = providersOf(json);
      expect(providers).toHaveLength(2);
      expect(providers.map((p) => p.allowed_account_ids).sort()).toEqual([[DEV_ACCOUNT], [PROD_ACCOUNT]]);
      expect(new Set(providers.map((p) => p.alias)).size).toBe(2);
    });

    it("creates each bucket through the provider of its account", () => {
      const aliasOf = (account: string) =>
        `aws.${providersOf(json).find((p) => (p.allowed_account_ids as string[])[0] === account)?.alias as string}`;
      const byName = Object.fromEntries(configsOf(json, TfS3Bucket).map((b) => [b.bucket, b.provider]));
      expect(byName).toEqual({
        "dev-tfstate": aliasOf(DEV_ACCOUNT),
        "qa-tfstate": aliasOf(DEV_ACCOUNT),
        "prod-tfstate": aliasOf(PROD_ACCOUNT),
      });
    });
  });

  describe("for environments in one account and two Regions", () => {
    const json = synthBootstrap([
      s3Env("dev", "dev-tfstate", { region: "eu-west-1" }),
      s3Env("us", "us-tfstate", { region: "us-east-1" }),
    ]);

    it("configures one provider per Region", () => {
      expect(
        providersOf(json)
          .map((p) => p.region)
          .sort(),
      ).toEqual(["eu-west-1", "us-east-1"]);
    });
  });

  describe("when no environment keeps its state in S3", () => {
    const json = synthBootstrap([
      env("dev", { backend: { type: "local" } }),
      env("hcp", { backend: { type: "cloud", organization: "acme", workspace: "hcp" } }),
    ]);

    it("creates no state bucket, lock table or provider", () => {
      expect(configsOf(json, TfS3Bucket)).toEqual([]);
      expect(configsOf(json, TfDynamodbTable)).toEqual([]);
      expect(providersOf(json)).toEqual([]);
    });
  });

  it("refuses environments that name one bucket in two accounts", () => {
    const envs = [
      s3Env("dev", "shared-tfstate", { accountId: DEV_ACCOUNT }),
      s3Env("prod", "shared-tfstate", { accountId: PROD_ACCOUNT, deploy: PROD_DEPLOY }),
    ];
    const build = () => synthBootstrap(envs);
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(/backend\.bucket/);
  });
});

describe("state buckets that share an account", () => {
  it("creates a lock table named by two buckets of one account and Region only once", () => {
    const json = synthBootstrap([
      s3Env("dev", "bkt-one", { dynamodbTable: "locks" }),
      s3Env("qa", "bkt-two", { dynamodbTable: "locks" }),
    ]);
    expect(configsOf(json, TfDynamodbTable).map((t) => t.name)).toEqual(["locks"]);
    expect(configsOf(json, TfS3Bucket)).toHaveLength(2);
  });

  it("creates a lock table per account when two accounts name the same table", () => {
    const json = synthBootstrap([
      s3Env("dev", "dev-state", { dynamodbTable: "locks" }),
      s3Env("prod", "prod-state", { dynamodbTable: "locks", accountId: PROD_ACCOUNT, deploy: PROD_DEPLOY }),
    ]);
    const tables = configsOf(json, TfDynamodbTable);
    expect(tables.map((t) => t.name)).toEqual(["locks", "locks"]);
    expect(new Set(tables.map((t) => t.provider)).size).toBe(2);
  });

  it("rejects two bucket names that differ only by '.' and '-', at backend.bucket of the second file", () => {
    const e = rejection([s3Env("dev", "bkt.one"), s3Env("qa", "bkt-one")]);
    expect(e.subject).toBe("environments/qa.json");
    expect(e.issues).toEqual([
      { path: "backend.bucket", message: expect.stringMatching(/bkt-one and bucket bkt\.one differ only by/) },
    ]);
  });

  it("rejects environments that reach one bucket with different profiles", () => {
    const e = rejection([s3Env("dev", "shared", { profile: "a" }), s3Env("qa", "shared", { profile: "b" })]);
    expect(e.subject).toBe("environments/qa.json");
    expect(e.issues).toEqual([
      {
        path: "backend.profile",
        message: expect.stringMatching(/profile a in environments\/dev\.json and with profile b here/),
      },
    ]);
  });
});

describe("deploy credentials of the state-bootstrap providers", () => {
  const DEV_ROLE = `arn:aws:iam::${DEV_ACCOUNT}:role/terraform-deploy`;
  const PROD_ROLE = `arn:aws:iam::${PROD_ACCOUNT}:role/terraform-deploy`;

  describe("for two accounts, each reached with its own role", () => {
    const json = synthBootstrap([
      s3Env("dev", "dev-tfstate", {
        accountId: DEV_ACCOUNT,
        deploy: { assumeRoleArn: DEV_ROLE, sessionName: "bootstrap" },
      }),
      s3Env("prod", "prod-tfstate", {
        accountId: PROD_ACCOUNT,
        deploy: { profile: "prod-sso", assumeRoleArn: PROD_ROLE, externalId: "ext-prod" },
      }),
    ]);
    const byAccount = (account: string) =>
      providersOf(json).find((p) => (p.allowed_account_ids as string[])[0] === account) ?? {};

    it("gives each account's provider its own credentials", () => {
      expect(byAccount(DEV_ACCOUNT)).toEqual(
        expect.objectContaining({ assume_role: [{ role_arn: DEV_ROLE, session_name: "bootstrap" }] }),
      );
      expect(byAccount(DEV_ACCOUNT)).not.toHaveProperty("profile");
      expect(byAccount(PROD_ACCOUNT)).toEqual(
        expect.objectContaining({
          profile: "prod-sso",
          assume_role: [{ role_arn: PROD_ROLE, external_id: "ext-prod" }],
        }),
      );
    });

    it("keeps the provider aliases of account and Region, whatever the credentials", () => {
      expect(
        providersOf(json)
          .map((p) => p.alias)
          .sort(),
      ).toEqual([`a${DEV_ACCOUNT}_eu_west_1`, `a${PROD_ACCOUNT}_eu_west_1`]);
    });
  });

  it("shares one provider between environments of one account and Region with the same credentials", () => {
    const deploy = { profile: "dev-admin" };
    const json = synthBootstrap([s3Env("dev", "dev-tfstate", { deploy }), s3Env("qa", "qa-tfstate", { deploy })]);
    expect(providersOf(json)).toEqual([
      expect.objectContaining({ profile: "dev-admin", allowed_account_ids: [DEV_ACCOUNT] }),
    ]);
    expect(new Set(configsOf(json, TfS3Bucket).map((b) => b.provider)).size).toBe(1);
  });

  it("lets environments of one account in two Regions use different credentials: they have a provider each", () => {
    const json = synthBootstrap([
      s3Env("dev", "dev-tfstate", { deploy: { profile: "dev-eu" } }),
      s3Env("us", "us-tfstate", { region: "us-east-1", deploy: { profile: "dev-us" } }),
    ]);
    expect(
      providersOf(json)
        .map((p) => [p.region, p.profile])
        .sort(),
    ).toEqual([
      ["eu-west-1", "dev-eu"],
      ["us-east-1", "dev-us"],
    ]);
  });

  it.each<
    [
      string,
      EnvironmentInput["deploy"],
      string | undefined,
      EnvironmentInput["deploy"],
      string | undefined,
      string,
      RegExp,
    ]
  >([
    [
      "different profiles",
      { profile: "dev-a" },
      undefined,
      { profile: "dev-b" },
      undefined,
      "deploy.profile",
      /with profile dev-a in environments\/dev\.json and with profile dev-b here/,
    ],
    [
      "a role and the default chain",
      { assumeRoleArn: `arn:aws:iam::${DEV_ACCOUNT}:role/a` },
      undefined,
      undefined,
      undefined,
      "deploy",
      /and with the default credential chain here/,
    ],
    [
      "different roles",
      { assumeRoleArn: `arn:aws:iam::${DEV_ACCOUNT}:role/a` },
      undefined,
      { assumeRoleArn: `arn:aws:iam::${DEV_ACCOUNT}:role/b` },
      undefined,
      "deploy.assumeRoleArn",
      /role\/a in environments\/dev\.json and with role .*role\/b here/,
    ],
    [
      "different external ids",
      { assumeRoleArn: DEV_ROLE, externalId: "one" },
      undefined,
      { assumeRoleArn: DEV_ROLE, externalId: "two" },
      undefined,
      "deploy.externalId",
      /external id one/,
    ],
    [
      "different session names",
      { assumeRoleArn: DEV_ROLE, sessionName: "one" },
      undefined,
      { assumeRoleArn: DEV_ROLE },
      undefined,
      "deploy.sessionName",
      /session name one/,
    ],
    [
      "a backend profile against a deploy profile",
      { profile: "dev-a" },
      undefined,
      { profile: "dev-a" },
      "state",
      "backend.profile",
      /profile dev-a in environments\/dev\.json and with profile state here/,
    ],
  ])(
    "rejects one account and Region reached with %s, at the field of the second file, naming both files",
    (_what, devDeploy, devProfile, qaDeploy, qaProfile, field, reason) => {
      const e = rejection([
        s3Env("dev", "dev-tfstate", { deploy: devDeploy, ...(devProfile ? { profile: devProfile } : {}) }),
        s3Env("qa", "qa-tfstate", { deploy: qaDeploy, ...(qaProfile ? { profile: qaProfile } : {}) }),
      ]);
      expect(e.subject).toBe("environments/qa.json");
      expect(e.issues).toEqual([{ path: field, message: expect.stringMatching(reason) }]);
      expect(e.message).toMatch(/one provider per account and Region/);
    },
  );

  it("rejects one profile without a role for two accounts: its credentials belong to one of them", () => {
    const e = rejection([
      s3Env("dev", "dev-tfstate", { accountId: DEV_ACCOUNT, deploy: { profile: "admin" } }),
      s3Env("prod", "prod-tfstate", { accountId: PROD_ACCOUNT, deploy: { profile: "admin" } }),
    ]);
    expect(e.subject).toBe("environments/prod.json");
    expect(e.issues).toEqual([
      {
        path: "deploy.profile",
        message: expect.stringMatching(
          /profile admin also reaches account 111111111111 for environments\/dev\.json.*AWS account ID not allowed/,
        ),
      },
    ]);
  });

  it("rejects two accounts that both use the default credential chain, at deploy, naming both files", () => {
    const e = rejection([
      s3Env("dev", "dev-tfstate", { accountId: DEV_ACCOUNT }),
      s3Env("prod", "prod-tfstate", { accountId: PROD_ACCOUNT }),
    ]);
    expect(e.subject).toBe("environments/prod.json");
    expect(e.issues).toEqual([
      {
        path: "deploy",
        message: expect.stringMatching(
          /absent here and in environments\/dev\.json.*default credential chain.*AWS account ID not allowed.*deploy section/,
        ),
      },
    ]);
    expect(() =>
      synthBootstrap([
        s3Env("dev", "dev-tfstate", { accountId: DEV_ACCOUNT }),
        s3Env("prod", "prod-tfstate", { accountId: PROD_ACCOUNT }),
      ]),
    ).toThrow(/environments\/prod\.json[\s\S]*deploy: is absent here.*default credential chain/);
  });

  it("accepts the default credential chain for one account and a role for another", () => {
    const plans = planStateBuckets([
      s3Env("dev", "dev-tfstate", { accountId: DEV_ACCOUNT }),
      s3Env("prod", "prod-tfstate", { accountId: PROD_ACCOUNT, deploy: { assumeRoleArn: PROD_ROLE } }),
    ]);
    expect(plans.map((p) => p.credentials)).toEqual([{}, { assumeRole: { roleArn: PROD_ROLE } }]);
  });

  it("accepts one profile for two accounts when each assumes a role of its own account", () => {
    const plans = planStateBuckets([
      s3Env("dev", "dev-tfstate", { accountId: DEV_ACCOUNT, deploy: { profile: "org", assumeRoleArn: DEV_ROLE } }),
      s3Env("prod", "prod-tfstate", { accountId: PROD_ACCOUNT, deploy: { profile: "org", assumeRoleArn: PROD_ROLE } }),
    ]);
    expect(plans.map((p) => p.credentials.assumeRole?.roleArn)).toEqual([DEV_ROLE, PROD_ROLE]);
  });

  it("reports the problems of several files together, each under its file", () => {
    let error: unknown;
    try {
      planStateBuckets([
        s3Env("dev", "dev-tfstate", { deploy: { profile: "a" } }),
        s3Env("qa", "qa-tfstate", { deploy: { profile: "b" } }),
        s3Env("uat", "uat-tfstate", { deploy: { profile: "c" } }),
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AggregateValidationError);
    expect((error as AggregateValidationError).errors.map((e) => e.subject)).toEqual([
      "environments/qa.json",
      "environments/uat.json",
    ]);
  });

  describe("for the shipped dev and prod files, which name a placeholder profile each", () => {
    const json = synthBootstrap(loadEnvironments(SHIPPED_ENVIRONMENTS));

    it("configures one provider per account with its file's profile, so one run can deploy both", () => {
      const providers = providersOf(json);
      expect(providers.map((p) => [p.allowed_account_ids, p.profile]).sort()).toEqual([
        [[DEV_ACCOUNT], "ssm-access-dev"],
        [[PROD_ACCOUNT], "ssm-access-prod"],
      ]);
      for (const p of providers) expect(p).not.toHaveProperty("assume_role");
    });
  });

  it("rejects the shipped files without their deploy sections, naming both files and deploy", () => {
    const withoutDeploy = (name: string) => {
      const file = JSON.parse(fs.readFileSync(path.join(SHIPPED_ENVIRONMENTS, `${name}.json`), "utf8"));
      delete file.deploy;
      return file;
    };
    const dir = environmentsDir({ "dev.json": withoutDeploy("dev"), "prod.json": withoutDeploy("prod") });
    expect(() => synthBootstrap(loadEnvironments(dir))).toThrow(
      /prod\.json: 1 problem\n {2}- deploy: is absent here and in .*dev\.json, so accounts 111111111111 and 222222222222 are both reached with the default credential chain/,
    );
  });

  describe("for the shipped files with a deploy section each", () => {
    const dir = environmentsDir({
      "dev.json": {
        ...JSON.parse(fs.readFileSync(path.join(SHIPPED_ENVIRONMENTS, "dev.json"), "utf8")),
        deploy: { profile: "ssm-access-dev" },
      },
      "prod.json": {
        ...JSON.parse(fs.readFileSync(path.join(SHIPPED_ENVIRONMENTS, "prod.json"), "utf8")),
        deploy: { assumeRoleArn: PROD_ROLE },
      },
    });
    const json = synthBootstrap(loadEnvironments(dir));

    it("reaches dev with its profile and prod with its role, each provider locked to its account", () => {
      expect(providersOf(json)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ allowed_account_ids: [DEV_ACCOUNT], profile: "ssm-access-dev" }),
          expect.objectContaining({ allowed_account_ids: [PROD_ACCOUNT], assume_role: [{ role_arn: PROD_ROLE }] }),
        ]),
      );
    });
  });

  describe("account baseline (accountBaseline)", () => {
    const withBaseline = (e: Environment): Environment => ({
      ...e,
      config: { ...e.config, accountBaseline: { enabled: true } },
    });

    it("is absent unless a file asks for it", () => {
      const json = synthBootstrap([s3Env("dev", "dev-state-111111111111")]);
      expect(configsOf(json, TfEbsEncryptionByDefault)).toEqual([]);
      expect(configsOf(json, TfS3AccountPublicAccessBlock)).toEqual([]);
      expect(configsOf(json, TfSsmServiceSetting)).toEqual([]);
    });

    it("turns on EBS encryption by default and blocks public SSM documents per account and Region, with the state bucket's provider", () => {
      const json = synthBootstrap([
        withBaseline(s3Env("dev", "dev-state-111111111111")),
        withBaseline(s3Env("prod", "prod-state-222222222222", { accountId: PROD_ACCOUNT, deploy: PROD_DEPLOY })),
      ]);
      const ebs = configsOf(json, TfEbsEncryptionByDefault);
      expect(ebs.map((c) => c.enabled)).toEqual([true, true]);
      expect(ebs.map((c) => c.provider).sort()).toEqual(["aws.a111111111111_eu_west_1", "aws.a222222222222_eu_west_1"]);
      expect(configsOf(json, TfSsmServiceSetting).map((c) => [c.setting_id, c.setting_value])).toEqual([
        [
          "arn:aws:ssm:eu-west-1:111111111111:servicesetting/ssm/documents/console/public-sharing-permission",
          "Disable",
        ],
        [
          "arn:aws:ssm:eu-west-1:222222222222:servicesetting/ssm/documents/console/public-sharing-permission",
          "Disable",
        ],
      ]);
    });

    it("blocks public S3 access once per account, whatever its Regions", () => {
      const json = synthBootstrap([
        withBaseline(s3Env("dev", "dev-state-111111111111")),
        withBaseline(s3Env("lab", "lab-state-111111111111-us-east-1", { region: "us-east-1" })),
      ]);
      expect(configsOf(json, TfEbsEncryptionByDefault)).toHaveLength(2);
      const blocks = configsOf(json, TfS3AccountPublicAccessBlock);
      expect(blocks).toHaveLength(1);
      expect(blocks[0]).toMatchObject({
        account_id: DEV_ACCOUNT,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(Object.keys(resourcesOf(json, TfS3AccountPublicAccessBlock))).toEqual([
        "account_public_access_block_111111111111",
      ]);
    });

    it("refuses a file that asks for it without an S3 backend, naming the file and the field", () => {
      const local = env("lab", { backend: { type: "local" } });
      expect(() => synthBootstrap([withBaseline(local)])).toThrow(
        /environments\/lab\.json: 1 problem\n {2}- accountBaseline: is applied by the state-bootstrap stack with the provider of the S3 state bucket; this file has backend type "local"/,
      );
    });

    it("is on, for both accounts, in the shipped files", () => {
      const envs = loadEnvironments(SHIPPED_ENVIRONMENTS);
      expect(envs.every((e) => e.config.accountBaseline?.enabled === true)).toBe(true);
      const json = synthBootstrap(envs);
      expect(
        configsOf(json, TfS3AccountPublicAccessBlock)
          .map((c) => c.account_id)
          .sort(),
      ).toEqual([DEV_ACCOUNT, PROD_ACCOUNT]);
    });
  });
});
