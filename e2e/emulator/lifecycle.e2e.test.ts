/**
 * The deploy lifecycle of the shipped environments against a local AWS API
 * emulator (moto, one server per account), through the commands users run:
 * bootstrap the state buckets, deploy dev and prod into their S3 backends,
 * re-plan, read the result back with the AWS SDK, review real update plans of
 * prod, change, lock, interrupt, destroy. The steps share one emulated
 * landscape and run in order; a failed step names its stack, step and resources.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  AuthorizeSecurityGroupIngressCommand,
  GetEbsEncryptionByDefaultCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
  Instance,
} from "@aws-sdk/client-ec2";
import { IAMClient, ListAttachedRolePoliciesCommand, ListRolesCommand } from "@aws-sdk/client-iam";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  DescribeMaintenanceWindowTasksCommand,
  DescribeMaintenanceWindowsCommand,
  GetDocumentCommand,
  GetMaintenanceWindowTaskCommand,
  GetServiceSettingCommand,
  ListDocumentsCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import {
  Change,
  Landscape,
  StepError,
  StateLocation,
  assertCleanReplan,
  bootstrapAndDeploy,
  changesOf,
  childEnv,
  emulatorOf,
  openLandscape,
  outDir,
  providerPoolOf,
  PlanJson,
  runCdktf,
  retriesMade,
  runLogged,
  sdkConfig,
  stackDir,
  stateLocation,
  synth,
  terraform,
  unexplainedChanges,
  EMULATOR_ARTIFACTS,
  STATE_BOOTSTRAP_STACK,
} from "@ssm-access/aws-emulator";
import { REPO_ROOT, Ran, runApp } from "./apps";
import {
  assertExit,
  blockOf,
  blockProblems,
  editedWorkspace,
  emulatorBlocks,
  emulatorVariables,
  runBlock,
  upKeepBlock,
  userEnv,
} from "./doc-blocks";
import { EMULATOR_UNANSWERED, doctorEnvironment, doctorScenarios } from "./doctor";
import {
  PREDICTED_CHANGES,
  type Predicted,
  applyPredicted,
  deleteTranscripts,
  predict,
  transcriptBucket,
  writeTranscript,
} from "./apply-failures";
import { changeOf, editEnvironments, reviewPlanFile, reviewProd, writePlanFile } from "./reviews";

const ENVIRONMENTS = ["dev", "prod"];
/** `plan-review apply`'s documented exit code for a refused plan, nothing changed (apps/plan-review/README.md). */
const APPLY_REFUSED = 4;
const ACCESS_TAG = "SsmAccessGroup";

let land: Landscape;
/** Prod's clean second plan: the plan review's "no change" case. */
let prodReplan: PlanJson;
/** The session key of each environment, to check it is scheduled for deletion after destroy. */
const sessionKeyArns: Record<string, string> = {};
const clients = (env: string) => {
  const at = stateLocation(land, env);
  const config = sdkConfig(emulatorOf(land, at.accountId), at.region);
  return {
    at,
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
    s3: new S3Client(config),
    ssm: new SSMClient(config),
    logs: new CloudWatchLogsClient(config),
    kms: new KMSClient(config),
  };
};

async function outputs(env: string): Promise<Record<string, { value: unknown }>> {
  const r = await terraform(land.ws, stackDir(land.outs[env], env), env, ["output", "-json"], "output");
  return JSON.parse(r.output.slice(r.output.indexOf("{"))) as Record<string, { value: unknown }>;
}

async function liveInstances(env: string): Promise<Instance[]> {
  const { ec2 } = clients(env);
  const r = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: `tag:${ACCESS_TAG}`, Values: [`ssm-access-${env}`] },
        { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
      ],
    }),
  );
  return (r.Reservations ?? []).flatMap((res) => res.Instances ?? []);
}

async function lockObjectExists(at: StateLocation): Promise<boolean> {
  const { s3 } = clients(at.key.includes("/prod/") ? "prod" : "dev");
  try {
    await s3.send(new HeadObjectCommand({ Bucket: at.bucket, Key: `${at.key}.tflock` }));
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  // Fails the suite with the install command when no python3 has moto.
  land = await openLandscape(REPO_ROOT, ENVIRONMENTS);
  // The README's review --base deploys dev's committed base into an emulator of its own: from the start,
  // beside the landscape's deploys, which spend most of their time waiting on the provider's read-backs.
  cliReview = reviewDevThroughCli();
  cliReview.catch(() => undefined);
});

afterAll(async () => {
  if (retriesMade.length > 0) {
    console.warn(
      `emulator transient errors retried once:\n${retriesMade.map((r) => `  ${r.stack} ${r.step}: ${r.error}`).join("\n")}`,
    );
  }
  await land?.close(process.env.SSM_ACCESS_E2E_KEEP_FILES === "1");
});

