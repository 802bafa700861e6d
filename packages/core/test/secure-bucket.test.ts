import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket as TfS3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration as TfS3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls as TfS3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy as TfS3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock as TfS3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as TfS3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as TfS3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { BUCKET_NAME_PATTERN, SecureBucket, SecureBucketProps, bucketNameProblems } from "../src";
import { onlyOf, parsePolicy, synthJson } from "../src/testing";

const BASE: SecureBucketProps = { bucketName: "audit-111122223333-eu-west-1", region: "eu-west-1" };

describe("SecureBucket", () => {
  describe("with defaults", () => {
    const json = synthJson((scope) => new SecureBucket(scope, "Audit", BASE));

    it("creates the bucket with versioning and SSE-KMS under the AWS managed key", () => {
      expect(onlyOf(json, TfS3Bucket).bucket).toBe(BASE.bucketName);
      expect(onlyOf(json, TfS3Bucket).lifecycle).toBeUndefined();
      expect(onlyOf(json, TfS3BucketVersioning).versioning_configuration).toEqual({ status: "Enabled" });
      expect(onlyOf(json, TfS3BucketServerSideEncryptionConfiguration).rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true },
      ]);
    });

    it("blocks all public access and disables ACLs", () => {
      expect(onlyOf(json, TfS3BucketPublicAccessBlock)).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(onlyOf(json, TfS3BucketOwnershipControls).rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    });

    it("denies every request without TLS, on the bucket and its objects", () => {
      const policy = parsePolicy(onlyOf(json, TfS3BucketPolicy).policy);
      expect(policy.Statement).toEqual([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`arn:aws:s3:::${BASE.bucketName}`, `arn:aws:s3:::${BASE.bucketName}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    });

    it("removes unfinished uploads and keeps objects and versions", () => {
      const [rule] = onlyOf(json, TfS3BucketLifecycleConfiguration).rule as Array<Record<string, unknown>>;
      expect(rule.abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 7 }]);
      expect(rule.expiration).toBeUndefined();
      expect(rule.noncurrent_version_expiration).toBeUndefined();
    });
  });

  it("uses the given KMS key, expiry, rule id and prevent_destroy", () => {
    const json = synthJson(
      (scope) =>
        new SecureBucket(scope, "Audit", {
          ...BASE,
          kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/abc",
          expireAfterDays: 365,
          lifecycleRuleId: "expire-transcripts",
          preventDestroy: true,
        }),
    );
    expect(onlyOf(json, TfS3Bucket).lifecycle).toEqual({ prevent_destroy: true });
    const [sse] = onlyOf(json, TfS3BucketServerSideEncryptionConfiguration).rule as Array<
      Record<string, Record<string, unknown>>
    >;
    expect(sse.apply_server_side_encryption_by_default.kms_master_key_id).toBe(
      "arn:aws:kms:eu-west-1:111122223333:key/abc",
    );
    const [rule] = onlyOf(json, TfS3BucketLifecycleConfiguration).rule as Array<Record<string, unknown>>;
    expect(rule).toMatchObject({
      id: "expire-transcripts",
      expiration: [{ days: 365 }],
      noncurrent_version_expiration: [{ noncurrent_days: 365 }],
    });
  });

  it("expires only old versions when only noncurrentVersionExpireAfterDays is set", () => {
    const json = synthJson(
      (scope) => new SecureBucket(scope, "State", { ...BASE, noncurrentVersionExpireAfterDays: 90 }),
    );
    const [rule] = onlyOf(json, TfS3BucketLifecycleConfiguration).rule as Array<Record<string, unknown>>;
    expect(rule.expiration).toBeUndefined();
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
  });

  it("builds the ARN in the Region's partition", () => {
    const bucket = new SecureBucket(new TerraformStack(Testing.app(), "t"), "B", { ...BASE, region: "cn-north-1" });
    expect(bucket.bucketArn).toBe(`arn:aws-cn:s3:::${BASE.bucketName}`);
  });

  it("creates every resource with the given provider", () => {
    const json = synthJson((scope) => {
      const other = new AwsProvider(scope, "other", { region: "us-east-1", alias: "other" });
      new SecureBucket(scope, "B", { ...BASE, region: "us-east-1", provider: other });
    });
    const resources = Object.values(json.resource ?? {}).flatMap((byId) => Object.values(byId));
    expect(resources).toHaveLength(7);
    for (const r of resources) expect(r.provider).toBe("aws.other");
  });

  describe("validation", () => {
    function build(props: Partial<SecureBucketProps>) {
      return () => new SecureBucket(new TerraformStack(Testing.app(), "t"), "B", { ...BASE, ...props });
    }
    it.each<[string, Partial<SecureBucketProps>, RegExp]>([
      ["a bucket name with capitals", { bucketName: "Audit" }, /bucketName: "Audit" may hold only lower-case letters/],
      ["a bucket name too short", { bucketName: "ab" }, /bucketName: "ab" is 2 characters; S3 allows 3 to 63/],
      ["a bad region", { region: "europe" }, /region: "europe" is not an AWS Region code/],
      ["zero expiry days", { expireAfterDays: 0 }, /expireAfterDays: 0 must be a whole number of days, at least 1/],
      [
        "fractional noncurrent days",
        { noncurrentVersionExpireAfterDays: 1.5 },
        /noncurrentVersionExpireAfterDays: 1.5 must be/,
      ],
    ])("rejects %s", (_what, props, expected) => {
      expect(build(props)).toThrow(expected);
    });
  });
});

describe("bucketNameProblems", () => {
  it.each([
    ["my-bucket.logs", []],
    ["a..b", ["must not contain two adjacent periods"]],
    ["192.168.1.1", ["must not look like an IP address"]],
    ["xn--bucket", ["must not start with xn--, sthree- or amzn-s3-demo-"]],
    ["bucket-s3alias", ["must not end with a suffix S3 reserves (-s3alias, --ol-s3, ...)"]],
  ])("%p → %p", (name, problems) => {
    expect(bucketNameProblems(name)).toEqual(problems);
  });
});

describe("BUCKET_NAME_PATTERN", () => {
  it.each([
    ["my-bucket.logs", true],
    ["ab", false],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    ["Bad_Bucket", false],
    ["-bucket", false],
  ])("%p → %p, as the length and character rules of bucketNameProblems say", (name, ok) => {
    expect(BUCKET_NAME_PATTERN.test(name)).toBe(ok);
    const shapeProblems = bucketNameProblems(name).filter((p) => /characters|may hold only/.test(p));
    expect(shapeProblems.length === 0).toBe(ok);
  });
});

describe("IBucket grants", () => {
  const grantee = () => {
    const statements: unknown[] = [];
    return { statements, addToPolicy: (...s: unknown[]) => statements.push(...s) };
  };

  it("SecureBucket grants s3:PutObject on the matching objects, through the bucket's name attribute", () => {
    const role = grantee();
    synthJson((scope) => {
      const bucket = new SecureBucket(scope, "Audit", BASE);
      bucket.grantPutObject(role, "maintenance/*", "WriteOutput");
    });
    expect(role.statements).toEqual([
      {
        Sid: "WriteOutput",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [expect.stringMatching(/^arn:aws:s3:::\$\{TfToken\[TOKEN\.\d+\]\}\/maintenance\/\*$/)],
      },
    ]);
  });

  it("a reference by name grants the same on the bucket of another stack, in the Region's partition", () => {
    const role = grantee();
    const bucket = SecureBucket.fromBucketName("audit-bucket", "cn-north-1");
    expect(bucket.bucketArn).toBe("arn:aws-cn:s3:::audit-bucket");
    bucket.grantPutObject(role, "logs/*");
    expect(role.statements).toEqual([
      {
        Sid: "PutObject",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: ["arn:aws-cn:s3:::audit-bucket/logs/*"],
      },
    ]);
  });

  it("rejects a Region other than the AWS provider's", () => {
    expect(() => synthJson((scope) => new SecureBucket(scope, "Audit", { ...BASE, region: "us-east-1" }))).toThrow(
      /region: us-east-1 is not the Region of the AWS provider/,
    );
  });
});
