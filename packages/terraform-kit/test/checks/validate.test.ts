import * as path from "node:path";
import { readInitStamp } from "../../src/checks/init-cache";
import { validateStack } from "../../src/checks/validate";
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

// The stack is on Terraform's built-in provider: the subject is the tool's
// handling of `terraform validate`, and each command takes a fraction of a
// second. Validation against the AWS provider's schema runs in offline-plan.test.ts.
describe("validateStack with Terraform", () => {
  let app: string;
  let work: string;
  let setup: TerraformSetup;

  beforeAll(async () => {
    app = tempDir("validate");
    work = path.join(app, ".terraform-check", "dev");
    setup = await terraformSetup();
  });

  it("passes a valid stack after initializing its working copy", async () => {
    writeApp(app, { dev: dataStack() });
    const lines: string[] = [];
    const result = await validateStack(contextFor(setup, app, "dev", work, lines));
    expect(result).toMatchObject({ stack: "dev", status: "passed", message: "valid", initCached: false });
    expect(result.timings).toEqual({ init: expect.any(Number), validate: expect.any(Number) });
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^init done in .* \(providers not installed \(no \.terraform\/, no lock file, or a provider package missing\)\)$/,
      ),
    );
    // Initialized with the local backend, so a later offline plan of this working copy needs no init of its own.
    expect(readInitStamp(work)).toMatchObject({ localBackend: true });
  });

  it("fails an invalid attribute with Terraform's diagnostic, in the refreshed working copy", async () => {
    writeApp(app, { dev: dataStack({ mainArgs: { triggers_replacez: ["a"] } }) });
    const lines: string[] = [];
    const result = await validateStack(contextFor(setup, app, "dev", work, lines));
    expect(result).toMatchObject({ status: "failed", message: "invalid: 1 error(s)" });
    expect(lines).toContain("Error: Extraneous JSON object property");
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}at cdk\.tf\.json:\d+:\d+ in resource\.terraform_data\.main$/),
    );
    expect(lines).toContainEqual(expect.stringContaining('No argument or block type is named "triggers_replacez"'));
  });
});
