import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../src/cli";
import { parseFailOn } from "../../src/cli";
import { parseUpgradeCommand } from "../../src/upgrade/commands";
import { cdktfApp, checkInstalled, scopePackages, upgradeCheck } from "../../src/upgrade/upgrade-check";

describe("the consumer project upgrade-check reads", () => {
  let dir: string;
  const write = (file: string, json: unknown) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), typeof json === "string" ? json : JSON.stringify(json));
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-check-test-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("takes every @ssm-access package of dependencies and devDependencies", () => {
    write("package.json", {
      dependencies: { "@ssm-access/network": "^0.1.0", cdktf: "^0.21.0" },
      devDependencies: { "@ssm-access/compute": "^0.1.0" },
    });
    expect(scopePackages(dir)).toEqual(["@ssm-access/compute", "@ssm-access/network"]);
  });

  it("names the file and field when there is nothing to upgrade, and a missing package.json", () => {
    write("package.json", { dependencies: { cdktf: "^0.21.0" } });
    expect(() => scopePackages(dir)).toThrow(
      `${path.join(dir, "package.json")}: dependencies: no @ssm-access/* package to upgrade`,
    );
    fs.rmSync(path.join(dir, "package.json"));
    expect(() => scopePackages(dir)).toThrow(`${path.join(dir, "package.json")}: not found`);
  });

  it("names each installed package that is not the --from version, and each one not installed", () => {
    write("node_modules/@ssm-access/network/package.json", { version: "0.1.0" });
    write("node_modules/@ssm-access/compute/package.json", { version: "0.1.1" });
    expect(() => checkInstalled(dir, ["@ssm-access/network"], "0.1.0", "--from")).not.toThrow();
    expect(() =>
      checkInstalled(dir, ["@ssm-access/compute", "@ssm-access/iam-ssm", "@ssm-access/network"], "0.1.0", "--from"),
    ).toThrow(
      [
        `${path.join(dir, "node_modules/@ssm-access/compute/package.json")}: version is 0.1.1, not --from 0.1.0`,
        `${path.join(dir, "node_modules/@ssm-access/iam-ssm/package.json")}: not installed (run npm ci)`,
      ].join("\n"),
    );
  });

  it("runs the app cdktf.json names, into its output folder (cdktf.out unless set), and names a missing app", () => {
    write("cdktf.json", { language: "typescript", app: "tsc && node main.js" });
    expect(cdktfApp(dir)).toEqual({ app: "tsc && node main.js", output: "cdktf.out" });
    write("cdktf.json", { app: "node main.js", output: "out" });
    expect(cdktfApp(dir)).toEqual({ app: "node main.js", output: "out" });
    write("cdktf.json", { language: "typescript" });
    expect(() => cdktfApp(dir)).toThrow(
      `${path.join(dir, "cdktf.json")}: app: missing; it is the command that synthesizes the stacks`,
    );
  });

  it("refuses, before copying anything, a project whose packages are not at --from", async () => {
    write("package.json", { dependencies: { "@ssm-access/network": "^0.1.0" } });
    write("node_modules/@ssm-access/network/package.json", { version: "0.1.1" });
    write("cdktf.json", { app: "node main.js" });
    await expect(upgradeCheck({ projectDir: dir, from: "0.1.0", to: "0.1.2" })).rejects.toThrow(
      /version is 0\.1\.1, not --from 0\.1\.0/,
    );
  });
});

describe("the command lines", () => {
  const cwd = path.join(os.tmpdir(), "project");

  it("upgrade-check defaults --project to the current folder", () => {
    expect(parseUpgradeCommand(["upgrade-check", "--from", "0.1.0", "--to", "0.1.1"], cwd, parseFailOn)).toEqual(
      expect.objectContaining({ command: "upgrade-check", from: "0.1.0", to: "0.1.1", projects: [cwd], stacks: [] }),
    );
  });

  it("release-gate takes several projects and stacks", () => {
    const c = parseUpgradeCommand(
      ["release-gate", "--from=0.1.0", "--to=0.2.0", "--project", "a", "--project", "b", "--stack", "dev"],
      cwd,
      parseFailOn,
    );
    expect(c).toEqual(
      expect.objectContaining({ projects: [path.join(cwd, "a"), path.join(cwd, "b")], stacks: ["dev"] }),
    );
  });

  it("release-gate rehearses examples in front of --registry, or NPM_REGISTRY_URL, read with NODE_AUTH_TOKEN", () => {
    const argv = ["release-gate", "--from=0.1.0", "--to=0.1.1", "--example", "examples/team-stack"];
    expect(parseUpgradeCommand([...argv, "--registry", "http://127.0.0.1:4873"], cwd, parseFailOn, {})).toEqual(
      expect.objectContaining({
        examples: [path.join(cwd, "examples", "team-stack")],
        upstream: { url: "http://127.0.0.1:4873/" },
      }),
    );
    expect(
      parseUpgradeCommand(argv, cwd, parseFailOn, {
        NPM_REGISTRY_URL: "https://npm.pkg.example.com/",
        NODE_AUTH_TOKEN: "t0ken",
      }),
    ).toEqual(expect.objectContaining({ upstream: { url: "https://npm.pkg.example.com/", token: "t0ken" } }));
  });

  it.each([
    [
      ["release-gate", "--from", "0.1.0", "--to", "0.1.1", "--example", "e"],
      "--example needs the registry the release publishes to, where --from is: --registry <url>, or NPM_REGISTRY_URL",
    ],
    [
      ["release-gate", "--from", "0.1.0", "--to", "0.1.1", "--example", "e", "--registry", "registry.local"],
      "--registry registry.local: not an http(s) URL",
    ],
    [
      ["release-gate", "--from", "0.1.0", "--to", "0.1.1", "--stack", "dev", "--registry", "http://127.0.0.1:1/"],
      "--registry is the upstream of --example; give an --example <dir>",
    ],
    [
      ["upgrade-check", "--from", "0.1.0", "--to", "0.1.1", "--example", "e"],
      "--example and --registry are options of release-gate, not upgrade-check",
    ],
  ])("%j without a registry in the environment is a usage error: %s", (argv, message) => {
    expect(() => parseUpgradeCommand(argv, cwd, parseFailOn, {})).toThrow(message);
  });

  it.each([
    [["upgrade-check", "--to", "0.1.1"], "upgrade-check needs --from <version>"],
    [["upgrade-check", "--from", "0.1", "--to", "0.1.1"], "--from 0.1: not a version (major.minor.patch)"],
    [
      ["upgrade-check", "--from", "0.1.0", "--to", "0.1.1", "--project", "a", "--project", "b"],
      "upgrade-check takes one --project",
    ],
    [
      ["release-gate", "--from", "0.1.0", "--to", "0.1.1"],
      "release-gate needs at least one --project <dir>, --example <dir> or --stack <env>",
    ],
    [
      ["release-gate", "--from", "0.1.0", "--to", "0.1.1", "--stack", "dev", "--fail-on", "none"],
      "--fail-on is an option of upgrade-check, not release-gate",
    ],
  ])("%j is a usage error: %s (exit 64)", async (argv, message) => {
    const err: string[] = [];
    const code = await main(argv, { out: () => undefined, err: (l) => err.push(l) }, cwd);
    expect(code).toBe(64);
    expect(err.join("\n")).toContain(message);
  });
});
