import * as fs from "node:fs";
import * as path from "node:path";
import { spawn } from "node:child_process";

/** The workspace root (this file is `examples/team-stack/test/support/run.ts`). */
export const WORKSPACE_ROOT = path.resolve(__dirname, "..", "..", "..", "..");

/** The construct packages a team installs, in dependency order. */
export const PACKAGES = ["core", "network", "iam-ssm", "compute", "maintenance"] as const;

/** What a finished child process left behind. */
export interface RunResult {
  readonly command: string;
  readonly code: number | null;
  /** stdout and stderr, interleaved. */
  readonly output: string;
  /** stdout alone. */
  readonly stdout: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed after this many milliseconds. @default 120000 */
  readonly timeoutMs?: number;
}

/** Runs a command without a shell; resolves with its exit code and its output (colours removed), never rejects. */
export function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const command = [file, ...args].join(" ");
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 120_000,
    });
    let output = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (e) => (output += `\n${String(e)}`));
    child.on("close", (code, signal) => {
      if (signal) output += `\n(killed by ${signal})`;
      resolve({
        command,
        code,
        output: stripAnsi(output),
        stdout: stripAnsi(stdout),
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

/** `text` without terminal colours and styles (tools colour their output when a parent forces it). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** Like {@link run}, but rejects with the command and its output unless it exits 0. */
export async function runOk(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const r = await run(file, args, options);
  if (r.code !== 0)
    throw new Error(`${r.command} (in ${options.cwd}) exited ${r.code} after ${r.seconds} s:\n${r.output}`);
  return r;
}

/**
 * The environment for npm in a project outside the workspace: without what
 * `npm test` put there about the workspace itself (its package, its
 * lifecycle, its workspaces), so the consumer's npm sees only its own project.
 * The user's npm configuration (cache, registry, auth) is kept.
 */
export function consumerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package|lifecycle)_/i.test(k)) continue;
    if (/^npm_config_(workspaces?|include_workspace_root|prefix|local_prefix|global|save.*)$/i.test(k)) continue;
    if (/^(INIT_CWD|NX_TASK_.*|NX_WORKSPACE_ROOT)$/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_UPDATE_NOTIFIER: "1", ...extra };
}

/** `package.json` of one of the workspace's packages. */
export interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license?: string;
  readonly engines?: Record<string, string>;
  readonly keywords?: readonly string[];
  readonly repository?: { readonly type: string; readonly url: string; readonly directory?: string };
  readonly exports?: Record<string, unknown>;
  readonly typesVersions?: Record<string, Record<string, readonly string[]>>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

export function readPackageJson(pkg: string): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(WORKSPACE_ROOT, "packages", pkg, "package.json"), "utf8")) as PackageJson;
}

/** Runs `fns` with at most `limit` of them at a time; resolves with every result in order. */
export async function inPool<T>(limit: number, fns: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array<T>(fns.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < fns.length) {
      const i = next++;
      results[i] = await fns[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, fns.length) }, worker));
  return results;
}

/** `value` without cdktf's `"//"` metadata keys (construct paths, cdktf version), at any depth. */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => k !== "//")
        .map(([k, v]) => [k, withoutMetadata(v)]),
    );
  }
  return value;
}
