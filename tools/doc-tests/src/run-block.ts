/**
 * Runs one documented shell block the way a reader would paste it into a
 * terminal: the block's text as one bash script (`bash -e -o pipefail`, so a
 * failing line fails the block instead of being hidden by the next one), from
 * the root of a workspace copy, in a process group of its own. Whatever the
 * block started is killed when it ends, when it outlives its time, and when
 * this process is interrupted.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

/** What a block's run returned. */
export interface BlockRun {
  /** The exit code, or `null` when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, if any. */
  readonly signal: NodeJS.Signals | null;
  /** Whether it was killed for outliving its time. */
  readonly timedOut: boolean;
  /** Its standard output and error, interleaved as written. */
  readonly output: string;
  /** How long it ran, in milliseconds. */
  readonly ms: number;
}

/** Options of {@link runShellBlock}. */
export interface RunBlockOptions {
  /** Folder the block runs in. */
  readonly cwd: string;
  /** The block's environment. @default - {@link blockEnv} of `cwd` */
  readonly env?: NodeJS.ProcessEnv;
  /** Time after which the block's process group is killed. @default 600000 */
  readonly timeoutMs?: number;
}

/**
 * The environment a block runs with: this process's, without what the test
 * runner around it set for itself. Removed: `npm_*` and `INIT_CWD` (npm's
 * settings for the outer `npm test`, which point at the original workspace),
 * `NX_*` (the outer task's), `JEST_WORKER_ID`, and every `PATH` entry inside
 * `workspaceRoot` (the outer run's `node_modules/.bin`, so `npx` finds the
 * copy's bins, not the original's). Nx runs without its daemon and its cloud,
 * and with its project-graph plugins in its own process (each command is short).
 */
export function blockEnv(workspaceRoot: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const root = path.resolve(workspaceRoot);
  const inside = (dir: string): boolean => {
    const rel = path.relative(root, path.resolve(dir));
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
  };
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (/^npm_/i.test(key) || key.startsWith("NX_") || key === "INIT_CWD" || key === "JEST_WORKER_ID") continue;
    env[key] = value;
  }
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === "PATH") ?? "PATH";
  env[pathKey] = (env[pathKey] ?? "")
    .split(path.delimiter)
    .filter((dir) => dir !== "" && !inside(dir))
    .join(path.delimiter);
  return { ...env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false", NX_ISOLATE_PLUGINS: "false" };
}

type Cleanup = () => void;
const cleanups = new Set<Cleanup>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function onSignal(signal: NodeJS.Signals): void {
  // Last registered first: a block's process group goes before the folder it runs in.
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // keep cleaning up
    }
  }
  cleanups.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // End the process as the signal would have, unless someone else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/**
 * Runs `cleanup` (synchronously) if this process gets SIGINT, SIGTERM or
 * SIGHUP before the returned function is called. The signal then ends the
 * process as usual.
 */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** Runs `script` with bash as described above and resolves when it ends; never rejects for a non-zero exit. */
export function runShellBlock(script: string, options: RunBlockOptions): Promise<BlockRun> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 600_000;
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script], {
      cwd: options.cwd,
      env: options.env ?? blockEnv(options.cwd),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    const pid = child.pid;
    const stopInterrupt = pid === undefined ? () => undefined : onInterrupt(() => killGroup(pid, "SIGKILL"));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) {
        killGroup(pid, "SIGTERM");
        setTimeout(() => killGroup(pid, "SIGKILL"), 5_000).unref();
      }
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      stopInterrupt();
      reject(new Error(`bash could not start: ${e.message}`));
    });
    // Nothing the block started outlives it: once bash exits, its group is killed,
    // which also closes the pipes a leftover background process would hold open.
    child.on("exit", () => {
      if (pid !== undefined) killGroup(pid, "SIGKILL");
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      stopInterrupt();
      resolve({ code, signal, timedOut, output: Buffer.concat(chunks).toString("utf8"), ms: Date.now() - started });
    });
  });
}
