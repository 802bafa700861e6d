import * as fs from "node:fs";
import * as path from "node:path";
import { planStack } from "../src/offline-plan";
import { contextFor, tempDir, TERRAFORM_TIMEOUT_MS, terraformSetup, TerraformSetup, vpcStack, writeApp } from "./support/fixtures";

jest.setTimeout(TERRAFORM_TIMEOUT_MS);

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

  it("plans a stack with an s3 backend and allowed_account_ids offline and writes plan.json", async () => {
    const app = writeApp(tempDir("plan"), { dev: vpcStack() });
    const source = path.join(app, "cdktf.out", "stacks", "dev");
    const work = path.join(app, ".terraform-check", "dev");
    const lines: string[] = [];
    const result = await planStack(contextFor(setup, app, "dev", work, lines));
    expect(result).toMatchObject({ status: "passed" });
    expect(result.message).toBe(`2 to add, 0 to change, 0 to destroy (${path.join(work, "plan.json")})`);

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
});
