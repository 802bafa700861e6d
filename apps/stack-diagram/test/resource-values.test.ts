import { constructNameOf, numberOf, referenceTo, stringOf } from "../src/resource-values";

describe("resource values", () => {
  test("a reference leads to the first resource of the type asked for", () => {
    const value = { subnet_ids: ["${aws_vpc.v.id}", "${aws_subnet.b.id}", "${aws_subnet.a.id}"] };
    expect(referenceTo(value, "aws_subnet")).toBe("aws_subnet.b");
    expect(referenceTo(value, "aws_kms_key")).toBeUndefined();
  });

  test("strings and numbers are read as cdktf writes them", () => {
    expect([stringOf("a"), stringOf(""), stringOf(3)]).toEqual(["a", undefined, undefined]);
    expect([numberOf(443), numberOf("443"), numberOf("x"), numberOf(Number.NaN)]).toEqual([
      443,
      443,
      undefined,
      undefined,
    ]);
  });

  test.each([
    ["dev/Instances/app-1/Resource", "app-1"],
    ["dev/SessionLogging/LogGroup", "LogGroup"],
    [undefined, "tf_name"],
  ])("the construct name of %j is %j", (constructPath, name) => {
    expect(
      constructNameOf({
        address: "aws_x.tf_name",
        mode: "managed",
        type: "aws_x",
        name: "tf_name",
        body: {},
        ...(constructPath ? { constructPath } : {}),
      }),
    ).toBe(name);
  });
});
