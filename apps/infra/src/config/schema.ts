import { z } from "zod";
import {
  ACCOUNT_ID_PATTERN,
  BUCKET_NAME_PATTERN,
  PARTITION_PATTERN_SOURCE,
  REGION_PATTERN,
  TAG_KEY_PATTERN,
  TAG_VALUE_PATTERN,
  bucketNameProblems,
  featureOptionsProblem,
  duplicates,
  isZoneOfRegion,
  partitionForRegion,
} from "@ssm-access/core";
import { AmiSource, DEFAULT_AMI } from "@ssm-access/compute";
import { AL2023_RELEASE_PATTERN, PATCH_MODES, al2023ReleaseProblem } from "@ssm-access/maintenance";

/**
 * The schema of one environment file (`environments/<name>.json`).
 *
 * Field names follow the props of the constructs they feed, so a problem
 * found by a construct is reported at the same path in the file.
 * Every object is strict: an unknown field is an error, not ignored.
 */

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The section of an optional feature, the one way every section says "off"
 * (`FeatureOptions` of `@ssm-access/core`): give the section to turn the
 * feature on with its settings, `"enabled": false` to turn it off, leave it
 * out for the feature's default. A bare `true` / `false` is rejected with the
 * spelling to write instead.
 */
function featureSection<T extends z.ZodRawShape>(shape: T, enabledDescription: string) {
  return z.strictObject(
    { enabled: z.boolean().optional().describe(enabledDescription), ...shape },
    { error: (issue) => featureOptionsProblem(issue.input) },
  );
}

/**
 * Public SSM parameters of Amazon Linux 2023 AMIs start with this (every
 * architecture and kernel flavour). Only images from such a parameter are
 * recognisably Amazon Linux 2023; a pinned `ami.id` or another parameter is not.
 */
export const AL2023_AMI_PARAMETER_PREFIX = "/aws/service/ami-amazon-linux-latest/al2023-";

/** Whether an instance's image (absent: the default) is recognisably Amazon Linux 2023. */
export function isRecognisablyAl2023(ami: AmiSource | undefined): boolean {
  const { ssmParameter } = ami ?? DEFAULT_AMI;
  return ssmParameter !== undefined && ssmParameter.startsWith(AL2023_AMI_PARAMETER_PREFIX);
}

const releaseProblemOf = (input: unknown): string =>
  al2023ReleaseProblem(input) ?? "is not an Amazon Linux 2023 release version";
const al2023Release = z
  .string()
  .regex(AL2023_RELEASE_PATTERN, { error: (issue) => releaseProblemOf(issue.input), abort: true })
  .refine((value) => al2023ReleaseProblem(value) === undefined, { error: (issue) => releaseProblemOf(issue.input) });

