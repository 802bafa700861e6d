import { CliIo, processIo } from "./io";
import { EXIT_ERROR, EXIT_USAGE, UsageError } from "./exit-codes";

/** A program run by {@link runCli}. */
export interface CliProgram<C> {
  /** The program's name, the prefix of its messages: `plan-review`. */
  readonly name: string;
  /** Its usage text, printed after a wrong command line and for `--help`. */
  readonly usage: string;
  /** Parses the arguments after the program name; throws a {@link UsageError} for a wrong command line. */
  readonly parse: (argv: readonly string[]) => C;
  /** Runs the parsed command; returns the exit code. */
  readonly run: (command: C) => number | Promise<number>;
  /** The exit code of an error thrown by `run`. @default 1 */
  readonly errorCode?: (error: unknown, command: C) => number;
}

/** Whether the command line asks for help: `-h` or `--help` anywhere. */
export function asksForHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === "-h" || a === "--help");
}

/**
 * Runs `program` on `argv` and returns its exit code: the usage on `out` and 0
 * for `--help`; `<name>: <reason>` and the usage on `err` and 64 for a wrong
 * command line; `<name>: <message>` on `err` and `errorCode` (1) for an error.
 */
export async function runCli<C>(program: CliProgram<C>, argv: readonly string[], io: CliIo): Promise<number> {
  if (asksForHelp(argv)) {
    io.out(program.usage);
    return 0;
  }
  let command: C;
  try {
    command = program.parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) {
      io.err(`${program.name}: ${messageOf(e)}`);
      return EXIT_ERROR;
    }
    io.err(`${program.name}: ${e.message}`);
    io.err(program.usage);
    return EXIT_USAGE;
  }
  try {
    return await program.run(command);
  } catch (e) {
    io.err(`${program.name}: ${messageOf(e)}`);
    return program.errorCode?.(e, command) ?? EXIT_ERROR;
  }
}

/** An error's message (its text for anything thrown that is not an `Error`). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `main` with the process's arguments and sets the process's exit code
 * to its result (1, with the message, when it throws). The last line of a
 * program's entry file: `if (require.main === module) runMain(main);`.
 */
export function runMain(main: (argv: readonly string[]) => number | Promise<number>): void {
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        processIo.err(e instanceof Error && e.stack !== undefined ? e.stack : String(e));
        process.exitCode = EXIT_ERROR;
      },
    );
}
