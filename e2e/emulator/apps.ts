/**
 * The operator apps as users run them: their command lines, in child
 * processes, what they print and the files they write. The command that
 * starts an app is built in one place ({@link appCommand}).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { trackChild, writeLog } from "@ssm-access/aws-emulator";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The operator apps the tier runs. */
export type App = "plan-review" | "session-doctor";

/** The command that runs an app with `args`: its compiled command line (the bin `npx <app>` runs). */
export function appCommand(app: App, args: readonly string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: [path.join(REPO_ROOT, "apps", app, "dist", "cli.js"), ...args] };
}

/** What a command printed and how it ended. */
export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly cwd?: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where stdout and stderr are kept for a failure's message. */
  readonly logFile: string;
  /** Called with each chunk of stdout. */
  readonly onStdout?: (text: string) => void;
  /** Called once it runs, with its process id (it leads its own process group). */
  readonly onStart?: (pid: number) => void;
}

/** Runs a command in its own process group (killed with this process if it outlives it), stdout and stderr apart. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<Ran> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    trackChild(child, true);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
      options.onStdout?.(c.toString("utf8"));
    });
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    if (child.pid !== undefined) options.onStart?.(child.pid);
    child.on("close", (code, signal) => {
      writeLog(options.logFile, `$ ${command} ${args.join(" ")}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs an app's command line ({@link appCommand}). */
export function runApp(app: App, args: readonly string[], options: RunOptions): Promise<Ran> {
  const { command, args: full } = appCommand(app, args);
  return run(command, full, options);
}

/** A block's script run by bash from the workspace root, as the README tells a user to type it. */
export function runScript(script: string, options: RunOptions): Promise<Ran> {
  return run("bash", ["-c", script], options);
}
