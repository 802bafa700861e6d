import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import {
  SecureBucket,
  Validator,
  bucketNameProblems,
  dnsSuffixForRegion,
  escapeTerraformTemplate,
  nameTag,
  partitionForRegion,
  resourceName,
} from "@ssm-access/core";
import { KmsKeyRef, PolicyStatement, kmsKeyStatement, renderPolicy } from "./policy";

/**
 * Name of the Session Manager preferences document. There is one per account
 * and Region; Session Manager reads it for every session started without an
 * explicit document.
 */
export const SESSION_PREFERENCES_DOCUMENT_NAME = "SSM-SessionManagerRunShell";

/** Retention periods CloudWatch Logs accepts, in days (`0` keeps events forever). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** Anything that takes IAM statements into its own policy, such as `SsmInstanceRole`. */
export interface PolicyGrantee {
  /** Adds the statements to the grantee's identity policy. */
  addToPolicy(...statements: PolicyStatement[]): void;
}

/** Where and how session transcripts are also written to S3. */
export interface SessionLoggingS3Options {
  /**
   * Whether transcripts are also written to an S3 bucket (besides CloudWatch
   * Logs), for long-term archives and tools that read S3.
   */
  readonly enabled: boolean;

  /**
   * Days after which transcripts (and their noncurrent versions) are deleted.
   * @default 365
   */
  readonly expireAfterDays?: number;

  /**
   * Key prefix of the transcripts in the bucket; the instance role may write
   * under this prefix only.
   * @default "sessions/"
   */
  readonly keyPrefix?: string;

  /**
   * Name of the bucket to create. Bucket names are global across all AWS
   * accounts, hence the account id and Region in the default.
   * @default - `<namePrefix>-sessions-<accountId>-<region>`
   */
  readonly bucketName?: string;
}

/** `Run As` support: which operating system user a session runs as on Linux. */
export interface SessionRunAsOptions {
  /**
   * Whether sessions run as a named OS user instead of the generated
   * `ssm-user` (which has sudo rights).
   */
  readonly enabled: boolean;

  /**
   * OS user sessions run as when the IAM principal has no `SSMSessionRunAs`
   * tag. Required when `enabled` is true.
   * @default - none
   */
  readonly defaultUser?: string;
}

/** Session behaviour stored in the preferences document. */
export interface SessionPreferences {
  /**
   * Minutes without activity after which a session ends (1-60), so
   * forgotten shells don't stay open.
   * @default 20
   */
  readonly idleSessionTimeoutMinutes?: number;

  /**
   * Longest a session may last, in minutes (1-1440).
   * @default - no limit
   */
  readonly maxSessionDurationMinutes?: number;

  /**
   * Run sessions as a named OS user.
   * @default - sessions run as `ssm-user`
   */
  readonly runAs?: SessionRunAsOptions;

  /**
   * Commands run at the start of every Linux session, e.g. `exec /bin/bash`.
   * @default - none
   */
  readonly shellProfileLinux?: string;

  /**
   * Whether session output is streamed to CloudWatch Logs as it happens
   * (`true`) or uploaded when the session ends (`false`).
   * @default true
   */
  readonly cloudWatchStreaming?: boolean;
}

/** Properties of {@link SessionLogging}. */
export interface SessionLoggingProps {
  /**
   * Prefix of every name: key alias `alias/<namePrefix>-session`, log group
   * `/ssm/<namePrefix>/sessions`, default bucket name.
   */
  readonly namePrefix: string;

  /** AWS Region of the stack; gives the partition and the CloudWatch Logs service principal. */
  readonly region: string;

  /** The 12-digit AWS account id; ARNs are built from it so no data source is read. */
  readonly accountId: string;

  /**
   * Days CloudWatch Logs keeps session transcripts; one of
   * {@link LOG_RETENTION_DAYS} (`0` keeps them forever).
   * @default 365
   */
  readonly retentionInDays?: number;

  /**
   * Also write transcripts to an S3 bucket.
   * @default - CloudWatch Logs only
   */
  readonly s3?: SessionLoggingS3Options;

  /**
   * Encrypt session data between client and instance with the KMS key, on
   * top of TLS. Operators then need `kms:GenerateDataKey` on the key.
   * @default true
   */
  readonly encryptSessions?: boolean;

