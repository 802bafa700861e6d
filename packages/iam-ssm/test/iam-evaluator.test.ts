import { evaluate } from "./iam-evaluator";

/** The evaluator the policy tests rely on must itself say no where IAM says no. */
describe("the test IAM evaluator", () => {
  const allow = (extra: Record<string, unknown> = {}) => ({
    Effect: "Allow",
    Action: "ssm:ResumeSession",
    Resource: "*",
    ...extra,
  });
  const request = (
    context: Record<string, string>,
    resource = "arn:aws:ssm:eu-west-1:111122223333:session/s-1",
    action = "ssm:ResumeSession",
  ) => ({
    action,
    resource,
    context,
  });

  it("denies implicitly when no statement allows, and lets an explicit deny win", () => {
    expect(evaluate([], request({}))).toBe("ImplicitDeny");
    expect(evaluate([allow()], request({}))).toBe("Allow");
    expect(evaluate([allow(), { ...allow(), Effect: "Deny" }], request({}))).toBe("ExplicitDeny");
  });

  it("matches actions without case and with wildcards", () => {
    expect(evaluate([allow({ Action: "SSM:resume*" })], request({}))).toBe("Allow");
    expect(evaluate([allow({ Action: "ssm:Terminate*" })], request({}))).toBe("ImplicitDeny");
  });

  it("matches resources with wildcards, with case", () => {
    expect(evaluate([allow({ Resource: "arn:aws:ssm:*:*:session/s-?" })], request({}))).toBe("Allow");
    expect(evaluate([allow({ Resource: "arn:aws:ssm:*:*:session/S-1" })], request({}))).toBe("ImplicitDeny");
    expect(
      evaluate(
        [allow({ Resource: "arn:aws:ssm:*::document/x" })],
        request({}, "arn:aws:ssm:eu-west-1:111122223333:document/x"),
      ),
    ).toBe("ImplicitDeny");
    expect(
      evaluate([allow({ Resource: "arn:aws:ssm:*:*:document/x" })], request({}, "arn:aws:ssm:eu-west-1::document/x")),
    ).toBe("Allow");
  });

  it("applies a NotResource statement to every resource none of its patterns match", () => {
    const deny = { Effect: "Deny", Action: "ssm:ResumeSession", NotResource: "arn:aws:ssm:*:*:session/s-?" };
    expect(evaluate([allow(), deny], request({}))).toBe("Allow");
    expect(evaluate([allow(), deny], request({}, "arn:aws:ssm:eu-west-1:111122223333:session/s-10"))).toBe(
      "ExplicitDeny",
    );
    expect(() => evaluate([{ ...deny, Resource: "*" }], request({}))).toThrow(
      /exactly one of Resource and NotResource/,
    );
    expect(() => evaluate([{ Effect: "Allow", Action: "ssm:ResumeSession" }], request({}))).toThrow(
      /exactly one of Resource and NotResource/,
    );
  });

  it("substitutes policy variables in resources; a variable of an absent key matches nothing", () => {
    const st = allow({ Resource: "arn:aws:ssm:*:*:session/${aws:username}-*" });
    expect(evaluate([st], request({ "aws:username": "s" }))).toBe("Allow");
    expect(evaluate([st], request({ "aws:userid": "AROAEXAMPLE:s" }))).toBe("ImplicitDeny");
  });

  it("takes substituted values literally: a * in the value is no wildcard", () => {
    const st = allow({ Condition: { StringLike: { "ssm:resourceTag/owner": "${aws:userid}" } } });
    expect(evaluate([st], request({ "aws:userid": "AROAEXAMPLE:*", "ssm:resourceTag/owner": "AROAEXAMPLE:bob" }))).toBe(
      "ImplicitDeny",
    );
    expect(evaluate([st], request({ "aws:userid": "AROAEXAMPLE:*", "ssm:resourceTag/owner": "AROAEXAMPLE:*" }))).toBe(
      "Allow",
    );
  });

  it("compares StringEquals and StringLike with case; keys without case", () => {
    const eq = allow({ Condition: { StringEquals: { "SSM:ResourceTag/Team": "ops" } } });
    expect(evaluate([eq], request({ "ssm:resourceTag/Team": "ops" }))).toBe("Allow");
    expect(evaluate([eq], request({ "ssm:resourceTag/Team": "OPS" }))).toBe("ImplicitDeny");
    const like = allow({ Condition: { StringLike: { "ssm:resourceTag/Team": "op?" } } });
    expect(evaluate([like], request({ "ssm:resourceTag/Team": "ops" }))).toBe("Allow");
    expect(evaluate([like], request({ "ssm:resourceTag/Team": "opss" }))).toBe("ImplicitDeny");
  });

  it("fails a condition whose key is absent, unless ...IfExists", () => {
    expect(evaluate([allow({ Condition: { StringLike: { "ssm:resourceTag/x": "*" } } })], request({}))).toBe(
      "ImplicitDeny",
    );
    expect(
      evaluate([allow({ Condition: { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } } })], request({})),
    ).toBe("Allow");
    expect(
      evaluate(
        [allow({ Condition: { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } } })],
        request({ "ssm:SessionDocumentAccessCheck": "false" }),
      ),
    ).toBe("ImplicitDeny");
  });

  it("needs every operator and key to match, any one value of a key", () => {
    const st = allow({ Condition: { StringEquals: { "k:a": ["1", "2"], "k:b": "3" }, Bool: { "k:c": "true" } } });
    expect(evaluate([st], request({ "k:a": "2", "k:b": "3", "k:c": "true" }))).toBe("Allow");
    expect(evaluate([st], request({ "k:a": "2", "k:b": "4", "k:c": "true" }))).toBe("ImplicitDeny");
    expect(evaluate([st], request({ "k:a": "2", "k:b": "3", "k:c": "false" }))).toBe("ImplicitDeny");
  });

  it("refuses what it cannot judge instead of guessing", () => {
    expect(() => evaluate([allow({ NotAction: "x" })], request({}))).toThrow(/NotAction is not supported/);
    expect(() =>
      evaluate([allow({ Condition: { ArnLike: { "aws:SourceArn": "x" } } })], request({ "aws:SourceArn": "x" })),
    ).toThrow(/ArnLike is not supported/);
    expect(() => evaluate([allow({ Resource: "${aws:userid, 'x'}" })], request({}))).toThrow(
      /defaults are not supported/,
    );
  });
});
