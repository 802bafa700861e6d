import * as fs from "node:fs";
import * as path from "node:path";
import { copyTestFiles, prepareWorkingCopy, stackWorkDir, testFilesIn } from "../../src/checks/working-copy";
import { tempDir } from "../support/fixtures";

describe("working copy", () => {
  it("lives in <app>/.terraform-check/<stack> unless a root is given", () => {
    expect(stackWorkDir("/repo/apps/infra", "dev")).toBe(path.resolve("/repo/apps/infra/.terraform-check/dev"));
    expect(stackWorkDir("/repo/apps/infra", "dev", "/w")).toBe(path.resolve("/w/dev"));
  });

  it("copies the stack and its assets, drops the previous configuration and keeps the init state", () => {
    const source = tempDir("source");
    fs.writeFileSync(path.join(source, "cdk.tf.json"), '{"new": true}');
    fs.mkdirSync(path.join(source, "assets", "lambda"), { recursive: true });
    fs.writeFileSync(path.join(source, "assets", "lambda", "index.zip"), "zip");
    fs.mkdirSync(path.join(source, ".terraform"));

    const work = path.join(tempDir("work"), "dev");
    fs.mkdirSync(path.join(work, ".terraform"), { recursive: true });
    fs.mkdirSync(path.join(work, "tests"));
    for (const file of [
      ".terraform.lock.hcl",
      ".terraform-check-init.json",
      "zz_offline_override.tf.json",
      "old.tf",
      "plan.json",
    ]) {
      fs.writeFileSync(path.join(work, file), "x");
    }

    prepareWorkingCopy(source, work);
    expect(fs.readdirSync(work).sort()).toEqual(
      [
        ".terraform",
        ".terraform-check-init.json",
        ".terraform.lock.hcl",
        "assets",
        "cdk.tf.json",
        "plan.json",
        "zz_backend_override.tf.json",
      ].sort(),
    );
    // Every check initializes once, with the local backend: no second init for the offline plan.
    expect(JSON.parse(fs.readFileSync(path.join(work, "zz_backend_override.tf.json"), "utf8")).terraform).toEqual({
      backend: { local: { path: "offline.tfstate" } },
    });
    expect(fs.readFileSync(path.join(work, "cdk.tf.json"), "utf8")).toBe('{"new": true}');
    expect(fs.readFileSync(path.join(work, "assets", "lambda", "index.zip"), "utf8")).toBe("zip");
  });

  it("asks for a synth when the stack has no cdk.tf.json", () => {
    expect(() => prepareWorkingCopy(tempDir("nothing"), tempDir("work"))).toThrow(/cdk\.tf\.json does not exist/);
  });

  it("copies only the test files of a directory into tests/", () => {
    const tests = tempDir("tests");
    for (const file of ["b.tftest.hcl", "a.tftest.hcl", "c.tftest.json", "README.md"]) {
      fs.writeFileSync(path.join(tests, file), "");
    }
    const work = tempDir("work");
    expect(copyTestFiles(tests, work)).toEqual(["a.tftest.hcl", "b.tftest.hcl", "c.tftest.json"]);
    expect(fs.readdirSync(path.join(work, "tests")).sort()).toEqual(["a.tftest.hcl", "b.tftest.hcl", "c.tftest.json"]);
    expect(testFilesIn(path.join(tests, "absent"))).toEqual([]);
  });
});
