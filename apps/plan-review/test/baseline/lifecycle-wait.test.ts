import * as fs from "node:fs";
import * as path from "node:path";
import {
  Emulator,
  EMULATOR_OVERRIDE_FILE,
  Workspace,
  createWorkspace,
  ensureCertificate,
  findMotoPython,
  makeTempDir,
  removeTempDir,
  startEmulator,
  terraform,
} from "@ssm-access/aws-emulator";
import { STACK_FILE, StackJson } from "@ssm-access/terraform-kit";
import { HEAD_PLAN_ARGS, applyBase, baselineOverride } from "../../src/baseline/emulated-baseline";
import {
  LIFECYCLE_WAIT_OVERRIDE_FILE,
  dependsOnLifecycle,
  lifecycleConfigurations,
  lifecycleWaitOverride,
  lifecycleWaitTimeouts,
} from "../../src/baseline/lifecycle-wait";

const ACCOUNT = "111111111111";
const BUCKET = "review-lifecycle-test-bucket";

/** The session-logging bucket's shape: a versioned bucket and prod's lifecycle rule. */
const STACK: StackJson = {
  terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
  provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [ACCOUNT] }] },
  resource: {
    aws_s3_bucket: { logs: { bucket: BUCKET } },
    aws_s3_bucket_versioning: {
      logs_versioning: { bucket: "${aws_s3_bucket.logs.id}", versioning_configuration: { status: "Enabled" } },
    },
    aws_s3_bucket_lifecycle_configuration: {
      logs_lifecycle: {
        bucket: "${aws_s3_bucket.logs.id}",
        depends_on: ["aws_s3_bucket_versioning.logs_versioning"],
        rule: [
          {
            id: "expire-session-transcripts",
            status: "Enabled",
            filter: [{}],
            abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
            expiration: [{ days: 365 }],
            noncurrent_version_expiration: [{ noncurrent_days: 365 }],
          },
        ],
      },
    },
  },
};

describe("the lifecycle configurations of a base deploy", () => {
  it("get a create timeout of one second in an override, and a stack without one gets none", () => {
    expect(lifecycleConfigurations(STACK)).toEqual(["logs_lifecycle"]);
    expect(lifecycleWaitOverride(STACK)).toEqual({
      resource: { aws_s3_bucket_lifecycle_configuration: { logs_lifecycle: { timeouts: { create: "1s" } } } },
    });
    expect(lifecycleWaitOverride({ resource: { aws_s3_bucket: { b: {} } } })).toBeUndefined();
  });

  it("are read from the apply's errors, boxed or not, apart from every other error", () => {
    const boxed = [
      "╷",
      "│ Error: creating S3 Bucket (ssm-access-prod-sessions-222222222222-eu-west-1)",
      "│ Lifecycle Configuration",
      "│ ",
      "│   with aws_s3_bucket_lifecycle_configuration.logs_lifecycle,",
      "│   on cdk.tf.json line 120, in resource.aws_s3_bucket_lifecycle_configuration.logs_lifecycle.rule:",
      "│ 120:       }",
      "│ ",
      "│ While waiting: timeout while waiting for state to become 'true' (timeout:",
      "│ 1s)",
      "╵",
      "╷",
      "│ Error: creating EC2 Instance: operation error EC2: RunInstances, https response error StatusCode: 500",
      "│ ",
      "│   with aws_instance.app,",
      "╵",
    ].join("\n");
    expect(lifecycleWaitTimeouts(boxed)).toEqual({
      timedOut: [
        {
          address: "aws_s3_bucket_lifecycle_configuration.logs_lifecycle",
          bucket: "ssm-access-prod-sessions-222222222222-eu-west-1",
        },
      ],
      otherErrors: [
        "Error: creating EC2 Instance: operation error EC2: RunInstances, https response error StatusCode: 500\nwith aws_instance.app,",
      ],
    });
    const plain = [
      "Error: creating S3 Bucket (b2) Lifecycle Configuration",
      "",
      "  with aws_s3_bucket_lifecycle_configuration.other,",
      "",
      "While waiting: timeout while waiting for state to become 'true' (timeout: 1s)",
    ].join("\n");
    expect(lifecycleWaitTimeouts(plain).timedOut).toEqual([
      { address: "aws_s3_bucket_lifecycle_configuration.other", bucket: "b2" },
    ]);
    // A lifecycle configuration that failed for another reason is not imported.
    const refused = plain.replace(/While waiting.*/, "api error MalformedXML");
    expect(lifecycleWaitTimeouts(refused)).toMatchObject({ timedOut: [], otherErrors: [expect.any(String)] });
  });

  it("hold back the resources that refer to them", () => {
    expect(dependsOnLifecycle(STACK)).toBe(false);
    const dependent = {
      ...STACK,
      output: { rules: { value: "${aws_s3_bucket_lifecycle_configuration.logs_lifecycle.rule}" } },
    };
    expect(dependsOnLifecycle(dependent)).toBe(true);
  });
});