/** An IAM role ARN: partition (1), account id (2). Role names may carry a path (`role/deploy/terraform`). */
export const ROLE_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION_PATTERN_SOURCE}:iam::(\\d{12}):role\\/(?:[\\x21-\\x7E]+\\/)?[\\w+=,.@-]{1,64}$`,
);

const tier = z.enum(["public", "private", "isolated"]);
const instanceTier = z.enum(["private", "isolated"]).describe("Subnet tier of the instance; never public.");

const s3Backend = z.strictObject({
  type: z.literal("s3"),
  bucket: z
    .string()
    .regex(BUCKET_NAME_PATTERN, {
      error: "must be a valid S3 bucket name (3-63 lower-case letters, digits, '.', '-')",
      abort: true,
    })
    .superRefine((name, ctx) => {
      for (const problem of bucketNameProblems(name)) ctx.addIssue({ code: "custom", message: `"${name}" ${problem}` });
    })
    .describe("State bucket; created by the state-bootstrap stack."),
  region: z
    .string()
    .regex(REGION_PATTERN, "must be an AWS Region code such as eu-west-1")
    .optional()
    .describe("Bucket Region; defaults to the environment's region."),
  keyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be path segments of letters, digits, '_', '.', '-'")
    .optional()
    .describe("State key prefix; default is the project name. Key: <prefix>/<environment>/terraform.tfstate."),
  dynamodbTable: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name: 3-255 letters, digits, '_', '.', '-'")
    .optional()
    .describe("DynamoDB lock table, for Terraform < 1.10 users; S3 native locking (use_lockfile) is always on."),
  profile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "AWS CLI profile Terraform uses to reach the bucket, and the state-bootstrap stack to create it; default deploy.profile (else the default credential chain). deploy.assumeRoleArn applies on top of it.",
    ),
});

const cloudBackend = z.strictObject({
  type: z.literal("cloud"),
  organization: z.string().min(1).describe("HCP Terraform organization."),
  workspace: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,90}$/, "must be 1-90 letters, digits, '-', '_'")
    .describe("HCP Terraform workspace name."),
  hostname: z.string().min(1).optional().describe("Terraform Enterprise host; default: HCP Terraform."),
});

const localBackend = z.strictObject({
  type: z.literal("local"),
  path: z
    .string()
    .min(1)
    .optional()
    .describe("State file path, relative to the app folder; default terraform.<environment>.tfstate."),
});

const tierOptions = featureSection(
  {
    cidrs: z
      .record(z.string(), z.string())
      .optional()
      .describe("Explicit subnet CIDR per Availability Zone, overriding the stable plan."),
    prefixLength: z.int().optional().describe("Prefix length of this tier's subnets; default from the plan."),
    mapPublicIpOnLaunch: z
      .boolean()
      .optional()
      .describe("Public tier only: give launched ENIs public IPs. Instances of this project never go there."),
  },
  "Create this tier; a tier listed here is on unless false.",
);

const instanceOptions = {
  instanceType: z
    .string()
    .optional()
    .describe(
      "EC2 instance type of a supported family (t2, t3, t3a, t4g, m5-m7, c5-c7, r5-r7); default t3.micro (1 GiB: patch scans and dnf get OOM-killed on 512 MiB).",
    ),
  tier: instanceTier.optional().describe("Subnet tier: private or isolated (default); never public."),
  availabilityZone: z
    .string()
    .optional()
    .describe("Pin to one Availability Zone; default round-robin across the tier."),
  ami: z
    .union([
      z.strictObject({
        ssmParameter: z.string().describe("Public SSM parameter holding the AMI id, resolved at launch."),
      }),
      z.strictObject({ id: z.string().describe("Pinned AMI id.") }),
    ])
    .optional()
    .describe("Image: an SSM parameter (default Amazon Linux 2023) or a pinned id."),
  rootVolume: z
    .strictObject({
      deviceName: z
        .string()
        .optional()
        .describe(
          "Root device name of the AMI, which the launch template's block device mapping names: default /dev/xvda (Amazon Linux); /dev/sda1 for Ubuntu or RHEL. Changing it replaces the instance.",
        ),
      sizeGiB: z.int().optional().describe("Size in GiB, 1 to 16384; default 8. Changing it replaces the instance."),
      kmsKeyArn: z.string().optional().describe("Customer managed KMS key; default the account's default EBS key."),
      iops: z.int().optional().describe("gp3 IOPS, 3000 (default) to 16000."),
      throughput: z.int().optional().describe("gp3 throughput in MiB/s, 125 (default) to 1000."),
    })
    .optional()
    .describe("Root volume, in the launch template: always gp3, encrypted, deleted with the instance."),
  detailedMonitoring: z.boolean().optional().describe("CloudWatch 1-minute metrics (billed); default false."),
  terminationProtection: z
    .boolean()
    .optional()
    .describe("EC2 termination protection of this instance; default the file's terminationProtection."),
  metadataHopLimit: z.int().optional().describe("IMDSv2 hop limit, 1 (default) to 64; 2 for containers."),
  cpuCredits: z
    .enum(["standard", "unlimited"])
    .optional()
    .describe(
      "CPU credits of a burstable type (t2, t3, t3a, t4g): standard (default) throttles to the baseline, unlimited bills the surplus. An error on other families.",
    ),
  replacementGeneration: z
    .int()
    .min(0, "must be 0 or more; bump it by one to replace the instance")
    .optional()
    .describe(
      "Bump (0 → 1 → 2...) to replace the instance on purpose, e.g. to launch it from the image its SSM parameter holds today; default 0.",
    ),
  tags: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "Extra tags on the instance and its root volume: keys 1-128, values up to 256 letters, digits, spaces and _ . : / = + - @; no aws: prefix.",
    ),
};

const instance = z.strictObject({
  name: z.string().regex(NAME, "must be lower-case letters, digits and '-', starting with a letter"),
  ...instanceOptions,
});

const patchWindow = z.strictObject({
  timezone: z.string().optional(),
  duration: z.int().optional().describe("Window length in hours."),
  cutoff: z.int().optional().describe("Hours before the end of the window when no new task starts."),
  rebootOption: z.enum(["RebootIfNeeded", "NoReboot"]).optional(),
  maxConcurrency: z.string().optional(),
  maxErrors: z.string().optional(),
});

const deploy = z.strictObject({
  profile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "AWS CLI profile (~/.aws/config) for this environment's provider, its S3 backend and the state-bootstrap provider of its account; default none (the default credential chain).",
    ),
  assumeRoleArn: z
    .string()
    .regex(ROLE_ARN_PATTERN, "must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)")
    .optional()
    .describe(
      "IAM role in accountId that Terraform assumes (from profile, or the default chain) for the provider and the S3 backend; default none.",
    ),
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, "must be 2-1224 letters, digits and +=,.@:/-")
    .optional()
    .describe("External id the role's trust policy requires; only with assumeRoleArn. Default none."),
  sessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, "must be 2-64 letters, digits and +=,.@-")
    .optional()
    .describe("Role session name, shown in CloudTrail; only with assumeRoleArn. Default: the provider's."),
});

const roleArn = z
  .string()
  .regex(ROLE_ARN_PATTERN, "must be an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)");

const ci = z.strictObject({
  planRoleArn: roleArn
    .optional()
    .describe(
      "IAM role in accountId that CI assumes through GitHub's OIDC provider to plan (read-only) and to review pull requests against the real state; default none: pull requests are reviewed against the emulated baseline and the environment is not deployed from CI.",
    ),
  applyRoleArn: roleArn
    .optional()
    .describe(
      "IAM role in accountId that CI assumes to apply a reviewed plan, from the GitHub environment of the same name; default none: the environment is not deployed from CI.",
    ),
  deployAfter: z
    .array(z.string().regex(NAME, "must be an environment name"))
    .optional()
    .describe('Environments CI deploys before this one in the same run (e.g. ["dev"] for prod); default none.'),
});

export const environmentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    project: z
      .string()
      .regex(NAME, "must be lower-case letters, digits and '-', starting with a letter")
      .max(24)
      .default("ssm-access")
      .describe("Project name: resource name prefix and state key prefix."),
    accountId: z
      .string()
      .regex(ACCOUNT_ID_PATTERN, "must be a 12-digit AWS account id")
      .describe("The only account this environment may touch (provider allowed_account_ids)."),
    region: z.string().regex(REGION_PATTERN, "must be an AWS Region code such as eu-west-1"),
    network: z.strictObject({
      cidr: z.string().describe("VPC CIDR in an RFC 1918 range, /16 to /28."),
      availabilityZones: z.array(z.string()).min(1, "must list at least one Availability Zone"),
      subnets: z
        .strictObject({
          public: tierOptions.optional(),
          private: tierOptions.optional(),
          isolated: tierOptions.optional(),
        })
        .optional()
        .describe("Subnet tiers; default only isolated."),
      azSlotsPerTier: z
        .int()
        .optional()
        .describe("Subnet slots per tier block (1, 2, 4, 8, 16); default 4. Set before the first apply."),
      zoneSlots: z.record(z.string(), z.int()).optional().describe("Slot of a zone without a letter (Local Zones)."),
      natGateways: z.enum(["none", "single", "perAz"]).default("none"),
      endpoints: featureSection(
        {
          subnetTier: tier.optional().describe("Tier holding the interface endpoints; default isolated, else private."),
          availabilityZoneCount: z
            .int()
            .optional()
            .describe("How many AZs carry the interface endpoints (each is billed per AZ-hour); default all."),
          extraServices: z
            .array(z.string())
            .optional()
            .describe("More interface endpoints by service short name, e.g. ec2, sts."),
          s3Gateway: featureSection(
            {
              allowedBuckets: z
                .array(z.string())
                .optional()
                .describe(
                  "Buckets of other accounts the instances may use through the S3 gateway, as bucket or bucket/key-pattern; default none (the account's own buckets and the AWS-owned SSM, patching and Amazon Linux buckets only).",
                ),
            },
            "Create the S3 gateway endpoint (free); default true.",
          )
            .optional()
            .describe('S3 gateway endpoint (free); default on. { "enabled": false } for none.'),
        },
        "Create the Session Manager VPC endpoints; default true. false: none (instances then need NAT to reach Systems Manager).",
      )
        .optional()
        .describe(
          "Session Manager VPC endpoints; default on (interface endpoints in every zone of the isolated, else private, tier; S3 gateway).",
        ),
      flowLogs: featureSection(
        {
          retentionInDays: z.int().optional().describe("Days CloudWatch Logs keeps flow log records; default 365."),
          trafficType: z.enum(["ACCEPT", "REJECT", "ALL"]).optional().describe("Traffic recorded; default ALL."),
        },
        "Record VPC flow logs. State it: a flowLogs section without enabled was off before and would be on now.",
      )
        .optional()
        .describe("VPC flow logs to CloudWatch Logs; default none."),
    }),
    instances: z.array(instance).min(1, "must define at least one instance"),
    terminationProtection: z
      .boolean()
      .default(false)
      .describe("Turn on EC2 termination protection for every instance."),
    sessionLogging: z
      .strictObject({
        retentionInDays: z.int().optional().describe("Days CloudWatch Logs keeps transcripts; default 365."),
        encryptSessions: z.boolean().optional().describe("KMS-encrypt session data; default true."),
        s3: featureSection(
          {
            expireAfterDays: z.int().optional().describe("Days after which transcripts are deleted; default 365."),
            keyPrefix: z.string().optional().describe("Key prefix of transcripts; default sessions/."),
            bucketName: z
              .string()
              .optional()
              .describe("Bucket name; default <project>-<environment>-sessions-<accountId>-<region>. No dots."),
            objectLock: featureSection(
              {
                mode: z
                  .enum(["GOVERNANCE", "COMPLIANCE"])
                  .optional()
                  .describe(
                    "GOVERNANCE (default): s3:BypassGovernanceRetention may still delete a locked version; COMPLIANCE: nobody can until the retention ends.",
                  ),
                retentionDays: z
                  .int()
                  .optional()
                  .describe("Days every new transcript is locked; at most expireAfterDays, which is the default."),
              },
              "Lock transcripts with S3 Object Lock; default true when the section is given. Cannot be turned off on the bucket again.",
            )
              .optional()
              .describe("S3 Object Lock on the transcript bucket (tamper-evident transcripts); default none."),
          },
          "Keep transcripts in the bucket too; default true when the section is given.",
        )
          .optional()
          .describe("Also keep transcripts in an S3 bucket; default none (CloudWatch Logs only)."),
        preferences: z
          .strictObject({
            idleSessionTimeoutMinutes: z.int().optional(),
            maxSessionDurationMinutes: z.int().optional(),
            runAs: featureSection(
              {
                defaultUser: z
                  .string()
                  .optional()
                  .describe("Linux user sessions run as; required unless enabled is false."),
              },
              "Run sessions as a named Linux user; default true when the section is given.",
            )
              .optional()
              .describe("Run sessions as a named Linux user instead of ssm-user; default off."),
            shellProfileLinux: z.string().optional(),
          })
          .optional(),
        managePreferencesDocument: z
          .boolean()
          .default(true)
          .describe(
            "This stack owns SSM-SessionManagerRunShell of its account and Region (one owner per account and Region).",
          ),
        preferencesOwner: z
          .string()
          .optional()
          .describe(
            "With managePreferencesDocument false: the environment (file name) that owns the document in this account and Region; sessions here are logged to its log group, bucket and key.",
          ),
        adoptExistingPreferencesDocument: z
          .boolean()
          .optional()
          .describe(
            "SSM-SessionManagerRunShell already exists (preferences were saved in the console): import it (a Terraform import block, Terraform >= 1.5) instead of failing with DocumentAlreadyExists. Needs managePreferencesDocument. terraform destroy deletes an adopted document too. Default false.",
          ),
      })
      .default({ managePreferencesDocument: true }),
    operatorAccess: featureSection(
      {
        portForwarding: z
          .strictObject({
            ports: z
              .array(z.int())
              .optional()
              .describe("Ports of the instance operators may forward a local port to, e.g. [5432]; never 22."),
            remoteHosts: z
              .array(
                z.strictObject({
                  host: z.string().describe("DNS name (resolved by the instance) or IPv4 address."),
                  port: z.int().describe("TCP port on the host; never 22."),
                }),
              )
              .optional()
              .describe("Hosts reached through the instance, each with the one port operators may forward to."),
          })
          .optional()
          .describe("Port forwarding through Session documents pinned to each port (and host); default none."),
        assumeRole: z
          .strictObject({
            trustedPrincipalArns: z.array(z.string()),
            requireMfa: z.boolean().optional(),
            maxSessionDurationSeconds: z.int().optional(),
          })
          .optional()
          .describe("A role operators assume (MFA by default); without it, attach the policy to people."),
      },
      "Create the operators' access policy; default true. false: no operator policy, role or port forwarding documents.",
    )
      .default({})
      .describe("Least-privilege access for the people who connect; default on."),
    maintenance: z
      .strictObject({
        agentUpdate: featureSection(
          {
            schedule: z.string().optional(),
            maxConcurrency: z.string().optional(),
            maxErrors: z.string().optional(),
          },
          "Keep the SSM Agent up to date; default true.",
        )
          .optional()
          .describe("SSM Agent updates; default on, every 14 days."),
        patching: featureSection(
          {
            mode: z
              .enum(PATCH_MODES, {
                error: (issue) =>
                  issue.input === "off"
                    ? 'is no longer a patching mode: turn patching off with "patching": { "enabled": false }'
                    : undefined,
              })
              .optional()
              .describe("scan: report missing patches; install: patch inside the maintenance window. Default scan."),
            schedule: z.string().optional(),
            betweenWindowsScan: featureSection(
              {
                schedule: z
                  .string()
                  .optional()
                  .describe("When the scan runs (association schedule, UTC); default cron(0 15 ? * * *)."),
              },
              "Scan between patch windows in install mode; default true.",
            )
              .optional()
              .describe("The compliance scan between patch windows (install mode); default on, daily 15:00 UTC."),
            window: patchWindow.optional(),
          },
          "Patch the instances (as mode says); default true. false: no patching resources.",
        )
          .optional()
          .describe("Patching; default on, in scan mode (daily compliance scan)."),
        osRelease: al2023Release
          .optional()
          .describe(
            "Amazon Linux 2023 release (2023.<minor>.<YYYYMMDD>, e.g. 2023.9.20251117) the instances are upgraded to in place (dnf upgrade --releasever) in a maintenance window: the patch window with patching mode install, else a daily window of its own. Every instance must use an Amazon Linux 2023 AMI parameter. Default none: instances stay on their AMI's release.",
          ),
        osReleaseFrom: z
          .string()
          .regex(NAME, "must be an environment name (lower-case letters, digits and '-')")
          .optional()
          .describe(
            "Environment this one's release is promoted from (e.g. dev): osRelease may not be newer than that environment's osRelease. Default none: no promotion rule.",
          ),
        releaseUpgrade: z
          .strictObject({
            schedule: z
              .string()
              .optional()
              .describe(
                "When the window of its own opens (patching mode scan or off); default cron(0 2 ? * * *), daily 02:00.",
              ),
            window: z
              .strictObject({
                timezone: z.string().optional(),
                duration: z.int().optional().describe("Window length in hours; default 2."),
                cutoff: z
                  .int()
                  .optional()
                  .describe("Hours before the end of the window when no new upgrade starts; default 1."),
              })
              .optional()
              .describe("The window of its own (patching mode scan or off); default 2 hours in UTC, cutoff 1."),
            maxConcurrency: z.string().optional().describe("Instances upgraded at once; default 1."),
            maxErrors: z.string().optional().describe("Failed upgrades that stop the rollout; default 0."),
          })
          .optional()
          .describe("How the release upgrade runs; only with osRelease."),
      })
      .default({}),
    tags: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        "Extra tags on every resource (provider default_tags): keys 1-128, values up to 256 letters, digits, spaces and _ . : / = + - @; no aws: prefix; at most 47 (AWS allows 50 per resource, the stack sets 3).",
      ),
    accountBaseline: featureSection(
      {},
      "Apply the account baseline in this file's account and Region; default true when the section is given.",
    )
      .optional()
      .describe(
        "Account-wide hardening the state-bootstrap stack applies in this account (and Region): EBS encryption by default, S3 account-level Block Public Access, public sharing of SSM documents blocked. Needs backend type s3. Default none.",
      ),
    backend: z.discriminatedUnion("type", [s3Backend, cloudBackend, localBackend]),
    deploy: deploy
      .optional()
      .describe(
        "How Terraform gets credentials for accountId; default the AWS default credential chain (AWS_PROFILE, environment variables, SSO, instance role).",
      ),
    ci: ci
      .optional()
      .describe(
        "How CI plans and applies this environment (GitHub Actions with OIDC); default none: not deployed from CI.",
      ),
    cost: z
      .strictObject({
        usage: z
          .strictObject({
            endpointGB: z
              .number()
              .min(0)
              .optional()
              .describe("GB processed by each interface endpoint a month; default 1."),
            natGB: z.number().min(0).optional().describe("GB processed by each NAT gateway a month; default 1."),
            logIngestionGB: z
              .number()
              .min(0)
              .optional()
              .describe("GB ingested into each log group a month (session transcripts, flow logs); default 1."),
            logStorageGB: z.number().min(0).optional().describe("GB stored in each log group; default 1."),
            kmsRequests: z.number().min(0).optional().describe("Requests to each KMS key a month; default 10000."),
            s3StorageGB: z.number().min(0).optional().describe("GB stored in each S3 bucket; default 1."),
            s3PutRequests: z
              .number()
              .min(0)
              .optional()
              .describe("PUT, COPY, POST and LIST requests to each bucket a month; default 10000."),
            s3GetRequests: z
              .number()
              .min(0)
              .optional()
              .describe("GET and other requests to each bucket a month; default 10000."),
          })
          .optional()
          .describe("Usage the estimate's usage lines assume, per resource and month; fixed costs need none."),
      })
      .optional()
      .describe("Assumptions of the monthly cost estimate (npx nx run infra:cost); default the small defaults above."),
  })
  .superRefine((env, ctx) => {
    env.network.availabilityZones.forEach((az, i) => {
      if (REGION_PATTERN.test(env.region) && !isZoneOfRegion(az, env.region)) {
        ctx.addIssue({
          code: "custom",
          path: ["network", "availabilityZones", i],
          message: `${az} is not an Availability Zone of ${env.region}`,
        });
      }
    });
    for (const dup of duplicates(env.network.availabilityZones)) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "availabilityZones"],
        message: `${dup} is listed more than once`,
      });
    }
    const names = env.instances.map((i) => i.name);
    for (const dup of duplicates(names)) {
      ctx.addIssue({
        code: "custom",
        path: ["instances", names.lastIndexOf(dup), "name"],
        message: `duplicate instance name "${dup}"`,
      });
    }
    const logging = env.sessionLogging;
    if (!logging.managePreferencesDocument && logging.preferencesOwner === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["sessionLogging", "preferencesOwner"],
        message:
          "is required when managePreferencesDocument is false: name the environment that owns the document in this account and Region",
      });
    }
    if (logging.managePreferencesDocument && logging.preferencesOwner !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["sessionLogging", "preferencesOwner"],
        message: "only applies when managePreferencesDocument is false",
      });
    }
    if (logging.adoptExistingPreferencesDocument && !logging.managePreferencesDocument) {
      ctx.addIssue({
        code: "custom",
        path: ["sessionLogging", "adoptExistingPreferencesDocument"],
        message: `only applies when managePreferencesDocument is true; set it in the file of ${logging.preferencesOwner ?? "the environment"} that owns the document of this account and Region`,
      });
    }
    if (env.operatorAccess.enabled === false && env.operatorAccess.portForwarding !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["operatorAccess", "portForwarding"],
        message: "only applies when operator access is on (operatorAccess.enabled is false)",
      });
    }
    if (env.network.flowLogs !== undefined && env.network.flowLogs.enabled === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "flowLogs", "enabled"],
        message:
          'is required in this release: a flowLogs section without "enabled" used to mean off and now means on; write "enabled": true to record flow logs, or "enabled": false',
      });
    }
    if (env.deploy) checkDeploy(env.deploy, env, ctx);
    if (env.ci) checkCi(env.ci, env, ctx);
    checkOsRelease(env, ctx);
    for (const [key, value] of Object.entries(env.tags)) {
      const problem = RESERVED_TAGS.includes(key)
        ? `${key} is set for every resource by the stack and cannot be overridden`
        : tagProblem(key, value);
      if (problem !== undefined) ctx.addIssue({ code: "custom", path: ["tags", key], message: problem });
    }
    checkTagCount(env, ctx);
  });

/**
 * Why AWS refuses the tag `key` = `value`, or `undefined`: keys starting with
 * `aws:` are reserved (any case), keys are 1-128 and values 0-256 characters
 * of letters, digits, spaces and `_ . : / = + - @` (the characters every
 * service accepts; EC2 `CreateTags` and the provider's default_tags apply them
 * to every resource, so one refused character fails every resource).
 */
export function tagProblem(key: string, value: string): string | undefined {
  if (key.toLowerCase().startsWith("aws:")) return `"${key}": keys starting with aws: are reserved by AWS`;
  if (!TAG_KEY_PATTERN.test(key))
    return `"${key}" is not a tag key AWS accepts: 1-128 letters, digits, spaces and _ . : / = + - @`;
  if (!TAG_VALUE_PATTERN.test(value))
    return `"${value}" is not a tag value AWS accepts: at most 256 letters, digits, spaces and _ . : / = + - @`;
  return undefined;
}

/** Most tags one AWS resource may carry (user-defined tags; `aws:` tags do not count). */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * The 50-tags-per-resource limit: every resource carries the file's tags and
 * the stack's ({@link RESERVED_TAGS}); an instance and its volume also carry
 * Name, the access tag, ReplacementGeneration and its own tags.
 */
function checkTagCount(
  env: { tags: Record<string, string>; instances: ReadonlyArray<{ tags?: Record<string, string> }> },
  ctx: z.RefinementCtx,
): void {
  const shared = new Set([...Object.keys(env.tags), ...RESERVED_TAGS]);
  if (shared.size > MAX_TAGS_PER_RESOURCE) {
    ctx.addIssue({
      code: "custom",
      path: ["tags"],
      message: `${Object.keys(env.tags).length} tags and the stack's ${RESERVED_TAGS.length} make ${shared.size}; AWS allows ${MAX_TAGS_PER_RESOURCE} per resource`,
    });
    return;
  }
  env.instances.forEach((instance, i) => {
    const all = new Set([...shared, ...Object.keys(instance.tags ?? {}), ...INSTANCE_STACK_TAGS]);
    if (all.size > MAX_TAGS_PER_RESOURCE) {
      ctx.addIssue({
        code: "custom",
        path: ["instances", i, "tags"],
        message: `the instance would carry ${all.size} tags (the file's, the stack's, ${INSTANCE_STACK_TAGS.join(", ")} and these); AWS allows ${MAX_TAGS_PER_RESOURCE} per resource`,
      });
    }
  });
}

