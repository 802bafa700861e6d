import { Token } from "cdktf";
import { ValidationError, Validator, duplicates, joinPath } from "../src";

describe("Validator", () => {
  it("throws nothing when no problem was recorded", () => {
    const v = new Validator("Stack/Network", "network");
    v.check(true, "cidr", "never shown");
    expect(() => v.throwIfAny()).not.toThrow();
  });

  it("throws one error listing every problem with its field path", () => {
    const v = new Validator("Stack/Network", "network");
    v.add("cidr", "8.8.8.0/24 is not in an RFC 1918 range");
    v.child("subnets").child("[1]").add("cidr", "overlaps subnets[0]");
    let caught: unknown;
    try {
      v.throwIfAny();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const err = caught as ValidationError;
    expect(err.subject).toBe("Stack/Network");
    expect(err.issues).toEqual([
      { path: "network.cidr", message: "8.8.8.0/24 is not in an RFC 1918 range" },
      { path: "network.subnets[1].cidr", message: "overlaps subnets[0]" },
    ]);
    expect(err.message).toBe(
      [
        "Stack/Network: 2 problems",
        "  - network.cidr: 8.8.8.0/24 is not in an RFC 1918 range",
        "  - network.subnets[1].cidr: overlaps subnets[0]",
      ].join("\n"),
    );
  });

  it("check returns whether the condition held, so later checks can depend on it", () => {
    const v = new Validator("x");
    expect(v.check(false, "a", "bad")).toBe(false);
    expect(v.check(true, "b", "fine")).toBe(true);
    expect(v.issues).toHaveLength(1);
  });

  it("says 'problem' in the singular for one issue", () => {
    expect(ValidationError.format("f.json", [{ path: "region", message: "is required" }])).toBe(
      "f.json: 1 problem\n  - region: is required",
    );
  });
});

describe("joinPath", () => {
  it.each([
    ["", "cidr", "cidr"],
    ["network", "", "network"],
    ["network", "cidr", "network.cidr"],
    ["instances", "[2]", "instances[2]"],
  ])("joins %p and %p into %p", (a, b, expected) => {
    expect(joinPath(a, b)).toBe(expected);
  });
});

describe("duplicates", () => {
  it("lists each repeated value once, in first-seen order", () => {
    expect(duplicates(["a", "b", "a", "c", "b", "a"])).toEqual(["a", "b"]);
  });
  it("is empty for distinct values", () => {
    expect(duplicates([1, 2, 3])).toEqual([]);
  });
});

describe("Validator's common checks", () => {
  function issuesOf(run: (v: Validator) => boolean): {
    ok: boolean;
    issues: readonly { path: string; message: string }[];
  } {
    const v = new Validator("x", "props");
    const ok = run(v);
    return { ok, issues: v.issues };
  }

  it.each([
    ["ssm-dev", true],
    ["a".repeat(20), true],
    ["a".repeat(21), false],
    ["Ssm", false],
    ["1abc", false],
    [undefined, false],
  ])("namePrefix(%p) with at most 20 characters → %p", (value, ok) => {
    const r = issuesOf((v) => v.namePrefix("name", value, 20));
    expect(r.ok).toBe(ok);
    expect(r.issues).toEqual(
      ok
        ? []
        : [
            {
              path: "props.name",
              message: `${JSON.stringify(value)} must be lower-case letters, digits and "-", starting with a letter, at most 20 characters`,
            },
          ],
    );
  });

  it("region accepts Region codes and names the bad value", () => {
    expect(issuesOf((v) => v.region("region", "eu-west-1")).issues).toEqual([]);
    expect(issuesOf((v) => v.region("region", "Ireland")).issues).toEqual([
      { path: "props.region", message: '"Ireland" is not an AWS Region code such as eu-west-1' },
    ]);
  });

  it("accountId accepts 12 digits only", () => {
    expect(issuesOf((v) => v.accountId("accountId", "123456789012")).ok).toBe(true);
    expect(issuesOf((v) => v.accountId("accountId", "1234")).issues).toEqual([
      { path: "props.accountId", message: '"1234" is not a 12-digit AWS account id' },
    ]);
  });

  it("logRetentionDays accepts the periods CloudWatch Logs offers and lists them", () => {
    expect(issuesOf((v) => v.logRetentionDays("retentionInDays", 0)).ok).toBe(true);
    expect(issuesOf((v) => v.logRetentionDays("retentionInDays", 100)).issues).toEqual([
      {
        path: "props.retentionInDays",
        message: expect.stringMatching(/^100 is not a CloudWatch Logs retention period; use one of 0, 1, 3, .*, 3653$/),
      },
    ]);
  });

  it("kmsKeyArn accepts a key ARN of the Region's partition, and a token", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/abc";
    expect(issuesOf((v) => v.kmsKeyArn("kmsKeyArn", key, "eu-west-1")).ok).toBe(true);
    expect(issuesOf((v) => v.kmsKeyArn("kmsKeyArn", Token.asString({ Ref: "key" }))).ok).toBe(true);
    expect(issuesOf((v) => v.kmsKeyArn("kmsKeyArn", "alias/logs")).issues).toEqual([
      {
        path: "props.kmsKeyArn",
        message: '"alias/logs" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)',
      },
    ]);
    expect(issuesOf((v) => v.kmsKeyArn("kmsKeyArn", key, "cn-north-1")).issues).toEqual([
      { path: "props.kmsKeyArn", message: `"${key}" is in partition aws, the Region is in aws-cn` },
    ]);
  });

  it("oneOf lists the allowed values", () => {
    expect(issuesOf((v) => v.oneOf("mode", "scan", ["scan", "install"])).ok).toBe(true);
    expect(issuesOf((v) => v.oneOf("mode", "patch", ["scan", "install"])).issues).toEqual([
      { path: "props.mode", message: '"patch" is not one of scan, install' },
    ]);
  });
});
