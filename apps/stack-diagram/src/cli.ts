#!/usr/bin/env node
/**
 * `stack-diagram write --app <dir>` and `stack-diagram check --app <dir>`:
 * the architecture pages `<dir>/docs/<env>.md` of an app's synthesized
 * environment stacks. Synthesizes nothing: run the app's synth first.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DOCS_FOLDER, comparePages, environmentPages, writePages } from "./environment-pages";

/** Output streams of {@link main}. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const USAGE = `Usage:
  stack-diagram write --app <dir>   write <dir>/${DOCS_FOLDER}/<env>.md for every environment stack in <dir>/cdktf.out/stacks
  stack-diagram check --app <dir>   exit 1 naming the pages that differ from the synthesized stacks

Both read the stacks as they are: synthesize the app first. The state-bootstrap stack gets no page.
Exit codes: 0 done (write) or current (check), 1 stale pages or an error, 64 a wrong command line.`;

/** A command line that cannot run. */
export class UsageError extends Error {}

/** The parsed command line. */
export interface Command {
  readonly command: "write" | "check";
  /** The app folder, absolute. */
  readonly appDir: string;
}

/** Parses `argv` (without node and the script), `--app` resolved from `cwd`; throws a {@link UsageError}. */
export function parseCommand(argv: readonly string[], cwd: string): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { app: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [command, ...extra] = parsed.positionals;
  if (command !== "write" && command !== "check")
    throw new UsageError(command === undefined ? "no command" : `unknown command "${command}"`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (parsed.values.app === undefined) throw new UsageError("--app <dir> is required");
  return { command, appDir: path.resolve(cwd, parsed.values.app) };
}

/**
 * The command that regenerates the pages of `appDir`: the app's Nx `diagram`
 * target when the folder is an Nx project, else this command.
 */
export function regenerateCommandOf(appDir: string): string {
  try {
    const project: unknown = JSON.parse(fs.readFileSync(path.join(appDir, "project.json"), "utf8"));
    const name = typeof project === "object" && project !== null ? (project as { name?: unknown }).name : undefined;
    if (typeof name === "string" && name.length > 0) return `npx nx run ${name}:diagram`;
  } catch {
    // not an Nx project folder
  }
  return "stack-diagram write --app .";
}

/** The command: returns the exit code (see {@link USAGE}). */
export function main(argv: readonly string[], io: CliIo = processIo, cwd = process.cwd()): number {
  let command: Command;
  try {
    command = parseCommand(argv, cwd);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`stack-diagram: ${e.message}`);
    io.err(USAGE);
    return 64;
  }
  const regenerate = regenerateCommandOf(command.appDir);
  const docsDir = path.join(command.appDir, DOCS_FOLDER);
  const shown = (file: string): string => path.relative(cwd, path.join(docsDir, file)) || file;
  try {
    const pages = environmentPages(command.appDir, regenerate);
    if (command.command === "write") {
      const result = writePages(docsDir, pages);
      for (const f of result.written) io.out(`wrote ${shown(f)}`);
      for (const f of result.unchanged) io.out(`unchanged ${shown(f)}`);
      for (const f of result.removed) io.out(`removed ${shown(f)} (its stack is no longer synthesized)`);
      return 0;
    }
    const result = comparePages(docsDir, pages);
    const problems = [
      ...result.stale.map(
        (f) =>
          `${shown(f)} is stale: it differs from what cdktf.out/stacks/${f.replace(/\.md$/, "")}/cdk.tf.json gives`,
      ),
      ...result.missing.map((f) => `${shown(f)} is missing`),
      ...result.orphaned.map((f) => `${shown(f)} belongs to a stack that is no longer synthesized`),
    ];
    if (problems.length === 0) {
      io.out(`current: ${pages.map((p) => shown(p.file)).join(", ")}`);
      return 0;
    }
    for (const p of problems) io.err(`stack-diagram: ${p}`);
    io.err(`regenerate the pages: ${regenerate}`);
    return 1;
  } catch (e) {
    io.err(`stack-diagram: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
