import { parseUp } from "../src/cli";

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

  it("refuses anything but `up`, and unknown options", () => {
    expect(() => parseUp([])).toThrow(/usage: aws-emulator up/);
    expect(() => parseUp(["down"])).toThrow(/usage: aws-emulator up/);
    expect(() => parseUp(["up", "--force"])).toThrow(/Unknown option '--force'/);
  });
});
