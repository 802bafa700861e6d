import { constructNameOf, referencesIn, resourcesOf } from "../src/terraform-json";

describe("reading Terraform JSON", () => {
  test("resources of a type are sorted by address and carry their construct path", () => {
    const stack = {
      resource: {
        aws_subnet: {
          b: { "//": { metadata: { path: "dev/Network/IsolatedSubnetB" } }, cidr_block: "10.0.1.0/24" },
          a: { cidr_block: "10.0.0.0/24" },
        },
      },
    };
    expect(resourcesOf(stack, "aws_subnet").map((r) => [r.address, r.constructPath])).toEqual([
      ["aws_subnet.a", undefined],
      ["aws_subnet.b", "dev/Network/IsolatedSubnetB"],
    ]);
    expect(resourcesOf(stack, "aws_vpc")).toEqual([]);
    expect(resourcesOf({}, "aws_vpc")).toEqual([]);
  });

  test("references are found anywhere in a value, in order, once each; data sources and variables are not resources", () => {
    const value = {
      subnet_ids: ["${aws_subnet.a.id}", "${aws_subnet.b.id}", "${aws_subnet.a.id}"],
      nested: {
        content: "x ${aws_kms_key.k.arn} ${data.aws_region.current.name} ${var.v} ${aws_s3_bucket.b-1.bucket}",
      },
      list: ["${aws_route_table.t[0].id}"],
    };
    expect(referencesIn(value)).toEqual([
      "aws_subnet.a",
      "aws_subnet.b",
      "aws_kms_key.k",
      "aws_s3_bucket.b-1",
      "aws_route_table.t",
    ]);
    expect(referencesIn(value, "aws_subnet")).toEqual(["aws_subnet.a", "aws_subnet.b"]);
  });

  test.each([
    ["dev/Instances/app-1/Resource", "app-1"],
    ["dev/SessionLogging/LogGroup", "LogGroup"],
    [undefined, "tf_name"],
  ])("the construct name of %j is %j", (constructPath, name) => {
    expect(
      constructNameOf({
        address: "aws_x.tf_name",
        type: "aws_x",
        name: "tf_name",
        body: {},
        ...(constructPath ? { constructPath } : {}),
      }),
    ).toBe(name);
  });
});
