import * as fs from "node:fs";
import * as path from "node:path";
import { copyOverrideFiles, swapInto, synthesize } from "../src/synth";
import { environmentsDir, removeTempDirs, tempDir, validEnvironment } from "./fixtures";

afterAll(removeTempDirs);

describe("swapInto", () => {
  it("replaces the target folder with the source and removes the old one", () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, "new"));
    fs.writeFileSync(path.join(root, "new", "f"), "new");
    fs.mkdirSync(path.join(root, "out"));
    fs.writeFileSync(path.join(root, "out", "f"), "old");
    swapInto(path.join(root, "new"), path.join(root, "out"));
    expect(fs.readFileSync(path.join(root, "out", "f"), "utf8")).toBe("new");
    expect(fs.readdirSync(root)).toEqual(["out"]);
  });

  it("creates the target when there was none", () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, "new"));
    swapInto(path.join(root, "new"), path.join(root, "out"));
    expect(fs.readdirSync(root)).toEqual(["out"]);
  });

  it("puts the old target back when the new one cannot be moved in", () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, "out"));
    fs.writeFileSync(path.join(root, "out", "f"), "old");
    expect(() => swapInto(path.join(root, "missing"), path.join(root, "out"))).toThrow(/ENOENT/);
    expect(fs.readFileSync(path.join(root, "out", "f"), "utf8")).toBe("old");
    expect(fs.readdirSync(root)).toEqual(["out"]);
  });
});

describe("synthesize", () => {
  it("returns the stacks it wrote", () => {
    const outdir = path.join(tempDir(), "cdktf.out");
    const result = synthesize({
      environmentsDir: environmentsDir({
        "qa.json": validEnvironment({ backend: { type: "s3", bucket: "qa-state-bucket" } }),
      }),
      outdir,
    });
    expect(result.stacks).toEqual(["qa", "state-bootstrap"]);
    expect(fs.existsSync(path.join(outdir, "stacks", "qa", "cdk.tf.json"))).toBe(true);
  });

  it("leaves the previous output untouched and no staging folder behind when a stack fails", () => {
    const root = tempDir();
    const outdir = path.join(root, "cdktf.out");
    const dir = environmentsDir({ "qa.json": validEnvironment() });
    synthesize({ environmentsDir: dir, outdir });
    const before = fs.readFileSync(path.join(outdir, "stacks", "qa", "cdk.tf.json"), "utf8");
    fs.writeFileSync(
      path.join(dir, "qa.json"),
      JSON.stringify(validEnvironment({ instances: [{ name: "web", instanceType: "huge" }] })),
    );
    expect(() => synthesize({ environmentsDir: dir, outdir })).toThrow(/instances\[0\]\.instanceType/);
    expect(fs.readFileSync(path.join(outdir, "stacks", "qa", "cdk.tf.json"), "utf8")).toBe(before);
    expect(fs.readdirSync(root)).toEqual(["cdktf.out"]);
  });
});

describe("a port forwarding to port 22", () => {
  it("fails the synth naming the file and operatorAccess.portForwarding.ports[0]", () => {
    const root = tempDir();
    const dir = environmentsDir({
      "qa.json": validEnvironment({ operatorAccess: { portForwarding: { ports: [22] } } }),
    });
    expect(() => synthesize({ environmentsDir: dir, outdir: path.join(root, "cdktf.out") })).toThrow(
      /qa\.json: 1 problem\n {2}- operatorAccess\.portForwarding\.ports\[0\]: 22 is SSH/,
    );
    expect(fs.readdirSync(root)).toEqual([]);
  });
});

