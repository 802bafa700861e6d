import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketObjectLockConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import {
  FeatureOptions,
  IBucket,
  PolicyGrantee,
  PolicyStatement,
  SecureBucket,
  SsmAccessProps,
  Validator,
  bucketNameProblems,
  checkSsmAccessProps,
  dnsSuffixForRegion,
  isEnabled,
  nameTag,
  partitionForRegion,
  resourceName,
} from "@ssm-access/core";
import { KmsKeyRef, kmsKeyStatement, renderPolicy } from "./private/policy";
import { SESSION_PREFERENCES_DOCUMENT_NAME, SessionPreferences } from "./session-preferences";
import { sessionPreferencesDocumentContent, validateSessionPreferences } from "./private/session-preferences";

/** S3 Object Lock of the transcript bucket: transcripts nobody can delete or overwrite while retained. */
export interface SessionTranscriptObjectLockOptions extends FeatureOptions {
  /**
   * Whether new transcripts are locked for `retentionDays`.
   * @default true (the options are given)
   */
  readonly enabled?: boolean;

  /**
   * `GOVERNANCE`: principals with `s3:BypassGovernanceRetention` may still
   * delete a locked version (a break-glass path, itself in CloudTrail).
   * `COMPLIANCE`: nobody can, not even the account root, until the retention
   * ends; a mistaken retention cannot be shortened.
   * @default "GOVERNANCE"
   */
  readonly mode?: "GOVERNANCE" | "COMPLIANCE";

  /**
   * Days every new transcript version is locked; at most `expireAfterDays`.
   * @default - `expireAfterDays` of the bucket (365 unless set)
   */
  readonly retentionDays?: number;
}

/** Where and how session transcripts are also written to S3. */
export interface SessionLoggingS3Options extends FeatureOptions {
  /**
   * Whether transcripts are also written to an S3 bucket (besides CloudWatch
   * Logs), for long-term archives and tools that read S3.
   * @default true (the options are given)
   */
  readonly enabled?: boolean;

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
   * accounts, hence the account id and Region in the default. No dots: the
   * SSM Agent's bucket-Region probe falls back to plain HTTP for dotted
   * names (S3's wildcard certificate does not match them), which 443-only
   * egress drops, stalling every upload.
   * @default - `<namePrefix>-sessions-<accountId>-<region>`
   */
  readonly bucketName?: string;

  /**
   * Lock transcripts with S3 Object Lock (a default retention on the
   * bucket), so a transcript cannot be deleted or overwritten, even by
   * someone holding the instance's credentials, for the retention period.
   * Enabling it on an existing bucket needs no replacement; it cannot be
   * turned off again (S3 keeps Object Lock on a bucket for good), and
   * `terraform destroy` fails on a bucket holding locked versions.
   * @default - no Object Lock
   */
  readonly objectLock?: SessionTranscriptObjectLockOptions;
}

/** Properties of {@link SessionLogging}. */
export interface SessionLoggingProps extends SsmAccessProps {
  /**
   * Prefix of every name: key alias `alias/<namePrefix>-session`, log group
   * `/ssm/<namePrefix>/sessions`, default bucket name. At most 64 characters.
   */
  readonly namePrefix: string;

  /** AWS Region of the stack; gives the partition and the CloudWatch Logs service principal. */
  readonly region: string;

  /** The 12-digit AWS account id; ARNs are built from it so no data source is read. */
  readonly accountId: string;

  /**
   * Days CloudWatch Logs keeps session transcripts; one of
   * `LOG_RETENTION_DAYS` of `@ssm-access/core` (`0` keeps them forever).
   * @default 365
   */
  readonly retentionInDays?: number;

  /**
   * Also write transcripts to an S3 bucket: given, the bucket is created (`{}`
   * for the defaults) unless `enabled: false`.
   * @default - CloudWatch Logs only
   */
  readonly s3?: SessionLoggingS3Options;

