import { buildReview, renderMarkdown } from "../../src/report";
import { change, inputOf, planOf, policy } from "./support";

const SECRETS = [
  "key-named-secret-88",
  "old-secret-1f2e",
  "new-secret-9a8b",
  "drifted-secret-77",
  "output-secret-55",
  "marked-output-66",
  "policy-secret-Sid",
  "nested-secret-44",
];

describe("sensitive values", () => {
  const plan = planOf({
    changes: [
      change({
        address: "aws_ssm_parameter.token",
        actions: ["update"],
        before: { name: "/app/token", value: "old-secret-1f2e", tags: { Name: "token" } },
        after: { name: "/app/token", value: "new-secret-9a8b", tags: { Name: "token" } },
        beforeSensitive: { value: true },
        afterSensitive: { value: true },
      }),
      change({
        address: "aws_instance.app",
        actions: ["update"],
        before: { instance_type: "t3.nano", user_data_replace: [{ secret: "nested-secret-44", plain: "a" }] },
        after: { instance_type: "t3.micro", user_data_replace: [{ secret: "nested-secret-44", plain: "b" }] },
        beforeSensitive: { user_data_replace: [{ secret: true }] },
        afterSensitive: { user_data_replace: [{ secret: true }] },
      }),
      change({
        address: "aws_lambda_function.fn",
        actions: ["update"],
        before: { environment: [{ variables: { "key-named-secret-88": "a" } }] },
        after: { environment: [{ variables: { "key-named-secret-88": "b" } }] },
        beforeSensitive: { environment: [{ variables: true }] },
        afterSensitive: { environment: [{ variables: true }] },
      }),
      change({
        address: "aws_iam_policy.hidden",
        actions: ["update"],
        before: {
          policy: policy({ Sid: "policy-secret-Sid", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }),
        },
        after: { policy: policy({ Sid: "policy-secret-Sid", Effect: "Allow", Action: "s3:*", Resource: "*" }) },
        beforeSensitive: { policy: true },
        afterSensitive: { policy: true },
      }),
    ],
    drift: [
      change({
        address: "aws_ssm_parameter.token",
        actions: ["update"],
        before: { value: "old-secret-1f2e" },
        after: { value: "drifted-secret-77" },
        beforeSensitive: { value: true },
        afterSensitive: { value: true },
      }),
    ],
    outputs: {
      declared_sensitive: {
        actions: ["update"],
        before: "output-secret-55",
        after: "output-secret-55x",
        before_sensitive: false,
        after_sensitive: false,
      },
      marked_sensitive: {
        actions: ["create"],
        before: null,
        after: { token: "marked-output-66" },
        before_sensitive: false,
        after_sensitive: { token: true },
      },
      plain: { actions: ["update"], before: "a", after: "b", before_sensitive: false, after_sensitive: false },
    },
    configOutputs: { declared_sensitive: { sensitive: true } },
  });
  const review = buildReview(inputOf(plan));

  it("never appear in the review JSON", () => {
    const json = JSON.stringify(review);
    for (const secret of SECRETS) expect(json).not.toContain(secret);
  });

  it("never appear in the Markdown", () => {
    const markdown = renderMarkdown(review);
    for (const secret of SECRETS) expect(markdown).not.toContain(secret);
  });

  it("still show by path", () => {
    expect(review.changes.find((c) => c.address === "aws_ssm_parameter.token")?.changedAttributes).toEqual(["value"]);
    expect(review.changes.find((c) => c.address === "aws_instance.app")?.changedAttributes).toEqual([
      "instance_type",
      "user_data_replace[0].plain",
    ]);
    // nothing below a sensitive attribute is named, not even a map key
    expect(review.changes.find((c) => c.address === "aws_lambda_function.fn")?.changedAttributes).toEqual([
      "environment[0].variables",
    ]);
    expect(review.drift).toEqual([
      { address: "aws_ssm_parameter.token", type: "aws_ssm_parameter", changedAttributes: ["value"] },
    ]);
  });

  it("mask sensitive outputs, declared or marked", () => {
    expect(review.outputs).toEqual([
      { name: "declared_sensitive", action: "update", before: "(sensitive)", after: "(sensitive)", sensitive: true },
      { name: "marked_sensitive", action: "create", after: "(sensitive)", sensitive: true },
      { name: "plain", action: "update", before: "a", after: "b", sensitive: false },
    ]);
  });

  it("a changed sensitive policy cannot be diffed, so it is flagged for review by hand", () => {
    const finding = review.security.find((f) => f.address === "aws_iam_policy.hidden");
    expect(finding).toMatchObject({ before: "(sensitive)", after: "(sensitive)", weakened: true });
    expect(finding?.statements).toBeUndefined();
  });
});