  /**
   * Timeouts, Run As and shell profile of sessions.
   * @default - idle timeout 20 minutes, no maximum duration, no Run As, no shell profile
   */
  readonly preferences?: SessionPreferences;

  /**
   * Whether this construct creates the `SSM-SessionManagerRunShell`
   * document. The document exists once per account and Region, so exactly
   * one stack per account and Region may own it; the others set `false`.
   * @default true
   */
  readonly managePreferencesDocument?: boolean;

  /**
   * Take over an `SSM-SessionManagerRunShell` that already exists in the
   * account and Region (anyone who ever saved Session Manager preferences in
   * the console created it, and creating it again fails with
   * `DocumentAlreadyExists`): the stack gets a Terraform `import` block for
   * it, so the next apply imports the document and then overwrites its
   * content with these preferences. Needs Terraform 1.5 or later and
   * `managePreferencesDocument`. Once the document is in the state the
   * import block is a no-op; if the document does not exist, the plan fails
   * (`Cannot import non-existent remote object`). Like a created one, an
   * adopted document is DELETED by `terraform destroy`.
   * @default false
   */
  readonly adoptExistingPreferencesDocument?: boolean;

  /**
   * Days KMS waits before deleting the key once it is scheduled for
   * deletion (7-30); the last chance to cancel.
   * @default 30
   */
  readonly kmsDeletionWindowDays?: number;

  /**
   * Provider to create every resource with (an aliased AWS provider for
   * another Region or account; `region` must then be that provider's Region).
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The interface endpoints instances without an internet route need to log
 * sessions: `logs` (transcripts to CloudWatch Logs) and `kms` (the agent
 * encrypts and decrypts session data with the session key). Both are asked
 * for whatever `encryptSessions` says, so switching encryption on or off never
 * adds or removes a billed endpoint. S3 transcripts go through the network's
 * S3 gateway endpoint.
 */
export const SESSION_LOGGING_ENDPOINT_SERVICES: readonly string[] = ["logs", "kms"];

const DEFAULT_RETENTION_DAYS = 365;
const DEFAULT_EXPIRE_AFTER_DAYS = 365;
const DEFAULT_KEY_PREFIX = "sessions/";
const DEFAULT_IDLE_TIMEOUT_MINUTES = 20;
const DEFAULT_DELETION_WINDOW_DAYS = 30;
const LINUX_USER_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * Audit of every Session Manager session: a KMS key (rotated), a
 * KMS-encrypted CloudWatch log group for transcripts, optionally a locked-down
 * S3 bucket, and the account's Session Manager preferences document pointing
 * at them. {@link grantInstanceRole} gives instances exactly the permissions
 * to write there.
 */
export class SessionLogging extends Construct {
  /** The KMS key encrypting transcripts (and sessions, when `encryptSessions`). */
  public readonly kmsKey: KmsKey;
  /** The key's alias, `alias/<namePrefix>-session`. */
  public readonly kmsAlias: KmsAlias;
  /** The log group receiving session transcripts. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The transcript bucket, when `s3.enabled`. */
  public readonly bucket?: S3Bucket;
  /** The preferences document, when `managePreferencesDocument`. */
  public readonly document?: SsmDocument;

