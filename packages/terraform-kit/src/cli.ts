#!/usr/bin/env node
import { parseCliArgs, UsageError, USAGE } from "./args";
import { runChecks } from "./checks/run-checks";

/** Output streams of {@link main}. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The `terraform-check` command: returns the exit code, 0 when every stack
 * passed, 1 when a stack failed or nothing could run, 2 for a wrong command line.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`terraform-check: ${error.message}`);
      io.err(USAGE);
      return 2;
    }
    throw error;
  }
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  try {
    const report = await runChecks({ ...parsed.options, log: io.out });
    return report.ok ? 0 : 1;
  } catch (error) {
    io.err(`terraform-check: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
