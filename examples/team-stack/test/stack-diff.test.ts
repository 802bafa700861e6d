import { firstDifference, stackDifference } from "./support/stack-diff";

/** A stack as an engine of `version` writes it. */
function stackText(version: string, cidr = "10.0.0.0/16", extra: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      "//": { metadata: { backend: "local", stackName: "dev", version }, outputs: {} },
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: { aws_vpc: { Network_Vpc_1A2B3C4D: { cidr_block: cidr, tags: { Name: "dev" }, ...extra } } },
    },
    null,
    2,
  );
}

describe("stackDifference: a stack from cdktf against the same stack from CDK Terrain", () => {
  it("accepts the two when only //.metadata.version differs", () => {
    expect(stackDifference("dev", stackText("0.21.0"), stackText("0.24.0"))).toBeUndefined();
  });

  it("names the stack and the first JSON path where a value differs", () => {
    expect(stackDifference("dev", stackText("0.21.0"), stackText("0.24.0", "10.9.0.0/16"))).toBe(
      'dev: resource.aws_vpc.Network_Vpc_1A2B3C4D.cidr_block: "10.0.0.0/16" in one, "10.9.0.0/16" in the other',
    );
  });

  it("names an attribute only one of them has", () => {
    expect(
      stackDifference("prod", stackText("0.21.0"), stackText("0.24.0", "10.0.0.0/16", { enable_dns_support: true })),
    ).toBe("prod: resource.aws_vpc.Network_Vpc_1A2B3C4D.enable_dns_support: (absent) in one, true in the other");
  });

  it("fails on the same keys in another order, as the bytes differ", () => {
    const reordered = JSON.stringify(
      {
        "//": { metadata: { backend: "local", stackName: "dev", version: "0.24.0" }, outputs: {} },
        resource: { aws_vpc: { Network_Vpc_1A2B3C4D: { cidr_block: "10.0.0.0/16", tags: { Name: "dev" } } } },
        provider: { aws: [{ region: "eu-west-1" }] },
      },
      null,
      2,
    );
    expect(stackDifference("dev", stackText("0.21.0"), reordered)).toMatch(
      /^dev: provider: the keys are in another order \("provider" here, "resource" in the other\)$/,
    );
  });

  it("fails on a difference of layout alone, naming the line", () => {
    expect(stackDifference("dev", stackText("0.21.0"), `${stackText("0.24.0")}\n`)).toMatch(
      /^dev: the same JSON, written differently from line \d+: \(absent\) in one, "" in the other$/,
    );
  });

  it("fails on cdktf 0.21's two-line empty array against cdktn's [], unless that layout is allowed", () => {
    const cdktf = stackText("0.21.0", "10.0.0.0/16", { ingress: [] }).replace(
      '"ingress": []',
      '"ingress": [\n        ]',
    );
    const cdktn = stackText("0.24.0", "10.0.0.0/16", { ingress: [] });
    expect(stackDifference("dev", cdktf, cdktn)).toMatch(
      /^dev: the same JSON, written differently from line 24: .*ingress.*\[" in one, .*ingress.*\[\]" in the other$/,
    );
    expect(stackDifference("dev", cdktf, cdktn, { allowEmptyContainerLayout: true })).toBeUndefined();
  });

  it("fails on any other difference of layout when the empty-container one is allowed", () => {
    const cdktn = stackText("0.24.0").replace('"region": "eu-west-1"', '"region":"eu-west-1"');
    expect(stackDifference("dev", stackText("0.21.0"), cdktn, { allowEmptyContainerLayout: true })).toMatch(
      /^dev: the same JSON, written differently from line 13: .*region\\": \\"eu-west-1.* in one, .*region\\":\\"eu-west-1.* in the other$/,
    );
  });

  it("fails when a stack carries no engine version", () => {
    const text = stackText("0.24.0").replace(/"version": "0\.24\.0"/, '"release": "0.24.0"');
    expect(stackDifference("dev", stackText("0.21.0"), text)).toMatch(
      /^dev: \["\/\/"\]\.metadata\.version: "0\.21\.0" in one, \(absent\) in the other/,
    );
  });

  it("fails on a file that is not JSON", () => {
    expect(stackDifference("dev", stackText("0.21.0"), "{")).toMatch(/^dev: not JSON: /);
  });
});

describe("firstDifference", () => {
  it("writes array indexes and keys that are not identifiers in brackets", () => {
    expect(firstDifference({ a: [{ "x/y": 1 }] }, { a: [{ "x/y": 2 }] })).toBe('a[0]["x/y"]: 1 in one, 2 in the other');
  });

  it("finds no difference between equal values", () => {
    expect(firstDifference({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBeUndefined();
  });
});