/** What is read back of each environment after its deploy (dev's before the doctor's scenarios break it). */
const READ_BACKS = {
  /** Instances require IMDSv2, have encrypted roots and no public IP, and their security group has no ingress. */
  async instances(env: string): Promise<void> {
    const { ec2 } = clients(env);
    const instances = await liveInstances(env);
    expect(instances).toHaveLength(env === "prod" ? 2 : 1);
    for (const instance of instances) {
      expect(instance.MetadataOptions).toMatchObject({
        HttpTokens: "required",
        HttpEndpoint: "enabled",
        HttpPutResponseHopLimit: 1,
      });
      expect(instance.PublicIpAddress).toBeUndefined();
      expect(instance.KeyName).toBeUndefined();
      const root = instance.BlockDeviceMappings?.find((m) => m.DeviceName === instance.RootDeviceName);
      const volumes = await ec2.send(new DescribeVolumesCommand({ VolumeIds: [root?.Ebs?.VolumeId as string] }));
      expect(volumes.Volumes?.[0]).toMatchObject({ Encrypted: true, VolumeType: "gp3" });
      const groups = await ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: instance.SecurityGroups?.map((g) => g.GroupId as string) }),
      );
      expect(groups.SecurityGroups).toHaveLength(1);
      expect(groups.SecurityGroups?.[0].IpPermissions).toEqual([]);
    }
  },
  /** The role carries AmazonSSMManagedInstanceCore; sessions are logged to a log group encrypted with the session key. */
  async roleAndLogging(env: string): Promise<void> {
    const { iam, ssm, logs } = clients(env);
    const out = await outputs(env);
    const roleName = String(out.instance_role_arn.value).split("/").pop();
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toContain(
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );

    const logGroupName = String(out.session_log_group_name.value);
    const keyArn = String(out.session_kms_key_arn.value);
    sessionKeyArns[env] = keyArn;
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName }));
    expect(groups.logGroups?.[0]).toMatchObject({ logGroupName, kmsKeyId: keyArn });

    const doc = await ssm.send(new GetDocumentCommand({ Name: "SSM-SessionManagerRunShell" }));
    expect(doc.DocumentType).toBe("Session");
    const content = JSON.parse(doc.Content as string) as { sessionType: string; inputs: Record<string, unknown> };
    expect(content.sessionType).toBe("Standard_Stream");
    expect(content.inputs).toMatchObject({
      cloudWatchLogGroupName: logGroupName,
      cloudWatchEncryptionEnabled: true,
      kmsKeyId: keyArn.split("/").pop(),
      s3EncryptionEnabled: true,
    });
    expect(content.inputs.s3BucketName).toBe(env === "prod" ? out.session_bucket_name.value : "");
  },
  /** The maintenance window runs the release upgrade with the Amazon Linux release the environment file pins. */
  async maintenanceWindow(env: string): Promise<void> {
    const { ssm } = clients(env);
    const pinned = (
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "apps", "infra", "environments", `${env}.json`), "utf8")) as {
        maintenance: { osRelease: string };
      }
    ).maintenance.osRelease;
    const windows = (await ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
    const tasks = [];
    for (const w of windows) {
      for (const t of (await ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: w.WindowId }))).Tasks ??
        []) {
        if (t.TaskArn === `ssm-access-${env}-release-upgrade`)
          tasks.push({ windowId: w.WindowId as string, taskId: t.WindowTaskId as string });
      }
    }
    expect(tasks).toHaveLength(1);
    const task = await ssm.send(
      new GetMaintenanceWindowTaskCommand({ WindowId: tasks[0].windowId, WindowTaskId: tasks[0].taskId }),
    );
    expect(task.TaskType).toBe("RUN_COMMAND");
    expect(task.TaskInvocationParameters?.RunCommand?.Parameters?.Release).toEqual([pinned]);
    expect(task.MaxConcurrency).toBe("1");
  },
} as const;
type ReadBack = keyof typeof READ_BACKS;

/** Dev's read-backs, run in dev's chain (startDevChain); each test awaits its own. */
const devReadBacks: Partial<Record<ReadBack, Promise<void>>> = {};

/** A read-back of `env`: dev's as its chain ran it, prod's now. */
function readBack(name: ReadBack, env: string): Promise<void> {
  if (env !== "dev") return READ_BACKS[name](env);
  return devReadBacks[name] ?? Promise.reject(new Error("dev's deploy did not finish, so nothing was read back"));
}