  /**
   * Encrypt session data between client and instance with the KMS key, on
   * top of TLS. Operators then need `kms:GenerateDataKey` on the key
   * ({@link SessionLogging.grantStartSession}).
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
   * one stack per account and Region may own it; the others refer to the
   * owner's resources with {@link SessionLogging.fromOwner} instead.
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
}

/**
 * What other constructs need of a session logging configuration: where
 * transcripts go, the key that protects them, the endpoints instances need to
 * reach them, and the permissions to write there and to start encrypted
 * sessions. {@link SessionLogging} creates the resources;
 * {@link SessionLogging.fromOwner} refers to those another stack of the same
 * account and Region created (there is one preferences document per account
 * and Region, so every session there is logged to its owner's resources).
 */
export interface ISessionLogging {
  /** Name of the transcript log group, `/ssm/<namePrefix>/sessions`. */
  readonly logGroupName: string;
  /** ARN of the transcript log group (without the `:*` suffix). */
  readonly logGroupArn: string;
  /** Alias of the session key, `alias/<namePrefix>-session`. */
  readonly kmsKeyAlias: string;
  /**
   * ARN of the session key.
   * @default - unknown outside the stack that owns the key: the key is granted by its alias
   */
  readonly kmsKeyArn?: string;
  /**
   * Name of the transcript bucket.
   * @default - transcripts go to CloudWatch Logs only
   */
  readonly bucketName?: string;
  /**
   * ARN of the transcript bucket.
   * @default - transcripts go to CloudWatch Logs only
   */
  readonly bucketArn?: string;
  /**
   * The transcript bucket, as other constructs refer to it (for example
   * `InstanceMaintenance`'s `outputS3`, which keeps command output beside the
   * transcripts); its owner grants writing to it.
   * @default - transcripts go to CloudWatch Logs only
   */
  readonly transcriptBucket?: IBucket;
  /**
   * Key prefix of transcripts in the bucket.
   * @default - transcripts go to CloudWatch Logs only
   */
  readonly s3KeyPrefix?: string;
  /** Whether session data is encrypted with the session key (operators then need the key to start sessions). */
  readonly encryptSessions: boolean;
  /** Name of the preferences document sessions are started with. */
  readonly documentName: string;
  /**
   * The interface endpoints instances without an internet route need to log
   * sessions here ({@link SESSION_LOGGING_ENDPOINT_SERVICES}): hand them to
   * `PrivateInstances` (`interfaceEndpoints`), which asks its network for them
   * only when an instance sits in a tier without internet.
   */
  readonly interfaceEndpointServices: readonly string[];
  /**
   * Gives an instance role exactly the permissions the SSM Agent needs to
   * write transcripts here: the log group, the bucket prefix, the key.
   * Nothing wider, no wildcard action.
   */
  grantWrite(instanceRole: PolicyGrantee): void;
  /**
   * Gives the people who connect what logging adds to starting a session:
   * `kms:GenerateDataKey` on the session key when sessions are encrypted
   * (nothing when they are not). `OperatorAccess` is such a grantee.
   */
  grantStartSession(operators: PolicyGrantee): void;
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
const DEFAULT_DELETION_WINDOW_DAYS = 30;

/**
 * Audit of every Session Manager session: a KMS key (rotated), a
 * KMS-encrypted CloudWatch log group for transcripts, optionally a locked-down
 * S3 bucket, and the account's Session Manager preferences document pointing
 * at them. {@link SessionLogging.grantWrite} gives instances exactly the permissions to write
 * there, {@link SessionLogging.grantStartSession} gives operators the session key.
 *
 * @example
 * const logging = new SessionLogging(this, "SessionLogging", { namePrefix: "ssm-dev", region, accountId });
 * logging.grantWrite(instanceRole);
 * logging.grantStartSession(operatorAccess);
 */
export class SessionLogging extends Construct implements ISessionLogging {
  /**
   * A reference to the session logging another stack of the same account and
   * Region owns (the one that manages the preferences document), built from
   * the props that stack gives its `SessionLogging`: names are derived exactly
   * as the owner derives them, and the key, whose ARN is not known outside its
   * stack, is granted by its alias (`kms:ResourceAliases`). Creates nothing.
   *
   * @param ownerProps the props of the owner's `SessionLogging`; checked as that construct checks them
   */
  public static fromOwner(scope: Construct, id: string, ownerProps: SessionLoggingProps): ISessionLogging {
    return new OwnerSessionLogging(scope, id, ownerProps);
  }