describe("site-local Terraform override files", () => {
  const OVERRIDE = { provider: { aws: [{ access_key: "test", secret_key: "test" }] } };

  /** An overrides folder: `<stack>/<file>` → content (objects JSON-encoded). */
  function overridesDir(files: Record<string, unknown>): string {
    const dir = tempDir("ssm-access-overrides-");
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
    }
    return dir;
  }

  /** A synthesized output folder with stacks `qa` (local state) and `state-bootstrap` (s3 env `dev`). */
  function synthesized(overrides?: string): string {
    const outdir = path.join(tempDir(), "cdktf.out");
    const dir = environmentsDir({
      "qa.json": validEnvironment(),
      "dev.json": validEnvironment({ accountId: "111111111111", backend: { type: "s3", bucket: "dev-state-bucket" } }),
    });
    synthesize({ environmentsDir: dir, outdir, ...(overrides !== undefined ? { overridesDir: overrides } : {}) });
    return outdir;
  }

  describe("through the overridesDir synth option", () => {
    const overrides = overridesDir({
      "qa/zz_site_override.tf.json": OVERRIDE,
      "qa/override.tf": 'provider "aws" {}\n',
      "state-bootstrap/zz_site_override.tf.json": OVERRIDE,
    });
    const plain = synthesized();
    const withOverrides = synthesized(overrides);

    it("copies <dir>/<stack>/*_override.tf.json (and override.tf) into each stack folder", () => {
      expect(fs.readdirSync(path.join(withOverrides, "stacks", "qa")).sort()).toEqual([
        "cdk.tf.json",
        "override.tf",
        "zz_site_override.tf.json",
      ]);
      expect(fs.readdirSync(path.join(withOverrides, "stacks", "state-bootstrap")).sort()).toEqual([
        "cdk.tf.json",
        "zz_site_override.tf.json",
      ]);
      expect(
        JSON.parse(fs.readFileSync(path.join(withOverrides, "stacks", "qa", "zz_site_override.tf.json"), "utf8")),
      ).toEqual(OVERRIDE);
    });

    it("gives a stack without a folder there no override file", () => {
      expect(fs.readdirSync(path.join(withOverrides, "stacks", "dev"))).toEqual(["cdk.tf.json"]);
    });

    it("leaves every cdk.tf.json byte-identical to a synth without overrides", () => {
      for (const stack of ["qa", "dev", "state-bootstrap"]) {
        const file = path.join("stacks", stack, "cdk.tf.json");
        expect({
          stack,
          same: fs.readFileSync(path.join(withOverrides, file)).equals(fs.readFileSync(path.join(plain, file))),
        }).toEqual({ stack, same: true });
      }
    });

    it("fails on a file that is not an override file, leaving no output and no staging folder", () => {
      const bad = overridesDir({ "qa/extra.tf.json": OVERRIDE });
      const root = tempDir();
      const outdir = path.join(root, "cdktf.out");
      expect(() =>
        synthesize({ environmentsDir: environmentsDir({ "qa.json": validEnvironment() }), outdir, overridesDir: bad }),
      ).toThrow(/qa\/extra\.tf\.json: not a Terraform override file \(name it <name>_override\.tf\.json\)/);
      expect(fs.readdirSync(root)).toEqual([]);
    });

    it("fails when the overrides folder does not exist", () => {
      const root = tempDir();
      const missing = path.join(root, "no-such-folder");
      expect(() =>
        synthesize({
          environmentsDir: environmentsDir({ "qa.json": validEnvironment() }),
          outdir: path.join(root, "cdktf.out"),
          overridesDir: missing,
        }),
      ).toThrow(/no-such-folder: the Terraform overrides folder \(SSM_ACCESS_TERRAFORM_OVERRIDES\) does not exist/);
      expect(fs.readdirSync(root)).toEqual([]);
    });
  });

  describe("copyOverrideFiles", () => {
    /** An output folder with empty stack folders `names`. */
    function outFolder(names: string[]): string {
      const out = tempDir("ssm-access-out-");
      for (const name of names) fs.mkdirSync(path.join(out, "stacks", name), { recursive: true });
      return out;
    }

    it.each(["a_override.tf.json", "override.tf.json", "b_override.tf", "override.tf"])("accepts %s", (name) => {
      const out = outFolder(["qa"]);
      copyOverrideFiles(overridesDir({ [`qa/${name}`]: "{}" }), out, ["qa"]);
      expect(fs.readdirSync(path.join(out, "stacks", "qa"))).toEqual([name]);
    });

    it.each(["main.tf.json", "override.json", "a_override.tf.json.bak", "overrides.tf"])("refuses %s", (name) => {
      const out = outFolder(["qa"]);
      expect(() => copyOverrideFiles(overridesDir({ [`qa/${name}`]: "{}" }), out, ["qa"])).toThrow(
        /not a Terraform override file/,
      );
    });

    it("copies only into the stacks written, ignoring folders of other stacks", () => {
      const out = outFolder(["qa"]);
      copyOverrideFiles(overridesDir({ "qa/a_override.tf.json": "{}", "prod/a_override.tf.json": "{}" }), out, ["qa"]);
      expect(fs.readdirSync(path.join(out, "stacks"))).toEqual(["qa"]);
    });

    it("refuses a path that is a file, not a folder", () => {
      const file = path.join(tempDir(), "overrides.json");
      fs.writeFileSync(file, "{}");
      expect(() => copyOverrideFiles(file, outFolder(["qa"]), ["qa"])).toThrow(/does not exist/);
    });
  });
});
