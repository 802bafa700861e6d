import * as fs from "node:fs";
import * as path from "node:path";
import { testStack } from "../src/terraform-test";
import { contextFor, tempDir, TERRAFORM_TIMEOUT_MS, terraformSetup, TerraformSetup, vpcStack, writeApp } from "./support/fixtures";

jest.setTimeout(TERRAFORM_TIMEOUT_MS);

/** A suite with mocked providers that plans and applies the fixture stack and checks the VPC's CIDR block. */
function suite(expectedCidr: string): string {
  return `mock_provider "aws" {}

mock_provider "aws" {
  alias = "us_east_1"
}

run "plans_the_vpc" {
  command = plan

  assert {
    condition     = aws_vpc.main.enable_dns_support == true
    error_message = "DNS support must be on for the interface endpoints."
  }
}

run "applies_the_vpc" {
  command = apply

  assert {
    condition     = aws_vpc.main.cidr_block == "${expectedCidr}"
    error_message = "The VPC must use ${expectedCidr}."
  }
}
`;
}

describe("testStack with Terraform", () => {
  const app = writeApp(tempDir("tftest"), { dev: vpcStack() });
  const testsDir = path.join(app, "tftest");
  const work = path.join(app, ".terraform-check", "dev");
  let setup: TerraformSetup;

  beforeAll(async () => {
    setup = await terraformSetup();
  });

  it("fails a stack without test files, without running Terraform", async () => {
    const lines: string[] = [];
    const result = await testStack(contextFor(setup, app, "dev", work, lines), { testsDir });
    expect(result).toMatchObject({ status: "failed", message: `no *.tftest.hcl files in ${path.join(testsDir, "dev")}` });
    expect(lines[0]).toMatch(/pass --allow-missing to skip it$/);
    expect(fs.existsSync(work)).toBe(false);
  });

  it("skips a stack without test files when missing tests are allowed", async () => {
    const result = await testStack(contextFor(setup, app, "dev", work, []), { testsDir, allowMissing: true });
    expect(result.status).toBe("skipped");
  });

  it("passes when every run block's assertions hold", async () => {
    fs.mkdirSync(path.join(testsDir, "dev"), { recursive: true });
    fs.writeFileSync(path.join(testsDir, "dev", "vpc.tftest.hcl"), suite("10.10.0.0/23"));
    const lines: string[] = [];
    const result = await testStack(contextFor(setup, app, "dev", work, lines), { testsDir });
    expect(result).toMatchObject({ status: "passed", message: "terraform test passed: 2 passed, 0 failed" });
    expect(fs.readdirSync(path.join(work, "tests"))).toEqual(["vpc.tftest.hcl"]);
  });

  it("fails and prints Terraform's output when an assertion fails", async () => {
    fs.writeFileSync(path.join(testsDir, "dev", "vpc.tftest.hcl"), suite("10.99.0.0/23"));
    const lines: string[] = [];
    const result = await testStack(contextFor(setup, app, "dev", work, lines), { testsDir });
    expect(result).toMatchObject({ status: "failed", message: "terraform test failed: 1 passed, 1 failed", initCached: true });
    const output = lines.join("\n");
    expect(output).toContain("Test assertion failed");
    expect(output).toContain("The VPC must use 10.99.0.0/23.");
  });
});
