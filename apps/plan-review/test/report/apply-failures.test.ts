import { preventDestroyRefusals } from "../../src/report/apply-failures";
import { Review, ReviewInput, buildReview, exitCodeOf, renderMarkdown } from "../../src/report";
import { change, deployedInput, fixture, inputOf, planOf, scenarioInput, stackOf } from "./support";

const BUCKET = "ssm-access-prod-sessions-222222222222-eu-west-1";
const TRANSCRIPT_BUCKET = "aws_s3_bucket.session_logging_bucket";
const VERSIONING = "aws_s3_bucket_versioning.session_logging_bucket_versioning";

type PlanJson = { resource_changes: Array<{ address: string; change: { actions: string[] } }> };

/** A real plan fixture without one of its changes. */
function withoutChange(plan: PlanJson, address: string): PlanJson {
  return { ...plan, resource_changes: plan.resource_changes.filter((c) => c.address !== address) };
}

/** A real plan fixture with some of its no-op entries turned into the given actions (the values stay the real ones). */
function withActions(scenario: "s3off" | "az" | "encoff", actions: Record<string, string[]>): ReviewInput {
  const plan = fixture(`${scenario}.plan.json`) as PlanJson;
  for (const entry of plan.resource_changes) {
    const wanted = actions[entry.address];
    if (wanted !== undefined) entry.change.actions = wanted;
  }
  return deployedInput(scenario, { plan });
}

function notesOf(review: Review, address: string): string {
  const found = review.changes.find((c) => c.address === address);
  if (!found) throw new Error(`no change of ${address}`);
  return found.notes.join("\n\n");
}

