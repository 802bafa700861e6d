import { z } from "zod";
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, duplicates, isZoneOfRegion } from "@ssm-access/core";

/**
 * The schema of one environment file (`environments/<name>.json`).
 *
 * Field names follow the props of the constructs they feed, so a problem
 * found by a construct is reported at the same path in the file.
 * Every object is strict: an unknown field is an error, not ignored.
 */

const NAME = /^[a-z][a-z0-9-]*$/;

const tier = z.enum(["public", "private", "isolated"]);
const instanceTier = z.enum(["private", "isolated"]).describe("Subnet tier of the instance; never public.");

const s3Backend = z.strictObject({
  type: z.literal("s3"),
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name (3-63 lower-case letters, digits, '.', '-')")
    .describe("State bucket; created by the state-bootstrap stack."),
  region: z.string().regex(REGION_PATTERN, "must be an AWS Region code such as eu-west-1").optional().describe("Bucket Region; defaults to the environment's region."),
  keyPrefix: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be path segments of letters, digits, '_', '.', '-'").optional().describe("State key prefix; default is the project name. Key: <prefix>/<environment>/terraform.tfstate."),
  dynamodbTable: z.string().min(3).max(255).optional().describe("DynamoDB lock table, for Terraform < 1.10 users; S3 native locking (use_lockfile) is always on."),
  profile: z.string().min(1).optional().describe("AWS CLI profile Terraform uses to reach the bucket."),
});

const cloudBackend = z.strictObject({
  type: z.literal("cloud"),
  organization: z.string().min(1).describe("HCP Terraform organization."),
  workspace: z.string().regex(/^[A-Za-z0-9_-]{1,90}$/, "must be 1-90 letters, digits, '-', '_'").describe("HCP Terraform workspace name."),
  hostname: z.string().min(1).optional().describe("Terraform Enterprise host; default: HCP Terraform."),
});

const localBackend = z.strictObject({
  type: z.literal("local"),
  path: z.string().min(1).optional().describe("State file path, relative to the app folder; default terraform.<environment>.tfstate."),
});

const tierOptions = z.strictObject({
  enabled: z.boolean().optional().describe("Create this tier; a tier listed here is on unless false."),
  cidrs: z.record(z.string(), z.string()).optional().describe("Explicit subnet CIDR per Availability Zone, overriding the stable plan."),
  prefixLength: z.int().optional().describe("Prefix length of this tier's subnets; default from the plan."),
  mapPublicIpOnLaunch: z.boolean().optional().describe("Public tier only: give launched ENIs public IPs. Instances of this project never go there."),
});

