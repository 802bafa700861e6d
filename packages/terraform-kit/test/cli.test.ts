import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../src/cli";
import { tempDir } from "./support/fixtures";

function capture(): { out: string[]; err: string[]; io: { out: (l: string) => void; err: (l: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

describe("terraform-check command", () => {
  it("exits 64 with the problem and the usage on a wrong command line", async () => {
    const { err, io } = capture();
    await expect(main(["deploy", "--app", "x"], io)).resolves.toBe(64);
    expect(err[0]).toBe('terraform-check: unknown command "deploy": use validate, test, plan');
    expect(err.join("\n")).toContain("Usage: terraform-check <validate|test|plan> [--app <dir>]");
  });

  it("prints the usage and exits 0 for --help", async () => {
    const { out, io } = capture();
    await expect(main(["--help"], io)).resolves.toBe(0);
    expect(out.join("\n")).toContain("TF_PROVIDER_MIRROR");
  });

  it("synthesizes an app that has no cdktf.out/stacks with its cdktf.json command first", async () => {
    const app = tempDir("unsynthesized");
    fs.writeFileSync(
      path.join(app, "cdktf.json"),
      JSON.stringify({
        app: `node -e "require('node:fs').mkdirSync(process.env.CDKTF_OUTDIR + '/stacks', { recursive: true })"`,
      }),
    );
    const { err, io } = capture();
    await expect(main(["validate", "--app", app], io)).resolves.toBe(1);
    expect(err[0]).toMatch(/^terraform-check: .* was never synthesized: synthesizing it first$/);
    expect(fs.existsSync(path.join(app, "cdktf.out", "stacks"))).toBe(true);
    expect(err[1]).toMatch(/^terraform-check: no stacks to check in .*cdktf\.out[\\/]stacks$/);
  });

  it("exits 1 naming the file when the app cannot be synthesized", async () => {
    const { err, io } = capture();
    await expect(main(["validate", "--app", tempDir("no-cdktf-json")], io)).resolves.toBe(1);
    expect(err.join("\n")).toMatch(/cdktf\.json: cannot read it/);
  });
});