describe("prod: sessionLogging.s3 turned off (real plan, trimmed)", () => {
  const holding = buildReview(
    deployedInput("s3off", { bucketContents: { [BUCKET]: { kind: "objects", count: 1, more: false } } }),
  );

  it("predicts BucketNotEmpty on the transcript bucket holding objects, with the removed block as the way out", () => {
    expect(holding.applyFailures.map((f) => [f.kind, f.address, f.likelihood])).toEqual([
      ["bucket-not-empty", TRANSCRIPT_BUCKET, "certain"],
      ["object-lock", TRANSCRIPT_BUCKET, "certain"],
      ["versioning-locked", VERSIONING, "certain"],
    ]);
    const notes = notesOf(holding, TRANSCRIPT_BUCKET);
    expect(notes).toContain(`the bucket ${BUCKET} holds 1 object version (read through the S3 API)`);
    expect(notes).toContain("BucketNotEmpty");
    expect(notes).toMatch(
      /removed \{\n {2}from = aws_s3_bucket\.session_logging_bucket\n {2}lifecycle \{\n {4}destroy = false/,
    );
    expect(notes).toContain("S3 Object Lock (GOVERNANCE mode, 365 days)");
  });

  it("lists the transcript bucket as data gone for good", () => {
    expect(holding.dataLoss).toEqual([
      expect.objectContaining({
        kind: "bucket",
        address: TRANSCRIPT_BUCKET,
        text: expect.stringMatching(/session transcripts/),
      }),
    ]);
  });

  it("predicts that S3 refuses to suspend versioning under Object Lock (InvalidBucketState), before the bucket is reached", () => {
    expect(notesOf(holding, VERSIONING)).toContain("InvalidBucketState");
    expect(holding.partialApply?.stopsAt).toEqual([`delete ${VERSIONING}`]);
    expect(holding.partialApply?.notApplied).toEqual([`delete ${TRANSCRIPT_BUCKET}`]);
  });

  it("says where the apply stops: after the bucket's own settings are deleted and what referred to it is updated", () => {
    // Without the versioning failure (a store that lets versioning be suspended), the apply reaches the bucket.
    const withoutVersioning = buildReview({
      ...deployedInput("s3off", { bucketContents: { [BUCKET]: { kind: "objects", count: 1, more: false } } }),
      plan: withoutChange(fixture("s3off.plan.json") as PlanJson, VERSIONING),
    });
    const partial = withoutVersioning.partialApply;
    expect(partial?.stopsAt).toEqual([`delete ${TRANSCRIPT_BUCKET}`]);
    expect(partial?.appliedBefore).toEqual(
      expect.arrayContaining([
        "delete aws_s3_bucket_policy.session_logging_bucket_policy",
        "delete aws_s3_bucket_object_lock_configuration.session_logging_object_lock",
        "update aws_ssm_document.session_logging_preferences",
        "update aws_iam_role_policy.instance_role_policy",
      ]),
    );
    expect(partial?.notApplied).toEqual([]);
    const markdown = renderMarkdown(holding);
    expect(
      markdown.indexOf(
        "**The apply will stop partway**, at `delete aws_s3_bucket_versioning.session_logging_bucket_versioning`",
      ),
    ).toBeGreaterThan(0);
    expect(markdown.indexOf("### Data gone for good")).toBeLessThan(markdown.indexOf("### Apply-time failures"));
    expect(markdown.indexOf("### Apply-time failures")).toBeLessThan(markdown.indexOf("### 1. Counts"));
    expect(markdown).toContain("```hcl\n    removed {");
  });

  it("is a finding of apply-failure and data-loss, both on by default", () => {
    expect(exitCodeOf(holding)).toBe(3);
    expect(exitCodeOf(holding, ["apply-failure"])).toBe(3);
    expect(exitCodeOf(holding, ["data-loss"])).toBe(3);
    expect(exitCodeOf(holding, [])).toBe(2);
  });

  it("unread, the failure is likely and the review says why it cannot tell; read empty, there is none", () => {
    const unread = buildReview(
      deployedInput("s3off", {
        bucketContents: { [BUCKET]: { kind: "unread", reason: "CredentialsProviderError: no credentials" } },
      }),
    );
    expect(unread.applyFailures.map((f) => f.likelihood)).toEqual(["likely", "likely", "certain"]);
    expect(notesOf(unread, TRANSCRIPT_BUCKET)).toContain(
      "will hold objects if it was ever written to (the plan cannot say; the S3 API was not read: CredentialsProviderError: no credentials)",
    );
    expect(exitCodeOf(unread, ["apply-failure"])).toBe(3);
    const empty = buildReview(deployedInput("s3off", { bucketContents: { [BUCKET]: { kind: "empty" } } }));
    expect(empty.applyFailures.map((f) => f.kind)).toEqual(["versioning-locked"]);
    expect(empty.dataLoss.map((d) => d.kind)).toEqual(["bucket"]);
  });
});

describe("prod: an Availability Zone removed (real plan, trimmed)", () => {
  const review = buildReview(deployedInput("az"));

  it("traces the subnet to the list element and its value, not the network section", () => {
    const subnet = review.changes.find((c) => c.address === "aws_subnet.network_isolated_subnet_c");
    expect(subnet?.source).toEqual({
      file: "apps/infra/environments/prod.json",
      field: "network.availabilityZones[2]",
      before: "eu-west-1c",
    });
    expect(renderMarkdown(review)).toContain(
      "from `prod.json` field `network.availabilityZones[2]` (`eu-west-1c` removed)",
    );
  });

  it("destroys no data and fails nothing at apply", () => {
    expect(review.dataLoss).toEqual([]);
    expect(review.applyFailures).toEqual([]);
    expect(exitCodeOf(review, ["apply-failure", "data-loss"])).toBe(2);
  });
});

describe("prod: session encryption turned off (real plan, trimmed)", () => {
  const review = buildReview(deployedInput("encoff"));

  it("weakens session encryption but keeps the key: no data gone", () => {
    expect(review.security.find((f) => f.aspect === "session-encryption")).toMatchObject({ weakened: true });
    expect(review.dataLoss).toEqual([]);
  });

  it("a KMS key deleted: its pending window, and the resources still referencing it", () => {
    const deleted = buildReview(withActions("encoff", { "aws_kms_key.session_logging_key": ["delete"] }));
    expect(deleted.dataLoss).toEqual([
      expect.objectContaining({
        kind: "kms-key",
        address: "aws_kms_key.session_logging_key",
        pendingWindowDays: 30,
        referencedBy: expect.arrayContaining(["aws_cloudwatch_log_group.session_logging_log_group"]),
      }),
    ]);
    expect(deleted.dataLoss[0].referencedBy).not.toContain("aws_kms_alias.session_logging_alias");
    expect(deleted.dataLoss[0].text).toMatch(/after the 30-day pending window/);
    expect(deleted.dataLoss[0].text).toMatch(/aws kms cancel-key-deletion --key-id [0-9a-f-]{36}/);
  });

  it("the session log group deleted: the transcripts in it", () => {
    const deleted = buildReview(
      withActions("encoff", { "aws_cloudwatch_log_group.session_logging_log_group": ["delete"] }),
    );
    expect(deleted.dataLoss).toEqual([
      expect.objectContaining({
        kind: "log-group",
        text: "The log group /ssm/ssm-access-prod/sessions is deleted with the Session Manager session transcripts it holds (kept 365 days): CloudWatch Logs keeps no copy.",
      }),
    ]);
  });
});

describe("other apply-time failures", () => {
  it("a replaced instance's root volume is data gone for good (real plan, trimmed)", () => {
    const review = buildReview(scenarioInput("mixed"));
    expect(review.dataLoss).toEqual([
      expect.objectContaining({ kind: "root-volume", address: "aws_instance.instances_app_2" }),
    ]);
  });

  it("a security group deleted: possible only, a note with the command to check, never a finding", () => {
    const review = buildReview(withActions("s3off", { "aws_security_group.instances_security_group": ["delete"] }));
    const failure = review.applyFailures.find((f) => f.kind === "security-group-in-use");
    expect(failure).toMatchObject({ likelihood: "possible" });
    expect(failure?.fix).toMatch(/aws ec2 describe-network-interfaces --filters Name=group-id,Values=sg-/);
    expect(notesOf(review, "aws_security_group.instances_security_group")).toContain("DependencyViolation");
  });

  it("prevent_destroy: Terraform's refusal is read, and the review names the resource, the causing field and the way out", () => {
    const output = [
      "Error: Instance cannot be destroyed",
      "",
      "  on cdk.tf.json line 412:",
      "",
      "Resource aws_s3_bucket.session_logging_bucket has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed.",
    ].join("\n");
    expect(
      preventDestroyRefusals(
        "│ Resource aws_s3_bucket.ssm_access_tfstate_222222222222_eu_west_1 has\n│ lifecycle.prevent_destroy set, but the plan calls for this resource to be\n│ destroyed.",
      ),
    ).toEqual(["aws_s3_bucket.ssm_access_tfstate_222222222222_eu_west_1"]);
    const refused = preventDestroyRefusals(output);
    expect(refused).toEqual([TRANSCRIPT_BUCKET]);

    const address = refused[0];
    const plan = planOf({
      changes: [
        change({
          address,
          actions: ["delete", "create"],
          before: { bucket: BUCKET, force_destroy: false },
          after: { bucket: "prod-transcripts" },
          replacePaths: [["bucket"]],
        }),
      ],
    });
    // A guard the user added on the transcript bucket, and the bucket renamed in the file.
    const base = fixture("prod.deployed.json") as { sessionLogging: { s3: Record<string, unknown> } };
    const renamed = {
      ...base,
      sessionLogging: { ...base.sessionLogging, s3: { ...base.sessionLogging.s3, bucketName: "prod-transcripts" } },
    };
    const review = buildReview(
      inputOf(plan, {
        stackJson: stackOf({ [address]: "SessionLogging/Bucket/Resource" }),
        environment: { file: "apps/infra/environments/prod.json", json: renamed },
        baseEnvironment: { file: "apps/infra/environments/prod.json", json: base },
        preventDestroyRefused: refused,
        bucketContents: { [BUCKET]: { kind: "empty" } },
      }),
    );
    const failure = review.applyFailures.find((f) => f.kind === "prevent-destroy");
    expect(failure).toMatchObject({ address, likelihood: "certain" });
    expect(failure?.text).toContain("`terraform plan` fails");
    expect(failure?.text).toContain(
      "Caused by the change of sessionLogging.s3.bucketName in apps/infra/environments/prod.json",
    );
    expect(failure?.fix).toMatch(/a `moved` block/);
    expect(failure?.fix).toMatch(/remove prevent_destroy in a change of its own/);
    expect(exitCodeOf(review, ["apply-failure"])).toBe(3);
  });

  it("an apply that stops at a replacement leaves what waits for it unapplied", () => {
    const plan = planOf({
      changes: [
        change({
          address: "aws_s3_bucket.logs",
          actions: ["delete", "create"],
          before: { bucket: "logs-1" },
          replacePaths: [["bucket"]],
        }),
        change({ address: "aws_s3_bucket_policy.logs", actions: ["create"], after: {} }),
        change({
          address: "aws_ssm_parameter.other",
          actions: ["update"],
          before: { value: "a" },
          after: { value: "b" },
        }),
      ],
      configResources: [
        {
          address: "aws_s3_bucket_policy.logs",
          expressions: { bucket: { references: ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"] } },
        },
      ],
    });
    const review = buildReview(inputOf(plan));
    expect(review.partialApply).toEqual({
      stopsAt: ["replace aws_s3_bucket.logs"],
      appliedBefore: [],
      notApplied: ["create aws_s3_bucket_policy.logs"],
      alongside: 1,
    });
  });
});