  /** ARN of the KMS key. */
  public readonly kmsKeyArn: string;
  /** Id of the KMS key. */
  public readonly kmsKeyId: string;
  /** Name of the log group, `/ssm/<namePrefix>/sessions`. */
  public readonly logGroupName: string;
  /** ARN of the log group (without the `:*` suffix). */
  public readonly logGroupArn: string;
  /** Name of the transcript bucket, when `s3.enabled`. */
  public readonly bucketName?: string;
  /** ARN of the transcript bucket, when `s3.enabled`. */
  public readonly bucketArn?: string;
  /** Key prefix of transcripts in the bucket, when `s3.enabled`. */
  public readonly s3KeyPrefix?: string;
  /** Name of the preferences document, whether this construct creates it or not. */
  public readonly documentName: string = SESSION_PREFERENCES_DOCUMENT_NAME;
  /**
   * The statements an instance role needs to log sessions here, exactly:
   * what {@link grantInstanceRole} adds. For roles managed elsewhere.
   */
  public readonly instanceRoleStatements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: SessionLoggingProps) {
    super(scope, id);
    validateProps(this.node.path, props);

    const { namePrefix, region, accountId } = props;
    const partition = partitionForRegion(region);
    const encryptSessions = props.encryptSessions ?? true;
    const prefs = props.preferences ?? {};
    const s3 = props.s3?.enabled ? props.s3 : undefined;

    const logGroupName = sessionLogGroupName(namePrefix);
    this.logGroupArn = logGroupArnFor(partition, region, accountId, namePrefix);

    this.kmsKey = new KmsKey(this, "Key", {
      provider: props.provider,
      description: `Encrypts Session Manager sessions and their transcripts (${namePrefix}).`,
      enableKeyRotation: true,
      deletionWindowInDays: props.kmsDeletionWindowDays ?? DEFAULT_DELETION_WINDOW_DAYS,
      policy: renderPolicy([
        {
          // The default key policy: the account administers the key through
          // IAM. Without it no IAM policy (instance role, operators) could
          // use the key. The only wildcard action, and only for the account.
          Sid: "EnableIamPoliciesOfTheAccount",
          Effect: "Allow",
          Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          // CloudWatch Logs encrypts the transcript log group, and no other.
          Sid: "AllowCloudWatchLogsForTheSessionLogGroup",
          Effect: "Allow",
          Principal: { Service: `logs.${region}.${dnsSuffixForRegion(region)}` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": this.logGroupArn } },
        },
      ]),
      tags: nameTag(namePrefix, "session"),
    });

    this.kmsAlias = new KmsAlias(this, "Alias", {
      provider: props.provider,
      name: sessionKeyAlias(namePrefix),
      targetKeyId: this.kmsKey.keyId,
    });

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      provider: props.provider,
      name: logGroupName,
      kmsKeyId: this.kmsKey.arn,
      retentionInDays: props.retentionInDays ?? DEFAULT_RETENTION_DAYS,
    });

    this.kmsKeyArn = this.kmsKey.arn;
    this.kmsKeyId = this.kmsKey.keyId;
    this.logGroupName = this.logGroup.name;

    if (s3) {
      const bucketName = s3.bucketName ?? defaultBucketName(props);
      const keyPrefix = s3.keyPrefix ?? DEFAULT_KEY_PREFIX;
      const expireAfterDays = s3.expireAfterDays ?? DEFAULT_EXPIRE_AFTER_DAYS;

      const bucket = new SecureBucket(this, "Bucket", {
        bucketName,
        region,
        kmsKeyArn: this.kmsKey.arn,
        expireAfterDays,
        lifecycleRuleId: "expire-session-transcripts",
        provider: props.provider,
      });
      this.bucket = bucket.bucket;
      this.bucketName = bucket.bucketName;
      this.bucketArn = bucket.bucketArn;
      this.s3KeyPrefix = keyPrefix;
    }

    this.instanceRoleStatements = loggingStatements({
      partition,
      region,
      accountId,
      logGroupArn: this.logGroupArn,
      ...(this.bucketArn !== undefined ? { bucketArn: this.bucketArn, s3KeyPrefix: this.s3KeyPrefix ?? "" } : {}),
      key: { arn: this.kmsKeyArn },
      encryptSessions,
    });

