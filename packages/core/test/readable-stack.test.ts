import { TerraformOutput, Testing } from "cdktf";
import { Construct } from "constructs";
import { Vpc as TfVpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet as TfSubnet } from "@cdktf/provider-aws/lib/subnet";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ReadableStack, readableLogicalId } from "../src";

describe("readableLogicalId", () => {
  it.each([
    [["Network", "Vpc", "Resource"], "network_vpc"],
    [["Network", "IsolatedSubnet", "eu-west-1a", "Resource"], "network_isolated_subnet_eu_west_1a"],
    [["Instances", "web-1", "Instance"], "instances_web_1_instance"],
    [["SSMEndpoints", "Default"], "ssm_endpoints"],
    [["1st"], "_1st"],
  ])("%p → %p", (components, id) => {
    expect(readableLogicalId(components)).toBe(id);
  });

  it("refuses a path with nothing readable in it", () => {
    expect(() => readableLogicalId(["Resource"])).toThrow(/no logical id/);
  });
});

describe("ReadableStack", () => {
  function synth(build: (stack: ReadableStack) => void): {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    output: Record<string, unknown>;
  } {
    // A temporary outdir, removed after the file (jest.setup.js).
    const app = Testing.app();
    const stack = new ReadableStack(app, "test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    build(stack);
    return JSON.parse(JSON.stringify(stack.toTerraform()));
  }

  it("names resources and outputs from their construct path, without hash", () => {
    const json = synth((stack) => {
      const network = new Construct(stack, "Network");
      const vpc = new TfVpc(network, "Resource", { cidrBlock: "10.0.0.0/16" });
      new TfSubnet(network, "IsolatedSubnetA", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24" });
      new TerraformOutput(stack, "VpcId", { value: vpc.id });
    });
    expect(Object.keys(json.resource.aws_vpc)).toEqual(["network"]);
    expect(Object.keys(json.resource.aws_subnet)).toEqual(["network_isolated_subnet_a"]);
    expect(json.resource.aws_subnet.network_isolated_subnet_a.vpc_id).toBe("${aws_vpc.network.id}");
    expect(Object.keys(json.output)).toEqual(["vpc_id"]);
  });

  it("fails the synth when two construct paths map to the same id", () => {
    expect(() =>
      synth((stack) => {
        new TfVpc(stack, "MyVpc", { cidrBlock: "10.0.0.0/16" });
        new TfVpc(stack, "my-vpc", { cidrBlock: "10.1.0.0/16" });
      }),
    ).toThrow(/logical id "my_vpc" would be used by both "MyVpc" and "my-vpc"/);
  });
});
