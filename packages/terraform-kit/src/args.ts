import { appDirOf, asksForHelp, parseCommandLine, UsageError } from "./cli/index";
import { CHECK_COMMANDS, CheckCommand } from "./checks/run-checks";

/** Command line usage. */
export const USAGE = `Usage: terraform-check <validate|test|plan> [--app <dir>] [options]

Runs Terraform itself against the stacks cdktf synthesized into <dir>/cdktf.out/stacks.

Commands:
  validate          terraform init -backend=false, terraform validate
  test              terraform test with the stack's *.tftest.hcl files
  plan              offline terraform plan (no AWS account), writes plan.json

Options:
  --app <dir>       the cdktf app directory (default: the nearest folder from here upward holding a cdktf.json,
                    else <workspace>/apps/infra); synthesized first when it has no cdktf.out/stacks
  --stacks <a,b>    only these stacks (default: every synthesized stack)
  --tests <dir>     test files, one sub-directory per stack (test only; default: <app>/tftest)
  --allow-missing   skip stacks without test files instead of failing (test only)
  --cache-dir <dir> CLI configuration and plugin cache (default: node_modules/.cache/terraform-check)
  --concurrency <n> stacks checked at the same time, 1 or 2 (default: 1)
  -h, --help        this help

Environment:
  TF_PROVIDER_MIRROR  filesystem mirror holding <host>/hashicorp/aws (the provider's registry host directory)`;

/** Parsed command line. */
export interface CliOptions {
  readonly command: CheckCommand;
  readonly appDir: string;
  readonly stacks?: readonly string[];
  readonly testsDir?: string;
  readonly allowMissing: boolean;
  readonly cacheDir?: string;
  readonly concurrency: number;
}

/** Result of {@link parseCliArgs}: options, or a request for help. */
export type ParsedCli = { readonly help: true } | { readonly help: false; readonly options: CliOptions };

/**
 * Parses the arguments after the program name (`--app` resolved from `cwd`
 * when absent); throws a {@link UsageError} on any mistake.
 */
export function parseCliArgs(argv: readonly string[], cwd: string = process.cwd()): ParsedCli {
  if (asksForHelp(argv)) return { help: true };
  const { command, values } = parseCommandLine(argv, {
    commands: CHECK_COMMANDS,
    options: {
      app: { type: "string" },
      stacks: { type: "string" },
      tests: { type: "string" },
      "allow-missing": { type: "boolean", default: false },
      "cache-dir": { type: "string" },
      concurrency: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.app === "") throw new UsageError("--app <dir> names no folder");
  const appDir = values.app ?? appDirOf(undefined, cwd);
  if (command !== "test" && (values.tests !== undefined || values["allow-missing"] === true)) {
    throw new UsageError("--tests and --allow-missing apply to the test command only");
  }
  let stacks: string[] | undefined;
  if (values.stacks !== undefined) {
    stacks = values.stacks.split(",").map((s) => s.trim());
    if (stacks.some((s) => s === "")) {
      throw new UsageError(`--stacks takes a comma-separated list of stack names, got "${values.stacks}"`);
    }
  }
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 2) {
    throw new UsageError(`--concurrency must be 1 or 2, got "${values.concurrency}"`);
  }
  return {
    help: false,
    options: {
      command,
      appDir,
      allowMissing: values["allow-missing"] === true,
      concurrency,
      ...(stacks === undefined ? {} : { stacks }),
      ...(values.tests === undefined ? {} : { testsDir: values.tests }),
      ...(values["cache-dir"] === undefined ? {} : { cacheDir: values["cache-dir"] }),
    },
  };
}