describe("applyBase against the emulator", () => {
  let root: string;
  let emulator: Emulator | undefined;
  let ws: Workspace;
  let dir: string;

  beforeAll(async () => {
    root = makeTempDir("plan-review-lifecycle-wait-");
    const { python } = findMotoPython();
    const certificateFile = ensureCertificate(path.join(root, "tls"), python);
    emulator = await startEmulator({
      accountId: ACCOUNT,
      logDir: path.join(root, "logs"),
      tlsDir: path.join(root, "tls"),
      python,
    });
    ws = createWorkspace(
      path.resolve(__dirname, "../../../.."),
      root,
      { [ACCOUNT]: emulator.endpoint },
      certificateFile,
    );
    dir = path.join(root, "stack");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, STACK_FILE), JSON.stringify(STACK, null, 2));
    const override = baselineOverride("base", STACK, ws, path.join(root, "state", "terraform.tfstate"));
    fs.writeFileSync(path.join(dir, EMULATOR_OVERRIDE_FILE), JSON.stringify(override, null, 2));
    await terraform(ws, dir, "base", ["init", "-input=false"], "init");
  }, 60_000);

  afterAll(async () => {
    await emulator?.stop();
    removeTempDir(root);
  });

  it("puts the lifecycle configuration without the provider's wait, imports it, and the stack then plans clean", async () => {
    await applyBase(ws, dir, "base", STACK);
    // The provider stopped at the one-second timeout, and the configuration was imported.
    const apply = fs.readFileSync(path.join(root, "logs", "base-deploy-base.log"), "utf8");
    expect(apply).toMatch(/While waiting: timeout while waiting for state to become 'true' \(timeout:\s+(│\s+)?1s\)/);
    const imported = fs.readFileSync(
      path.join(root, "logs", "base-import-aws_s3_bucket_lifecycle_configuration-logs_lifecycle.log"),
      "utf8",
    );
    expect(imported).toMatch(/Import successful/);
    // The state holds the configuration as configured...
    const state = JSON.parse(fs.readFileSync(path.join(root, "state", "terraform.tfstate"), "utf8")) as {
      resources: Array<{ type: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
    };
    const lifecycle = state.resources.find((r) => r.type === "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle?.instances[0].attributes).toMatchObject({
      bucket: BUCKET,
      rule: [
        expect.objectContaining({
          id: "expire-session-transcripts",
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        }),
      ],
    });
    // ...and the stack, planned as the head is (without the override, no refresh), has nothing to change.
    fs.rmSync(path.join(dir, LIFECYCLE_WAIT_OVERRIDE_FILE));
    const plan = await terraform(
      ws,
      dir,
      "base",
      ["plan", "-input=false", "-detailed-exitcode", ...HEAD_PLAN_ARGS],
      "plan",
      true,
    );
    expect(plan.code).toBe(0);
  }, 120_000);
});
