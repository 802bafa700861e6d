import * as fs from "node:fs";
import * as path from "node:path";
import { awsProviderBlocks, dataSourceAddresses, initRequirements, listStacks, readStackJson } from "../src/stack-json";
import { dataStack, tempDir, vpcStack, writeApp } from "./support/fixtures";

describe("stack JSON", () => {
  describe("dataSourceAddresses", () => {
    it("is empty for a stack without data blocks", () => {
      expect(dataSourceAddresses(vpcStack())).toEqual([]);
    });

    it("lists data sources of the object form and of the array form, sorted", () => {
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
  });

  describe("awsProviderBlocks", () => {
    it("returns the default and aliased AWS providers in order", () => {
      expect(awsProviderBlocks(vpcStack()).map((b) => b.alias)).toEqual([undefined, "us_east_1"]);
    });

    it("accepts a single provider object and ignores other providers", () => {
      const blocks = awsProviderBlocks({ provider: { aws: { region: "eu-west-1" }, random: [{}] } });
      expect(blocks).toEqual([{ config: { region: "eu-west-1" } }]);
    });
  });

  describe("initRequirements", () => {
    it("keeps the required providers and the module sources only", () => {
      const json = vpcStack({
        extra: { module: { net: { source: "./assets/net", version: "1.0.0", cidr: "10.0.0.0/16" } } },
      });
      expect(initRequirements(json)).toEqual({
        required_providers: { aws: { source: "aws", version: "5.100.0" } },
        modules: { net: { source: "./assets/net", version: "1.0.0" } },
      });
    });
  });

  describe("a stack on Terraform's built-in provider only", () => {
    it("requires no provider and no module, and has no AWS provider block and no data source", () => {
      expect(initRequirements(dataStack())).toEqual({ required_providers: null, modules: {} });
      expect(awsProviderBlocks(dataStack())).toEqual([]);
      expect(dataSourceAddresses(dataStack())).toEqual([]);
    });
  });

  describe("listStacks and readStackJson", () => {
    it("lists the synthesized stack directories that hold cdk.tf.json", () => {
      const app = writeApp(tempDir("app"), { prod: vpcStack(), dev: vpcStack() });
      fs.mkdirSync(path.join(app, "cdktf.out", "stacks", "empty"));
      expect(listStacks(app)).toEqual(["dev", "prod"]);
      expect(readStackJson(path.join(app, "cdktf.out", "stacks", "dev", "cdk.tf.json"))).toEqual(vpcStack());
    });

    it("asks for a synth when cdktf.out is missing", () => {
      expect(() => listStacks(tempDir("empty-app"))).toThrow(
        /cdktf\.out[\\/]stacks does not exist: synthesize the app first/,
      );
    });

    it("names the file that is not a JSON object", () => {
      const file = path.join(tempDir("bad"), "cdk.tf.json");
      fs.writeFileSync(file, "[1]");
      expect(() => readStackJson(file)).toThrow(/cdk\.tf\.json: a synthesized stack is a JSON object/);
      fs.writeFileSync(file, "{");
      expect(() => readStackJson(file)).toThrow(/cdk\.tf\.json: cannot read the synthesized stack/);
    });
  });
});