  /** The KMS key encrypting transcripts (and sessions, when `encryptSessions`). */
  public readonly kmsKey: KmsKey;
  /** The key's alias resource, `alias/<namePrefix>-session`. */
  public readonly kmsAlias: KmsAlias;
  /** The log group receiving session transcripts. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The transcript bucket, when transcripts go to S3 (`s3`). */
  public readonly bucket?: S3Bucket;
  /** The preferences document, when `managePreferencesDocument`. */
  public readonly document?: SsmDocument;
  /** The Object Lock configuration of the transcript bucket, when `s3.objectLock`. */
  public readonly objectLock?: S3BucketObjectLockConfigurationA;

  /** ARN of the KMS key. */
  public readonly kmsKeyArn: string;
  /** Id of the KMS key. */
  public readonly kmsKeyId: string;
  /** Alias of the KMS key, `alias/<namePrefix>-session`. */
  public readonly kmsKeyAlias: string;
  /** Name of the log group, `/ssm/<namePrefix>/sessions`. */
  public readonly logGroupName: string;
  /** ARN of the log group (without the `:*` suffix). */
  public readonly logGroupArn: string;
  /** Name of the transcript bucket, when transcripts go to S3 (`s3`). */
  public readonly bucketName?: string;
  /** ARN of the transcript bucket, when transcripts go to S3 (`s3`). */
  public readonly bucketArn?: string;
  /** Key prefix of transcripts in the bucket, when transcripts go to S3 (`s3`). */
  public readonly s3KeyPrefix?: string;
  /** The transcript bucket as other constructs refer to it, when transcripts go to S3 (`s3`). */
  public readonly transcriptBucket?: SecureBucket;
  /** Whether session data is encrypted with the key (`encryptSessions`). */
  public readonly encryptSessions: boolean;
  /** Name of the preferences document, whether this construct creates it or not. */
  public readonly documentName: string = SESSION_PREFERENCES_DOCUMENT_NAME;

  private readonly target: LoggingTarget;

  constructor(scope: Construct, id: string, props: SessionLoggingProps) {
    super(scope, id);
    validateProps(this, props);

    const names = loggingNames(props);
    this.logGroupArn = names.logGroupArn;
    this.kmsKeyAlias = names.kmsKeyAlias;
    this.encryptSessions = props.encryptSessions ?? true;

    this.kmsKey = this.createKey(props, names.partition);
    this.kmsAlias = new KmsAlias(this, "Alias", {
      provider: props.provider,
      name: names.kmsKeyAlias,
      targetKeyId: this.kmsKey.keyId,
    });
    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      provider: props.provider,
      name: names.logGroupName,
      kmsKeyId: this.kmsKey.arn,
      retentionInDays: props.retentionInDays ?? DEFAULT_RETENTION_DAYS,
    });
    this.kmsKeyArn = this.kmsKey.arn;
    this.kmsKeyId = this.kmsKey.keyId;
    this.logGroupName = this.logGroup.name;

