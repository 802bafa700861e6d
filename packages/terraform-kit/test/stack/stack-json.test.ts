import * as fs from "node:fs";
import * as path from "node:path";
import { initRequirements, listStacks, readStackJson } from "../../src/stack/stack-json";
import { dataStack, tempDir, vpcStack, writeApp } from "../support/fixtures";

describe("stack JSON", () => {
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

    it("reads the list form of the terraform and module blocks as the object form", () => {
      const json = {
        terraform: [{ required_providers: { aws: { source: "aws", version: "5.100.0" } } }],
        module: [{ net: [{ source: "./assets/net", version: "1.0.0" }] }],
      };
      expect(initRequirements(json)).toEqual({
        required_providers: { aws: { source: "aws", version: "5.100.0" } },
        modules: { net: { source: "./assets/net", version: "1.0.0" } },
      });
    });
  });

  describe("a stack on Terraform's built-in provider only", () => {
    it("requires no provider and no module", () => {
      expect(initRequirements(dataStack())).toEqual({ required_providers: null, modules: {} });
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
