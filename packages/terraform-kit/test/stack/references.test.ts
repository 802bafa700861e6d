import { referencedResource, referencesIn } from "../../src/stack/references";

describe("references", () => {
  describe("referencedResource", () => {
    it.each([
      ["aws_subnet.a.id", "aws_subnet.a"],
      ["aws_route_table.t[0].id", "aws_route_table.t"],
      ['aws_ec2_tag.x["Owner"].value', "aws_ec2_tag.x"],
      ["data.aws_ami.x.id", "data.aws_ami.x"],
      ["data.aws_ami", undefined],
      ["var.cidr", undefined],
      ["local.name", undefined],
      ["module.net.vpc_id", undefined],
      ["each.key", undefined],
      ["aws_vpc", undefined],
    ])("%s names %s", (reference, expected) => {
      expect(referencedResource(reference)).toBe(expected);
    });
  });

  describe("referencesIn", () => {
    it("finds references anywhere in a value, in order, once each; data sources and variables are not resources", () => {
      const value = {
        subnet_ids: ["${aws_subnet.a.id}", "${aws_subnet.b.id}", "${aws_subnet.a.id}"],
        nested: {
          content: "x ${aws_kms_key.k.arn} ${data.aws_region.current.name} ${var.v} ${aws_s3_bucket.b-1.bucket}",
        },
        list: ["${aws_route_table.t[0].id}"],
        "//": "${aws_vpc.comment.id}",
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
  });
});
