import * as path from "node:path";
import { parseCliArgs } from "../src/args";
import { UsageError } from "../src/cli/index";

const WORKSPACE = path.resolve(__dirname, "..", "..", "..");

describe("command line", () => {
  describe("valid arguments", () => {
    it("parses a command with its defaults", () => {
      expect(parseCliArgs(["validate", "--app", "apps/infra"])).toEqual({
        help: false,
        options: { command: "validate", appDir: "apps/infra", allowMissing: false, concurrency: 1 },
      });
    });

    it("parses every option of the test command", () => {
      const parsed = parseCliArgs([
        "test",
        "--app=apps/infra",
        "--stacks",
        "dev, prod",
        "--tests",
        "apps/infra/tftest",
        "--allow-missing",
        "--cache-dir",
        "/tmp/c",
        "--concurrency",
        "2",
      ]);
      expect(parsed).toEqual({
        help: false,
        options: {
          command: "test",
          appDir: "apps/infra",
          stacks: ["dev", "prod"],
          testsDir: "apps/infra/tftest",
          allowMissing: true,
          cacheDir: "/tmp/c",
          concurrency: 2,
        },
      });
    });

    it("takes the workspace's apps/infra when --app is not given and no cdktf.json is above the folder", () => {
      expect(parseCliArgs(["validate"], WORKSPACE)).toMatchObject({
        options: { appDir: path.join(WORKSPACE, "apps", "infra") },
      });
    });

    it("answers --help without requiring anything else", () => {
      expect(parseCliArgs(["-h"])).toEqual({ help: true });
    });
  });

  describe("errors", () => {
    it.each([
      [[], /a command is required: validate, test, plan/],
      [["--app", "x"], /a command is required/],
      [["deploy", "--app", "x"], /unknown command "deploy"/],
      [["plan", "validate", "--app", "x"], /unexpected argument "validate"/],
      [["plan", "--app"], /--app/],
      [["plan", "--app", "x", "--stack", "dev"], /Unknown option '--stack'/],
      [["plan", "--app", "x", "--stacks", "dev,,prod"], /--stacks takes a comma-separated list/],
      [["validate", "--app", "x", "--tests", "t"], /--tests and --allow-missing apply to the test command only/],
      [["plan", "--app", "x", "--allow-missing"], /apply to the test command only/],
      [["plan", "--app", "x", "--concurrency", "3"], /--concurrency must be 1 or 2, got "3"/],
      [["plan", "--app", "x", "--concurrency", "two"], /--concurrency must be 1 or 2/],
    ])("rejects %j", (argv, message) => {
      expect(() => parseCliArgs(argv)).toThrow(UsageError);
      expect(() => parseCliArgs(argv)).toThrow(message);
    });
  });
});
