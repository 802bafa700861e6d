import * as path from "node:path";
import { ESLint } from "eslint";

/**
 * The workspace's lint rules (`eslint.config.mjs`), run by ESLint in this
 * process on code given as text, as if it were a file of a package (nothing
 * is written). Every rejection has a control that the same file accepts with
 * the allowed import, so a probe cannot pass by failing for another reason.
 *
 * ESLint loads `eslint.config.mjs` with `import()`, which Jest allows only
 * with Node's `--experimental-vm-modules` (see this project's `test` target).
 */
const ROOT = path.join(__dirname, "..", "..", "..");

/** The provider package root, the import the rule rejects (spelled out only here). */
const PROVIDER_ROOT = ["@cdktf", "provider-aws"].join("/");

// The module boundary rule reads the Nx project graph: compute it here, without a daemon.
process.env.NX_DAEMON = "false";

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, "eslint.config.mjs") });
});

/** The rule ids and messages ESLint reports for `code` as the file `file` (relative to the workspace root). */
async function lint(file: string, code: string): Promise<Array<{ rule: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe("workspace lint rules", () => {
  it("reject importing the root of @cdktf/provider-aws", async () => {
    expect(
      await lint(
        "packages/network/src/probe.ts",
        `import { Vpc } from "${PROVIDER_ROOT}";\nexport const probe = Vpc;\n`,
      ),
    ).toEqual([
      {
        rule: "no-restricted-imports",
        message: expect.stringMatching(/Import the resource by deep path \(@cdktf\/provider-aws\/lib\/<resource>\)/),
      },
    ]);
  });

  it("accept a deep provider import", async () => {
    expect(
      await lint(
        "packages/network/src/probe.ts",
        'import { Vpc } from "@cdktf/provider-aws/lib/vpc";\nexport const probe = Vpc;\n',
      ),
    ).toEqual([]);
  });

  it("reject a package importing the app", async () => {
    const messages = await lint(
      "packages/compute/src/probe.ts",
      'import { EnvironmentStack } from "@ssm-access/infra";\nexport const probe = EnvironmentStack;\n',
    );
    expect(messages).toEqual([{ rule: "@nx/enforce-module-boundaries", message: expect.any(String) }]);
  });

  it("reject a published package importing an internal package, by the tags in the project files", async () => {
    const messages = await lint(
      "packages/compute/src/probe.ts",
      'import { runChecks } from "@ssm-access/terraform-kit";\nexport const probe = runChecks;\n',
    );
    expect(messages).toEqual([
      {
        rule: "@nx/enforce-module-boundaries",
        message: expect.stringMatching(
          /tagged with "scope:compute" can only depend on libs tagged with "scope:shared", "scope:network"/,
        ),
      },
    ]);
  });

  it("reject an app importing another app", async () => {
    const messages = await lint(
      "apps/plan-review/src/probe.ts",
      'import { EnvironmentStack } from "@ssm-access/infra";\nexport const probe = EnvironmentStack;\n',
    );
    expect(messages).toEqual([{ rule: "@nx/enforce-module-boundaries", message: "Imports of apps are forbidden" }]);
  });

  it("accept an app importing the internal package", async () => {
    expect(
      await lint(
        "apps/plan-review/src/probe.ts",
        'import { runChecks } from "@ssm-access/terraform-kit";\nexport const probe = runChecks;\n',
      ),
    ).toEqual([]);
  });

  it.each(["src", "dist"])("reject a package importing another package's %s internals", async (folder) => {
    const messages = await lint(
      "packages/compute/src/probe.ts",
      `import { planSubnets } from "@ssm-access/network/${folder}/cidr-planner";\nexport const probe = planSubnets;\n`,
    );
    expect(messages).toContainEqual({
      rule: "no-restricted-imports",
      message: expect.stringMatching(/Import a package through its public entry point/),
    });
  });

  it("accept a package importing a package it may use through its public entry point", async () => {
    expect(
      await lint(
        "packages/compute/src/probe.ts",
        'import { planSubnets } from "@ssm-access/network";\nexport const probe = planSubnets;\n',
      ),
    ).toEqual([]);
  });
});
