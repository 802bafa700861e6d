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
