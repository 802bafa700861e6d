import * as os from "node:os";
import {
  checkTerraform,
  compareVersions,
  MIN_TERRAFORM_VERSION,
  parseTerraformVersion,
  runTerraform,
  TerraformMissingError,
} from "../../src/terraform/terraform";
import { TERRAFORM_TIMEOUT_MS } from "../support/fixtures";

describe("terraform", () => {
  describe("compareVersions", () => {
    it.each([
      ["1.10.0", "1.9.8", 1],
      ["1.11.4", "1.11.4", 0],
      ["1.9.0", "1.10.0", -1],
      ["1.10.0-beta1", "1.10.0", 0],
      ["2.0", "1.99.99", 1],
    ])("compares %s with %s as %d", (a, b, expected) => {
      expect(compareVersions(a, b)).toBe(expected);
    });
  });

  describe("parseTerraformVersion", () => {
    it("reads `terraform version -json` and the plain text form", () => {
      expect(parseTerraformVersion('{"terraform_version":"1.11.4","platform":"linux_amd64"}')).toBe("1.11.4");
      expect(parseTerraformVersion("Terraform v1.10.5\non linux_amd64")).toBe("1.10.5");
      expect(parseTerraformVersion("something else")).toBeUndefined();
    });
  });

  describe("checkTerraform", () => {
    it("fails with install advice when the binary does not exist", async () => {
      const check = checkTerraform({ cwd: os.tmpdir(), env: process.env, binary: "terraform-check-no-such-binary" });
      await expect(check).rejects.toThrow(TerraformMissingError);
      await expect(
        checkTerraform({ cwd: os.tmpdir(), env: process.env, binary: "terraform-check-no-such-binary" }),
      ).rejects.toThrow(/Terraform was not found[\s\S]*Install Terraform >= 1\.10/);
    });

    it("fails when the binary reports no Terraform version", async () => {
      await expect(checkTerraform({ cwd: os.tmpdir(), env: process.env, binary: "false" })).rejects.toThrow(
        /did not report a Terraform version[\s\S]*Install Terraform >= 1\.10/,
      );
    });

    it(
      "returns the version of the Terraform on PATH, at least the minimum",
      async () => {
        const version = await checkTerraform({ cwd: os.tmpdir(), env: process.env });
        expect(compareVersions(version, MIN_TERRAFORM_VERSION)).toBeGreaterThanOrEqual(0);
      },
      TERRAFORM_TIMEOUT_MS,
    );
  });

  describe("runTerraform", () => {
    it(
      "collects the exit code and the output of a failing command",
      async () => {
        const result = await runTerraform(["no-such-subcommand"], { cwd: os.tmpdir(), env: process.env });
        expect(result.code).not.toBe(0);
        expect(`${result.stdout}${result.stderr}`).toMatch(/no-such-subcommand/);
      },
      TERRAFORM_TIMEOUT_MS,
    );
  });
});
