import { CloudwatchLogGroup as TfCloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRolePolicy as TfIamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias as TfKmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as TfKmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket as TfS3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA as TfS3BucketObjectLockConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { S3BucketLifecycleConfiguration as TfS3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls as TfS3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy as TfS3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock as TfS3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA as TfS3BucketServerSideEncryptionConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA as TfS3BucketVersioning } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SsmDocument as TfSsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { TerraformOutput } from "cdktf";
import {
  TerraformJson,
  configsOf,
  onlyOf,
  parsePolicy,
  providersOf,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
  offProvider,
} from "@ssm-access/core/testing";
import {
  ISessionLogging,
  SESSION_LOGGING_ENDPOINT_SERVICES,
  SessionLogging,
  SessionLoggingProps,
  SsmInstanceRole,
} from "../src";
import { evaluate } from "./iam-evaluator";

const base: SessionLoggingProps = { namePrefix: "ssm-dev", region: "eu-west-1", accountId: "111122223333" };
const GROUP_ARN = "arn:aws:logs:eu-west-1:111122223333:log-group:/ssm/ssm-dev/sessions";
const BUCKET = "ssm-dev-sessions-111122223333-eu-west-1";

/** The two log statements every instance role that logs sessions gets, spelled out. */
const LOG_STATEMENTS = [
  {
    Sid: "SessionLogsWrite",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
    Resource: `${GROUP_ARN}:*`,
  },
  {
    Sid: "SessionLogGroupsDescribe",
    Effect: "Allow",
    Action: "logs:DescribeLogGroups",
    Resource: "arn:aws:logs:eu-west-1:111122223333:log-group:*",
  },
];

function synth(props: Partial<SessionLoggingProps> = {}): TerraformJson {
  return synthJson((scope) => {
    new SessionLogging(scope, "Logging", { ...base, ...props });
  }, props.region ?? base.region);
}

function build(props: Partial<SessionLoggingProps>): () => void {
  return () => synth(props);
}

function ref(json: TerraformJson, type: { tfResourceType: string }, attribute: string): string {
  const ids = Object.keys(resourcesOf(json, type));
  if (ids.length !== 1) throw new Error(`expected one ${type.tfResourceType}`);
  return `\${${type.tfResourceType}.${ids[0]}.${attribute}}`;
}

function documentInputs(json: TerraformJson): Record<string, unknown> {
  const content = JSON.parse(onlyOf(json, TfSsmDocument).content as string) as { inputs: Record<string, unknown> };
  return content.inputs;
}

/** The instance role's inline policy statements after granting it logging. */
function grantedStatements(props: Partial<SessionLoggingProps> = {}): {
  json: TerraformJson;
  statements: Array<Record<string, unknown>>;
} {
  const json = synthJson((scope) => {
    const role = new SsmInstanceRole(scope, "InstanceRole", {
      namePrefix: "ssm-dev",
      region: props.region ?? base.region,
    });
    new SessionLogging(scope, "Logging", { ...base, ...props }).grantWrite(role);
  }, props.region ?? base.region);
  // The role's own Deny on parameter reads is the role's, not granted here.
  const statements = parsePolicy(onlyOf(json, TfIamRolePolicy).policy).Statement.filter(
    (s: Record<string, unknown>) => s.Sid !== "DenyParameterReadsOutsideOwnPaths",
  );
  return { json, statements };
}

const LOG_APPEND_ONLY_ACTIONS = [
  "logs:Delete*",
  "logs:PutRetentionPolicy",
  "logs:AssociateKmsKey",
  "logs:DisassociateKmsKey",
];
const S3_APPEND_ONLY_ACTIONS = [
  "s3:Delete*",
  "s3:BypassGovernanceRetention",
  "s3:PutObjectRetention",
  "s3:PutObjectLegalHold",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketPolicy",
];

describe("SessionLogging", () => {
  describe("KMS key", () => {
    const json = synth();
    const key = onlyOf(json, TfKmsKey);
    const statements = parsePolicy(key.policy).Statement;

    it("rotates yearly and waits 30 days before deletion by default", () => {
      expect(key.enable_key_rotation).toBe(true);
      expect(key.deletion_window_in_days).toBe(30);
      expect(key.tags).toEqual({ Name: "ssm-dev-session" });
    });

    it("takes the deletion window from kmsDeletionWindowDays", () => {
      expect(onlyOf(synth({ kmsDeletionWindowDays: 7 }), TfKmsKey).deletion_window_in_days).toBe(7);
    });

    it("has the alias alias/<namePrefix>-session", () => {
      const alias = onlyOf(json, TfKmsAlias);
      expect(alias.name).toBe("alias/ssm-dev-session");
      expect(alias.target_key_id).toBe(ref(json, TfKmsKey, "key_id"));
    });

    it("lets the account root administer the key, the only wildcard of the policy", () => {
      expect(statements).toHaveLength(2);
      expect(statements[0]).toEqual({
        Sid: "EnableIamPoliciesOfTheAccount",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111122223333:root" },
        Action: "kms:*",
        Resource: "*",
      });
      expect(statements.filter((s) => JSON.stringify(s.Action).includes('"kms:*"'))).toHaveLength(1);
    });

    it("lets CloudWatch Logs use the key only for the session log group", () => {
      expect(statements[1]).toEqual({
        Sid: "AllowCloudWatchLogsForTheSessionLogGroup",
        Effect: "Allow",
        Principal: { Service: "logs.eu-west-1.amazonaws.com" },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": GROUP_ARN } },
      });
    });

    it("uses the partition and DNS suffix of a China Region", () => {
      const cn = parsePolicy(onlyOf(synth({ region: "cn-north-1" }), TfKmsKey).policy).Statement;
      expect(cn[0].Principal).toEqual({ AWS: "arn:aws-cn:iam::111122223333:root" });
      expect(cn[1].Principal).toEqual({ Service: "logs.cn-north-1.amazonaws.com.cn" });
      expect(cn[1].Condition).toEqual({
        ArnEquals: {
          "kms:EncryptionContext:aws:logs:arn":
            "arn:aws-cn:logs:cn-north-1:111122223333:log-group:/ssm/ssm-dev/sessions",
        },
      });
    });
  });

  describe("log group", () => {
    it("is /ssm/<namePrefix>/sessions, encrypted with the key, kept 365 days by default", () => {
      const json = synth();
      expect(onlyOf(json, TfCloudwatchLogGroup)).toEqual({
        name: "/ssm/ssm-dev/sessions",
        kms_key_id: ref(json, TfKmsKey, "arn"),
        retention_in_days: 365,
      });
    });

    it("keeps transcripts for retentionInDays", () => {
      expect(onlyOf(synth({ retentionInDays: 3653 }), TfCloudwatchLogGroup).retention_in_days).toBe(3653);
      expect(onlyOf(synth({ retentionInDays: 0 }), TfCloudwatchLogGroup).retention_in_days).toBe(0);
    });
  });

  describe("instance role permissions", () => {
    it("are exactly the log, bucket and key statements, all scoped", () => {
      const { json, statements } = grantedStatements({ s3: { enabled: true } });
      expect(statements).toEqual([
        ...LOG_STATEMENTS,
        {
          Sid: "SessionTranscriptsWrite",
          Effect: "Allow",
          Action: "s3:PutObject",
          Resource: `arn:aws:s3:::${BUCKET}/sessions/*`,
        },
        {
          Sid: "SessionBucketEncryptionCheck",
          Effect: "Allow",
          Action: "s3:GetEncryptionConfiguration",
          Resource: `arn:aws:s3:::${BUCKET}`,
        },
        {
          Sid: "SessionTranscriptsAppendOnly",
          Effect: "Deny",
          Action: [...LOG_APPEND_ONLY_ACTIONS, ...S3_APPEND_ONLY_ACTIONS],
          Resource: [GROUP_ARN, `${GROUP_ARN}:*`, `arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        },
        {
          Sid: "SessionKeyUse",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: ref(json, TfKmsKey, "arn"),
        },
      ]);
    });

    it("contain no wildcard action and no unscoped resource", () => {
      const { statements } = grantedStatements({ s3: { enabled: true } });
      for (const s of statements) {
        expect([s.Action].flat()).not.toContain("*");
        expect([s.Resource].flat()).not.toContain("*");
        expect(s.Effect).toBe(s.Sid === "SessionTranscriptsAppendOnly" ? "Deny" : "Allow");
      }
    });

    describe("leave the instance able to append only, evaluated as IAM would with a broad policy beside them", () => {
      const broad = { Effect: "Allow", Action: ["logs:*", "s3:*"], Resource: "*" };
      const { statements } = grantedStatements({ s3: { enabled: true } });
      const may = (action: string, resource: string) =>
        evaluate([broad, ...statements], { action, resource, context: {} });

      it("appends to the log group and puts transcripts", () => {
        expect(may("logs:PutLogEvents", `${GROUP_ARN}:log-stream:s-1`)).toBe("Allow");
        expect(may("s3:PutObject", `arn:aws:s3:::${BUCKET}/sessions/s-1.log`)).toBe("Allow");
      });

      it("deletes, shortens, re-keys and unlocks nothing", () => {
        expect(may("logs:DeleteLogStream", `${GROUP_ARN}:log-stream:s-1`)).toBe("ExplicitDeny");
        expect(may("logs:DeleteLogGroup", GROUP_ARN)).toBe("ExplicitDeny");
        expect(may("logs:PutRetentionPolicy", GROUP_ARN)).toBe("ExplicitDeny");
        expect(may("logs:DisassociateKmsKey", GROUP_ARN)).toBe("ExplicitDeny");
        expect(may("s3:DeleteObjectVersion", `arn:aws:s3:::${BUCKET}/sessions/s-1.log`)).toBe("ExplicitDeny");
        expect(may("s3:BypassGovernanceRetention", `arn:aws:s3:::${BUCKET}/sessions/s-1.log`)).toBe("ExplicitDeny");
        expect(may("s3:PutLifecycleConfiguration", `arn:aws:s3:::${BUCKET}`)).toBe("ExplicitDeny");
        expect(may("s3:PutBucketObjectLockConfiguration", `arn:aws:s3:::${BUCKET}`)).toBe("ExplicitDeny");
      });
    });

    it("leave out S3 without a bucket", () => {
      const { statements } = grantedStatements();
      expect(statements.map((s) => s.Sid)).toEqual([
        "SessionLogsWrite",
        "SessionLogGroupsDescribe",
        "SessionTranscriptsAppendOnly",
        "SessionKeyUse",
      ]);
      expect(statements.find((s) => s.Sid === "SessionTranscriptsAppendOnly")).toEqual({
        Sid: "SessionTranscriptsAppendOnly",
        Effect: "Deny",
        Action: LOG_APPEND_ONLY_ACTIONS,
        Resource: [GROUP_ARN, `${GROUP_ARN}:*`],
      });
    });

    it("leave out the key without session encryption or bucket", () => {
      const { statements } = grantedStatements({ encryptSessions: false });
      expect(statements.map((s) => s.Sid)).toEqual([
        "SessionLogsWrite",
        "SessionLogGroupsDescribe",
        "SessionTranscriptsAppendOnly",
      ]);
    });

    it("write only under the configured key prefix", () => {
      const { statements } = grantedStatements({ s3: { enabled: true, keyPrefix: "audit/ssm/" } });
      expect(statements.find((s) => s.Sid === "SessionTranscriptsWrite")?.Resource).toBe(
        `arn:aws:s3:::${BUCKET}/audit/ssm/*`,
      );
    });

    it("are the same whether the role or the logging is created first", () => {
      const json = synthJson((scope) => {
        const logging = new SessionLogging(scope, "Logging", base);
        const role = new SsmInstanceRole(scope, "InstanceRole", { namePrefix: "ssm-dev", region: "eu-west-1" });
        logging.grantWrite(role);
      });
      expect(
        parsePolicy(onlyOf(json, TfIamRolePolicy).policy).Statement.filter(
          (st: Record<string, unknown>) => st.Sid !== "DenyParameterReadsOutsideOwnPaths",
        ),
      ).toEqual(grantedStatements().statements);
    });

    it("go to any grantee, such as a role managed elsewhere", () => {
      synthJson((scope) => {
        const logging = new SessionLogging(scope, "Logging", base);
        const received: unknown[] = [];
        logging.grantWrite({ addToPolicy: (...st) => received.push(...st) });
        expect(received.map((st) => (st as { Sid: string }).Sid)).toEqual([
          "SessionLogsWrite",
          "SessionLogGroupsDescribe",
          "SessionTranscriptsAppendOnly",
          "SessionKeyUse",
        ]);
      });
    });
  });

  describe("operator permissions (grantStartSession)", () => {
    function granted(props: Partial<SessionLoggingProps> = {}): unknown[] {
      const received: unknown[] = [];
      synthJson((scope) => {
        new SessionLogging(scope, "Logging", { ...base, ...props }).grantStartSession({
          addToPolicy: (...st) => received.push(...st),
        });
      });
      return received;
    }

    it("are kms:GenerateDataKey on the key, which encrypts the session's data channel", () => {
      expect(granted()).toEqual([
        {
          Sid: "SessionKeyUse",
          Effect: "Allow",
          Action: "kms:GenerateDataKey",
          Resource: expect.stringMatching(/^\$\{TfToken\[/),
        },
      ]);
    });

    it("are nothing when sessions are not encrypted, whatever the bucket", () => {
      expect(granted({ encryptSessions: false, s3: { enabled: true } })).toEqual([]);
    });
  });

  describe("preferences document", () => {
    it("is the Session document SSM-SessionManagerRunShell in JSON", () => {
      const doc = onlyOf(synth(), TfSsmDocument);
      expect(doc.name).toBe("SSM-SessionManagerRunShell");
      expect(doc.document_type).toBe("Session");
      expect(doc.document_format).toBe("JSON");
      const content = JSON.parse(doc.content as string);
      expect(content.schemaVersion).toBe("1.0");
      expect(content.sessionType).toBe("Standard_Stream");
    });

    it("logs to the encrypted log group, encrypts sessions with the key and times out after 20 idle minutes by default", () => {
      const json = synth();
      expect(documentInputs(json)).toEqual({
        s3BucketName: "",
        s3KeyPrefix: "",
        s3EncryptionEnabled: true,
        cloudWatchLogGroupName: ref(json, TfCloudwatchLogGroup, "name"),
        cloudWatchEncryptionEnabled: true,
        cloudWatchStreamingEnabled: true,
        kmsKeyId: ref(json, TfKmsKey, "key_id"),
        runAsEnabled: false,
        runAsDefaultUser: "",
        idleSessionTimeout: "20",
        maxSessionDuration: "",
        shellProfile: { windows: "", linux: "" },
      });
    });

    it("names the bucket and key prefix when S3 is enabled", () => {
      const json = synth({ s3: { enabled: true } });
      const inputs = documentInputs(json);
      expect(inputs.s3BucketName).toBe(ref(json, TfS3Bucket, "bucket"));
      expect(inputs.s3KeyPrefix).toBe("sessions/");
      expect(inputs.s3EncryptionEnabled).toBe(true);
    });

    it("carries the session preferences (their rendering: session-preferences.test.ts)", () => {
      expect(documentInputs(synth({ preferences: { idleSessionTimeoutMinutes: 60 } })).idleSessionTimeout).toBe("60");
    });

    it("leaves kmsKeyId empty without session encryption", () => {
      expect(documentInputs(synth({ encryptSessions: false })).kmsKeyId).toBe("");
    });

    it("is not created when managePreferencesDocument is false, while its name stays available", () => {
      const json = synthJson((scope) => {
        const logging = new SessionLogging(scope, "Logging", { ...base, managePreferencesDocument: false });
        expect(logging.document).toBeUndefined();
        new TerraformOutput(scope, "document", { value: logging.documentName });
      });
      expect(configsOf(json, TfSsmDocument)).toEqual([]);
      expect(json.output?.document.value).toBe("SSM-SessionManagerRunShell");
    });
  });

  describe("adopting an existing preferences document", () => {
    const importsOf = (json: TerraformJson) => (json as TerraformJson & { import?: unknown[] }).import;

    it("imports nothing by default", () => {
      expect(importsOf(synth())).toBeUndefined();
    });

    it("emits a Terraform import block for SSM-SessionManagerRunShell, imported by its name, when adoptExistingPreferencesDocument is set", () => {
      const json = synth({ adoptExistingPreferencesDocument: true });
      const [logicalId] = Object.keys(resourcesOf(json, TfSsmDocument));
      expect(importsOf(json)).toEqual([{ id: "SSM-SessionManagerRunShell", to: `aws_ssm_document.${logicalId}` }]);
    });

    it("keeps the document resource and its address, so the imported document is then updated in place", () => {
      const adopted = synth({ adoptExistingPreferencesDocument: true });
      const created = synth();
      expect(resourcesOf(adopted, TfSsmDocument)).toEqual(resourcesOf(created, TfSsmDocument));
      expect(Object.keys(resourcesOf(created, TfSsmDocument))).toEqual(["Logging_Preferences_9C12BFC2"]);
    });

    it("is refused for a stack that does not manage the document", () => {
      expect(build({ managePreferencesDocument: false, adoptExistingPreferencesDocument: true })).toThrow(
        /adoptExistingPreferencesDocument: only applies when managePreferencesDocument is true/,
      );
      expect(build({ managePreferencesDocument: false, adoptExistingPreferencesDocument: false })).not.toThrow();
    });
  });

  describe("S3 bucket", () => {
    it("is not created by default", () => {
      const json = synth();
      for (const type of [TfS3Bucket, TfS3BucketPolicy, TfS3BucketVersioning, TfS3BucketLifecycleConfiguration]) {
        expect(configsOf(json, type)).toEqual([]);
      }
    });

    it("is created when s3 is given, without enabled", () => {
      expect(configsOf(synth({ s3: {} }), TfS3Bucket)).toHaveLength(1);
    });

    it("rejects s3 as a bare boolean, naming the spelling to write", () => {
      expect(build({ s3: true as never })).toThrow(/s3: true is not accepted here: write \{ "enabled": true \}/);
    });

    it("is not created when s3.enabled is false", () => {
      expect(configsOf(synth({ s3: { enabled: false, bucketName: "ignored-bucket" } }), TfS3Bucket)).toEqual([]);
    });

    describe("when enabled", () => {
      const json = synth({ s3: { enabled: true } });
      const bucketRef = ref(json, TfS3Bucket, "id");

      it("is named from namePrefix, account id and Region", () => {
        expect(onlyOf(json, TfS3Bucket)).toEqual({ bucket: BUCKET });
      });

      it("encrypts objects with the key (aws:kms) and a bucket key", () => {
        expect(onlyOf(json, TfS3BucketServerSideEncryptionConfiguration)).toEqual({
          bucket: bucketRef,
          rule: [
            {
              apply_server_side_encryption_by_default: {
                sse_algorithm: "aws:kms",
                kms_master_key_id: ref(json, TfKmsKey, "arn"),
              },
              bucket_key_enabled: true,
            },
          ],
        });
      });

      it("versions objects", () => {
        expect(onlyOf(json, TfS3BucketVersioning)).toEqual({
          bucket: bucketRef,
          versioning_configuration: { status: "Enabled" },
        });
      });

      it("blocks every kind of public access", () => {
        expect(onlyOf(json, TfS3BucketPublicAccessBlock)).toEqual({
          bucket: bucketRef,
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
      });

      it("enforces bucket owner object ownership (no ACLs)", () => {
        expect(onlyOf(json, TfS3BucketOwnershipControls)).toEqual({
          bucket: bucketRef,
          rule: { object_ownership: "BucketOwnerEnforced" },
        });
      });

      it("denies every request not made over TLS", () => {
        const policy = onlyOf(json, TfS3BucketPolicy);
        expect(policy.bucket).toBe(bucketRef);
        expect(parsePolicy(policy.policy).Statement).toEqual([
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ]);
      });

      it("expires objects and noncurrent versions after 365 days by default", () => {
        const rule = (onlyOf(json, TfS3BucketLifecycleConfiguration).rule as Array<Record<string, unknown>>)[0];
        expect(rule).toMatchObject({
          status: "Enabled",
          filter: [{}],
          expiration: [{ days: 365 }],
          noncurrent_version_expiration: [{ noncurrent_days: 365 }],
        });
      });
    });

    it("expires objects after s3.expireAfterDays and takes s3.bucketName", () => {
      const json = synth({ s3: { enabled: true, expireAfterDays: 90, bucketName: "audit-example-sessions" } });
      expect(onlyOf(json, TfS3Bucket).bucket).toBe("audit-example-sessions");
      const rule = (onlyOf(json, TfS3BucketLifecycleConfiguration).rule as Array<Record<string, unknown>>)[0];
      expect(rule.expiration).toEqual([{ days: 90 }]);
      expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    });
  });

  describe("S3 Object Lock (s3.objectLock)", () => {
    const lockOf = (json: TerraformJson) => onlyOf(json, TfS3BucketObjectLockConfiguration);

    it("is off unless asked for", () => {
      expect(configsOf(synth({ s3: { enabled: true } }), TfS3BucketObjectLockConfiguration)).toEqual([]);
    });

    it("locks new transcripts in governance mode for expireAfterDays by default, after versioning is on", () => {
      const json = synth({ s3: { enabled: true, expireAfterDays: 400, objectLock: {} } });
      const lock = lockOf(json);
      expect(lock.object_lock_enabled).toBe("Enabled");
      expect(lock.rule).toEqual({ default_retention: { mode: "GOVERNANCE", days: 400 } });
      expect(lock.bucket).toBe(ref(json, TfS3Bucket, "id"));
      expect(lock.depends_on).toEqual([
        `aws_s3_bucket_versioning.${Object.keys(resourcesOf(json, TfS3BucketVersioning))[0]}`,
      ]);
    });

    it("takes the mode and retention of the file, and enabled: false turns it off", () => {
      const json = synth({ s3: { enabled: true, objectLock: { mode: "COMPLIANCE", retentionDays: 30 } } });
      expect(lockOf(json).rule).toEqual({ default_retention: { mode: "COMPLIANCE", days: 30 } });
      const off = synth({ s3: { enabled: true, objectLock: { enabled: false } } });
      expect(configsOf(off, TfS3BucketObjectLockConfiguration)).toEqual([]);
    });

    it("rejects a retention longer than the transcripts live, and an unknown mode", () => {
      expect(() => synth({ s3: { enabled: true, expireAfterDays: 90, objectLock: { retentionDays: 120 } } })).toThrow(
        /s3\.objectLock\.retentionDays: 120 must be a whole number of days from 1 to s3\.expireAfterDays \(90\)/,
      );
      expect(() =>
        synth({ s3: { enabled: true, objectLock: { mode: "governance" as unknown as "GOVERNANCE" } } }),
      ).toThrow(/s3\.objectLock\.mode/);
    });

    it("rejects bucket names with dots, which would send the agent's Region probe over plain HTTP", () => {
      expect(() => synth({ s3: { enabled: true, bucketName: "audit.example-sessions" } })).toThrow(
        /s3\.bucketName: "audit\.example-sessions" contains "\.": the SSM Agent then looks up the bucket's Region over plain HTTP/,
      );
    });
  });

  describe("public properties", () => {
    it("name the key, log group, bucket and document", () => {
      const json = synthJson((scope) => {
        const l = new SessionLogging(scope, "Logging", { ...base, s3: { enabled: true } });
        const out = {
          kmsKeyArn: l.kmsKeyArn,
          kmsKeyId: l.kmsKeyId,
          logGroupName: l.logGroupName,
          logGroupArn: l.logGroupArn,
          bucketName: l.bucketName,
          bucketArn: l.bucketArn,
          s3KeyPrefix: l.s3KeyPrefix,
          documentName: l.documentName,
        };
        for (const [k, value] of Object.entries(out)) new TerraformOutput(scope, k, { value });
      });
      const values = Object.fromEntries(Object.entries(json.output ?? {}).map(([k, o]) => [k, o.value]));
      expect(values).toEqual({
        kmsKeyArn: ref(json, TfKmsKey, "arn"),
        kmsKeyId: ref(json, TfKmsKey, "key_id"),
        logGroupName: ref(json, TfCloudwatchLogGroup, "name"),
        logGroupArn: GROUP_ARN,
        bucketName: ref(json, TfS3Bucket, "bucket"),
        bucketArn: `arn:aws:s3:::${BUCKET}`,
        s3KeyPrefix: "sessions/",
        documentName: "SSM-SessionManagerRunShell",
      });
    });
  });

  describe("validation", () => {
    it("rejects an invalid namePrefix", () => {
      expect(build({ namePrefix: "-bad" })).toThrow(
        /namePrefix: "-bad" must be lower-case letters, digits and "-", starting with a letter, at most 64 characters/,
      );
    });

    it("rejects a region that is not a Region code", () => {
      expect(build({ region: "EU" })).toThrow(/region: "EU" is not an AWS Region code/);
    });

    it("names a missing Region and account, and why it needs them", () => {
      const missing = () =>
        synthJson((scope) => {
          new SessionLogging(scope, "Logging", { namePrefix: "ssm-dev" } as SessionLoggingProps);
        });
      expect(missing).toThrow(/- region: is required for the ARNs of the log group, key and bucket/);
      expect(missing).toThrow(/- accountId: is required for the ARNs of the log group and key/);
    });

    it("rejects a Region other than the AWS provider's", () => {
      expect(() =>
        synthJson((scope) => {
          new SessionLogging(scope, "Logging", { ...base, region: "us-east-1" });
        }, "eu-west-1"),
      ).toThrow(/region: us-east-1 is not the Region of the AWS provider the resources are created with \(eu-west-1\)/);
    });

    it("rejects an account id that is not 12 digits", () => {
      expect(build({ accountId: "12345" })).toThrow(/accountId: "12345" is not a 12-digit AWS account id/);
    });

    it("rejects a retention CloudWatch Logs does not offer", () => {
      expect(build({ retentionInDays: 100 })).toThrow(
        /retentionInDays: 100 is not a CloudWatch Logs retention period; use one of 0, 1, 3/,
      );
    });

    it("rejects a KMS deletion window outside 7-30 days", () => {
      expect(build({ kmsDeletionWindowDays: 6 })).toThrow(
        /kmsDeletionWindowDays: 6 must be a whole number of days from 7 to 30/,
      );
      expect(build({ kmsDeletionWindowDays: 31 })).toThrow(/kmsDeletionWindowDays: 31 must be/);
      expect(build({ kmsDeletionWindowDays: 7.5 })).toThrow(/kmsDeletionWindowDays: 7.5 must be/);
    });

    it("rejects an S3 expiry below one day", () => {
      expect(build({ s3: { enabled: true, expireAfterDays: 0 } })).toThrow(
        /s3.expireAfterDays: 0 must be a whole number of days, at least 1/,
      );
    });

    it("rejects a key prefix starting with / or holding wildcards", () => {
      expect(build({ s3: { enabled: true, keyPrefix: "/sessions/" } })).toThrow(
        /s3.keyPrefix: "\/sessions\/" must not start with "\/"/,
      );
      expect(build({ s3: { enabled: true, keyPrefix: "s*/" } })).toThrow(/s3.keyPrefix: "s\*\/" must not/);
    });

    it("rejects an invalid bucket name", () => {
      expect(build({ s3: { enabled: true, bucketName: "Sessions_Bucket" } })).toThrow(
        /s3.bucketName: "Sessions_Bucket" may hold only lower-case letters/,
      );
      expect(build({ s3: { enabled: true, bucketName: "ab" } })).toThrow(
        /s3.bucketName: "ab" is 2 characters; S3 allows 3 to 63/,
      );
    });

    it("rejects a namePrefix whose default bucket name exceeds 63 characters", () => {
      const namePrefix = "a".repeat(32);
      expect(build({ namePrefix, s3: { enabled: true } })).toThrow(
        new RegExp(
          `namePrefix: the default bucket name "${namePrefix}-sessions-111122223333-eu-west-1" is 64 characters; S3 allows 3 to 63; shorten namePrefix or set s3.bucketName`,
        ),
      );
      expect(build({ namePrefix: "a".repeat(31), s3: { enabled: true } })).not.toThrow();
    });

    it("rejects an idle timeout outside 1-60 minutes", () => {
      expect(build({ preferences: { idleSessionTimeoutMinutes: 0 } })).toThrow(
        /preferences.idleSessionTimeoutMinutes: 0 must be a whole number of minutes from 1 to 60/,
      );
      expect(build({ preferences: { idleSessionTimeoutMinutes: 61 } })).toThrow(
        /preferences.idleSessionTimeoutMinutes: 61/,
      );
    });

    it("rejects a maximum session duration outside 1-1440 minutes", () => {
      expect(build({ preferences: { maxSessionDurationMinutes: 1441 } })).toThrow(
        /preferences.maxSessionDurationMinutes: 1441 must be a whole number of minutes from 1 to 1440/,
      );
      expect(build({ preferences: { maxSessionDurationMinutes: 0 } })).toThrow(
        /preferences.maxSessionDurationMinutes: 0/,
      );
    });

    it("requires a default user when Run As is on, and none when it is off", () => {
      expect(build({ preferences: { runAs: {} } })).toThrow(
        /preferences.runAs.defaultUser: is required when sessions run as a named user/,
      );
      expect(build({ preferences: { runAs: { enabled: false } } })).not.toThrow();
    });

    it("rejects a default user that is not a Linux user name", () => {
      expect(build({ preferences: { runAs: { enabled: true, defaultUser: "Root User" } } })).toThrow(
        /preferences.runAs.defaultUser: "Root User" is not a valid Linux user name/,
      );
    });

    it("reports every problem at once", () => {
      expect(build({ accountId: "x", retentionInDays: 2, kmsDeletionWindowDays: 1 })).toThrow(/3 problems/);
    });
  });
});

describe("SessionLogging.fromOwner", () => {
  const KEY_BY_ALIAS = {
    Sid: "SessionKeyUse",
    Effect: "Allow",
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: "arn:aws:kms:eu-west-1:111122223333:key/*",
    Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/ssm-dev-session" } },
  };

  /** What the reference to the owner built from `ownerProps` grants an instance role and operators, and the reference itself. */
  function referenced(ownerProps: SessionLoggingProps): {
    write: Array<Record<string, unknown>>;
    startSession: unknown[];
    logging: ISessionLogging;
    json: TerraformJson;
  } {
    const write: Array<Record<string, unknown>> = [];
    const startSession: unknown[] = [];
    let logging: ISessionLogging | undefined;
    const json = synthJson((scope) => {
      logging = SessionLogging.fromOwner(scope, "OwnersLogging", ownerProps);
      logging.grantWrite({ addToPolicy: (...st) => write.push(...(st as unknown as Array<Record<string, unknown>>)) });
      logging.grantStartSession({ addToPolicy: (...st) => startSession.push(...st) });
    });
    return { write, startSession, logging: logging as ISessionLogging, json };
  }

  it("creates nothing", () => {
    expect(referenced(base).json.resource ?? {}).toEqual({});
  });

  it("names the owner's log group and key alias, exactly as the owner's construct creates them", () => {
    const { logging } = referenced(base);
    const json = synth();
    expect(logging.logGroupName).toBe(onlyOf(json, TfCloudwatchLogGroup).name);
    expect(logging.kmsKeyAlias).toBe(onlyOf(json, TfKmsAlias).name);
    expect(logging.logGroupArn).toBe(GROUP_ARN);
    expect(logging.kmsKeyArn).toBeUndefined();
    expect(logging.bucketName).toBeUndefined();
  });

  it("grants instances the owner's log group and its key by alias, as another stack cannot know the key ARN", () => {
    expect(referenced(base).write).toEqual([
      ...LOG_STATEMENTS,
      {
        Sid: "SessionTranscriptsAppendOnly",
        Effect: "Deny",
        Action: LOG_APPEND_ONLY_ACTIONS,
        Resource: [GROUP_ARN, `${GROUP_ARN}:*`],
      },
      KEY_BY_ALIAS,
    ]);
  });

  it("grants operators the owner's key by alias", () => {
    expect(referenced(base).startSession).toEqual([{ ...KEY_BY_ALIAS, Action: "kms:GenerateDataKey" }]);
    expect(referenced({ ...base, encryptSessions: false }).startSession).toEqual([]);
  });

  it("adds the owner's transcript bucket and prefix when it keeps transcripts in S3", () => {
    const { write, logging } = referenced({ ...base, s3: { enabled: true, keyPrefix: "audit/" } });
    expect(logging.bucketName).toBe(BUCKET);
    expect(
      write.filter((st) => st.Sid === "SessionTranscriptsWrite" || st.Sid === "SessionBucketEncryptionCheck"),
    ).toEqual([
      {
        Sid: "SessionTranscriptsWrite",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: `arn:aws:s3:::${BUCKET}/audit/*`,
      },
      {
        Sid: "SessionBucketEncryptionCheck",
        Effect: "Allow",
        Action: "s3:GetEncryptionConfiguration",
        Resource: `arn:aws:s3:::${BUCKET}`,
      },
    ]);
  });

  it("refers to the owner's transcript bucket by name, granting object writes on it", () => {
    const { logging } = referenced({ ...base, s3: { enabled: true } });
    const bucket = logging.transcriptBucket;
    expect(bucket?.bucketArn).toBe(`arn:aws:s3:::${BUCKET}`);
    const granted: unknown[] = [];
    bucket?.grantPutObject({ addToPolicy: (...st) => granted.push(...st) }, "maintenance/*", "WriteOutput");
    expect(granted).toEqual([
      {
        Sid: "WriteOutput",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`arn:aws:s3:::${BUCKET}/maintenance/*`],
      },
    ]);
    expect(referenced(base).logging.transcriptBucket).toBeUndefined();
  });

  it("grants the same logs and S3 statements the owner grants its own instances, only the key named differently", () => {
    const props: Partial<SessionLoggingProps> = { s3: { enabled: true } };
    const own = grantedStatements(props).statements.filter((st) => st.Sid !== "SessionKeyUse");
    const shared = referenced({ ...base, ...props }).write.filter((st) => st.Sid !== "SessionKeyUse");
    expect(shared).toEqual(own);
  });

  it("needs no key when sessions are not encrypted and there is no bucket", () => {
    expect(referenced({ ...base, encryptSessions: false }).write.map((st) => st.Sid)).toEqual([
      "SessionLogsWrite",
      "SessionLogGroupsDescribe",
      "SessionTranscriptsAppendOnly",
    ]);
  });

  it("rejects owner props that the construct would reject", () => {
    expect(() => referenced({ ...base, accountId: "x" })).toThrow(
      /OwnersLogging: 1 problem\n {2}- accountId: "x" is not a 12-digit AWS account id/,
    );
  });
});

describe("SessionLogging", () => {
  describe("transcript bucket reference", () => {
    it("is the created bucket, whose grant names it by its name attribute", () => {
      const granted: unknown[] = [];
      let logging: SessionLogging | undefined;
      synthJson((scope) => {
        logging = new SessionLogging(scope, "Logging", { ...base, s3: {} });
        logging.transcriptBucket?.grantPutObject({ addToPolicy: (...st) => granted.push(...st) }, "out/*", "Out");
      });
      expect(logging?.transcriptBucket?.bucketName).toBe(logging?.bucketName);
      expect(granted).toEqual([
        expect.objectContaining({
          Sid: "Out",
          Action: ["s3:PutObject"],
          Resource: [expect.stringMatching(/\/out\/\*$/)],
        }),
      ]);
    });

    it("is absent without S3 transcripts", () => {
      let logging: SessionLogging | undefined;
      synthJson((scope) => {
        logging = new SessionLogging(scope, "Logging", base);
      });
      expect(logging?.transcriptBucket).toBeUndefined();
    });
  });

  describe("interface endpoints", () => {
    it("names logs and kms, what instances without internet need to log sessions, whatever the encryption", () => {
      expect(SESSION_LOGGING_ENDPOINT_SERVICES).toEqual(["logs", "kms"]);
      for (const encryptSessions of [true, false]) {
        synthJson((scope) => {
          const logging = new SessionLogging(scope, "Logging", { ...base, encryptSessions });
          expect(logging.interfaceEndpointServices).toEqual(["logs", "kms"]);
        });
      }
    });
  });

  describe("with a provider", () => {
    it("creates every resource, the bucket's and the document import included, with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        new SessionLogging(scope, "Logging", {
          ...base,
          s3: { enabled: true },
          adoptExistingPreferencesDocument: true,
          provider,
        });
      });
      // key, alias, log group, 7 bucket resources, document, and the document's import block
      expect(Object.keys(providersOf(json))).toHaveLength(12);
      expect(offProvider(json)).toEqual({});
    });
  });
});
