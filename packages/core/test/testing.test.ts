import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { Vpc as TfVpc } from "@cdktf/provider-aws/lib/vpc";
import {
  TEST_PROVIDER_ALIAS,
  annotationsOf,
  configsOf,
  onlyOf,
  parsePolicy,
  providersOf,
  offProvider,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
  warningsOf,
} from "../src/testing";

describe("testing helpers", () => {
  const json = synthJson((scope) => {
    new TfVpc(scope, "A", { cidrBlock: "10.0.0.0/16" });
    new TfVpc(scope, "B", { cidrBlock: "10.1.0.0/16" });
  });

  it("reads resources of one provider class by logical id", () => {
    expect(Object.keys(resourcesOf(json, TfVpc))).toEqual(["A", "B"]);
    expect(configsOf(json, "aws_vpc").map((c) => c.cidr_block)).toEqual(["10.0.0.0/16", "10.1.0.0/16"]);
  });

  it("onlyOf fails unless there is exactly one", () => {
    expect(() => onlyOf(json, TfVpc)).toThrow(/expected exactly one aws_vpc, found 2/);
    expect(() => onlyOf(json, "aws_subnet")).toThrow(/found 0/);
  });

  it("parses a policy document string", () => {
    expect(parsePolicy('{"Statement":[{"Effect":"Allow"}]}').Statement[0].Effect).toBe("Allow");
    expect(() => parsePolicy(42)).toThrow(/not a string/);
  });

  it("lists the provider of every resource, with an aliased provider at hand", () => {
    const aliased = synthJsonWithAliasedProvider((scope, provider) => {
      new TfVpc(scope, "A", { cidrBlock: "10.0.0.0/16", provider });
      new TfVpc(scope, "B", { cidrBlock: "10.1.0.0/16" });
    });
    expect(providersOf(aliased)).toEqual({ "aws_vpc.A": `aws.${TEST_PROVIDER_ALIAS}`, "aws_vpc.B": undefined });
    expect(offProvider(aliased)).toEqual({ "aws_vpc.B": undefined });
    expect(offProvider(aliased, "other")).toEqual({
      "aws_vpc.A": `aws.${TEST_PROVIDER_ALIAS}`,
      "aws_vpc.B": undefined,
    });
  });
});

describe("annotationsOf and warningsOf", () => {
  it("read the warnings, infos and errors left on a construct and below it, with their paths, in tree order", () => {
    synthJson((scope) => {
      const parent = new Construct(scope, "Parent");
      const child = new Construct(parent, "Child");
      Annotations.of(parent).addWarning("parent warns");
      Annotations.of(child).addInfo("child informs");
      Annotations.of(child).addWarning("child warns");
      expect(annotationsOf(parent)).toEqual([
        { path: parent.node.path, level: "warning", message: "parent warns" },
        { path: child.node.path, level: "info", message: "child informs" },
        { path: child.node.path, level: "warning", message: "child warns" },
      ]);
      expect(warningsOf(parent)).toEqual(["parent warns", "child warns"]);
      expect(warningsOf(child)).toEqual(["child warns"]);
    });
  });

  it("find nothing on a construct without annotations", () => {
    synthJson((scope) => expect(warningsOf(new Construct(scope, "Quiet"))).toEqual([]));
  });
});