const instanceOptions = {
  instanceType: z.string().optional().describe("EC2 instance type; default t3.nano."),
  tier: instanceTier.optional().describe("Subnet tier: private or isolated (default); never public."),
  availabilityZone: z.string().optional().describe("Pin to one Availability Zone; default round-robin across the tier."),
  ami: z
    .union([
      z.strictObject({ ssmParameter: z.string().describe("Public SSM parameter holding the AMI id, resolved at launch.") }),
      z.strictObject({ id: z.string().describe("Pinned AMI id.") }),
    ])
    .optional()
    .describe("Image: an SSM parameter (default Amazon Linux 2023) or a pinned id."),
  rootVolume: z
    .strictObject({
      sizeGiB: z.int().optional(),
      kmsKeyArn: z.string().optional(),
      iops: z.int().optional(),
      throughput: z.int().optional(),
    })
    .optional()
    .describe("Root volume: always gp3 and encrypted."),
  detailedMonitoring: z.boolean().optional(),
  terminationProtection: z.boolean().optional(),
  metadataHopLimit: z.int().optional().describe("IMDSv2 hop limit, 1 (default) to 64; 2 for containers."),
  tags: z.record(z.string(), z.string()).optional(),
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

export const environmentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    project: z.string().regex(NAME, "must be lower-case letters, digits and '-', starting with a letter").max(24).default("ssm-access").describe("Project name: resource name prefix and state key prefix."),
    accountId: z.string().regex(ACCOUNT_ID_PATTERN, "must be a 12-digit AWS account id").describe("The only account this environment may touch (provider allowed_account_ids)."),
    region: z.string().regex(REGION_PATTERN, "must be an AWS Region code such as eu-west-1"),
    network: z.strictObject({
      cidr: z.string().describe("VPC CIDR in an RFC 1918 range, /16 to /28."),
      availabilityZones: z.array(z.string()).min(1, "must list at least one Availability Zone"),
      subnets: z
        .strictObject({ public: tierOptions.optional(), private: tierOptions.optional(), isolated: tierOptions.optional() })
        .optional()
        .describe("Subnet tiers; default only isolated."),
      azSlotsPerTier: z.int().optional().describe("Subnet slots per tier block (1, 2, 4, 8, 16); default 4. Set before the first apply."),
      zoneSlots: z.record(z.string(), z.int()).optional().describe("Slot of a zone without a letter (Local Zones)."),
      natGateways: z.enum(["none", "single", "perAz"]).default("none"),
      endpoints: z
        .strictObject({
          enabled: z.boolean().optional(),
          subnetTier: tier.optional().describe("Tier holding the interface endpoints; default isolated, else private."),
          availabilityZoneCount: z.int().optional().describe("How many AZs carry the interface endpoints (each is billed per AZ-hour); default all."),
          extraServices: z.array(z.string()).optional().describe("More interface endpoints by service short name, e.g. ec2, sts."),
          s3Gateway: z.boolean().optional().describe("S3 gateway endpoint (free); default true."),
        })
        .optional(),
      flowLogs: z
        .strictObject({
          enabled: z.boolean().default(false),
          retentionInDays: z.int().optional(),
          trafficType: z.enum(["ACCEPT", "REJECT", "ALL"]).optional(),
        })
        .default({ enabled: false }),
    }),
    instances: z.array(instance).min(1, "must define at least one instance"),
    terminationProtection: z.boolean().default(false).describe("Turn on EC2 termination protection for every instance."),
    sessionLogging: z
      .strictObject({
        retentionInDays: z.int().optional().describe("Days CloudWatch Logs keeps transcripts; default 365."),
        encryptSessions: z.boolean().optional().describe("KMS-encrypt session data; default true."),
        s3: z
          .strictObject({
            enabled: z.boolean(),
            expireAfterDays: z.int().optional(),
            keyPrefix: z.string().optional(),
            bucketName: z.string().optional(),
          })
          .optional()
          .describe("Also keep transcripts in an S3 bucket; default off."),
        preferences: z
          .strictObject({
            idleSessionTimeoutMinutes: z.int().optional(),
            maxSessionDurationMinutes: z.int().optional(),
            runAs: z.strictObject({ enabled: z.boolean(), defaultUser: z.string().optional() }).optional(),
            shellProfileLinux: z.string().optional(),
          })
          .optional(),
        managePreferencesDocument: z.boolean().default(true).describe("This stack owns SSM-SessionManagerRunShell of its account and Region (one owner per account and Region)."),
        preferencesOwner: z
          .string()
          .optional()
          .describe("With managePreferencesDocument false: the environment (file name) that owns the document in this account and Region; sessions here are logged to its log group, bucket and key."),
      })
      .default({ managePreferencesDocument: true }),
    operatorAccess: z
      .strictObject({
        enabled: z.boolean().default(true),
        allowPortForwarding: z.boolean().optional(),
        assumeRole: z
          .strictObject({
            trustedPrincipalArns: z.array(z.string()),
            requireMfa: z.boolean().optional(),
            maxSessionDurationSeconds: z.int().optional(),
          })
          .optional()
          .describe("A role operators assume (MFA by default); without it, attach the policy to people."),
      })
      .default({ enabled: true }),
    maintenance: z
      .strictObject({
        agentUpdate: z
          .strictObject({
            enabled: z.boolean().optional(),
            schedule: z.string().optional(),
            maxConcurrency: z.string().optional(),
            maxErrors: z.string().optional(),
          })
          .optional(),
        patching: z
          .strictObject({
            mode: z.enum(["scan", "install", "off"]).describe("scan: report missing patches; install: patch inside the maintenance window."),
            schedule: z.string().optional(),
            scanBetweenWindows: z.boolean().optional(),
            betweenWindowsScanSchedule: z.string().optional(),
            window: patchWindow.optional(),
          })
          .optional(),
      })
      .default({}),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}).describe("Extra tags on every resource (provider default_tags)."),
    backend: z.discriminatedUnion("type", [s3Backend, cloudBackend, localBackend]),
  })
  .superRefine((env, ctx) => {
    env.network.availabilityZones.forEach((az, i) => {
      if (REGION_PATTERN.test(env.region) && !isZoneOfRegion(az, env.region)) {
        ctx.addIssue({ code: "custom", path: ["network", "availabilityZones", i], message: `${az} is not an Availability Zone of ${env.region}` });
      }
    });
    for (const dup of duplicates(env.network.availabilityZones)) {
      ctx.addIssue({ code: "custom", path: ["network", "availabilityZones"], message: `${dup} is listed more than once` });
    }
    const names = env.instances.map((i) => i.name);
    for (const dup of duplicates(names)) {
      ctx.addIssue({ code: "custom", path: ["instances", names.lastIndexOf(dup), "name"], message: `duplicate instance name "${dup}"` });
    }
    const logging = env.sessionLogging;
    if (!logging.managePreferencesDocument && logging.preferencesOwner === undefined) {
      ctx.addIssue({ code: "custom", path: ["sessionLogging", "preferencesOwner"], message: "is required when managePreferencesDocument is false: name the environment that owns the document in this account and Region" });
    }
    if (logging.managePreferencesDocument && logging.preferencesOwner !== undefined) {
      ctx.addIssue({ code: "custom", path: ["sessionLogging", "preferencesOwner"], message: "only applies when managePreferencesDocument is false" });
    }
    for (const key of Object.keys(env.tags)) {
      if (RESERVED_TAGS.includes(key)) {
        ctx.addIssue({ code: "custom", path: ["tags", key], message: `${key} is set for every resource by the stack and cannot be overridden` });
      }
    }
  });

/** Tags the stack sets on every resource. */
export const RESERVED_TAGS = ["Project", "Environment", "ManagedBy"];

/** An environment file as written. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** An environment file after defaults are applied. */
export type EnvironmentFile = z.output<typeof environmentSchema>;
/** The state backend of an environment. */
export type BackendConfig = EnvironmentFile["backend"];

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
