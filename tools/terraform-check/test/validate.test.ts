import * as path from "node:path";
import { validateStack } from "../src/validate";
import { contextFor, tempDir, TERRAFORM_TIMEOUT_MS, terraformSetup, TerraformSetup, vpcStack, writeApp } from "./support/fixtures";

jest.setTimeout(TERRAFORM_TIMEOUT_MS);

describe("validateStack with Terraform", () => {
  const app = tempDir("validate");
  const work = path.join(app, ".terraform-check", "dev");
  let setup: TerraformSetup;

  beforeAll(async () => {
    setup = await terraformSetup();
  });

  it("passes a valid stack after initializing its working copy", async () => {
    writeApp(app, { dev: vpcStack() });
    const lines: string[] = [];
    const result = await validateStack(contextFor(setup, app, "dev", work, lines));
    expect(result).toMatchObject({ stack: "dev", status: "passed", message: "valid", initCached: false });
    expect(result.timings).toEqual({ init: expect.any(Number), validate: expect.any(Number) });
    expect(lines).toContainEqual(expect.stringMatching(/^init done in .* \(no \.terraform\/ or lock file yet\)$/));
  });

  it("fails an invalid attribute with Terraform's diagnostic, reusing the initialized working copy", async () => {
    writeApp(app, { dev: vpcStack({ vpcArgs: { enable_dns_hostnamez: true } }) });
    const lines: string[] = [];
    const result = await validateStack(contextFor(setup, app, "dev", work, lines));
    expect(result).toMatchObject({ status: "failed", message: "invalid: 1 error(s)", initCached: true });
    expect(lines).toContain("init skipped: provider requirements unchanged");
    expect(lines).toContain("Error: Extraneous JSON object property");
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}at cdk\.tf\.json:\d+:\d+ in resource\.aws_vpc\.main$/));
    expect(lines).toContainEqual(expect.stringContaining('No argument or block type is named "enable_dns_hostnamez"'));
  });
});