    if (isEnabled(props.s3, false)) {
      const bucket = this.createBucket(props, names.bucketName ?? defaultBucketName(props));
      this.transcriptBucket = bucket;
      this.bucket = bucket.bucket;
      this.bucketName = bucket.bucketName;
      this.bucketArn = bucket.bucketArn;
      this.s3KeyPrefix = names.s3KeyPrefix;
      const lock = props.s3?.objectLock;
      if (isEnabled(lock, false)) {
        this.objectLock = new S3BucketObjectLockConfigurationA(this, "ObjectLock", {
          provider: props.provider,
          bucket: bucket.bucket.id,
          objectLockEnabled: "Enabled",
          rule: {
            defaultRetention: {
              mode: lock?.mode ?? "GOVERNANCE",
              days: lock?.retentionDays ?? props.s3?.expireAfterDays ?? DEFAULT_EXPIRE_AFTER_DAYS,
            },
          },
          // S3 accepts an Object Lock configuration on versioned buckets only.
          dependsOn: [bucket.versioning],
        });
      }
    }

    this.target = {
      partition: names.partition,
      region: props.region,
      accountId: props.accountId,
      logGroupArn: this.logGroupArn,
      bucketArn: this.bucketArn,
      s3KeyPrefix: this.s3KeyPrefix,
      key: { arn: this.kmsKeyArn },
      encryptSessions: this.encryptSessions,
    };

    if (props.managePreferencesDocument ?? true) this.document = this.createPreferencesDocument(props);
  }