    if (props.managePreferencesDocument ?? true) {
      this.document = new SsmDocument(this, "Preferences", {
        provider: props.provider,
        name: SESSION_PREFERENCES_DOCUMENT_NAME,
        documentType: "Session",
        documentFormat: "JSON",
        content: escapeTerraformTemplate(
          JSON.stringify(
            {
              schemaVersion: "1.0",
              description: "Session Manager preferences: transcripts to CloudWatch Logs (and S3), encrypted with KMS.",
              sessionType: "Standard_Stream",
              inputs: {
                s3BucketName: this.bucketName ?? "",
                s3KeyPrefix: this.s3KeyPrefix ?? "",
                s3EncryptionEnabled: true,
                cloudWatchLogGroupName: this.logGroupName,
                cloudWatchEncryptionEnabled: true,
                cloudWatchStreamingEnabled: prefs.cloudWatchStreaming ?? true,
                kmsKeyId: encryptSessions ? this.kmsKeyId : "",
                runAsEnabled: prefs.runAs?.enabled ?? false,
                runAsDefaultUser: prefs.runAs?.enabled ? (prefs.runAs.defaultUser ?? "") : "",
                idleSessionTimeout: String(prefs.idleSessionTimeoutMinutes ?? DEFAULT_IDLE_TIMEOUT_MINUTES),
                maxSessionDuration:
                  prefs.maxSessionDurationMinutes === undefined ? "" : String(prefs.maxSessionDurationMinutes),
                shellProfile: { windows: "", linux: prefs.shellProfileLinux ?? "" },
              },
            },
            undefined,
            2,
          ),
        ),
      });
      if (props.adoptExistingPreferencesDocument) {
        // aws_ssm_document is imported by its name.
        this.document.importFrom(SESSION_PREFERENCES_DOCUMENT_NAME, props.provider);
      }
    }
  }

  /**
   * The interface endpoints instances without an internet route need to log
   * sessions here ({@link SESSION_LOGGING_ENDPOINT_SERVICES}): hand them to
   * `PrivateInstances` (`interfaceEndpoints`, or its
   * `requireInterfaceEndpoints`), which asks its network for them only when
   * an instance sits in a tier without internet.
   */
  public get interfaceEndpointServices(): readonly string[] {
    return SESSION_LOGGING_ENDPOINT_SERVICES;
  }

  /**
   * Gives an instance role exactly the permissions to log sessions here
   * ({@link instanceRoleStatements}): nothing wider, no wildcard action.
   */
  public grantInstanceRole(role: PolicyGrantee): void {
    role.addToPolicy(...this.instanceRoleStatements);
  }

  /**
   * The statements an instance role of ANOTHER stack in the same account and
   * Region needs to log its sessions into the `SessionLogging` built from
   * `ownerProps` (the stack that owns the preferences document there, whose
   * log group, bucket and key every session of the account and Region uses).
   * Names are derived from `ownerProps` exactly as this construct derives
   * them; the key, whose ARN is not known outside its stack, is matched by
   * its alias.
   */
  public static statementsForInstancesOf(ownerProps: SessionLoggingProps): PolicyStatement[] {
    validateProps("SessionLogging.statementsForInstancesOf", ownerProps);
    const { namePrefix, region, accountId } = ownerProps;
    const partition = partitionForRegion(region);
    const s3 = ownerProps.s3?.enabled ? ownerProps.s3 : undefined;
    return loggingStatements({
      partition,
      region,
      accountId,
      logGroupArn: logGroupArnFor(partition, region, accountId, namePrefix),
      ...(s3
        ? {
            bucketArn: `arn:${partition}:s3:::${s3.bucketName ?? defaultBucketName(ownerProps)}`,
            s3KeyPrefix: s3.keyPrefix ?? DEFAULT_KEY_PREFIX,
          }
        : {}),
      key: { alias: sessionKeyAlias(namePrefix) },
      encryptSessions: ownerProps.encryptSessions ?? true,
    });
  }
}

/** The session transcript log group of a prefix, `/ssm/<namePrefix>/sessions`. */
export function sessionLogGroupName(namePrefix: string): string {
  return `/ssm/${namePrefix}/sessions`;
}

function logGroupArnFor(partition: string, region: string, accountId: string, namePrefix: string): string {
  return `arn:${partition}:logs:${region}:${accountId}:log-group:${sessionLogGroupName(namePrefix)}`;
}

/** The alias of the session key for a prefix, `alias/<namePrefix>-session`. */
export function sessionKeyAlias(namePrefix: string): string {
  return `alias/${resourceName(namePrefix, "session")}`;
}

/** Where transcripts go and which key protects them, for {@link loggingStatements}. */
interface LoggingTarget {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly logGroupArn: string;
  readonly bucketArn?: string;
  readonly s3KeyPrefix?: string;
  readonly key: KmsKeyRef;
  readonly encryptSessions: boolean;
}

