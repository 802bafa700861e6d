import { Validator } from "@ssm-access/core";
import { PolicyStatement } from "../src";
import { policyDocument, renderPolicy, validateStatements } from "../src/private/policy";

function problems(statements: readonly unknown[]): string[] {
  const v = new Validator("Test", "statements");
  validateStatements(v, statements as PolicyStatement[]);
  return v.issues.map((i) => `${i.path}: ${i.message}`);
}

const good: PolicyStatement = {
  Effect: "Allow",
  Action: "ssm:GetParameter",
  Resource: "arn:aws:ssm:eu-west-1:111122223333:parameter/app",
};

describe("policy documents", () => {
  it("wrap statements with the 2012-10-17 policy language version", () => {
    expect(policyDocument([good])).toEqual({ Version: "2012-10-17", Statement: [good] });
  });

  it("render IAM policy variables escaped for Terraform", () => {
    const text = renderPolicy([{ ...good, Resource: "arn:aws:ssm:*:*:session/${aws:username}-*" }]);
    expect(text).toContain('"arn:aws:ssm:*:*:session/$${aws:username}-*"');
    expect(text).not.toMatch(/[^$]\$\{aws:/);
  });
});

describe("statement validation", () => {
  it("accepts a statement with Effect, Action and Resource", () => {
    expect(
      problems([good, { ...good, Effect: "Deny", Action: ["s3:GetObject", "s3:List*"], Resource: ["a", "b"] }]),
    ).toEqual([]);
  });

  it("rejects an Effect other than Allow or Deny", () => {
    expect(problems([{ ...good, Effect: "allow" }])).toEqual([
      'statements[0].Effect: must be "Allow" or "Deny", got "allow"',
    ]);
  });

  it("rejects a statement without Action", () => {
    expect(problems([{ Effect: "Allow", Resource: "*" }])).toEqual([
      "statements[0].Action: is required (a string or a non-empty list of strings)",
    ]);
  });

  it("rejects an empty Action list", () => {
    expect(problems([{ ...good, Action: [] }])[0]).toMatch(/^statements\[0\]\.Action: is required/);
  });

  it('rejects the wildcard action "*", alone or in a list', () => {
    expect(problems([{ ...good, Action: "*" }])[0]).toMatch(/^statements\[0\]\.Action: "\*" grants every action/);
    expect(problems([good, { ...good, Action: ["ssm:GetParameter", "*"] }])[0]).toMatch(
      /^statements\[1\]\.Action: "\*"/,
    );
  });

  it("rejects an action that is not service:Operation", () => {
    expect(problems([{ ...good, Action: "GetParameter" }])).toEqual([
      'statements[0].Action: "GetParameter" is not of the form service:Operation',
    ]);
  });

  it("rejects a statement without Resource or with an empty resource", () => {
    expect(problems([{ Effect: "Allow", Action: "s3:GetObject" }])).toEqual([
      "statements[0].Resource: is required (a string or a non-empty list of strings)",
    ]);
    expect(problems([{ ...good, Resource: ["arn:aws:s3:::b", ""] }])).toEqual([
      "statements[0].Resource: must not contain an empty string",
    ]);
  });

  it("rejects a value that is not a statement object", () => {
    expect(problems([null])).toEqual(["statements[0]: must be a statement object"]);
  });
});
