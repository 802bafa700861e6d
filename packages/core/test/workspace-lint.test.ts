import * as path from "node:path";
import { spawnSync } from "node:child_process";

/**
 * The workspace's lint rules, run by the real ESLint on code given through
 * stdin as if it were a file of a package (nothing is written).
 */
const ROOT = path.join(__dirname, "..", "..", "..");
const ESLINT = path.join(ROOT, "node_modules", "eslint", "bin", "eslint.js");

/** The provider package root, the import the rule rejects (spelled out only here). */
const PROVIDER_ROOT = ["@cdktf", "provider-aws"].join("/");

function lint(file: string, code: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [ESLINT, "--stdin", "--stdin-filename", file], {
    cwd: ROOT,
    input: code,
    encoding: "utf8",
    env: { ...process.env, NX_DAEMON: "false" },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe("workspace lint rules", () => {
  it("reject importing the root of @cdktf/provider-aws", () => {
    const r = lint("packages/network/src/probe.ts", `import { Vpc } from "${PROVIDER_ROOT}";\nexport const probe = Vpc;\n`);
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/Import the resource by deep path \(@cdktf\/provider-aws\/lib\/<resource>\)/);
  });

  it("accept a deep provider import", () => {
    const r = lint("packages/network/src/probe.ts", 'import { Vpc } from "@cdktf/provider-aws/lib/vpc";\nexport const probe = Vpc;\n');
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("reject a package importing the app", () => {
    const r = lint("packages/compute/src/probe.ts", 'import { EnvironmentStack } from "@ssm-access/infra";\nexport const probe = EnvironmentStack;\n');
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/@nx\/enforce-module-boundaries/);
  });

  it("reject a package importing another package's internals", () => {
    const r = lint("packages/compute/src/probe.ts", 'import { planSubnets } from "@ssm-access/network/src/cidr-planner";\nexport const probe = planSubnets;\n');
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/Import a package through its public entry point/);
  });
});
