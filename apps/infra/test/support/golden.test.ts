import {
  addressGuardProblem,
  firstDifference,
  formatAddressList,
  goldenMismatch,
  lostAddresses,
  movedBlocks,
  parseAddressList,
  resourceAddresses,
  updatedAddressList,
  updatingGolden,
} from "./golden";

/** A stack of `aws_vpc.<name>` resources, with `moved` blocks when given. */
function stack(names: readonly string[], moved: ReadonlyArray<[string, string]> = []): unknown {
  return {
    resource: { aws_vpc: Object.fromEntries(names.map((n) => [n, { cidr_block: "10.0.0.0/16" }])) },
    ...(moved.length > 0 ? { moved: moved.map(([from, to]) => ({ from, to })) } : {}),
  };
}

describe("firstDifference", () => {
  it("is undefined for equal text", () => {
    expect(firstDifference("a\nb\n", "a\nb\n")).toBeUndefined();
  });

  it("names the first differing line and shows both sides around it", () => {
    const diff = firstDifference("a\nb\nc\nd", "a\nb\nX\nd", 1);
    expect(diff).toMatch(/first difference at line 3/);
    expect(diff).toMatch(/- +3 \| c/);
    expect(diff).toMatch(/\+ +3 \| X/);
    expect(diff).toMatch(/ +2 \| b/);
  });

  it("reports a missing final newline and a changed line ending, which look alike on screen", () => {
    expect(firstDifference("a\n", "a")).toMatch(/line 2 \(golden has 2 lines, synthesized 1\)/);
    expect(firstDifference("a\n", "a\r\n")).toMatch(/\\r/);
  });

  it("shows the end of a shorter file", () => {
    expect(firstDifference("a\nb\nc", "a")).toMatch(/\(end of file\)/);
  });
});

describe("goldenMismatch", () => {
  it("passes identical bytes", () => {
    expect(goldenMismatch("dev", "{}\n", "{}\n")).toBeUndefined();
  });

  it("fails on one changed byte, and says how to update deliberately", () => {
    const problem = goldenMismatch("dev", '{"a": 1}', '{"a": 2}');
    expect(problem).toMatch(/^dev: the synthesized cdk.tf.json differs/);
    expect(problem).toMatch(/UPDATE_GOLDEN=1/);
    expect(problem).toMatch(/\+ +1 \| \{"a": 2\}/);
  });

  it("fails without a golden file", () => {
    expect(goldenMismatch("qa", undefined, "{}")).toMatch(/qa: no golden file yet.*UPDATE_GOLDEN=1/);
  });
});

describe("resourceAddresses", () => {
  it("lists resources as type.name and data sources as data.type.name, sorted", () => {
    const json = {
      resource: { aws_vpc: { network: {} }, aws_subnet: { b: {}, a: {} } },
      data: { aws_ami: { latest: {} } },
    };
    expect(resourceAddresses(json)).toEqual(["aws_subnet.a", "aws_subnet.b", "aws_vpc.network", "data.aws_ami.latest"]);
  });

  it("is empty for a stack without resources", () => {
    expect(resourceAddresses({})).toEqual([]);
  });
});

describe("the address guard", () => {
  it("passes when every known address is still there, whatever was added", () => {
    expect(addressGuardProblem("dev", ["aws_vpc.a"], stack(["a", "b"]))).toBeUndefined();
  });

  it("fails when an address disappears, naming it", () => {
    expect(lostAddresses(["aws_vpc.a", "aws_vpc.b"], stack(["b"]))).toEqual(["aws_vpc.a"]);
    expect(addressGuardProblem("dev", ["aws_vpc.a", "aws_vpc.b"], stack(["b"]))).toMatch(
      /^dev: 1 resource address of the committed list no longer exists; Terraform would destroy it:\n {2}- aws_vpc\.a/,
    );
  });

  it("passes a renamed resource that declares a moved block from its old address", () => {
    const renamed = stack(["network"], [["aws_vpc.a", "aws_vpc.network"]]);
    expect(movedBlocks(renamed)).toEqual(new Map([["aws_vpc.a", "aws_vpc.network"]]));
    expect(addressGuardProblem("dev", ["aws_vpc.a"], renamed)).toBeUndefined();
  });

  it("fails a rename whose moved block starts from another address", () => {
    const renamed = stack(["network"], [["aws_vpc.other", "aws_vpc.network"]]);
    expect(addressGuardProblem("dev", ["aws_vpc.a"], renamed)).toMatch(/aws_vpc\.a/);
  });
});

describe("updatedAddressList", () => {
  it("adds new addresses and keeps moved ones, so their moved blocks stay guarded", () => {
    const renamed = stack(["network", "extra"], [["aws_vpc.a", "aws_vpc.network"]]);
    expect(updatedAddressList(["aws_vpc.a"], renamed)).toEqual(["aws_vpc.a", "aws_vpc.extra", "aws_vpc.network"]);
  });

  it("never drops a lost address (that takes a hand edit)", () => {
    expect(updatedAddressList(["aws_vpc.gone"], stack(["a"]))).toEqual(["aws_vpc.a", "aws_vpc.gone"]);
  });
});

describe("address list files", () => {
  it("read back what they write, comments and blank lines skipped", () => {
    const text = formatAddressList("dev", ["aws_vpc.a", "aws_vpc.b"]);
    expect(text).toMatch(/^# Resource addresses of the dev stack/);
    expect(parseAddressList(`${text}\n\n# note\n`)).toEqual(["aws_vpc.a", "aws_vpc.b"]);
  });
});

describe("updatingGolden", () => {
  it("is on with UPDATE_GOLDEN=1 only", () => {
    expect(updatingGolden({ UPDATE_GOLDEN: "1" })).toBe(true);
    expect(updatingGolden({ UPDATE_GOLDEN: "true" })).toBe(false);
    expect(updatingGolden({})).toBe(false);
  });
});
