import * as fs from "node:fs";
import * as path from "node:path";
import { ensureInit, outputLines, seconds, withInit } from "../../src/checks/stack-check";
import { contextFor, tempDir, TERRAFORM_TIMEOUT_MS, terraformSetup, vpcStack } from "../support/fixtures";

describe("stack check helpers", () => {
  it("formats durations and keeps the init timing only when init ran", () => {
    expect(seconds(4210)).toBe("4.2 s");
    expect(withInit({ ok: true, cached: true, durationMs: 0 }, { plan: 5 })).toEqual({ plan: 5 });
    expect(withInit({ ok: true, cached: false, durationMs: 3 }, { plan: 5 })).toEqual({ init: 3, plan: 5 });
  });

  it("joins stdout and stderr into log lines", () => {
    expect(outputLines({ stdout: "a\nb\n", stderr: "c\n\n" })).toEqual(["a", "b", "", "c"]);
  });

  it(
    "reports a failing init with Terraform's output and records no stamp",
    async () => {
      const setup = await terraformSetup();
      const work = tempDir("init-fail");
      const json = vpcStack({
        extra: { terraform: { required_providers: { aws: { source: "aws", version: "0.0.1" } } } },
      });
      fs.writeFileSync(path.join(work, "cdk.tf.json"), JSON.stringify(json));
      const lines: string[] = [];
      const outcome = await ensureInit(contextFor(setup, work, "dev", work, lines), json, false);
      expect(outcome).toMatchObject({ ok: false, cached: false });
      expect(lines[0]).toBe("terraform init -input=false -no-color -backend=false failed (exit 1):");
      expect(lines.join("\n")).toMatch(/hashicorp\/aws/);
      expect(fs.existsSync(path.join(work, ".terraform-check-init.json"))).toBe(false);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
