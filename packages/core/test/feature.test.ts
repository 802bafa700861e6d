import { FeatureOptions, ValidationIssue, Validator, featureOptionsProblem, isEnabled } from "../src";

describe("isEnabled", () => {
  it.each([
    ["left out, off by default", undefined, false, false],
    ["left out, on by default", undefined, true, true],
    ["given, of a feature off by default", {}, false, true],
    ["given with settings", { retentionInDays: 30 }, false, true],
    ["given with enabled: false, of a feature on by default", { enabled: false }, true, false],
    ["given with enabled: true", { enabled: true }, false, true],
  ])("%s → %p", (_, options, byDefault, on) => {
    expect(isEnabled(options as FeatureOptions | undefined, byDefault)).toBe(on);
  });
});

describe("featureOptionsProblem", () => {
  it("accepts options left out and options objects", () => {
    expect(featureOptionsProblem(undefined)).toBeUndefined();
    expect(featureOptionsProblem({})).toBeUndefined();
    expect(featureOptionsProblem({ enabled: false, retentionInDays: 30 })).toBeUndefined();
  });

  it("rejects a bare boolean, naming the spelling to write instead", () => {
    expect(featureOptionsProblem(false)).toBe(
      'false is not accepted here: write { "enabled": false } (a feature is an options object; "enabled": false turns it off)',
    );
    expect(featureOptionsProblem(true)).toMatch(/^true is not accepted here: write \{ "enabled": true \}/);
  });

  it("rejects an enabled that is not a boolean, and what is not an object", () => {
    expect(featureOptionsProblem({ enabled: "no" })).toBe('enabled: "no" is not true or false');
    expect(featureOptionsProblem("off")).toBe('"off" is not an options object');
    expect(featureOptionsProblem([])).toBe("[] is not an options object");
  });

  it("is what Validator.featureOptions records, at the field", () => {
    const v = new Validator("x", "props");
    expect(v.featureOptions("flowLogs", true)).toBe(false);
    expect(v.featureOptions("endpoints", {})).toBe(true);
    expect(v.issues).toEqual<ValidationIssue[]>([
      { path: "props.flowLogs", message: featureOptionsProblem(true) as string },
    ]);
  });
});
