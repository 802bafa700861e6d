import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { consumerManifest, importedPackages, rehearse, workingTreeVersion } from "../../src/upgrade/rehearsal";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..", "..");

describe("the example consumer of a release rehearsal", () => {
  it("depends on the @ssm-access packages its main.ts imports, deep imports and type imports included", () => {
    const main = [
      'import { App } from "cdktf";',
      'import { PrivateNetwork } from "@ssm-access/network";',
      'import type { InstanceRoleProps } from "@ssm-access/iam-ssm";',
      'import { PrivateInstances } from "@ssm-access/compute/lib/private-instances";',
      'const { Baseline } = require("@ssm-access/network");',
    ].join("\n");
    expect(importedPackages(main)).toEqual(["@ssm-access/compute", "@ssm-access/iam-ssm", "@ssm-access/network"]);
  });

  it("names the file when main.ts imports none", () => {
    expect(() => importedPackages('import { App } from "cdktf";', "examples/x/main.ts")).toThrow(
      "examples/x/main.ts: imports no @ssm-access/* package",
    );
  });

  it("pins each package to exactly --from, beside the peers that release declares", () => {
    expect(
      consumerManifest(
        "team-stack",
        ["@ssm-access/compute", "@ssm-access/network"],
        "0.1.0",
        { cdktf: "^0.21.0" },
        "5.9.3",
      ),
    ).toEqual({
      name: "team-stack",
      version: "1.0.0",
      private: true,
      dependencies: { "@ssm-access/compute": "0.1.0", "@ssm-access/network": "0.1.0", cdktf: "^0.21.0" },
      devDependencies: { typescript: "5.9.3" },
    });
  });

  it("the shipped example imports the packages the README's install line names", () => {
    const main = fs.readFileSync(path.join(REPO_ROOT, "examples", "team-stack", "main.ts"), "utf8");
    expect(importedPackages(main)).toEqual(["@ssm-access/compute", "@ssm-access/iam-ssm", "@ssm-access/network"]);
  });
});

describe("rehearse", () => {
  it("refuses a --to the working tree is not at, before starting anything", async () => {
    const version = workingTreeVersion(REPO_ROOT);
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("release-rehearsal-"));
    const use = jest.fn();
    await expect(
      rehearse(
        {
          repoRoot: REPO_ROOT,
          examples: [path.join(REPO_ROOT, "examples", "team-stack")],
          from: version,
          to: "99.0.0",
          upstream: { url: "http://127.0.0.1:9/" },
        },
        use,
      ),
    ).rejects.toThrow(`--to 99.0.0: the working tree's packages are at ${version}`);
    expect(use).not.toHaveBeenCalled();
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("release-rehearsal-"))).toEqual(before);
  });
});
