import { Construct } from "constructs";
import { Token } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { partitionForRegion } from "./aws";
import { PolicyGrantee, PolicyStatement } from "./policy-statement";
import { SsmAccessProps, checkSsmAccessProps } from "./ssm-access-props";
import { Validator } from "./validation";

/**
 * An S3 bucket as other constructs refer to it (STYLE: references, not
 * rebuilt names): its name and ARN, and the permission to write objects,
 * granted by the bucket's owner. {@link SecureBucket} is one;
 * {@link SecureBucket.fromBucketName} refers to a bucket of another stack.
 */
export interface IBucket {
  /** The bucket name (a token resolving to the created bucket's name, in the stack that creates it). */
  readonly bucketName: string;
  /** The bucket ARN. */
  readonly bucketArn: string;
  /**
   * Lets `grantee` put objects whose key matches `keyPattern` (`prefix/*`):
   * `s3:PutObject` on those objects only, as statement `sid`.
   */
  grantPutObject(grantee: PolicyGrantee, keyPattern: string, sid?: string): void;
}

/** The statement {@link IBucket.grantPutObject} grants: `s3:PutObject` on `<bucket ARN>/<keyPattern>`. */
function putObjectStatement(bucketArn: string, keyPattern: string, sid: string): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: ["s3:PutObject"], Resource: [`${bucketArn}/${keyPattern}`] };
}

const DEFAULT_PUT_OBJECT_SID = "PutObject";

/**
 * Props of {@link SecureBucket}: {@link SsmAccessProps} without a name
 * prefix, since the bucket is named whole.
 */
export interface SecureBucketProps extends Omit<SsmAccessProps, "namePrefix"> {
  /** The bucket name; S3 names are global, so include the account and Region. */
  readonly bucketName: string;

  /** The Region of the bucket; gives the ARN partition of the TLS-only policy. */
  readonly region: string;

  /**
   * KMS key for default encryption (SSE-KMS with an S3 bucket key).
   * @default - the AWS managed key `aws/s3`
   */
  readonly kmsKeyArn?: string;

  /**
   * Days after which objects expire (become noncurrent).
   * @default - objects never expire
   */
  readonly expireAfterDays?: number;

  /**
   * Days a replaced or deleted version is kept.
   * @default - `expireAfterDays`, or kept forever when that is unset
   */
  readonly noncurrentVersionExpireAfterDays?: number;

  /**
   * Id of the lifecycle rule, shown in the S3 console.
   * @default "expire-old-objects"
   */
  readonly lifecycleRuleId?: string;

