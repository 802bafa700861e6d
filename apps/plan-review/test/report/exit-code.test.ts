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
  dataLoss: [],
  applyFailures: [],
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
  // An update that fails at apply (a guard, say): only apply-failure makes it a finding.
  failing: {
    ...empty,
    counts: { ...empty.counts, update: 1 },
    changes: [update],
    applyFailures: [
      { kind: "prevent-destroy", address: "aws_vpc.network", likelihood: "certain", text: "t", fix: "f" },
    ],
  },
  // A failure that depends on what is outside the plan is a note, never a finding.
  possible: {
    ...empty,
    counts: { ...empty.counts, update: 1 },
    changes: [update],
    applyFailures: [
      { kind: "security-group-in-use", address: "aws_vpc.network", likelihood: "possible", text: "t", fix: "f" },
    ],
  },
  dataLoss: {
    ...empty,
    counts: { ...empty.counts, update: 1 },
    changes: [update],
    dataLoss: [{ kind: "log-group", address: "aws_vpc.network", text: "t" }],
  },
};

describe("exit codes", () => {
  it("defaults to failing on destroy, replace, security, a likely apply-time failure and data loss", () => {
    expect(DEFAULT_FAIL_ON).toEqual(["destroy", "replace", "security", "apply-failure", "data-loss"]);
  });

  const cases: [FailOn[] | undefined, Record<string, 0 | 2 | 3>][] = [
    [
      undefined,
      {
        nothing: 0,
        update: 2,
        output: 2,
        destroy: 3,
        replace: 3,
        weakened: 3,
        tightened: 0,
        drift: 0,
        failing: 3,
        possible: 2,
        dataLoss: 3,
      },
    ],
    [
      ["destroy"],
      {
        nothing: 0,
        update: 2,
        output: 2,
        destroy: 3,
        replace: 2,
        weakened: 0,
        tightened: 0,
        drift: 0,
        failing: 2,
        possible: 2,
        dataLoss: 2,
      },
    ],
    [
      ["replace"],
      {
        nothing: 0,
        update: 2,
        output: 2,
        destroy: 2,
        replace: 3,
        weakened: 0,
        tightened: 0,
        drift: 0,
        failing: 2,
        possible: 2,
        dataLoss: 2,
      },
    ],
    [
      ["security"],
      {
        nothing: 0,
        update: 2,
        output: 2,
        destroy: 2,
        replace: 2,
        weakened: 3,
        tightened: 0,
        drift: 0,
        failing: 2,
        possible: 2,
        dataLoss: 2,
      },
    ],
    [
      ["drift"],
      {
        nothing: 0,
        update: 2,
        output: 2,
        destroy: 2,
        replace: 2,
        weakened: 0,
        tightened: 0,
        drift: 3,
        failing: 2,
        possible: 2,
        dataLoss: 2,
      },
    ],
    [
      ["change"],
      {
        nothing: 0,
        update: 3,
        output: 3,
        destroy: 3,
        replace: 3,
        weakened: 0,
        tightened: 0,
        drift: 0,
        failing: 3,
        possible: 3,
        dataLoss: 3,
      },
    ],
    [
      ["apply-failure"],
      {
        nothing: 0,
        update: 2,
        output: 2,
        destroy: 2,
        replace: 2,
        weakened: 0,
        tightened: 0,
        drift: 0,
        failing: 3,
        possible: 2,
        dataLoss: 2,
      },
    ],
    [
      ["data-loss"],
      {
        nothing: 0,
        update: 2,
        output: 2,
        destroy: 2,
        replace: 2,
        weakened: 0,
        tightened: 0,
        drift: 0,
        failing: 2,
        possible: 2,
        dataLoss: 3,
      },
    ],
    [
      [],
      {
        nothing: 0,
        update: 2,
        output: 2,
        destroy: 2,
        replace: 2,
        weakened: 0,
        tightened: 0,
        drift: 0,
        failing: 2,
        possible: 2,
        dataLoss: 2,
      },
    ],
  ];

  it.each(cases)("fail on %j", (failOn, expected) => {
    const actual = Object.fromEntries(
      Object.entries(reviews).map(([name, review]) => [name, exitCodeOf(review, failOn)]),
    );
    expect(actual).toEqual(expected);
  });
});
