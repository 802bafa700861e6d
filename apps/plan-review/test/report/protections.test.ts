import * as fs from "node:fs";
import * as path from "node:path";
import { SecurityFinding, buildReview, exitCodeOf } from "../../src/report";
import { change, fixture, inputOf, planOf, policy } from "./support";

/** The shipped prod stack's resources as synthesized: the protections as they are deployed. */
const GOLDEN = path.join(__dirname, "..", "..", "..", "infra", "test", "golden", "shipped");
type Blocks = Record<string, Record<string, Record<string, unknown>>>;
const prod = (JSON.parse(fs.readFileSync(path.join(GOLDEN, "prod.cdk.tf.json"), "utf8")) as { resource: Blocks })
  .resource;

type Statement = Record<string, unknown>;
function statementsOf(type: string, name: string): Statement[] {
  return (JSON.parse(String(prod[type][name].policy)) as { Statement: Statement[] }).Statement;
}
const INSTANCE_POLICY = statementsOf("aws_iam_role_policy", "instance_role_policy");
const OPERATOR_POLICY = statementsOf("aws_iam_policy", "operator_access");

function protections(...changes: Record<string, unknown>[]): SecurityFinding[] {
  const review = buildReview(inputOf(planOf({ changes })));
  return review.security.filter((f) => f.aspect === "protection");
}

function policyUpdate(address: string, before: Statement[], after: Statement[]): Record<string, unknown> {
  return change({
    address,
    actions: ["update"],
    before: { policy: policy(...before) },
    after: { policy: policy(...after) },
  });
}

function edited(statements: Statement[], sid: string, edit: (s: Statement) => Statement | undefined): Statement[] {
  return statements.flatMap((s) => {
    if (s.Sid !== sid) return [s];
    const result = edit({ ...s });
    return result === undefined ? [] : [result];
  });
}

