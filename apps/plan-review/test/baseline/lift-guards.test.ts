import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STACK_FILE, runTerraform } from "@ssm-access/terraform-kit";
import { LIFT_GUARDS_OVERRIDE_FILE, liftGuardsOverride } from "../../src/baseline/emulated-baseline";
import { preventDestroyRefusals } from "../../src/report/apply-failures";

/**
 * The guard lifting of `review --base` on a real Terraform folder: a
 * `terraform_data` resource with `prevent_destroy` (Terraform's built-in
 * provider, nothing to download), applied, then changed so that it must be
 * replaced: the plan fails, Terraform's refusal names the resource, and the
 * override file lets the same plan show the replacement.
 */

let dir: string;

function writeStack(value: string): void {
  const stack = {
    resource: {
      terraform_data: {
        state_bucket: { triggers_replace: [value], lifecycle: { prevent_destroy: true } },
      },
    },
  };
  fs.writeFileSync(path.join(dir, STACK_FILE), JSON.stringify(stack, null, 2));
}

async function terraform(...args: string[]): Promise<{ code: number | null; output: string }> {
  return runTerraform([...args, "-no-color"], { cwd: dir, env: process.env });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-guards-test-"));
  writeStack("eu-west-1");
  for (const args of [
    ["init", "-input=false"],
    ["apply", "-auto-approve", "-input=false"],
  ]) {
    const r = await terraform(...args);
    if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} failed:\n${r.output}`);
  }
}, 60_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a replacement refused by prevent_destroy is read from Terraform's error, and planned with the guard lifted", async () => {
  writeStack("eu-central-1");
  const refused = await terraform("plan", "-input=false");
  expect(refused.code).not.toBe(0);
  expect(refused.output).toMatch(/Instance cannot be destroyed/);
  const addresses = preventDestroyRefusals(refused.output);
  expect(addresses).toEqual(["terraform_data.state_bucket"]);

  fs.writeFileSync(path.join(dir, LIFT_GUARDS_OVERRIDE_FILE), JSON.stringify(liftGuardsOverride(addresses)));
  try {
    const lifted = await terraform("plan", "-input=false");
    expect(lifted.code).toBe(0);
    expect(lifted.output).toMatch(/terraform_data\.state_bucket must be replaced/);
  } finally {
    fs.rmSync(path.join(dir, LIFT_GUARDS_OVERRIDE_FILE), { force: true });
  }
}, 60_000);
