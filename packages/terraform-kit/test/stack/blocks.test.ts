import { constructPaths, dataSourceAddresses, resourcesOf, stackBlocks, withoutStack } from "../../src/stack/blocks";
import { dataStack, vpcStack } from "../support/fixtures";

const path = (p: string) => ({ "//": { metadata: { path: p } } });

/** The same two subnets and data source, each block as one object. */
const objectForm = {
  resource: {
    aws_subnet: {
      b: { ...path("dev/Network/IsolatedSubnetB"), cidr_block: "10.0.1.0/24" },
      a: { cidr_block: "10.0.0.0/24" },
    },
  },
  data: { aws_region: { current: path("dev/Region") } },
};

/** The same two subnets and data source, each block as a list of objects, at every level Terraform JSON allows it. */
const listForm = {
  resource: [
    { aws_subnet: [{ b: [{ ...path("dev/Network/IsolatedSubnetB"), cidr_block: "10.0.1.0/24" }] }] },
    { aws_subnet: { a: { cidr_block: "10.0.0.0/24" } } },
  ],
  data: [{ aws_region: [{ current: [path("dev/Region")] }] }],
};

describe("stack blocks", () => {
  describe.each([
    ["the object form", objectForm],
    ["the list form", listForm],
  ])("of %s", (_form, json) => {
    it("reads every resource with its address, type, name, body and construct path", () => {
      expect(stackBlocks(json).map((b) => [b.address, b.mode, b.type, b.name, b.constructPath])).toEqual([
        ["aws_subnet.b", "managed", "aws_subnet", "b", "dev/Network/IsolatedSubnetB"],
        ["aws_subnet.a", "managed", "aws_subnet", "a", undefined],
      ]);
      expect(stackBlocks(json)[1].body).toEqual({ cidr_block: "10.0.0.0/24" });
    });

    it("reads the data sources apart, addressed data.<type>.<name>", () => {
      expect(stackBlocks(json, "data").map((b) => [b.address, b.constructPath])).toEqual([
        ["data.aws_region.current", "dev/Region"],
      ]);
      expect(dataSourceAddresses(json)).toEqual(["data.aws_region.current"]);
    });

    it("sorts the resources of a type by address", () => {
      expect(resourcesOf(json, "aws_subnet").map((r) => r.address)).toEqual(["aws_subnet.a", "aws_subnet.b"]);
      expect(resourcesOf(json, "aws_vpc")).toEqual([]);
    });

    it("maps addresses to construct paths, resources and data sources alike", () => {
      expect(constructPaths(json)).toEqual(
        new Map([
          ["aws_subnet.b", "dev/Network/IsolatedSubnetB"],
          ["data.aws_region.current", "dev/Region"],
        ]),
      );
    });
  });

  it("finds nothing in a stack without resources or data sources, and skips cdktf's comment keys", () => {
    expect(stackBlocks({})).toEqual([]);
    expect(dataSourceAddresses(vpcStack())).toEqual([]);
    expect(dataSourceAddresses(dataStack())).toEqual([]);
    expect(
      stackBlocks({ resource: { "//": { note: {} }, aws_vpc: { "//": {}, main: {} } } }).map((b) => b.address),
    ).toEqual(["aws_vpc.main"]);
  });

  it("lists data sources of both forms in one stack, sorted", () => {
    expect(
      dataSourceAddresses({
        data: {
          aws_ssm_parameter: [{ ami: {} }, { other: {} }],
          aws_caller_identity: { current: {} },
          terraform_remote_state: { network: { backend: "s3" } },
        },
      }),
    ).toEqual([
      "data.aws_caller_identity.current",
      "data.aws_ssm_parameter.ami",
      "data.aws_ssm_parameter.other",
      "data.terraform_remote_state.network",
    ]);
  });

  it("drops the stack from a construct path", () => {
    expect(withoutStack("prod/Network/Resource")).toBe("Network/Resource");
    expect(withoutStack("prod")).toBe("prod");
  });
});
