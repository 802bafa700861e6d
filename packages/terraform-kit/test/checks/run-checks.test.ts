import * as path from "node:path";
import { CheckSetupError, formatResultLine, runChecks } from "../../src/checks/run-checks";
import { dataStack, runLogged, tempDir, TERRAFORM_TIMEOUT_MS, vpcStack, writeApp } from "../support/fixtures";

jest.setTimeout(TERRAFORM_TIMEOUT_MS);

describe("runChecks", () => {
  describe("set-up errors", () => {
    it("rejects unknown stacks, naming the ones that exist", async () => {
      const app = writeApp(tempDir("run-unknown"), { dev: vpcStack(), prod: vpcStack() });
      await expect(
        runChecks({ command: "validate", appDir: app, stacks: ["staging"], log: () => undefined }),
      ).rejects.toThrow(
        new CheckSetupError(`unknown stack(s): staging; ${path.join(app, "cdktf.out", "stacks")} holds: dev, prod`),
      );
    });

    it("fails with install advice when Terraform is missing, never passing", async () => {
      const app = writeApp(tempDir("run-missing"), { dev: vpcStack() });
      const run = runChecks({
        command: "validate",
        appDir: app,
        binary: "terraform-check-no-such-binary",
        log: () => undefined,
      });
      await expect(run).rejects.toThrow(/Install Terraform >= 1\.10/);
    });
  });

  describe("with Terraform", () => {
    // Stacks on Terraform's built-in provider: the subject is the run, not the
    // AWS provider. offline-plan.test.ts runs the AWS provider from the mirror
    // and the init skipped on a later run.
    it("fails the run when a stack has no tests, with a summary line per stack", async () => {
      const app = writeApp(tempDir("run-test"), { dev: dataStack() });
      const { report, lines } = await runLogged("test", app);
      expect(report.ok).toBe(false);
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}dev {2}FAILED {3}no \*\.tftest\.hcl files in .*tftest[\\/]dev$/),
      );
      expect(lines[lines.length - 1]).toBe("0 passed, 1 failed, 0 skipped");
    });

    it("validates every stack in its working copy, naming the mirror, with a summary line per stack", async () => {
      const app = writeApp(tempDir("run-validate"), { dev: dataStack(), prod: dataStack() });
      const { report, lines } = await runLogged("validate", app);
      expect(report.ok).toBe(true);
      expect(report.results).toMatchObject([
        { stack: "dev", status: "passed", message: "valid", initCached: false },
        { stack: "prod", status: "passed", message: "valid", initCached: false },
      ]);
      expect(lines).toContainEqual(expect.stringMatching(/^provider mirror: /));
      expect(lines).toContain(`[dev] validate in ${path.join(app, ".terraform-check", "dev")}`);
      expect(lines).toContain(`[prod] validate in ${path.join(app, ".terraform-check", "prod")}`);
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}dev {3}ok {7}valid {2}\[init \d+\.\d s, validate \d+\.\d s\]$/),
      );
      expect(lines[lines.length - 1]).toBe("2 passed, 0 failed, 0 skipped");
    });
  });

  describe("formatResultLine", () => {
    it("shows status, message and step timings", () => {
      const line = formatResultLine(
        { stack: "dev", status: "passed", message: "valid", timings: { validate: 4400 }, initCached: true },
        5,
      );
      expect(line).toBe("dev    ok       valid  [init cached, validate 4.4 s]");
    });
  });
});
