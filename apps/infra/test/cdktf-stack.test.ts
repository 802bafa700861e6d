import { STACK_COMMANDS, cdktfInvocation } from "../src/cdktf-stack";

describe("cdktfInvocation", () => {
  describe.each(Object.keys(STACK_COMMANDS))("for %s", (command) => {
    it("runs the command on the one stack named by --stack=<env>, reading only that environment's file", () => {
      expect(cdktfInvocation([command, "--stack=dev"])).toEqual({
        args: [command, "dev", "--skip-provider-lock"],
        env: { SSM_ACCESS_ENVIRONMENTS: "dev" },
      });
    });

    it("takes the stack as a separate argument too (--stack dev)", () => {
      expect(cdktfInvocation([command, "--stack", "prod"]).args).toEqual([command, "prod", "--skip-provider-lock"]);
    });
  });

  describe("--stack", () => {
    it("is required: no command acts on every stack by accident", () => {
      expect(() => cdktfInvocation(["deploy"])).toThrow(
        /--stack is required; usage: cdktf-stack <diff\|deploy\|destroy\|output> --stack=<environment>/,
      );
      expect(() => cdktfInvocation(["deploy", "--auto-approve"])).toThrow(/--stack is required/);
    });

    it("must be given a value", () => {
      expect(() => cdktfInvocation(["deploy", "--stack"])).toThrow(/--stack is required/);
    });

    it.each(["Dev", "dev,prod", "../prod", "1dev", ""])("refuses %j, which is not an environment name", (stack) => {
      expect(() => cdktfInvocation(["deploy", `--stack=${stack}`])).toThrow(
        new RegExp(`--stack "${stack.replace(/[.]/g, "\\.")}" is not an environment name`),
      );
    });

    it("lets the last --stack win when given twice", () => {
      expect(cdktfInvocation(["diff", "--stack=dev", "--stack=prod"]).args).toEqual([
        "diff",
        "prod",
        "--skip-provider-lock",
      ]);
    });
  });

  describe("--skip-provider-lock", () => {
    it("is added once, after the stack and before the other options", () => {
      expect(cdktfInvocation(["deploy", "--stack=dev", "--auto-approve"]).args).toEqual([
        "deploy",
        "dev",
        "--skip-provider-lock",
        "--auto-approve",
      ]);
    });

    it("is not added again when the caller passes it", () => {
      const { args } = cdktfInvocation(["deploy", "--skip-provider-lock", "--stack=dev"]);
      expect(args.filter((a) => a === "--skip-provider-lock")).toHaveLength(1);
      expect(args).toEqual(["deploy", "dev", "--skip-provider-lock"]);
    });
  });

  it("forwards every other option to cdktf as given, in order", () => {
    const { args } = cdktfInvocation([
      "deploy",
      "--auto-approve",
      "--stack=dev",
      "--outputs-file",
      "out.json",
      "--parallelism=4",
    ]);
    expect(args).toEqual([
      "deploy",
      "dev",
      "--skip-provider-lock",
      "--auto-approve",
      "--outputs-file",
      "out.json",
      "--parallelism=4",
    ]);
  });

  it("sets SSM_ACCESS_ENVIRONMENTS to the stack and nothing else", () => {
    expect(cdktfInvocation(["output", "--stack=qa-eu"]).env).toEqual({ SSM_ACCESS_ENVIRONMENTS: "qa-eu" });
  });

  it("keeps the caller's SSM_ACCESS_ENVIRONMENTS for the state-bootstrap stack, which serves every selected environment", () => {
    expect(cdktfInvocation(["deploy", "--stack=state-bootstrap"])).toEqual({
      args: ["deploy", "state-bootstrap", "--skip-provider-lock"],
      env: {},
    });
  });

  it.each<[string, string[], RegExp]>([
    ["no command", [], /^no command; usage: /],
    ["an unknown command", ["synth", "--stack=dev"], /^unknown command "synth"; usage: /],
    ["an option in place of the command", ["--stack=dev", "deploy"], /^unknown command "--stack=dev"/],
  ])("refuses %s with the usage", (_what, argv, expected) => {
    expect(() => cdktfInvocation(argv)).toThrow(expected);
  });
});