/** Tags the stack sets on each instance and its volume besides {@link RESERVED_TAGS}. */
const INSTANCE_STACK_TAGS = ["Name", "SsmAccessGroup", "ReplacementGeneration"];

/**
 * The rules of `maintenance.osRelease` within one file: promotion only of a
 * pinned release, and every instance recognisably Amazon Linux 2023 (the
 * release upgrade refuses other systems, and would stop the rollout on them).
 * The promotion rule across files is checked when the files are loaded.
 */
function checkOsRelease(
  env: {
    maintenance: { osRelease?: string; osReleaseFrom?: string };
    instances: ReadonlyArray<{ name: string; ami?: AmiSource }>;
  },
  ctx: z.RefinementCtx,
): void {
  const { osRelease, osReleaseFrom } = env.maintenance;
  if (osRelease === undefined) {
    if (osReleaseFrom !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["maintenance", "osReleaseFrom"],
        message: "only applies with osRelease (the release this environment pins)",
      });
    }
    return;
  }
  env.instances.forEach((instance, i) => {
    if (isRecognisablyAl2023(instance.ami)) return;
    const image =
      instance.ami?.id !== undefined ? `ami.id ${instance.ami.id}` : `ami.ssmParameter ${instance.ami?.ssmParameter}`;
    ctx.addIssue({
      code: "custom",
      path: ["maintenance", "osRelease"],
      message: `upgrades Amazon Linux 2023 only, but instances[${i}] ("${instance.name}") uses ${image}, which is not recognisably Amazon Linux 2023 (a parameter under ${AL2023_AMI_PARAMETER_PREFIX}); leave osRelease out (patching is then what AWS-RunPatchBaseline does), or give that instance an Amazon Linux 2023 parameter`,
    });
  });
}

