import { main } from "../src/cli";
import { tempDir } from "./support/fixtures";

function capture(): { out: string[]; err: string[]; io: { out: (l: string) => void; err: (l: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

describe("terraform-check command", () => {
  it("exits 2 with the problem and the usage on a wrong command line", async () => {
    const { err, io } = capture();
    await expect(main(["deploy", "--app", "x"], io)).resolves.toBe(2);
    expect(err[0]).toBe('terraform-check: unknown command "deploy": use validate, test, plan');
    expect(err.join("\n")).toContain("Usage: terraform-check <validate|test|plan> --app <dir>");
  });

  it("prints the usage and exits 0 for --help", async () => {
    const { out, io } = capture();
    await expect(main(["--help"], io)).resolves.toBe(0);
    expect(out.join("\n")).toContain("TF_PROVIDER_MIRROR");
  });

  it("exits 1 with the reason when the app was not synthesized", async () => {
    const { err, io } = capture();
    await expect(main(["validate", "--app", tempDir("unsynthesized")], io)).resolves.toBe(1);
    expect(err.join("\n")).toMatch(/cdktf\.out[\\/]stacks does not exist: synthesize the app first/);
  });
});
