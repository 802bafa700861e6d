import * as fs from "node:fs";
import * as path from "node:path";
import { testStack } from "../../src/checks/terraform-test";
import {
  contextFor,
  dataStack,
  tempDir,
  TERRAFORM_TIMEOUT_MS,
  terraformSetup,
  TerraformSetup,
  writeApp,
} from "../support/fixtures";

jest.setTimeout(TERRAFORM_TIMEOUT_MS);

/**
 * A suite that plans and applies the built-in-provider fixture stack: the plan
 * checks an input, the apply checks the CIDR block in `output`, which is only
 * known once `terraform_data.main` is applied. The built-in provider needs no
 * `mock_provider` (stacks on the AWS provider mock it, see the README).
 */
function suite(expectedCidr: string): string {
  return `run "plans_the_network" {
  command = plan

  assert {
    condition     = terraform_data.main.input.enable_dns_support == true
    error_message = "DNS support must be on for the interface endpoints."
  }
}

run "applies_the_network" {
  command = apply

  assert {
    condition     = terraform_data.main.output.cidr_block == "${expectedCidr}"
    error_message = "The network must use ${expectedCidr}."
  }
}
`;
}

describe("testStack with Terraform", () => {
  let app: string;
  let testsDir: string;
  let work: string;
  let setup: TerraformSetup;

  beforeAll(async () => {
    app = writeApp(tempDir("tftest"), { dev: dataStack() });
    testsDir = path.join(app, "tftest");
    work = path.join(app, ".terraform-check", "dev");
    setup = await terraformSetup();
  });

  it("fails a stack without test files, without running Terraform", async () => {
    const lines: string[] = [];
    const result = await testStack(contextFor(setup, app, "dev", work, lines), { testsDir });
    expect(result).toMatchObject({
      status: "failed",
      message: `no *.tftest.hcl files in ${path.join(testsDir, "dev")}`,
    });
    expect(lines[0]).toMatch(/pass --allow-missing to skip it$/);
    expect(fs.existsSync(work)).toBe(false);
  });

  it("skips a stack without test files when missing tests are allowed", async () => {
    const result = await testStack(contextFor(setup, app, "dev", work, []), { testsDir, allowMissing: true });
    expect(result.status).toBe("skipped");
  });

  it("passes when every run block's assertions hold", async () => {
    fs.mkdirSync(path.join(testsDir, "dev"), { recursive: true });
    fs.writeFileSync(path.join(testsDir, "dev", "network.tftest.hcl"), suite("10.10.0.0/23"));
    const lines: string[] = [];
    const result = await testStack(contextFor(setup, app, "dev", work, lines), { testsDir });
    expect(result).toMatchObject({ status: "passed", message: "terraform test passed: 2 passed, 0 failed" });
    expect(fs.readdirSync(path.join(work, "tests"))).toEqual(["network.tftest.hcl"]);
  });

  it("fails and prints Terraform's output when an assertion fails", async () => {
    fs.writeFileSync(path.join(testsDir, "dev", "network.tftest.hcl"), suite("10.99.0.0/23"));
    const lines: string[] = [];
    const result = await testStack(contextFor(setup, app, "dev", work, lines), { testsDir });
    expect(result).toMatchObject({ status: "failed", message: "terraform test failed: 1 passed, 1 failed" });
    const output = lines.join("\n");
    expect(output).toContain("Test assertion failed");
    expect(output).toContain("The network must use 10.99.0.0/23.");
  });
});
