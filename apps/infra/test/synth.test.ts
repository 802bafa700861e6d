import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { swapInto, synthesize } from "../src/synth";
import { environmentsDir, validEnvironment } from "./fixtures";

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-synth-"));
}

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
      environmentsDir: environmentsDir({ "qa.json": validEnvironment({ backend: { type: "s3", bucket: "qa-state-bucket" } }) }),
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
    fs.writeFileSync(path.join(dir, "qa.json"), JSON.stringify(validEnvironment({ instances: [{ name: "web", instanceType: "huge" }] })));
    expect(() => synthesize({ environmentsDir: dir, outdir })).toThrow(/instances\[0\]\.instanceType/);
    expect(fs.readFileSync(path.join(outdir, "stacks", "qa", "cdk.tf.json"), "utf8")).toBe(before);
    expect(fs.readdirSync(root)).toEqual(["cdktf.out"]);
  });
});
