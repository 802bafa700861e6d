import { ChildProcess } from "node:child_process";
import * as fs from "node:fs";

/**
 * What this process started and must not leave behind, whichever way it
 * ends: the emulators and the commands it runs (each in a process group of
 * its own, so Terraform under `nx` under `npx` goes with it), and its
 * temporary folders. Everything still tracked is killed (SIGKILL) and
 * removed, synchronously, when the process exits (normally, or after an
 * uncaught error) and on SIGINT, SIGTERM and SIGHUP. A program that handles
 * one of these signals itself (`aws-emulator up --keep`) keeps running after
 * this cleanup; otherwise the signal then ends the process as usual.
 */

const children = new Map<number, { child: ChildProcess; group: boolean }>();
const folders = new Set<string>();
let installed = false;
/** A signal's cleanup ran: what is still running in this process is winding down and starts nothing more. */
let signalled = false;

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", cleanUpSync);
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      signalled = true;
      cleanUpSync();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/**
 * Tracks a child until it exits. `group`: the child was spawned `detached`
 * and leads its own process group, killed whole. After a signal's cleanup
 * the child is killed at once: work still in flight when the signal came
 * (a step about to start the next command) cannot start anything that
 * would outlive the cleanup or write into a folder it removed.
 */
export function trackChild(child: ChildProcess, group: boolean): void {
  const pid = child.pid;
  if (pid === undefined) return;
  install();
  children.set(pid, { child, group });
  child.once("exit", () => children.delete(pid));
  if (signalled) cleanUpSync();
}

/** Tracks a folder until {@link untrackFolder}. */
export function trackFolder(dir: string): void {
  install();
  folders.add(dir);
}

/** Stops tracking a folder (removed, or kept on purpose). */
export function untrackFolder(dir: string): void {
  folders.delete(dir);
}

/**
 * The process ids below `pid` (children, grandchildren, ...), read from
 * `/proc`: a tool may start its own commands in process groups of their own
 * (Nx does), out of reach of a signal to the group. Empty where `/proc` is
 * not readable.
 */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Kills every tracked child with everything it started, and removes every tracked folder. */
export function cleanUpSync(): void {
  for (const [pid, { child, group }] of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const below = descendants(pid);
      if (group) kill(-pid);
      kill(pid);
      for (const p of below) kill(p);
    }
    children.delete(pid);
  }
  for (const dir of folders) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // nothing more can be done while exiting
    }
    folders.delete(dir);
  }
}

/** Process ids of the tracked children still running (for tests). */
export function trackedChildren(): number[] {
  return [...children.keys()];
}

/**
 * Process ids of the processes (of this machine, read from `/proc`) whose
 * command line names `dir` or a path below it: what still works in a folder
 * that should be gone. Empty where `/proc` is not readable.
 */
export function processesUsing(dir: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (cmdline.some((arg) => arg === dir || arg.includes(`${dir}/`))) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