  /**
   * The session key (rotated): the account administers it through IAM, and
   * CloudWatch Logs may use it for the transcript log group only.
   */
  private createKey(props: SessionLoggingProps, partition: string): KmsKey {
    const { namePrefix, region, accountId } = props;
    return new KmsKey(this, "Key", {
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
  }

  /** The transcript bucket, encrypted with the session key, transcripts expiring after `s3.expireAfterDays`. */
  private createBucket(props: SessionLoggingProps, bucketName: string): SecureBucket {
    return new SecureBucket(this, "Bucket", {
      bucketName,
      region: props.region,
      kmsKeyArn: this.kmsKey.arn,
      expireAfterDays: props.s3?.expireAfterDays ?? DEFAULT_EXPIRE_AFTER_DAYS,
      lifecycleRuleId: "expire-session-transcripts",
      provider: props.provider,
    });
  }

  /** The account's `SSM-SessionManagerRunShell`, pointing at this construct's resources; imported when adopted. */
  private createPreferencesDocument(props: SessionLoggingProps): SsmDocument {
    const document = new SsmDocument(this, "Preferences", {
      provider: props.provider,
      name: SESSION_PREFERENCES_DOCUMENT_NAME,
      documentType: "Session",
      documentFormat: "JSON",
      content: sessionPreferencesDocumentContent(
        {
          logGroupName: this.logGroupName,
          bucketName: this.bucketName,
          s3KeyPrefix: this.s3KeyPrefix,
          sessionKmsKeyId: this.encryptSessions ? this.kmsKeyId : undefined,
        },
        props.preferences,
      ),
    });
    if (props.adoptExistingPreferencesDocument) {
      // aws_ssm_document is imported by its name.
      document.importFrom(SESSION_PREFERENCES_DOCUMENT_NAME, props.provider);
    }
    return document;
  }

  /** The interface endpoints instances without an internet route need to log sessions here ({@link SESSION_LOGGING_ENDPOINT_SERVICES}). */
  public get interfaceEndpointServices(): readonly string[] {
    return SESSION_LOGGING_ENDPOINT_SERVICES;
  }

  /** Gives an instance role exactly the permissions to write transcripts here (see {@link ISessionLogging.grantWrite}). */
  public grantWrite(instanceRole: PolicyGrantee): void {
    instanceRole.addToPolicy(...writeStatements(this.target));
  }

  /** Gives operators the session key when sessions are encrypted (see {@link ISessionLogging.grantStartSession}). */
  public grantStartSession(operators: PolicyGrantee): void {
    const statement = startSessionStatement(this.target);
    if (statement) operators.addToPolicy(statement);
  }
}

/** The session logging of another stack, as {@link SessionLogging.fromOwner} refers to it. */
class OwnerSessionLogging extends Construct implements ISessionLogging {
  public readonly logGroupName: string;
  public readonly logGroupArn: string;
  public readonly kmsKeyAlias: string;
  public readonly kmsKeyArn?: string;
  public readonly bucketName?: string;
  public readonly bucketArn?: string;
  public readonly transcriptBucket?: IBucket;
  public readonly s3KeyPrefix?: string;
  public readonly encryptSessions: boolean;
  public readonly documentName = SESSION_PREFERENCES_DOCUMENT_NAME;
  public readonly interfaceEndpointServices = SESSION_LOGGING_ENDPOINT_SERVICES;
  private readonly target: LoggingTarget;

  constructor(scope: Construct, id: string, ownerProps: SessionLoggingProps) {
    super(scope, id);
    validateProps(this, ownerProps);
    const names = loggingNames(ownerProps);
    this.logGroupName = names.logGroupName;
    this.logGroupArn = names.logGroupArn;
    this.kmsKeyAlias = names.kmsKeyAlias;
    this.encryptSessions = ownerProps.encryptSessions ?? true;
    if (isEnabled(ownerProps.s3, false)) {
      this.transcriptBucket = SecureBucket.fromBucketName(
        names.bucketName ?? defaultBucketName(ownerProps),
        ownerProps.region,
      );
      this.bucketName = this.transcriptBucket.bucketName;
      this.bucketArn = this.transcriptBucket.bucketArn;
      this.s3KeyPrefix = names.s3KeyPrefix;
    }
    this.target = {
      partition: names.partition,
      region: ownerProps.region,
      accountId: ownerProps.accountId,
      logGroupArn: this.logGroupArn,
      bucketArn: this.bucketArn,
      s3KeyPrefix: this.s3KeyPrefix,
      key: { alias: this.kmsKeyAlias },
      encryptSessions: this.encryptSessions,
    };
  }

  public grantWrite(instanceRole: PolicyGrantee): void {
    instanceRole.addToPolicy(...writeStatements(this.target));
  }

  public grantStartSession(operators: PolicyGrantee): void {
    const statement = startSessionStatement(this.target);
    if (statement) operators.addToPolicy(statement);
  }
}

/** Every name of a session logging configuration, derived from its props (the owner's and any reference alike). */
function loggingNames(props: SessionLoggingProps) {
  const { namePrefix, region, accountId } = props;
  const partition = partitionForRegion(region);
  const logGroupName = `/ssm/${namePrefix}/sessions`;
  return {
    partition,
    logGroupName,
    logGroupArn: `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`,
    kmsKeyAlias: `alias/${resourceName(namePrefix, "session")}`,
    bucketName: props.s3?.bucketName,
    s3KeyPrefix: props.s3?.keyPrefix ?? DEFAULT_KEY_PREFIX,
  };
}

/** Where transcripts go and which key protects them. */
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
function writeStatements(target: LoggingTarget): PolicyStatement[] {
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
  // Append only, explicitly: a broader policy attached to the role later
  // (managedPolicyArns) cannot let whoever holds the instance's credentials
  // delete, shorten or re-key what the agent wrote.
  statements.push({
    Sid: "SessionTranscriptsAppendOnly",
    Effect: "Deny",
    Action: [
      "logs:Delete*",
      "logs:PutRetentionPolicy",
      "logs:AssociateKmsKey",
      "logs:DisassociateKmsKey",
      ...(target.bucketArn === undefined
        ? []
        : [
            "s3:Delete*",
            "s3:BypassGovernanceRetention",
            "s3:PutObjectRetention",
            "s3:PutObjectLegalHold",
            "s3:PutBucketObjectLockConfiguration",
            "s3:PutBucketVersioning",
            "s3:PutLifecycleConfiguration",
            "s3:PutBucketPolicy",
          ]),
    ],
    Resource: [
      target.logGroupArn,
      `${target.logGroupArn}:*`,
      ...(target.bucketArn === undefined ? [] : [target.bucketArn, `${target.bucketArn}/*`]),
    ],
  });
  if (target.encryptSessions || target.bucketArn !== undefined) {
    // Decrypt: session encryption; GenerateDataKey: session encryption and
    // SSE-KMS objects in the bucket.
    statements.push(kmsKeyStatement("SessionKeyUse", ["kms:Decrypt", "kms:GenerateDataKey"], target.key, target));
  }
  return statements;
}

/** The key statement operators need to start sessions encrypted at `target`; none without session encryption. */
function startSessionStatement(target: LoggingTarget): PolicyStatement | undefined {
  return target.encryptSessions
    ? kmsKeyStatement("SessionKeyUse", "kms:GenerateDataKey", target.key, target)
    : undefined;
}

function defaultBucketName(props: SessionLoggingProps): string {
  return resourceName(props.namePrefix, "sessions", props.accountId, props.region);
}

function validateProps(scope: Construct, props: SessionLoggingProps): void {
  const v = new Validator(scope.node.path);
  const access = checkSsmAccessProps(v, scope, props, {
    maxNamePrefixLength: 64,
    region: "for the ARNs of the log group, key and bucket, and the CloudWatch Logs principal",
    accountId: "for the ARNs of the log group and key, and the key policy",
  });
  const { namePrefixOk: prefixOk, regionOk, accountIdOk: accountOk } = access;

  if (props.retentionInDays !== undefined) {
    v.logRetentionDays("retentionInDays", props.retentionInDays);
  }
  if (props.kmsDeletionWindowDays !== undefined) {
    v.check(
      Number.isInteger(props.kmsDeletionWindowDays) &&
        props.kmsDeletionWindowDays >= 7 &&
        props.kmsDeletionWindowDays <= 30,
      "kmsDeletionWindowDays",
      `${props.kmsDeletionWindowDays} must be a whole number of days from 7 to 30`,
    );
  }

  const s3 = props.s3;
  if (v.featureOptions("s3", s3) && s3 !== undefined && isEnabled(s3, false)) {
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
      sv.check(
        !s3.bucketName.includes("."),
        "bucketName",
        `"${s3.bucketName}" contains ".": the SSM Agent then looks up the bucket's Region over plain HTTP (S3's certificate does not match dotted names), which the instances' 443-only egress drops; use "-"`,
      );
    } else if (prefixOk && regionOk && accountOk) {
      const name = defaultBucketName(props);
      for (const p of bucketNameProblems(name)) {
        v.add("namePrefix", `the default bucket name "${name}" ${p}; shorten namePrefix or set s3.bucketName`);
      }
    }
  }

  const lock = s3?.objectLock;
  if (
    s3 !== undefined &&
    isEnabled(s3, false) &&
    v.child("s3").featureOptions("objectLock", lock) &&
    isEnabled(lock, false)
  ) {
    const lv = v.child("s3").child("objectLock");
    if (lock?.mode !== undefined) lv.oneOf("mode", lock.mode, ["GOVERNANCE", "COMPLIANCE"] as const);
    const expire = s3.expireAfterDays ?? DEFAULT_EXPIRE_AFTER_DAYS;
    if (lock?.retentionDays !== undefined) {
      lv.check(
        Number.isInteger(lock.retentionDays) && lock.retentionDays >= 1 && lock.retentionDays <= expire,
        "retentionDays",
        `${lock.retentionDays} must be a whole number of days from 1 to s3.expireAfterDays (${expire}): a transcript cannot expire while it is locked`,
      );
    }
  }

  if (props.adoptExistingPreferencesDocument && props.managePreferencesDocument === false) {
    v.add(
      "adoptExistingPreferencesDocument",
      "only applies when managePreferencesDocument is true: a stack that does not manage the preferences document cannot adopt it",
    );
  }

  if (props.preferences) validateSessionPreferences(v.child("preferences"), props.preferences);
  v.throwIfAny();
}