/**
 * The rules of `deploy` that span fields: some credentials named, the role in
 * the environment's own account and partition, role options only with a role.
 */
function checkDeploy(
  d: z.output<typeof deploy>,
  env: { accountId: string; region: string },
  ctx: z.RefinementCtx,
): void {
  const at = (field?: string) => (field ? ["deploy", field] : ["deploy"]);
  if (d.profile === undefined && d.assumeRoleArn === undefined) {
    ctx.addIssue({
      code: "custom",
      path: at(),
      message: "set profile or assumeRoleArn (leave deploy out to use the default credential chain)",
    });
  }
  if (d.assumeRoleArn === undefined) {
    for (const field of ["externalId", "sessionName"] as const) {
      if (d[field] !== undefined)
        ctx.addIssue({ code: "custom", path: at(field), message: "only applies with assumeRoleArn" });
    }
    return;
  }
  const arn = ROLE_ARN_PATTERN.exec(d.assumeRoleArn);
  if (!arn) return;
  const [, partition, account] = arn;
  if (ACCOUNT_ID_PATTERN.test(env.accountId) && account !== env.accountId) {
    ctx.addIssue({
      code: "custom",
      path: at("assumeRoleArn"),
      message: `is a role of account ${account}, but accountId is ${env.accountId}; the provider accepts credentials of ${env.accountId} only (allowed_account_ids)`,
    });
  }
  if (REGION_PATTERN.test(env.region) && partition !== partitionForRegion(env.region)) {
    ctx.addIssue({
      code: "custom",
      path: at("assumeRoleArn"),
      message: `is in partition ${partition}, but ${env.region} is in ${partitionForRegion(env.region)}`,
    });
  }
}

