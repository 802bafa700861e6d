import * as fs from "node:fs";
import * as path from "node:path";
import { PLUGIN_CACHE_SUBDIR } from "../../src/mirror/cli-config";
import { planStack } from "../../src/checks/offline-plan";
import { currentPlatform } from "../../src/mirror/provider-mirror";
import { validateStack } from "../../src/checks/validate";
import {
  contextFor,
  runLogged,
  SHARED_CACHE_DIR,
  tempDir,
  TERRAFORM_TIMEOUT_MS,
  terraformSetup,
  TerraformSetup,
  vpcStack,
  writeApp,
} from "../support/fixtures";

jest.setTimeout(TERRAFORM_TIMEOUT_MS);

// The tests of this file run the real AWS provider (hashicorp/aws 5.100.0, from
// the discovered mirror when there is one, through the shared plugin cache).
describe("planStack with Terraform", () => {
  let setup: TerraformSetup;

  beforeAll(async () => {
    setup = await terraformSetup();
  });

  it("refuses a stack with a data source before running Terraform, naming the data source", async () => {
    const data = { data: { aws_availability_zones: { available: { state: "available" } } } };
    const app = writeApp(tempDir("plan-data"), { dev: vpcStack({ extra: data }) });
    const work = path.join(app, ".terraform-check", "dev");
    const lines: string[] = [];
    const result = await planStack(contextFor(setup, app, "dev", work, lines));
    expect(result).toMatchObject({ status: "failed", timings: {} });
    expect(result.message).toBe(
      "dev: data sources read AWS at plan time; stacks must not use them. Found: data.aws_availability_zones.available",
    );
    expect(lines).toEqual([result.message]);
    expect(fs.existsSync(path.join(work, ".terraform"))).toBe(false);
  });

  describe("a stack with an s3 backend and allowed_account_ids", () => {
    let app: string;
    let work: string;

    beforeAll(() => {
      app = writeApp(tempDir("plan"), { dev: vpcStack() });
      work = path.join(app, ".terraform-check", "dev");
    });

    it("installs hashicorp/aws through the shared plugin cache, plans offline and writes plan.json", async () => {
      const source = path.join(app, "cdktf.out", "stacks", "dev");
      const lines: string[] = [];
      const result = await planStack(contextFor(setup, app, "dev", work, lines));
      expect(result).toMatchObject({ status: "passed", initCached: false });
      expect(result.message).toBe(`2 to add, 0 to change, 0 to destroy (${path.join(work, "plan.json")})`);
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^init done in .* \(providers not installed \(no \.terraform\/, no lock file, or a provider package missing\)\)$/,
        ),
      );

      const { os, arch } = currentPlatform();
      const provider = path.join("registry.terraform.io", "hashicorp", "aws", "5.100.0", `${os}_${arch}`);
      expect(fs.readFileSync(path.join(work, ".terraform.lock.hcl"), "utf8")).toMatch(
        /provider "registry\.terraform\.io\/hashicorp\/aws" \{\n\s+version\s+= "5\.100\.0"/,
      );
      for (const dir of [
        path.join(SHARED_CACHE_DIR, PLUGIN_CACHE_SUBDIR),
        path.join(work, ".terraform", "providers"),
      ]) {
        expect(fs.readdirSync(path.join(dir, provider))).toContain("terraform-provider-aws_v5.100.0_x5");
      }

      const plan = JSON.parse(fs.readFileSync(path.join(work, "plan.json"), "utf8")) as {
        resource_changes: { address: string; change: { actions: string[]; after: Record<string, unknown> } }[];
      };
      expect(plan.resource_changes.map((r) => [r.address, r.change.actions])).toEqual([
        ["aws_vpc.edge", ["create"]],
        ["aws_vpc.main", ["create"]],
      ]);
      expect(plan.resource_changes[1].change.after).toMatchObject({ cidr_block: "10.10.0.0/23" });
      expect(fs.existsSync(path.join(work, "plan.out"))).toBe(true);
      expect(fs.existsSync(path.join(work, "zz_offline_override.tf.json"))).toBe(true);
      expect(fs.readdirSync(source)).toEqual(["cdk.tf.json"]);
      expect(JSON.parse(fs.readFileSync(path.join(source, "cdk.tf.json"), "utf8"))).toEqual(vpcStack());
    });

    it("skips init when a later run tests the stack, thanks to the init stamp", async () => {
      // A suite without run blocks: `terraform test` then never starts the AWS
      // provider, so this checks the init stamp through a whole run in about a second.
      fs.mkdirSync(path.join(app, "tftest", "dev"), { recursive: true });
      fs.writeFileSync(path.join(app, "tftest", "dev", "init.tftest.hcl"), "# no run blocks\n");
      const { report, lines } = await runLogged("test", app);
      expect(report.ok).toBe(true);
      expect(report.results[0]).toMatchObject({ stack: "dev", status: "passed", initCached: true });
      expect(report.results[0].timings).not.toHaveProperty("init");
      expect(lines).toContainEqual(expect.stringMatching(/^provider mirror: /));
      expect(lines).toContain(`[dev] test in ${work}`);
      expect(lines).toContain("[dev] init skipped: provider requirements unchanged");
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}dev {2}ok {7}terraform test passed: 0 passed, 0 failed {2}\[init cached, test /),
      );
    });

    it("lets validate reuse the initialized working copy too, reporting Terraform's diagnostic", async () => {
      // An invalid variable type fails while Terraform reads the configuration,
      // before any provider starts; it changes no provider requirement.
      writeApp(app, { dev: vpcStack({ extra: { variable: { region: { type: "strin" } } } }) });
      const lines: string[] = [];
      const result = await validateStack(contextFor(setup, app, "dev", work, lines));
      expect(result).toMatchObject({ status: "failed", message: "invalid: 1 error(s)", initCached: true });
      expect(result.timings).not.toHaveProperty("init");
      expect(lines).toContain("init skipped: provider requirements unchanged");
      expect(lines).toContain("Error: Invalid type specification");
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}at cdk\.tf\.json:\d+:\d+/));
    });
  });
});
