import { Token } from "cdktf";
import { TAG_KEY_PATTERN, TAG_VALUE_PATTERN, ValidationIssue, Validator, validateTagTarget } from "../src";

/** Runs `check` against a fresh validator and returns what it found. */
function issuesOf(check: (v: Validator) => void): readonly ValidationIssue[] {
  const v = new Validator("Test");
  check(v);
  return v.issues;
}

describe("tag patterns", () => {
  it("accept what AWS accepts in tags", () => {
    expect(TAG_KEY_PATTERN.test("SsmAccessGroup")).toBe(true);
    expect(TAG_KEY_PATTERN.test("team:owner/name=x+y-z@q")).toBe(true);
    expect(TAG_KEY_PATTERN.test("")).toBe(false);
    expect(TAG_VALUE_PATTERN.test("")).toBe(true);
    expect(TAG_VALUE_PATTERN.test("v".repeat(257))).toBe(false);
  });
});

describe("validateTagTarget", () => {
  it("accepts a key and a value", () => {
    expect(issuesOf((v) => validateTagTarget(v.child("target"), { key: "Environment", value: "dev" }))).toEqual([]);
  });

  it("requires the target", () => {
    expect(issuesOf((v) => validateTagTarget(v.child("target"), undefined))).toEqual([
      { path: "target", message: "is required" },
    ]);
  });

  it("requires a non-empty key and value", () => {
    expect(issuesOf((v) => validateTagTarget(v.child("target"), { key: " ", value: "" }))).toEqual([
      { path: "target.key", message: "must not be empty" },
      { path: "target.value", message: "must not be empty" },
    ]);
  });

  it("rejects a key that already carries the tag: prefix", () => {
    expect(issuesOf((v) => validateTagTarget(v.child("target"), { key: "tag:Env", value: "dev" }))[0]).toEqual({
      path: "target.key",
      message: '"tag:Env" must not start with "tag:" (the prefix is added for you)',
    });
  });

  it("rejects keys over 128 and values over 256 characters", () => {
    const issues = issuesOf((v) =>
      validateTagTarget(v.child("target"), { key: "k".repeat(129), value: "v".repeat(257) }),
    );
    expect(issues.map((i) => i.path)).toEqual(["target.key", "target.value"]);
  });

  it("rejects tag keys AWS reserves or does not accept", () => {
    expect(issuesOf((v) => validateTagTarget(v.child("target"), { key: "aws:team", value: "x" }))).toEqual([
      { path: "target.key", message: expect.stringMatching(/^"aws:team" is not a tag key/) },
    ]);
    expect(issuesOf((v) => validateTagTarget(v.child("target"), { key: "team*", value: "x" }))[0].message).toMatch(
      /"team\*" is not a tag key/,
    );
  });

  it("rejects tag values AWS does not accept", () => {
    expect(issuesOf((v) => validateTagTarget(v.child("target"), { key: "team", value: "a*" }))).toEqual([
      { path: "target.value", message: expect.stringMatching(/^"a\*" is not a tag value/) },
    ]);
  });

  it("takes values holding tokens as they are", () => {
    const token = Token.asString({ Ref: "x" });
    expect(issuesOf((v) => validateTagTarget(v.child("target"), { key: token, value: token }))).toEqual([]);
  });
});
