import { DEFAULT_FAIL_ON, FailOn, Review, exitCodeOf } from "../../src/report";

const empty: Review = {
  stack: "prod",
  provenance: { kind: "saved-plan", planFile: "prod.tfplan" },
  counts: { create: 0, update: 0, replace: 0, delete: 0, read: 0 },
  changes: [],
  security: [],
  drift: [],
  outputs: [],
  notes: [],
};

const update = {
  address: "aws_vpc.network",
  type: "aws_vpc",
  action: "update" as const,
  replacedBecause: [],
  changedAttributes: ["tags.Name"],
  notes: [],
};

const reviews: Record<string, Review> = {
  nothing: empty,
  update: { ...empty, counts: { ...empty.counts, update: 1 }, changes: [update] },
  output: { ...empty, outputs: [{ name: "vpc_id", action: "update", before: "a", after: "b", sensitive: false }] },
  destroy: { ...empty, counts: { ...empty.counts, delete: 1 }, changes: [{ ...update, action: "delete" }] },
  replace: {
    ...empty,
    counts: { ...empty.counts, replace: 1 },
    changes: [{ ...update, action: "replace", replacedBecause: ["cidr_block"] }],
  },
  weakened: { ...empty, security: [{ aspect: "imds", before: "required", after: "optional", weakened: true }] },
  tightened: { ...empty, security: [{ aspect: "imds", before: "optional", after: "required", weakened: false }] },
  drift: { ...empty, drift: [{ address: "aws_vpc.network", type: "aws_vpc", changedAttributes: ["tags"] }] },
};

describe("exit codes", () => {
  it("defaults to failing on destroy, replace and security", () => {
    expect(DEFAULT_FAIL_ON).toEqual(["destroy", "replace", "security"]);
  });

  const cases: [FailOn[] | undefined, Record<string, 0 | 2 | 3>][] = [
    [undefined, { nothing: 0, update: 2, output: 2, destroy: 3, replace: 3, weakened: 3, tightened: 0, drift: 0 }],
    [["destroy"], { nothing: 0, update: 2, output: 2, destroy: 3, replace: 2, weakened: 0, tightened: 0, drift: 0 }],
    [["replace"], { nothing: 0, update: 2, output: 2, destroy: 2, replace: 3, weakened: 0, tightened: 0, drift: 0 }],
    [["security"], { nothing: 0, update: 2, output: 2, destroy: 2, replace: 2, weakened: 3, tightened: 0, drift: 0 }],
    [["drift"], { nothing: 0, update: 2, output: 2, destroy: 2, replace: 2, weakened: 0, tightened: 0, drift: 3 }],
    [["change"], { nothing: 0, update: 3, output: 3, destroy: 3, replace: 3, weakened: 0, tightened: 0, drift: 0 }],
    [[], { nothing: 0, update: 2, output: 2, destroy: 2, replace: 2, weakened: 0, tightened: 0, drift: 0 }],
  ];

  it.each(cases)("fail on %j", (failOn, expected) => {
    const actual = Object.fromEntries(
      Object.entries(reviews).map(([name, review]) => [name, exitCodeOf(review, failOn)]),
    );
    expect(actual).toEqual(expected);
  });
});
