import { buildReview } from "../../src/report";
import { change, inputOf, planOf } from "./support";

describe("bad input", () => {
  const ok = change({ address: "aws_vpc.network", actions: ["no-op"], before: {}, after: {} });

  it("rejects what is not the JSON of a plan, as terraform-kit's plan reader says", () => {
    expect(() => buildReview(inputOf("plan"))).toThrow(/^plan: not a JSON object/);
    expect(() => buildReview(inputOf({ format_version: "1.0", values: {} }))).toThrow(
      /^plan: resource_changes is missing/,
    );
  });

  it("names the entry and field that is missing", () => {
    const broken = { ...change({ address: "aws_subnet.a", actions: ["update"] }) };
    delete (broken.change as Record<string, unknown>).actions;
    expect(() => buildReview(inputOf(planOf({ changes: [ok, ok, ok, broken] })))).toThrow(
      "plan: resource_changes[3].change.actions is missing",
    );
    const noAddress = { ...ok, address: undefined };
    expect(() => buildReview(inputOf(planOf({ changes: [noAddress] })))).toThrow(
      "plan: resource_changes[0].address is missing",
    );
    expect(() => buildReview(inputOf(planOf({ changes: [{ ...ok, change: undefined }] })))).toThrow(
      "plan: resource_changes[0].change is missing",
    );
    expect(() => buildReview(inputOf(planOf({ changes: [ok], drift: [{ ...ok, type: 3 }] })))).toThrow(
      "plan: resource_drift[0].type is not a string",
    );
    expect(() => buildReview(inputOf(planOf({ outputs: { vpc_id: { before: "a" } } })))).toThrow(
      "plan: output_changes.vpc_id.actions is missing",
    );
  });

  it("rejects a stack that is not a cdk.tf.json object", () => {
    expect(() => buildReview(inputOf(planOf({ changes: [ok] }), { stackJson: "cdk.tf.json" }))).toThrow(
      /^stackJson: not a synthesized stack/,
    );
  });

  it("accepts a plan with nothing to do", () => {
    expect(buildReview(inputOf(planOf({}))).changes).toEqual([]);
  });
});
