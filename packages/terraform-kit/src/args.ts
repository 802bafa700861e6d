import { parseArgs } from "node:util";
import { CHECK_COMMANDS, CheckCommand } from "./checks/run-checks";

/** Command line usage. */
export const USAGE = `Usage: terraform-check <validate|test|plan> --app <dir> [options]

Runs Terraform itself against the stacks cdktf synthesized into <dir>/cdktf.out/stacks.

Commands:
  validate          terraform init -backend=false, terraform validate
  test              terraform test with the stack's *.tftest.hcl files
  plan              offline terraform plan (no AWS account), writes plan.json

Options:
  --app <dir>       the cdktf app directory (required)
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

/** Raised for a wrong command line; the message says what is wrong. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Result of {@link parseCliArgs}: options, or a request for help. */
export type ParsedCli = { readonly help: true } | { readonly help: false; readonly options: CliOptions };

/** Parses the arguments after the program name; throws {@link UsageError} on any mistake. */
export function parseCliArgs(argv: readonly string[]): ParsedCli {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
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
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    return { help: true };
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `a command is required: ${CHECK_COMMANDS.join(", ")}`
        : `one command only, got: ${positionals.join(" ")}`,
    );
  }
  const command = positionals[0];
  if (!(CHECK_COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command "${command}": use ${CHECK_COMMANDS.join(", ")}`);
  }
  if (values.app === undefined || values.app === "") {
    throw new UsageError("--app <dir> is required");
  }
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
      command: command as CheckCommand,
      appDir: values.app,
      allowMissing: values["allow-missing"] === true,
      concurrency,
      ...(stacks === undefined ? {} : { stacks }),
      ...(values.tests === undefined ? {} : { testsDir: values.tests }),
      ...(values["cache-dir"] === undefined ? {} : { cacheDir: values["cache-dir"] }),
    },
  };
}
