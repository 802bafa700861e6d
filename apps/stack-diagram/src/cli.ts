#!/usr/bin/env node
/**
 * `stack-diagram write` and `stack-diagram check`: the architecture pages
 * `<app>/docs/<env>.md` of an app's environment stacks, run as the
 * `stack-diagram` bin from the workspace or any folder inside it. Both
 * synthesize the app first, into a temporary folder, with its own
 * `cdktf.json` command, so the pages follow the code as it is now.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CliIo,
  STACK_OPTIONS,
  appDirOf,
  parseCommandLine,
  processIo,
  runCli,
  runMain,
  synthesizeApp,
} from "@ssm-access/terraform-kit";
import { DOCS_FOLDER, comparePages, environmentPages, writePages } from "./environment-pages";

export const USAGE = `Usage:
  stack-diagram write [--app=<dir>]   write <app>/${DOCS_FOLDER}/<env>.md for every environment stack of the app
  stack-diagram check [--app=<dir>]   exit 1 naming the pages that differ from what the stacks give

Options:
  --app=<dir>   the cdktf app folder (default: the nearest folder from here upward holding a cdktf.json, else <workspace>/apps/infra)

Both synthesize the app first (its cdktf.json command) into a temporary folder. The state-bootstrap stack gets no page.
Exit codes: 0 done (write) or current (check), 1 stale pages or an error, 64 a wrong command line.`;

/** The parsed command line. */
export interface Command {
  readonly command: "write" | "check";
  /** The app folder, absolute. */
  readonly appDir: string;
}

/** Parses `argv` (without node and the script), `--app` resolved from `cwd`; throws a {@link UsageError}. */
export function parseCommand(argv: readonly string[], cwd: string): Command {
  const { command, values } = parseCommandLine(argv, {
    commands: ["write", "check"],
    options: { app: STACK_OPTIONS.app },
  });
  return { command, appDir: appDirOf(values.app, cwd) };
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

/** What {@link main} synthesizes with. */
export interface MainOptions {
  /**
   * Synthesizes the app into `<synthDir>/cdktf.out`.
   * @default - the app's `cdktf.json` command ({@link synthesizeApp})
   */
  readonly synthesize?: (appDir: string, synthDir: string) => void;
}

/** The command: returns the exit code (see {@link USAGE}). */
export function main(
  argv: readonly string[],
  io: CliIo = processIo,
  cwd = process.cwd(),
  options: MainOptions = {},
): Promise<number> {
  return runCli(
    {
      name: "stack-diagram",
      usage: USAGE,
      parse: (args) => parseCommand(args, cwd),
      run: (command) => {
        const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-diagram-synth-"));
        try {
          (options.synthesize ?? ((app, dir) => synthesizeApp(app, path.join(dir, "cdktf.out"))))(
            command.appDir,
            synthDir,
          );
          return run(command, synthDir, io, cwd);
        } finally {
          fs.rmSync(synthDir, { recursive: true, force: true });
        }
      },
    },
    argv,
    io,
  );
}

/** Writes or compares the pages of the stacks synthesized into `<synthDir>/cdktf.out`. */
function run(command: Command, synthDir: string, io: CliIo, cwd: string): number {
  const regenerate = regenerateCommandOf(command.appDir);
  const docsDir = path.join(command.appDir, DOCS_FOLDER);
  const shown = (file: string): string => path.relative(cwd, path.join(docsDir, file)) || file;
  const pages = environmentPages(synthDir, regenerate);
  if (command.command === "write") {
    const result = writePages(docsDir, pages);
    for (const f of result.written) io.out(`wrote ${shown(f)}`);
    for (const f of result.unchanged) io.out(`unchanged ${shown(f)}`);
    for (const f of result.removed) io.out(`removed ${shown(f)} (its stack is no longer synthesized)`);
    return 0;
  }
  const result = comparePages(docsDir, pages);
  const problems = [
    ...result.stale.map((f) => `${shown(f)} is stale: it differs from what the stack ${f.replace(/\.md$/, "")} gives`),
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
}

if (require.main === module) runMain(main);
