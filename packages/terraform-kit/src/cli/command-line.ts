import { parseArgs, ParseArgsConfig } from "node:util";
import { UsageError } from "./exit-codes";

/** The options of a command line, as `util.parseArgs` takes them. */
export type CliOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** The values `util.parseArgs` gives for `O` (strict, with positionals). */
export type CliValues<O extends CliOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>["values"];

/** What {@link parseCommandLine} reads: one command word, then options. */
export interface CommandLineSpec<C extends string, O extends CliOptionsConfig> {
  /** The command words, e.g. `["review", "plan"]`. */
  readonly commands: readonly C[];
  /** The options, as `util.parseArgs` takes them. */
  readonly options: O;
}

/** A parsed command line: its command word and option values. */
export interface CommandLine<C extends string, O extends CliOptionsConfig> {
  readonly command: C;
  readonly values: CliValues<O>;
}

/**
 * Parses `<command> [options]` with `util.parseArgs` (strict: an unknown
 * option is an error); throws a {@link UsageError} naming what is wrong.
 */
export function parseCommandLine<C extends string, O extends CliOptionsConfig>(
  argv: readonly string[],
  spec: CommandLineSpec<C, O>,
): CommandLine<C, O> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: spec.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [command, ...extra] = parsed.positionals;
  const known = spec.commands.join(", ");
  if (command === undefined) throw new UsageError(`a command is required: ${known}`);
  if (!(spec.commands as readonly string[]).includes(command))
    throw new UsageError(`unknown command "${command}": use ${known}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  return { command: command as C, values: parsed.values as CliValues<O> };
}

/** Throws a {@link UsageError} when one of `options` is set for a command that does not take it. */
export function rejectOptions(
  values: Readonly<Record<string, unknown>>,
  options: readonly string[],
  command: string,
  ownerOf: string,
): void {
  for (const option of options) {
    if (values[option] !== undefined) throw new UsageError(`--${option} is an option of ${ownerOf}, not ${command}`);
  }
}
