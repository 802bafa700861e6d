import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { UsageError } from "@ssm-access/terraform-kit";
import { USAGE, parseUp } from "../src/cli";

/** The compiled program (`dist/`, built by this target's dependency). */
const CLI = path.resolve(__dirname, "..", "dist", "cli.js");

describe("parseUp", () => {
  it("deploys dev and prod and stops by default", () => {
    expect(parseUp(["up"])).toEqual({ environments: ["dev", "prod"], keep: false });
  });

  it("takes environments with --stacks (repeatable, comma-separated) and --keep", () => {
    expect(parseUp(["up", "--stacks", "dev", "--stacks", "qa,prod", "--keep"])).toEqual({
      environments: ["dev", "qa", "prod"],
      keep: true,
    });
  });

  it("refuses anything but `up`, and unknown options, with a usage error naming what is wrong", () => {
    expect(() => parseUp([])).toThrow(new UsageError("a command is required: up"));
    expect(() => parseUp(["down"])).toThrow(new UsageError('unknown command "down": use up'));
    expect(() => parseUp(["up", "dev"])).toThrow(new UsageError('unexpected argument "dev"'));
    expect(() => parseUp(["up", "--force"])).toThrow(UsageError);
    expect(() => parseUp(["up", "--force"])).toThrow(/Unknown option '--force'/);
  });
});

describe("the aws-emulator command", () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

  it("exits 64 on a wrong command line, with the reason and the usage, and starts nothing", () => {
    const r = run(["down"]);
    expect(r.status).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`aws-emulator: unknown command "down": use up\n${USAGE}\n`);
  });

  it("prints its usage for --help and exits 0", () => {
    const r = run(["up", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${USAGE}\n`);
    expect(r.stdout).toMatch(/64 a wrong\s+command line/);
  });
});