/** Exactly what the SSM Agent needs to write transcripts to `target`; no `*` action, every resource scoped. */
function loggingStatements(target: LoggingTarget): PolicyStatement[] {
  const { partition, region, accountId } = target;
  const statements: PolicyStatement[] = [
    {
      Sid: "SessionLogsWrite",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: `${target.logGroupArn}:*`,
    },
    {
      // DescribeLogGroups lists log groups; it cannot be limited to one
      // group, only to the log groups of the account and Region. The agent
      // calls it to check that the group exists and is encrypted.
      Sid: "SessionLogGroupsDescribe",
      Effect: "Allow",
      Action: "logs:DescribeLogGroups",
      Resource: `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
    },
  ];
  if (target.bucketArn !== undefined) {
    statements.push(
      {
        Sid: "SessionTranscriptsWrite",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: `${target.bucketArn}/${target.s3KeyPrefix ?? ""}*`,
      },
      {
        Sid: "SessionBucketEncryptionCheck",
        Effect: "Allow",
        Action: "s3:GetEncryptionConfiguration",
        Resource: target.bucketArn,
      },
    );
  }
  if (target.encryptSessions || target.bucketArn !== undefined) {
    // Decrypt: session encryption; GenerateDataKey: session encryption and
    // SSE-KMS objects in the bucket.
    statements.push(kmsKeyStatement("SessionKeyUse", ["kms:Decrypt", "kms:GenerateDataKey"], target.key, { partition, region, accountId }));
  }
  return statements;
}

function defaultBucketName(props: SessionLoggingProps): string {
  return resourceName(props.namePrefix, "sessions", props.accountId, props.region);
}

function validateProps(subject: string, props: SessionLoggingProps): void {
  const v = new Validator(subject);
  const prefixOk = v.namePrefix("namePrefix", props.namePrefix, 64);
  const regionOk = v.region("region", props.region);
  const accountOk = v.accountId("accountId", props.accountId);

  if (props.retentionInDays !== undefined) {
    v.check(
      LOG_RETENTION_DAYS.includes(props.retentionInDays),
      "retentionInDays",
      `${props.retentionInDays} is not a CloudWatch Logs retention period; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }
  if (props.kmsDeletionWindowDays !== undefined) {
    v.check(
      Number.isInteger(props.kmsDeletionWindowDays) && props.kmsDeletionWindowDays >= 7 && props.kmsDeletionWindowDays <= 30,
      "kmsDeletionWindowDays",
      `${props.kmsDeletionWindowDays} must be a whole number of days from 7 to 30`,
    );
  }

  const s3 = props.s3;
  if (s3?.enabled) {
    const sv = v.child("s3");
    if (s3.expireAfterDays !== undefined) {
      sv.check(
        Number.isInteger(s3.expireAfterDays) && s3.expireAfterDays >= 1,
        "expireAfterDays",
        `${s3.expireAfterDays} must be a whole number of days, at least 1`,
      );
    }
    if (s3.keyPrefix !== undefined) {
      sv.check(
        s3.keyPrefix.length <= 512 && !s3.keyPrefix.startsWith("/") && !/[*?$\s]/.test(s3.keyPrefix),
        "keyPrefix",
        `"${s3.keyPrefix}" must not start with "/" nor contain "*", "?", "$" or spaces (at most 512 characters)`,
      );
    }
    if (s3.bucketName !== undefined) {
      for (const p of bucketNameProblems(s3.bucketName)) sv.add("bucketName", `"${s3.bucketName}" ${p}`);
    } else if (prefixOk && regionOk && accountOk) {
      const name = defaultBucketName(props);
      for (const p of bucketNameProblems(name)) {
        v.add("namePrefix", `the default bucket name "${name}" ${p}; shorten namePrefix or set s3.bucketName`);
      }
    }
  }

  if (props.adoptExistingPreferencesDocument && props.managePreferencesDocument === false) {
    v.add(
      "adoptExistingPreferencesDocument",
      "only applies when managePreferencesDocument is true: a stack that does not manage the preferences document cannot adopt it",
    );
  }

  const prefs = props.preferences;
  if (prefs) {
    const pv = v.child("preferences");
    const idle = prefs.idleSessionTimeoutMinutes;
    if (idle !== undefined) {
      pv.check(Number.isInteger(idle) && idle >= 1 && idle <= 60, "idleSessionTimeoutMinutes", `${idle} must be a whole number of minutes from 1 to 60`);
    }
    const max = prefs.maxSessionDurationMinutes;
    if (max !== undefined) {
      pv.check(Number.isInteger(max) && max >= 1 && max <= 1440, "maxSessionDurationMinutes", `${max} must be a whole number of minutes from 1 to 1440`);
    }
    if (prefs.runAs?.enabled) {
      const user = prefs.runAs.defaultUser;
      if (pv.check(user !== undefined && user.length > 0, "runAs.defaultUser", "is required when runAs.enabled is true")) {
        pv.check(LINUX_USER_PATTERN.test(user ?? ""), "runAs.defaultUser", `"${user}" is not a valid Linux user name`);
      }
    }
  }
  v.throwIfAny();
}