/**
 * The rules of `ci` that span fields: both roles in the environment's own
 * account (the provider accepts no other), an apply role only with a plan
 * role (the deploy plans before it applies).
 */
function checkCi(c: z.output<typeof ci>, env: { accountId: string }, ctx: z.RefinementCtx): void {
  if (c.applyRoleArn !== undefined && c.planRoleArn === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["ci", "applyRoleArn"],
      message: "only applies with planRoleArn: CI plans with that role before it applies",
    });
  }
  for (const field of ["planRoleArn", "applyRoleArn"] as const) {
    const account = ROLE_ARN_PATTERN.exec(c[field] ?? "")?.[2];
    if (account !== undefined && ACCOUNT_ID_PATTERN.test(env.accountId) && account !== env.accountId) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", field],
        message: `is a role of account ${account}, but accountId is ${env.accountId}`,
      });
    }
  }
}

/**
 * Fields that were removed or replaced, by path, and what to write instead:
 * reported instead of "unknown field".
 */
export const REMOVED_FIELDS: Readonly<Record<string, string>> = {
  "network.endpoints.s3GatewayAllowedBuckets":
    'moved into the S3 gateway\'s options: write "s3Gateway": { "allowedBuckets": [...] }',
  "maintenance.patching.scanBetweenWindows":
    'was replaced by betweenWindowsScan: write "betweenWindowsScan": { "enabled": false } for no scan between windows',
  "maintenance.patching.betweenWindowsScanSchedule":
    'was replaced by betweenWindowsScan: write "betweenWindowsScan": { "schedule": "cron(...)" }',
  "operatorAccess.allowPortForwarding":
    'was replaced by portForwarding: list the ports of the instance operators may forward to in portForwarding.ports (e.g. { "ports": [5432] }) and hosts reached through it in portForwarding.remoteHosts ([{ "host": "db.internal", "port": 5432 }]); leave portForwarding out for no port forwarding',
};

/** Tags the stack sets on every resource. */
export const RESERVED_TAGS = ["Project", "Environment", "ManagedBy"];

/** An environment file as written. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** An environment file after defaults are applied. */
export type EnvironmentFile = z.output<typeof environmentSchema>;
/** The state backend of an environment. */
export type BackendConfig = EnvironmentFile["backend"];
/** How Terraform reaches an environment's account. */
export type DeployConfig = NonNullable<EnvironmentFile["deploy"]>;

/** A validated environment: its name (the file name without extension) and settings. */
export interface Environment {
  /** Environment and stack name, e.g. `dev`. */
  readonly name: string;
  /** The file it was read from, relative to the app folder, for error messages. */
  readonly file: string;
  /** The validated settings with defaults applied. */
  readonly config: EnvironmentFile;
  /**
   * The environment whose session logging this one uses, when it does not
   * own the Session Manager preferences document of its account and Region.
   */
  readonly preferencesOwner?: Environment;
}

/** Environment names: lower-case letters, digits and '-' (they become stack names). */
export const ENVIRONMENT_NAME_PATTERN = NAME;