  /**
   * Refuse `terraform destroy` of the bucket (`lifecycle.prevent_destroy`);
   * for buckets whose loss cannot be undone, such as Terraform state.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** Days after which unfinished multipart uploads are removed. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/**
 * An S3 bucket locked down the way audit and state data need it: versioning,
 * default KMS encryption with a bucket key, every public access block on,
 * ACLs disabled (owner enforced), a policy denying any request without TLS,
 * unfinished uploads removed, and optional expiry of old objects.
 */
export class SecureBucket extends Construct implements IBucket {
  /**
   * A reference to a bucket this stack does not create (another stack's), by
   * its name; `region` gives the partition of its ARN. Creates nothing.
   */
  public static fromBucketName(bucketName: string, region: string): IBucket {
    const bucketArn = `arn:${partitionForRegion(region)}:s3:::${bucketName}`;
    return {
      bucketName,
      bucketArn,
      grantPutObject: (grantee, keyPattern, sid = DEFAULT_PUT_OBJECT_SID) =>
        grantee.addToPolicy(putObjectStatement(bucketArn, keyPattern, sid)),
    };
  }

  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** The bucket name (a token resolving to the created bucket's name). */
  public readonly bucketName: string;
  /** The bucket ARN, built from the name so policies need no reference. */
  public readonly bucketArn: string;
  /** The versioning configuration. */
  public readonly versioning: S3BucketVersioningA;
  /** The public access block. */
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** The TLS-only bucket policy. */
  public readonly policy: S3BucketPolicy;

  private readonly partition: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    validateSecureBucketProps(this, props);
    const provider = props.provider ? { provider: props.provider } : {};
    this.partition = partitionForRegion(props.region);
    const arn = `arn:${this.partition}:s3:::${props.bucketName}`;

    this.bucket = new S3Bucket(this, "Resource", {
      ...provider,
      bucket: props.bucketName,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    const bucket = this.bucket.id;
    this.bucketName = this.bucket.bucket;
    this.bucketArn = arn;

    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      ...provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "OwnershipControls", {
      ...provider,
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      ...provider,
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: props.kmsKeyArn,
          },
          bucketKeyEnabled: true,
        },
      ],
    });
    this.versioning = new S3BucketVersioningA(this, "Versioning", {
      ...provider,
      bucket,
      versioningConfiguration: { status: "Enabled" },
    });
    this.policy = new S3BucketPolicy(this, "Policy", {
      ...provider,
      bucket,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [arn, `${arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
      dependsOn: [this.publicAccessBlock],
    });

    const noncurrentDays = props.noncurrentVersionExpireAfterDays ?? props.expireAfterDays;
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      ...provider,
      bucket,
      rule: [
        {
          id: props.lifecycleRuleId ?? "expire-old-objects",
          status: "Enabled",
          filter: [{}],
          expiration: props.expireAfterDays === undefined ? undefined : [{ days: props.expireAfterDays }],
          noncurrentVersionExpiration: noncurrentDays === undefined ? undefined : [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS }],
        },
      ],
      dependsOn: [this.versioning],
    });
  }

  /**
   * Lets `grantee` put objects whose key matches `keyPattern` (`prefix/*`):
   * `s3:PutObject` on those objects of this bucket only. The ARN is built
   * from the bucket's name attribute, so the policy refers to the bucket.
   */
  public grantPutObject(grantee: PolicyGrantee, keyPattern: string, sid: string = DEFAULT_PUT_OBJECT_SID): void {
    grantee.addToPolicy(putObjectStatement(`arn:${this.partition}:s3:::${this.bucketName}`, keyPattern, sid));
  }
}

function validateSecureBucketProps(scope: Construct, props: SecureBucketProps): void {
  const v = new Validator(scope.node.path);
  if (!Token.isUnresolved(props.bucketName)) {
    for (const problem of bucketNameProblems(props.bucketName)) v.add("bucketName", `"${props.bucketName}" ${problem}`);
  }
  checkSsmAccessProps(v, scope, props, { region: "for the ARN partition of the bucket policy" });
  for (const field of ["expireAfterDays", "noncurrentVersionExpireAfterDays"] as const) {
    const days = props[field];
    if (days !== undefined)
      v.check(Number.isInteger(days) && days >= 1, field, `${days} must be a whole number of days, at least 1`);
  }
  v.throwIfAny();
}

const BUCKET_NAME_EDGE = "[a-z0-9]";
const BUCKET_NAME_MIDDLE = "[a-z0-9.-]";

/**
 * The shape of an S3 general purpose bucket name: 3 to 63 lower-case letters,
 * digits, `.` and `-`, starting and ending with a letter or digit. For JSON
 * schemas and editors; {@link bucketNameProblems} checks every rule.
 */
export const BUCKET_NAME_PATTERN = new RegExp(`^${BUCKET_NAME_EDGE}${BUCKET_NAME_MIDDLE}{1,61}${BUCKET_NAME_EDGE}$`);

const BUCKET_NAME_CHARACTERS = new RegExp(`^${BUCKET_NAME_EDGE}${BUCKET_NAME_MIDDLE}*${BUCKET_NAME_EDGE}$`);

/** Problems with an S3 general purpose bucket name; empty when it is valid. */
export function bucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`is ${name.length} characters; S3 allows 3 to 63`);
  if (!BUCKET_NAME_CHARACTERS.test(name)) {
    problems.push(
      "may hold only lower-case letters, digits, '.' and '-', and must start and end with a letter or digit",
    );
  }
  if (name.includes("..")) problems.push("must not contain two adjacent periods");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) problems.push("must not look like an IP address");
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) problems.push("must not start with xn--, sthree- or amzn-s3-demo-");
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    problems.push("must not end with a suffix S3 reserves (-s3alias, --ol-s3, ...)");
  return problems;
}