describe("protections undone", () => {
  describe("the transcript bucket's Object Lock", () => {
    const lock = (mode: string, days: number) => ({
      bucket: "ssm-access-prod-sessions-222222222222-eu-west-1",
      object_lock_enabled: "Enabled",
      rule: [{ default_retention: [{ mode, days, years: 0 }] }],
    });
    const address = "aws_s3_bucket_object_lock_configuration.session_logging_object_lock";

    it("on real plans of the deployed prod: objectLock turned off, and its retention cut to 30 days", () => {
      const off = buildReview(inputOf(fixture("lockoff.plan.json"))).security.filter((f) => f.aspect === "protection");
      expect(off).toEqual([
        expect.objectContaining({
          address,
          before: "Object Lock GOVERNANCE, 365 days",
          after: "Object Lock off",
          weakened: true,
        }),
      ]);
      const shorter = buildReview(inputOf(fixture("lockshort.plan.json"))).security.filter(
        (f) => f.aspect === "protection",
      );
      expect(shorter).toEqual([
        expect.objectContaining({
          address,
          after: "Object Lock GOVERNANCE, 30 days",
          detail: "new transcripts are locked for 30 days instead of 365",
        }),
      ]);
    });

    it("removed: new transcripts are no longer locked", () => {
      const [found] = protections(change({ address, actions: ["delete"], before: lock("GOVERNANCE", 365) }));
      expect(found).toMatchObject({
        address,
        before: "Object Lock GOVERNANCE, 365 days",
        after: "Object Lock off",
        weakened: true,
      });
      expect(found.detail).toMatch(/no longer locked/);
    });

    it("a shorter retention, and compliance turned into governance, are weakened; a longer one is not", () => {
      const shorter = protections(
        change({ address, actions: ["update"], before: lock("GOVERNANCE", 365), after: lock("GOVERNANCE", 30) }),
      );
      expect(shorter).toHaveLength(1);
      expect(shorter[0].detail).toBe("new transcripts are locked for 30 days instead of 365");
      const governance = protections(
        change({ address, actions: ["update"], before: lock("COMPLIANCE", 365), after: lock("GOVERNANCE", 365) }),
      );
      expect(governance[0].detail).toMatch(/BypassGovernanceRetention/);
      expect(
        protections(
          change({ address, actions: ["update"], before: lock("GOVERNANCE", 30), after: lock("GOVERNANCE", 365) }),
        ),
      ).toEqual([]);
    });
  });

  describe("guarding statements of the shipped policies", () => {
    const instance = "aws_iam_role_policy.instance_role_policy";
    const operator = "aws_iam_policy.operator_access";

    it("the instance's append-only Deny removed, or its log-write Allow widened", () => {
      const removed = protections(
        policyUpdate(
          instance,
          INSTANCE_POLICY,
          edited(INSTANCE_POLICY, "SessionTranscriptsAppendOnly", () => undefined),
        ),
      );
      expect(removed).toHaveLength(1);
      expect(removed[0]).toMatchObject({ address: instance, after: "(removed)", weakened: true });
      expect(removed[0].detail).toMatch(/only append/);

      const widened = protections(
        policyUpdate(
          instance,
          INSTANCE_POLICY,
          edited(INSTANCE_POLICY, "SessionLogsWrite", (s) => ({ ...s, Action: "logs:*" })),
        ),
      );
      expect(widened.map((f) => f.detail)).toEqual([expect.stringMatching(/^SessionLogsWrite also allows logs:\*/)]);

      const narrowed = protections(
        policyUpdate(
          instance,
          INSTANCE_POLICY,
          edited(INSTANCE_POLICY, "SessionTranscriptsAppendOnly", (s) => ({
            ...s,
            Action: (s.Action as string[]).filter((a) => a !== "s3:Delete*"),
          })),
        ),
      );
      expect(narrowed[0].detail).toMatch(/no longer denies s3:Delete\*/);
    });

    it("the explicit Deny on ssm:StartSession (NotResource) removed or letting more through", () => {
      const removed = protections(
        policyUpdate(
          operator,
          OPERATOR_POLICY,
          edited(OPERATOR_POLICY, "DenyStartSessionOutsideThisEnvironment", () => undefined),
        ),
      );
      expect(removed[0]).toMatchObject({ address: operator, weakened: true });
      expect(removed[0].detail).toMatch(/AWS-StartInteractiveCommand/);
      const widened = protections(
        policyUpdate(
          operator,
          OPERATOR_POLICY,
          edited(OPERATOR_POLICY, "DenyStartSessionOutsideThisEnvironment", (s) => ({
            ...s,
            NotResource: [...(s.NotResource as string[]), "arn:aws:ssm:*:*:document/*"],
          })),
        ),
      );
      expect(widened[0].detail).toMatch(/lets through arn:aws:ssm:\*:\*:document\/\* \(NotResource\)/);
    });

    it("the parameter-read Deny removed", () => {
      const removed = protections(
        policyUpdate(
          instance,
          INSTANCE_POLICY,
          edited(INSTANCE_POLICY, "DenyParameterReadsOutsideOwnPaths", () => undefined),
        ),
      );
      expect(removed.map((f) => f.detail)).toEqual([expect.stringMatching(/cannot read parameters outside/)]);
    });

    it("an unchanged policy, or an edit elsewhere in it, undoes nothing", () => {
      expect(protections(policyUpdate(instance, INSTANCE_POLICY, INSTANCE_POLICY))).toEqual([]);
      expect(
        protections(
          policyUpdate(
            instance,
            INSTANCE_POLICY,
            edited(INSTANCE_POLICY, "SessionBucketEncryptionCheck", () => undefined),
          ),
        ),
      ).toEqual([]);
    });
  });

  it("the flow-log group's KMS encryption removed", () => {
    const group = { name: "/vpc-flow-logs/ssm-access-prod", kms_key_id: "arn:aws:kms:eu-west-1:222222222222:key/k1" };
    const [found] = protections(
      change({
        address: "aws_cloudwatch_log_group.network_flow_logs_log_group",
        actions: ["update"],
        before: group,
        after: { ...group, kms_key_id: null },
      }),
    );
    expect(found).toMatchObject({ after: "not KMS-encrypted", weakened: true });
    expect(found.detail).toMatch(/\/vpc-flow-logs\/ssm-access-prod/);
  });

  describe("the account baseline of the state-bootstrap stack", () => {
    it("EBS encryption by default, S3 account Block Public Access and the SSM document sharing block turned off or removed", () => {
      const found = protections(
        change({
          address: "aws_ebs_encryption_by_default.account_baseline_222222222222_eu_west_1_ebs_encryption_by_default",
          actions: ["update"],
          before: { enabled: true },
          after: { enabled: false },
        }),
        change({
          address: "aws_s3_account_public_access_block.account_public_access_block_222222222222",
          actions: ["delete"],
          before: {
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        }),
        change({
          address: "aws_ssm_service_setting.account_baseline_222222222222_eu_west_1_ssm_document_public_sharing",
          actions: ["update"],
          before: {
            setting_id:
              "arn:aws:ssm:eu-west-1:222222222222:servicesetting/ssm/documents/console/public-sharing-permission",
            setting_value: "Disable",
          },
          after: {
            setting_id:
              "arn:aws:ssm:eu-west-1:222222222222:servicesetting/ssm/documents/console/public-sharing-permission",
            setting_value: "Enable",
          },
        }),
      );
      expect(found.map((f) => f.detail)).toEqual([
        "new EBS volumes in the account are no longer encrypted by default",
        "buckets in the account can be made public again (per-bucket settings aside)",
        "documents of the account can be shared publicly again",
      ]);
    });
  });

  it("Run As turned off when it was on, and a review with it exits 3 by default", () => {
    const preferences = (inputs: Record<string, unknown>) => ({
      document_type: "Session",
      content: JSON.stringify({ schemaVersion: "1.0", sessionType: "Standard_Stream", inputs }),
    });
    const address = "aws_ssm_document.session_logging_preferences";
    const plan = planOf({
      changes: [
        change({
          address,
          actions: ["update"],
          before: preferences({ runAsEnabled: true, runAsDefaultUser: "operator" }),
          after: preferences({ runAsEnabled: false }),
        }),
      ],
    });
    const review = buildReview(inputOf(plan));
    const found = review.security.filter((f) => f.aspect === "protection");
    expect(found).toEqual([
      expect.objectContaining({
        address,
        before: "Run As operator",
        weakened: true,
        detail: expect.stringMatching(/ssm-user/),
      }),
    ]);
    expect(exitCodeOf(review)).toBe(3);
    expect(
      protections(
        change({
          address,
          actions: ["update"],
          before: preferences({ runAsEnabled: false }),
          after: preferences({ runAsEnabled: false, idleSessionTimeout: "10" }),
        }),
      ),
    ).toEqual([]);
  });
});