describe("deploy lifecycle against the emulator", () => {
  test("every README block annotated `doc-test: emulator` has a name this tier runs, and every name it runs has a block", () => {
    expect(blockProblems(emulatorBlocks())).toEqual([]);
  });

  test("bootstrap creates the state buckets, and dev and prod deploy into their S3 backends through `nx run infra:deploy`", async () => {
    await bootstrapAndDeploy(land, (env) => {
      if (env === "dev") startDevChain();
    });
    for (const env of ENVIRONMENTS) {
      const { s3, at } = clients(env);
      await s3.send(new HeadObjectCommand({ Bucket: at.bucket, Key: at.key }));
    }
  });

  test("a second plan of dev and prod is clean, emulator artifacts aside; the state bootstrap's local state migrates into S3 as the README says and plans clean there", async () => {
    // Separate stacks and folders: side by side.
    const [, prod] = await Promise.all([devReplan, assertCleanReplan(land, "prod"), migrateBootstrapState()]);
    prodReplan = prod;
  });

  test("the state buckets are versioned, private, and hold each state under its documented key", async () => {
    for (const env of ENVIRONMENTS) {
      const { s3, at } = clients(env);
      expect(at.key).toBe(`ssm-access/${env}/terraform.tfstate`);
      expect((await s3.send(new GetBucketVersioningCommand({ Bucket: at.bucket }))).Status).toBe("Enabled");
      const block = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: at.bucket })))
        .PublicAccessBlockConfiguration;
      expect(block).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
      const head = await s3.send(new HeadObjectCommand({ Bucket: at.bucket, Key: at.key }));
      expect(head.ContentLength).toBeGreaterThan(1000);
    }
  });

  test.each(ENVIRONMENTS)(
    "%s: instances require IMDSv2, have encrypted roots and no public IP, and their security group has no ingress",
    (env) => readBack("instances", env),
  );

  test.each(ENVIRONMENTS)(
    "%s: the role carries AmazonSSMManagedInstanceCore; sessions are logged to a log group encrypted with the session key, as the preferences document says",
    (env) => readBack("roleAndLogging", env),
  );

  test.each(ENVIRONMENTS)(
    "%s: the maintenance window runs the release upgrade with the Amazon Linux release the environment file pins",
    (env) => readBack("maintenanceWindow", env),
  );

  describe("hardening read back: account baseline, transcript Object Lock, encrypted flow logs", () => {
    test.each(ENVIRONMENTS)(
      "%s: the state bootstrap's account baseline encrypts new EBS volumes and blocks public SSM documents",
      async (env) => {
        const { ec2, ssm, at } = clients(env);
        expect((await ec2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault).toBe(true);
        const setting = await ssm.send(
          new GetServiceSettingCommand({
            SettingId: `arn:aws:ssm:${at.region}:${at.accountId}:servicesetting/ssm/documents/console/public-sharing-permission`,
          }),
        );
        expect(setting.ServiceSetting?.SettingValue).toBe("Disable");
      },
    );

    test("prod: transcripts are locked in governance mode for the file's retention", async () => {
      const { s3 } = clients("prod");
      const out = await outputs("prod");
      const lock = await s3.send(
        new GetObjectLockConfigurationCommand({ Bucket: String(out.session_bucket_name.value) }),
      );
      // moto also answers Years: 0 beside Days, which AWS leaves out.
      expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe("Enabled");
      expect(lock.ObjectLockConfiguration?.Rule?.DefaultRetention).toMatchObject({ Mode: "GOVERNANCE", Days: 365 });
    });

    test("prod: the flow log group is encrypted with a KMS key of its own", async () => {
      const { logs, kms } = clients("prod");
      const groups = await logs.send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: "/vpc-flow-logs/ssm-access-prod" }),
      );
      const keyArn = groups.logGroups?.[0]?.kmsKeyId;
      expect(keyArn).toMatch(/^arn:aws:kms:eu-west-1:222222222222:key\//);
      expect(keyArn).not.toBe(sessionKeyArns.prod);
      expect((await kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.KeyState).toBe("Enabled");
    });
  });

  describe("plan review of prod on real update plans, while dev changes", () => {
    const review = (name: string, edit: Parameters<typeof reviewProd>[3]) => reviewProd(land, REPO_ROOT, name, edit);

    // The reviews that plan prod without a refresh start together, beside the infra:plan review that refreshes
    // (and sees the drift it makes): none of them writes prod's state, and what they review comes from their edit.
    let cidrReview: ReturnType<typeof review>;
    let predictions: Promise<[Predicted, Predicted, Predicted]>;

    beforeAll(() => {
      cidrReview = review("cidr", (f) => {
        (f.prod.network as Record<string, unknown>).cidr = "10.30.0.0/16";
      });
      cidrReview.catch(() => undefined);
      // The transcript stays until the prediction has been applied (prodAfterReviews), which deletes it.
      predictions = writeTranscript(land, transcriptBucket(land)).then(() =>
        Promise.all([
          predict(land, "s3off", PREDICTED_CHANGES.s3off),
          predict(land, "az", PREDICTED_CHANGES.az),
          predict(land, "encoff", PREDICTED_CHANGES.encoff),
        ]),
      );
      predictions.catch(() => undefined);
    });

    test("no change: nothing to review, exit 0 (prod's clean second plan)", async () => {
      const dir = stackDir(outDir(land.ws, "replan"), "prod");
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(
        path.join(land.ws.root, "out", "synth", "stacks", "prod", "cdk.tf.json"),
        path.join(dir, "cdk.tf.json"),
      );
      const {
        review: r,
        markdown,
        code,
      } = await reviewPlanFile(
        land,
        "no-change",
        "prod",
        writePlanFile(dir, prodReplan),
        path.join(REPO_ROOT, "apps", "infra", "environments"),
      );
      expect(r.counts).toEqual({ create: 0, update: 0, replace: 0, delete: 0, read: 0 });
      expect(r.changes).toEqual([]);
      expect(r.security).toEqual([]);
      expect(r.drift).toEqual([]);
      expect(code).toBe(0);
      expect(markdown).toMatch(/no changes/i);
    });

    test("a CIDR change replaces the VPC, its subnets and the instances, each traced to prod.json network.cidr", async () => {
      const { review: r, code, exitCode, markdown, markdownWithin } = await cidrReview;
      const vpc = changeOf(r, "aws_vpc.network");
      expect(vpc).toMatchObject({
        action: "replace",
        // The head's file is the one given (--environments-dir), named as given.
        source: { file: expect.stringMatching(/environments-cidr\/prod\.json$/), field: "network.cidr" },
      });
      expect(vpc.replacedBecause).toContain("cidr_block");
      for (const address of [
        "aws_subnet.network_isolated_subnet_a",
        "aws_instance.instances_app_1",
        "aws_instance.instances_app_2",
      ]) {
        expect(changeOf(r, address)).toMatchObject({ action: "replace", source: { field: "network.cidr" } });
      }
      expect(changeOf(r, "aws_instance.instances_app_1").replacedBecause).toContain("subnet_id");
      const instanceNotes = changeOf(r, "aws_instance.instances_app_1").notes.join("\n");
      expect(instanceNotes).toMatch(/termination protection/i);
      expect(instanceNotes).toMatch(/root volume/i);
      expect(changeOf(r, "aws_vpc_endpoint.network_endpoints_ssm_endpoint").notes.join("\n")).toMatch(/session/i);
      expect(r.counts.replace).toBeGreaterThanOrEqual(20);
      expect(code).toBe(3);
      expect(await exitCode(["change"])).toBe(3);
      expect(await exitCode([])).toBe(2);
      expect(markdown).toContain("network.cidr");
      expect(markdown.length).toBeLessThanOrEqual(65000);

      // Too long for a comment: cut to the limit, counts, destroys and replacements, and security kept.
      const cut = await markdownWithin(4000);
      expect(cut.length).toBeLessThanOrEqual(4000);
      expect(cut).toMatch(/Counts/);
      expect(cut).toContain("aws_vpc.network");
      expect(cut).toMatch(/not shown/i);
    });

    test("infra:plan (the caller's credentials and backend) of an instance type change, a renamed instance, session encryption off, port forwarding on, and an ingress rule added outside Terraform: what each does, security statement by statement, drift apart; review --plan reports the saved plan", async () => {
      const { ec2 } = clients("prod");
      const groups = await ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [{ Name: "group-name", Values: ["ssm-access-prod-instances*"] }],
        }),
      );
      expect(groups.SecurityGroups).toHaveLength(1);
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groups.SecurityGroups?.[0].GroupId,
          IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        }),
      );
      const { dir: environmentsDir, files } = editEnvironments(land, REPO_ROOT, "mixed", (f) => {
        const instances = f.prod.instances as Array<Record<string, unknown>>;
        instances[0].instanceType = "t3.small";
        instances[1].name = "db-1";
        (f.prod.sessionLogging as Record<string, unknown>).encryptSessions = false;
        (f.prod.operatorAccess as Record<string, unknown>).portForwarding = { ports: [8080] };
      });
      // What `plan-review plan` does with the caller's credentials and backend: synth, init, plan -out.
      const saved = outDir(land.ws, "saved-plan");
      await synth(land.ws, saved, ["prod"], environmentsDir);
      const savedDir = stackDir(saved, "prod");
      reuseInit(stackDir(land.outs.prod, "prod"), savedDir); // the deployed folder's backend and providers: no second init
      await terraform(
        land.ws,
        savedDir,
        "prod",
        ["plan", "-input=false", "-lock-timeout=60s", "-out=prod.tfplan"],
        "saved plan",
      );
      const {
        review: r,
        code,
        exitCode,
        markdown,
        errors,
      } = await reviewPlanFile(
        land,
        "mixed",
        "prod",
        path.join(savedDir, "prod.tfplan"),
        environmentsDir,
        // The --fail-on runs read the same plan as JSON: one `terraform show` instead of one per run.
        await showJson(savedDir, "prod.tfplan"),
      );
      expect(files.prod).toBeDefined();

      const resized = changeOf(r, "aws_instance.instances_app_1");
      expect(resized).toMatchObject({ action: "update", source: { field: "instances[0].instanceType" } });
      expect(resized.changedAttributes).toContain("instance_type");
      expect(resized.notes.join("\n")).toMatch(/stop/i);
      // Its cost, before → after: the instance's billed type goes from t3.micro to t3.small.
      expect(r.cost?.region).toBe("eu-west-1");
      const resizedCost = r.cost?.resources.find((c) => c.address === "aws_instance.instances_app_1");
      expect(resizedCost?.change).toBe("change");
      expect(resizedCost?.what).toEqual(
        expect.arrayContaining([expect.stringMatching(/^− .*t3\.micro/), expect.stringMatching(/^\+ .*t3\.small/)]),
      );
      expect(markdown).toMatch(/cost/i);

      expect(changeOf(r, "aws_instance.instances_app_2").action).toBe("delete");
      expect(changeOf(r, "aws_instance.instances_db_1").action).toBe("create");
      expect(r.notes.join("\n")).toMatch(
        /moved\s*\{\s*from\s*=\s*aws_instance\.instances_app_2\s*to\s*=\s*aws_instance\.instances_db_1\s*\}/,
      );

      expect(r.security.find((s) => s.aspect === "session-encryption")).toMatchObject({ weakened: true });
      const forwarding = r.security.find((s) => s.aspect === "port-forwarding");
      expect(forwarding).toMatchObject({ weakened: true });
      expect(forwarding?.after).toMatch(/8080/);
      const operatorPolicy = r.security.find(
        (s) => s.aspect === "iam-policy" && s.address === "aws_iam_policy.operator_access",
      );
      // Forwarding goes through a pinned Port document per port, never the open AWS one.
      expect(JSON.stringify(operatorPolicy?.statements?.added)).toMatch(/forward-8080/);
      expect(markdown).not.toMatch(/\\"Statement\\"/); // never an escaped policy string

      // Drift: the SSH rule, apart from the change that removes it; what other resources fill in is not drift.
      const drift = r.drift.find((d) => d.address === "aws_security_group.instances_security_group");
      expect(drift?.changedAttributes.some((a) => a.startsWith("ingress"))).toBe(true);
      expect(r.drift.map((d) => d.address)).not.toContain("aws_iam_role.instance_role");
      expect(changeOf(r, "aws_security_group.instances_security_group").action).toBe("update");

      const [onChange, onDrift, onNone] = await Promise.all([exitCode(["change"]), exitCode(["drift"]), exitCode([])]);
      expect(code).toBe(3);
      expect(onChange).toBe(3);
      expect(onDrift).toBe(3);
      expect(onNone).toBe(2);

      // What the command line wrote of the saved plan.
      expect(errors).not.toMatch(/plan-review:/);
      expect(r.provenance.kind).toBe("saved-plan");
      expect(r.changes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ address: "aws_instance.instances_app_2", action: "delete" }),
        ]),
      );
      expect(markdown).toMatch(/saved plan/i);
    });

    test("the README's review --base (review-base): dev's committed base deployed into its own emulator, the edited head planned against it, files written, its documented exit code, nothing left behind", async () => {
      const { code, expected, json, markdown, errors, leftBehind } = await cliReview;
      expect(errors).not.toMatch(/plan-review:/);
      // On a wrong code, what the review printed and wrote.
      expect({ code, errors: errors.slice(-2000), markdown: markdown.slice(0, 3000) }).toMatchObject({
        code: expected,
      });
      expect(code).toBe(2);
      expect(markdown).toMatch(/predicted against an emulated baseline/i);
      const resized = json.changes.find((c) => c.address === "aws_instance.instances_app_1");
      // The head's file is the workspace's, edited as the README says.
      expect(resized).toMatchObject({
        action: "update",
        source: { file: "apps/infra/environments/dev.json", field: "instances[0].instanceType" },
      });
      expect(leftBehind).toEqual([]);
    });

    test("with a session transcript in prod's bucket, the review predicts BucketNotEmpty (and, against AWS, InvalidBucketState first) for sessionLogging.s3 off, data gone for good and apply-time failures first, exit 3, names the removed zone's element, weakens encryption without data loss; its apply is confirmed after the interrupted deploy", async () => {
      const [s3off, az, encoff] = await predictions;
      expect(s3off.review.applyFailures).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: "bucket-not-empty",
            address: "aws_s3_bucket.session_logging_bucket",
            likelihood: "certain",
            text: expect.stringMatching(/holds 1 object version \(read through the S3 API\).*BucketNotEmpty/),
          }),
        ]),
      );
      expect(s3off.review.dataLoss).toEqual([
        expect.objectContaining({ kind: "bucket", address: "aws_s3_bucket.session_logging_bucket" }),
      ]);
      // Against AWS the apply stops one step earlier: S3 refuses to suspend versioning under Object Lock.
      expect(s3off.review.applyFailures).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: "versioning-locked",
            address: "aws_s3_bucket_versioning.session_logging_bucket_versioning",
            text: expect.stringMatching(/InvalidBucketState/),
          }),
        ]),
      );
      expect(s3off.review.partialApply?.stopsAt).toEqual([
        "delete aws_s3_bucket_versioning.session_logging_bucket_versioning",
      ]);
      expect(s3off.review.partialApply?.appliedBefore).toContain(
        "delete aws_s3_bucket_object_lock_configuration.session_logging_object_lock",
      );
      const sections = [
        "**The apply will stop partway**",
        "### Data gone for good",
        "### Apply-time failures",
        "### 1. Counts",
      ];
      const at = sections.map((s) => s3off.markdown.indexOf(s));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect(s3off.code).toBe(3);

      expect(changeOf(az.review, "aws_subnet.network_isolated_subnet_c").source).toMatchObject({
        field: "network.availabilityZones[2]",
        before: "eu-west-1c",
      });
      expect(az.markdown).toContain("`network.availabilityZones[2]` (`eu-west-1c` removed)");
      // Its cost: each interface endpoint bills one AZ-hour line fewer, so the fixed monthly cost falls.
      const ssmEndpoint = az.review.cost?.resources.find(
        (c) => c.address === "aws_vpc_endpoint.network_endpoints_ssm_endpoint",
      );
      expect(ssmEndpoint?.what).toEqual(
        expect.arrayContaining([expect.stringMatching(/^− .*3 AZs/), expect.stringMatching(/^\+ .*2 AZs/)]),
      );
      expect(ssmEndpoint?.deltaFixed).toBeLessThan(0);
      expect(az.review.cost?.deltaFixed).toBeLessThan(0);
      expect(az.review.dataLoss).toEqual([]);
      expect(az.code).toBe(3); // a delete

      expect(encoff.review.security.find((f) => f.aspect === "session-encryption")).toMatchObject({ weakened: true });
      expect(encoff.review.dataLoss).toEqual([]);
      expect(encoff.review.applyFailures).toEqual([]);
      expect(encoff.markdown).not.toContain("### Data gone for good");
      expect(encoff.code).toBe(3);
      predictedS3off = s3off;
    });
  });

  test("the session doctor's command line on dev names exactly the broken cause of TargetNotConnected each time, with its fix: private DNS off, DNS hostnames off, no HTTPS into the endpoints, the managed policy detached, the instance profile disassociated, the S3 gateway off the subnet's route table, an endpoint deleted", async () => {
    const { baseline, outcomes, failureText } = await doctorWork;
    expect(baseline.checks.filter((c) => c.status === "fail")).toEqual([]);
    // The emulator's latest Amazon Linux 2023 image is newer than the release dev pins: the instance is ahead.
    expect(baseline.checks.find((c) => c.id === "release-pin")).toMatchObject({
      status: "warn",
      evidence: expect.stringMatching(
        /\(release 2023\.\d+\.\d{8}\), newer than maintenance\.osRelease 2023\.9\.20251117/,
      ),
    });
    // What moto cannot answer is "?" with the reason, never ✔.
    for (const id of Object.keys(EMULATOR_UNANSWERED))
      expect(baseline.checks.find((c) => c.id === id)?.status).toBe("unknown");
    expect(outcomes.map((o) => o.check)).toEqual([
      "endpoint-dns",
      "endpoint-ingress",
      "endpoint-dns",
      "instance-role",
      "instance",
      "s3-gateway",
      "endpoints",
    ]);
    expect(failureText).toMatch(/✖ endpoint-ingress/);
  });

  test("the README's connect --print (connect-print) and doctor (doctor-dev) on the deployed dev, with the variables `aws-emulator up` prints: the session command of dev's instance, and the doctor's documented exit code", async () => {
    const { connect, doctor, instanceId } = await readmeOnDev;
    expect(connect.stdout).toContain(`aws ssm start-session --target ${instanceId} --region eu-west-1`);
    expect(doctor.stdout).toMatch(/^\? registration: /m);
    expect(doctor.stdout).toMatch(/^✔ instance: /m);
    expect(doctor.stdout).not.toMatch(/^✖ /m);
  });

  test("dev through the CI path (plan-review plan, review --plan, apply): an edited file plans exactly its change, the apply holds the state lock against a concurrent plan and re-plans clean, an older plan is refused as stale and dev's plan as prod (exit 4); meanwhile prod: an apply interrupted while creating an instance converges on the next deploy, without duplicates, and then the reviewed sessionLogging.s3 off, applied, fails as the review predicted", async () => {
    // Independent accounts, emulators and folders: side by side; each environment's destroy starts when its part is done.
    // Both to their end before the test does, so that a failure of one leaves no apply of the other running
    // into the destroys; then the first failure.
    const settled = await Promise.allSettled([devWork, destroyAfter("prod", prodAfterReviews())]);
    for (const outcome of settled) if (outcome.status === "rejected") throw outcome.reason;
  });

  test("destroying dev and prod leaves only the state buckets, with their state", async () => {
    // Beside the destroys: the README's up --keep, in emulators of its own (checked by its own test).
    upKeepRun = upKeepBlock(blockOf("up-keep"), path.join(land.ws.root, "logs", "readme-up-keep.log"));
    upKeepRun.catch(() => undefined);
    await Promise.all(
      ENVIRONMENTS.map((env) => destroys[env] ?? runCdktf(land.ws, "destroy", env, { out: land.outs[env] })),
    );
    for (const env of ENVIRONMENTS) {
      const { ec2, iam, s3, ssm, logs, kms, at } = clients(env);
      expect(await liveInstances(env)).toEqual([]);
      const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "tag:Environment", Values: [env] }] }));
      expect(vpcs.Vpcs).toEqual([]);
      const roles = await iam.send(new ListRolesCommand({}));
      expect((roles.Roles ?? []).map((r) => r.RoleName).filter((n) => n?.startsWith(`ssm-access-${env}`))).toEqual([]);
      const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/ssm/ssm-access-${env}` }));
      expect(groups.logGroups).toEqual([]);
      const documents = await ssm.send(new ListDocumentsCommand({ Filters: [{ Key: "Owner", Values: ["Self"] }] }));
      expect(documents.DocumentIdentifiers).toEqual([]);
      const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
      expect(buckets).toEqual([at.bucket]);
      await s3.send(new HeadBucketCommand({ Bucket: at.bucket }));
      await s3.send(new HeadObjectCommand({ Bucket: at.bucket, Key: at.key }));
      expect((await kms.send(new DescribeKeyCommand({ KeyId: sessionKeyArns[env] }))).KeyMetadata?.KeyState).toBe(
        "PendingDeletion",
      );
    }
  });

  test("the stack folders' Terraform commands borrowed running AWS providers from the pool, far fewer than one start each", () => {
    const pool = providerPoolOf(land.ws.root);
    expect(pool).toBeDefined();
    const { started, leases } = pool?.counts ?? { started: 0, leases: 0 };
    console.log(`provider pool: ${leases} commands served by ${started} provider processes`);
    expect(leases).toBeGreaterThan(20);
    expect(started).toBeLessThan(leases / 2);
  });
});

describe("the README's aws-emulator up --keep (up-keep)", () => {
  test("stays up with its emulators answering; stopped as Ctrl-C stops it, it exits as documented and leaves no emulator, command or folder", async () => {
    const { endpoints } = await (upKeepRun ??
      upKeepBlock(blockOf("up-keep"), path.join(land.ws.root, "logs", "readme-up-keep.log")));
    expect(endpoints.length).toBeGreaterThan(0);
  });
});

/** `terraform show -json <plan>` in `dir`, written beside it; returns the file. */
async function showJson(dir: string, plan: string): Promise<string> {
  const shown = await terraform(land.ws, dir, "prod", ["show", "-json", plan], "saved plan show");
  const file = path.join(dir, `${plan}.json`);
  fs.writeFileSync(file, shown.output.split("\n").find((l) => l.startsWith("{")) ?? "");
  return file;
}

/** Gives `to` the initialized `.terraform` (backend and providers) and lock file of `from`, a folder of the same stack. */
function reuseInit(from: string, to: string): void {
  fs.cpSync(path.join(from, ".terraform"), path.join(to, ".terraform"), { recursive: true });
  fs.copyFileSync(path.join(from, ".terraform.lock.hcl"), path.join(to, ".terraform.lock.hcl"));
}

/** What dev's chain has not done because dev's deploy did not finish. */
function notDeployed<T>(): Promise<T> {
  const p = Promise.reject<T>(new Error("dev's deploy did not finish, so its chain never started"));
  p.catch(() => undefined);
  return p;
}
/** Dev's second plan, clean (its chain's first step). */
let devReplan: Promise<PlanJson> = notDeployed();
/** The session doctor's scenarios on dev. */
let doctorWork: ReturnType<typeof doctorScenarios> = notDeployed();
/** The README's connect and doctor blocks on dev, after the doctor's scenarios. */
let readmeOnDev: ReturnType<typeof devReadmeBlocks> = notDeployed();
/** Dev's change, lock and destroy start. */
let devWork: Promise<void> = notDeployed();
/** The README's up --keep, started beside the destroys. */
let upKeepRun: ReturnType<typeof upKeepBlock> | undefined;

/**
 * Dev's own chain, from the moment its deploy succeeds, beside prod's deploy
 * and reviews (separate accounts, emulators and folders): its clean second
 * plan, what is read back of it, the session doctor's scenarios (which break
 * and mend dev, so after the read-backs), the README's connect and doctor
 * blocks, its change through the CI path, then its destroy. Each test awaits
 * the step it asserts.
 */
function startDevChain(): void {
  devReplan = assertCleanReplan(land, "dev");
  devReplan.catch(() => undefined);
  for (const name of Object.keys(READ_BACKS) as ReadBack[]) {
    const read = devReplan.then(() => READ_BACKS[name]("dev"));
    read.catch(() => undefined);
    devReadBacks[name] = read;
  }
  doctorWork = Promise.allSettled([devReplan, ...Object.values(devReadBacks)]).then(() =>
    doctorScenarios(land, REPO_ROOT),
  );
  doctorWork.catch(() => undefined);
  readmeOnDev = doctorWork.then(() => devReadmeBlocks());
  readmeOnDev.catch(() => undefined);
  devWork = destroyAfter(
    "dev",
    readmeOnDev.then(() => devChangeThroughCi()),
  );
  devWork.catch(() => undefined);
}

/**
 * The README blocks `connect-print` and `doctor-dev`, run as written from
 * the workspace root with the emulator variables the README tells users to
 * export (and an AWS CLI v2 and a Session Manager plugin on PATH, as on an
 * operator's machine); each exits as annotated.
 */
async function devReadmeBlocks() {
  const env = userEnv({ ...emulatorVariables(land, "dev"), PATH: doctorEnvironment(land).PATH as string });
  const connectBlock = blockOf("connect-print");
  const connect = await runBlock(connectBlock, env, path.join(land.ws.root, "logs", "readme-connect-print.log"));
  assertExit(connectBlock, connect);
  const doctorBlock = blockOf("doctor-dev");
  const doctor = await runBlock(doctorBlock, env, path.join(land.ws.root, "logs", "readme-doctor-dev.log"));
  assertExit(doctorBlock, doctor);
  const ids = (await outputs("dev")).instance_ids.value as Record<string, string>;
  return { connect, doctor, instanceId: Object.values(ids)[0] };
}

/** What `infra:review --stack=dev --base=HEAD` printed, wrote and left behind. */
interface CliReviewResult {
  readonly code: number;
  /** The exit code the README documents. */
  readonly expected: number;
  readonly markdown: string;
  readonly json: { changes: Array<{ address: string; action: string; source?: { file: string; field: string } }> };
  readonly errors: string;
  /** Review folders or git worktrees still there after it returned. */
  readonly leftBehind: string[];
}
let cliReview: Promise<CliReviewResult>;

/** `review --stack=dev --base=HEAD` with dev's first instance resized in the head: the whole CLI, its own emulator and worktree. */
async function reviewDevThroughCli(): Promise<CliReviewResult> {
  const block = blockOf("review-base");
  // The README's step before the command: change an environment file (dev's instance type), in a copy of the workspace.
  const workspace = editedWorkspace(land.ws.root, (environmentsDir) => {
    const file = path.join(environmentsDir, "dev.json");
    const dev = JSON.parse(fs.readFileSync(file, "utf8")) as { instances: Array<Record<string, unknown>> };
    dev.instances[0].instanceType = "t3.small";
    fs.writeFileSync(file, `${JSON.stringify(dev, null, 2)}\n`);
  });
  try {
    // A temporary folder of its own: what the review leaves there is its own, whatever else runs beside it.
    const tmpdir = path.join(land.ws.root, "review-base-tmp");
    fs.mkdirSync(tmpdir);
    const ran = await runBlock(
      block,
      userEnv({ TMPDIR: tmpdir }),
      path.join(land.ws.root, "logs", "readme-review-base.log"),
      workspace.root,
    );
    const worktrees = childProcess.execFileSync("git", ["worktree", "list", "--porcelain"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    const leftBehind = [
      ...fs.readdirSync(tmpdir),
      ...worktrees.split("\n").filter((l) => l.startsWith("worktree ") && l.includes(tmpdir)),
    ];
    // Where the README says the review goes: apps/infra/.review/<env>.{md,json}.
    const reviewDir = path.join(workspace.root, "apps", "infra", ".review");
    const jsonFile = path.join(reviewDir, "dev.json");
    return {
      code: ran.code ?? -1,
      expected: block.exit,
      markdown: fs.existsSync(path.join(reviewDir, "dev.md"))
        ? fs.readFileSync(path.join(reviewDir, "dev.md"), "utf8")
        : "",
      json: fs.existsSync(jsonFile)
        ? (JSON.parse(fs.readFileSync(jsonFile, "utf8")) as CliReviewResult["json"])
        : { changes: [] },
      errors: ran.stderr,
      leftBehind,
    };
  } finally {
    workspace.remove();
  }
}

/** Destroy runs of each environment, started as soon as its changes are checked; awaited (and checked) by the destroy test. */
const destroys: Record<string, Promise<unknown>> = {};

async function destroyAfter(env: string, scenario: Promise<void>): Promise<void> {
  await scenario;
  const destroy = runCdktf(land.ws, "destroy", env, { out: land.outs[env] });
  destroy.catch(() => undefined); // reported where the destroy test awaits it
  destroys[env] = destroy;
}

/**
 * Edit dev (instance type, one more instance) and take the change through the CI path, with the
 * documented command lines in a copy of the workspace and the variables `aws-emulator up` prints:
 * `plan-review plan` twice (an older and a newer plan of the same change), the newer planned
 * exactly its change and reviewed, `apply` of it while a concurrent plan is refused by the state
 * lock, a clean re-plan; then the older plan is refused as stale, and dev's plan is refused for
 * prod, each with the refusal's exit code and nothing changed.
 */
async function devChangeThroughCi(): Promise<void> {
  const workspace = editedWorkspace(path.join(land.ws.root, "dev-change"), (environmentsDir) => {
    const file = path.join(environmentsDir, "dev.json");
    const dev = JSON.parse(fs.readFileSync(file, "utf8")) as { instances: Array<Record<string, unknown>> };
    dev.instances[0].instanceType = "t3.small";
    dev.instances.push({ name: "app-2", instanceType: "t3.nano", tier: "isolated" });
    fs.writeFileSync(file, `${JSON.stringify(dev, null, 2)}\n`);
  });
  try {
    const env = userEnv(emulatorVariables(land, "dev"));
    const app = path.join(workspace.root, "apps", "infra");
    const cli = (step: string, args: string[]) =>
      runApp("plan-review", [...args, `--app=${app}`], {
        cwd: workspace.root,
        env,
        logFile: path.join(land.ws.root, "logs", `dev-ci-${step}.log`),
      });
    const expectCode = (ran: Ran, code: number, step: string) => {
      if (ran.code !== code)
        throw new StepError("dev", step, `  exited ${ran.code}, not ${code}:\n${ran.stdout}\n${ran.stderr}`);
    };
    const stackFolder = path.join(app, "cdktf.out", "stacks", "dev");
    const planFile = path.join(stackFolder, "dev.tfplan");
    const showPlan = async (step: string): Promise<Change[]> => {
      const show = await terraform(land.ws, stackFolder, "dev", ["show", "-json", "dev.tfplan"], step);
      const line = show.output.split("\n").find((l) => l.startsWith("{"));
      return unexplainedChanges(changesOf(JSON.parse(line ?? "{}") as PlanJson), EMULATOR_ARTIFACTS);
    };

    // An older plan of the change, kept aside with its provenance; then the plan that is reviewed and applied.
    expectCode(await cli("plan-older", ["plan", "--stack=dev"]), 0, "plan (older)");
    const older = path.join(land.ws.root, "dev-older.tfplan");
    fs.copyFileSync(planFile, older);
    fs.copyFileSync(`${planFile}.provenance.json`, `${older}.provenance.json`);
    expectCode(await cli("plan", ["plan", "--stack=dev"]), 0, "plan");

    const changes = await showPlan("show change");
    expect(changes.filter((c) => c.action === "delete" || c.action === "replace")).toEqual([]);
    expect(changes.filter((c) => c.action === "update")).toEqual([
      { address: "aws_instance.instances_app_1", type: "aws_instance", action: "update", paths: ["instance_type"] },
    ]);
    const created = changes.filter((c) => c.action === "create").map((c) => c.address);
    expect(created).toEqual(
      expect.arrayContaining(["aws_launch_template.instances_app_2_launch_template", "aws_instance.instances_app_2"]),
    );
    expect(created.every((a) => /instances_app_2/.test(a))).toBe(true);

    const reviewed = await cli("review", ["review", "--stack=dev", `--plan=${planFile}`]);
    expectCode(reviewed, 2, "review");
    const review = JSON.parse(fs.readFileSync(path.join(app, ".review", "dev.json"), "utf8")) as {
      changes: Array<{ address: string; action: string; source?: { field?: string } }>;
    };
    expect(review.changes.find((c) => c.address === "aws_instance.instances_app_1")).toMatchObject({
      action: "update",
      source: { field: expect.stringMatching(/^instances\[0\]/) },
    });

    // The apply holds the state lock: a plan meanwhile is refused.
    const at = stateLocation(land, "dev");
    const applying = cli("apply", ["apply", "--stack=dev", `--plan=${planFile}`]);
    let locked = false;
    for (let i = 0; i < 240 && !locked; i++) {
      locked = await lockObjectExists(at);
      if (!locked) await new Promise((r) => setTimeout(r, 250));
    }
    expect(locked).toBe(true);
    const concurrent = await terraform(
      land.ws,
      stackDir(land.outs.dev, "dev"),
      "dev",
      ["plan", "-input=false", "-lock-timeout=0s"],
      "concurrent plan",
      true,
    );
    expect(concurrent.code).not.toBe(0);
    expect(concurrent.output).toMatch(/Error acquiring the state lock/);
    const applied = await applying;
    expectCode(applied, 0, "apply");
    expect(applied.stderr).toMatch(/applied .*dev\.tfplan to dev/);

    const instanceTypes = async () => (await liveInstances("dev")).map((i) => i.InstanceType).sort();
    expect(await instanceTypes()).toEqual(["t3.nano", "t3.small"]);
    expectCode(await cli("replan", ["plan", "--stack=dev"]), 0, "re-plan");
    expect(await showPlan("show re-plan")).toEqual([]);

    // The older plan: the state moved past it. Refused, nothing changed, plan again.
    const stale = await cli("apply-stale", ["apply", "--stack=dev", `--plan=${older}`]);
    expectCode(stale, APPLY_REFUSED, "apply of the older plan");
    expect(stale.stderr).toMatch(/Saved plan is stale/);
    expect(stale.stderr).toMatch(/plan again/);
    // dev's plan applied as prod: refused before anything reaches prod.
    const asProd = await cli("apply-as-prod", ["apply", "--stack=prod", `--plan=${older}`]);
    expectCode(asProd, APPLY_REFUSED, "apply of dev's plan as prod");
    expect(asProd.stderr).toMatch(/the plan was made for stack dev, not prod/);
    expect(await instanceTypes()).toEqual(["t3.nano", "t3.small"]);
  } finally {
    workspace.remove();
  }
}

/** The review's `sessionLogging.s3` off, kept to be applied once prod has been through the interrupted deploy. */
let predictedS3off: Awaited<ReturnType<typeof predict>> | undefined;

/**
 * Prod after its reviews: the interrupted deploy, then the prediction applied. In this order, the deploy
 * after the interrupt only adds its instance; the failed apply last leaves prod partly changed, which the
 * destroy takes as it is once the transcript is gone (its Object Lock is in governance mode).
 */
async function prodAfterReviews(): Promise<void> {
  try {
    await prodInterruptedDeploy();
    if (predictedS3off === undefined)
      throw new StepError("prod", "apply predicted", "  the review of sessionLogging.s3 off failed");
    // The prediction, confirmed: Terraform stops at the bucket with the error the review named.
    const applied = await applyPredicted(land, predictedS3off);
    expect(applied.code).not.toBe(0);
    expect(applied.output).toMatch(/BucketNotEmpty/);
    expect(applied.output).toMatch(/aws_s3_bucket\.session_logging_bucket/);
    expect(applied.output).toMatch(/aws_s3_bucket_versioning\.session_logging_bucket_versioning: Destruction complete/);
  } finally {
    await deleteTranscripts(land, transcriptBucket(land));
  }
}

/** Add an instance to prod, interrupt Terraform while it is created, deploy again: no duplicates, clean re-plan. */
async function prodInterruptedDeploy(): Promise<void> {
  const { dir: envDir } = editEnvironments(land, REPO_ROOT, "prod-interrupted", (f) => {
    (f.prod.instances as Array<Record<string, unknown>>).push({
      name: "app-3",
      instanceType: "t3.nano",
      tier: "isolated",
    });
  });
  const out = land.outs.prod;
  await synth(land.ws, out, ["prod"], envDir);
  const dir = stackDir(out, "prod");
  await terraform(land.ws, dir, "prod", ["init", "-input=false"], "init interrupted");
  let creating = false;
  let answered = false;
  let signalled = false;
  let interruptedPid = 0;
  let tail = "";
  // Interrupted once EC2 has answered the instance's RunInstances (its response is in the provider's
  // debug log) and the provider waits for the instance to run: Terraform then records the instance,
  // tainted, and the next deploy replaces it. An interrupt while RunInstances is still in flight
  // cancels the request on the provider's side only; EC2 may still launch an instance that no state
  // records, a limit of Terraform and the provider, not of this stack.
  // Without a refresh: prod's state was just planned clean, and the scenario is the interrupt, not the read.
  const interrupted = await runLogged(
    "terraform",
    ["apply", "-refresh=false", "-auto-approve", "-input=false", "-no-color"],
    {
      cwd: dir,
      // Terraform with a provider of its own, as users run it, whose debug log Terraform passes on.
      env: childEnv(land.ws, { TF_LOG_PROVIDER: "DEBUG" }, { providerPool: false }),
      logFile: path.join(land.ws.root, "logs", "prod-interrupted-apply.log"),
      onStart: (pid) => {
        interruptedPid = pid;
      },
      onOutput: (text) => {
        const seen = tail + text;
        tail = seen.slice(-200);
        creating ||= /aws_instance\.instances_app_3: Creating\.\.\./.test(seen);
        answered ||= seen.includes("<RunInstancesResponse");
        if (creating && answered && !signalled) {
          signalled = true;
          process.kill(interruptedPid, "SIGINT");
        }
      },
    },
  );
  expect(signalled).toBe(true);
  expect(interrupted.code).not.toBe(0);
  expect(interrupted.output).toMatch(/Interrupt received/);
  // Stopped in the wait for the instance to run, after its id was known.
  expect(interrupted.output).toMatch(/waiting for EC2 Instance \(i-[0-9a-f]+\) create: context canceled/);

  await runCdktf(land.ws, "deploy", "prod", { out, environmentsDir: envDir, step: "deploy after interrupt" });
  const instances = await liveInstances("prod");
  const names = instances.map((i) => i.Tags?.find((t) => t.Key === "Name")?.Value).sort();
  expect(names).toEqual(["ssm-access-prod-app-1", "ssm-access-prod-app-2", "ssm-access-prod-app-3"]);
  await assertCleanReplan(land, "prod");
}

/** README "Bootstrap, then migrate" step 4: move the bootstrap's local state into a state bucket, then plan clean from there. */
async function migrateBootstrapState(): Promise<void> {
  const dir = stackDir(land.outs[STATE_BOOTSTRAP_STACK], STATE_BOOTSTRAP_STACK);
  const dev = stateLocation(land, "dev");
  const endpoint = emulatorOf(land, dev.accountId).endpoint;
  const key = "ssm-access/state-bootstrap/terraform.tfstate";
  fs.writeFileSync(
    path.join(dir, "zz_migrate_override.tf.json"),
    JSON.stringify({
      terraform: {
        backend: {
          s3: {
            bucket: dev.bucket,
            key,
            region: dev.region,
            encrypt: true,
            use_lockfile: true,
            access_key: "emulator-access-key",
            secret_key: "emulator-secret-key",
            endpoints: { s3: endpoint, sts: endpoint },
            use_path_style: true,
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
          },
        },
      },
    }),
  );
  await terraform(
    land.ws,
    dir,
    STATE_BOOTSTRAP_STACK,
    ["init", "-input=false", "-migrate-state", "-force-copy"],
    "migrate state",
  );
  const { s3 } = clients("dev");
  expect((await s3.send(new HeadObjectCommand({ Bucket: dev.bucket, Key: key }))).ContentLength).toBeGreaterThan(1000);
  await assertCleanReplan(land, STATE_BOOTSTRAP_STACK);
}
