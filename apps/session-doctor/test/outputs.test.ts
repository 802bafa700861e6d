import * as path from "node:path";
import {
  TerraformOutputs,
  cliConfigGiven,
  listOutput,
  mapOutput,
  parseTerraformOutputs,
  stringOutput,
} from "../src/outputs";

describe("stack outputs", () => {
  const text = `${JSON.stringify({
    vpc_id: { sensitive: false, type: "string", value: "vpc-1" },
    instance_ids: { sensitive: false, type: ["object", { "app-1": "string" }], value: { "app-1": "i-1" } },
    interface_endpoint_services: { sensitive: false, type: ["tuple", ["string"]], value: ["ssm", "ssmmessages"] },
  })}\n`;

  it("takes the values of terraform output -json", () => {
    const outputs = parseTerraformOutputs(text);
    expect(stringOutput(outputs, "vpc_id")).toBe("vpc-1");
    expect(mapOutput(outputs, "instance_ids")).toEqual({ "app-1": "i-1" });
    expect(listOutput(outputs, "interface_endpoint_services")).toEqual(["ssm", "ssmmessages"]);
    expect(stringOutput(outputs, "operator_role_arn")).toBeUndefined();
    expect(mapOutput(outputs, "vpc_id")).toEqual({});
  });

  it("refuses output that holds no JSON", () => {
    expect(() => parseTerraformOutputs("Error: no state")).toThrow(/printed no JSON/);
  });

  it("says to synthesize when the stack folder has no cdk.tf.json", async () => {
    const source = new TerraformOutputs({
      appDir: path.join(__dirname, "no-such-app"),
      env: { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: "/dev/null" },
    });
    await expect(source.read("dev")).rejects.toThrow(
      /cdk\.tf\.json is missing: synthesize the stack first \(npx nx run infra:synth\)/,
    );
  });

  it("takes a TF_CLI_CONFIG_FILE that names no file for none (the provider mirror is then looked for)", () => {
    expect(cliConfigGiven({ TF_CLI_CONFIG_FILE: __filename })).toBe(true);
    expect(cliConfigGiven({ TF_CLI_CONFIG_FILE: path.join(__dirname, "no-such.tfrc") })).toBe(false);
    expect(cliConfigGiven({ TF_CLI_CONFIG_FILE: "" })).toBe(false);
    expect(cliConfigGiven({})).toBe(false);
  });
});
