import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

/** How to run a program. */
export interface ProcessOptions {
  /** Working directory of the run. */
  readonly cwd: string;
  /** Complete environment of the child process. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * File that receives the output (stdout and stderr as they came, terminal
   * colours removed). Its folder is made before the run; if the folder is
   * gone when the run ends (a temporary folder removed on interrupt), it stays gone.
   * @default - no log file
   */
  readonly logFile?: string;
  /**
   * Where the output goes: `pipe` collects it into the result, `inherit`
   * shows it on this process's terminal (nothing is collected), `ignore` drops it.
   * @default "pipe"
   */
  readonly stdio?: "pipe" | "inherit" | "ignore";
  /** Passes the SIGINT and SIGTERM this process receives on to the child while it runs. @default false */
  readonly forwardSignals?: boolean;
  /** Kills the program (SIGTERM) when it runs longer than this. @default - no limit */
  readonly timeoutMs?: number;
  /** Starts the program as the leader of a process group of its own, so the whole group can be stopped. @default false */
  readonly detached?: boolean;
  /** Called with the child process once it is spawned (to track or stop it). */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Called with the process id once it runs (to interrupt it). */
  readonly onStart?: (pid: number) => void;
  /** Called with each chunk of output as it arrives (`pipe` only). */
  readonly onOutput?: (text: string) => void;
}

/** Outcome of one program run. */
export interface ProcessResult {
  readonly args: readonly string[];
  /** Exit code; -1 when the process ended on a signal. */
  readonly code: number;
  /** The signal that ended the process, if one did. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr as they came, terminal colours removed. */
  readonly output: string;
  /** The log file written, if one was asked for. */
  readonly logFile?: string;
  readonly durationMs: number;
}

/** Removes terminal colour and cursor sequences. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
}

/**
 * Runs `command` with `args` without a shell and resolves with its exit code
 * and output; never rejects on a non-zero exit, only when the program cannot
 * be started (the spawn error, e.g. `ENOENT`).
 */
export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  const stdio = options.stdio ?? "pipe";
  if (options.logFile !== undefined) fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", stdio, stdio],
      ...(options.detached === true ? { detached: true } : {}),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    });
    options.onSpawn?.(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const output: Buffer[] = [];
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      into.push(chunk);
      output.push(chunk);
      options.onOutput?.(chunk.toString("utf8"));
    };
    child.stdout?.on("data", collect(stdout));
    child.stderr?.on("data", collect(stderr));
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    const stopForwarding = () => {
      process.removeListener("SIGINT", forward);
      process.removeListener("SIGTERM", forward);
    };
    if (options.forwardSignals === true) {
      process.on("SIGINT", forward);
      process.on("SIGTERM", forward);
    }
    child.on("error", (error) => {
      stopForwarding();
      reject(error);
    });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    child.on("close", (code, signal) => {
      stopForwarding();
      const text = stripAnsi(Buffer.concat(output).toString("utf8"));
      if (options.logFile !== undefined && fs.existsSync(path.dirname(options.logFile))) {
        fs.writeFileSync(options.logFile, text);
      }
      resolve({
        args,
        code: code ?? -1,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        output: text,
        ...(options.logFile !== undefined ? { logFile: options.logFile } : {}),
        durationMs: Date.now() - started,
      });
    });
  });
}

/** The last `count` lines of a text, each indented by `indent`: what a failure shows of a long output. */
export function lastLines(text: string, count: number, indent = "  "): string {
  return text
    .trim()
    .split("\n")
    .slice(-count)
    .map((line) => `${indent}${line}`)
    .join("\n");
}

/** A free TCP port on 127.0.0.1, as the OS hands it out: for a local server a process is started with. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Whether a process with this id exists (signal 0 checks without sending
 * anything): how a test asserts that what it started was stopped.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
