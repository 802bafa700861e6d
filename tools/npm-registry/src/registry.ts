/**
 * A real npm registry for tests: Verdaccio (the root devDependency, 6.8.0,
 * the last release that runs on Node 20), started on 127.0.0.1 on a free
 * port with a configuration, storage and user database in a fresh temporary
 * folder. It serves the `@ssm-access/*` scope only and has no uplinks: what
 * it holds was published to it, and nothing else is answered from it.
 *
 * `stop()` kills the server by its process id (SIGTERM, SIGKILL after a
 * grace period) and removes the folder. Both also happen when this process
 * exits or receives SIGINT, SIGTERM or SIGHUP before `stop()` was called;
 * and since a Jest sandbox's process handlers never run, the server itself
 * watches this process and, once it is gone, removes the folder and exits
 * (`bin/serve-while-parent.js`).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** The npm scope the registry serves. */
export const REGISTRY_SCOPE = "@ssm-access";

/** Options of {@link startRegistry}. */
export interface RegistryOptions {
  /**
   * Folder the temporary folder is made in.
   * @default - the system's temporary folder
   */
  readonly root?: string;
  /**
   * How long to wait for the server to answer `/-/ping`.
   * @default 30000
   */
  readonly readyTimeoutMs?: number;
}

/** A running registry. */
export interface Registry {
  /** `http://127.0.0.1:<port>/`, with the trailing slash npm writes registry URLs with. */
  readonly url: string;
  /** The server's process id. */
  readonly pid: number;
  /** The temporary folder: configuration, `storage/`, `htpasswd`, the server's log. */
  readonly dir: string;
  /** Where published tarballs and their metadata are stored. */
  readonly storage: string;
  /** The server's log file (Verdaccio's own output). */
  readonly logFile: string;
  /** A publish token of a user made for this registry. */
  readonly token: string;
  /** Stops the server and removes {@link dir}; safe to call twice. */
  stop(): Promise<void>;
}

const VERDACCIO_BIN = (() => {
  const manifest = require.resolve("verdaccio/package.json");
  const bin = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { bin: string | Record<string, string> }).bin;
  return path.join(path.dirname(manifest), typeof bin === "string" ? bin : bin.verdaccio);
})();

/** The Verdaccio configuration: local storage and users, the scope only, no uplinks, no web UI. */
export function verdaccioConfig(dir: string): string {
  return [
    `storage: ${JSON.stringify(path.join(dir, "storage"))}`,
    "auth:",
    "  htpasswd:",
    `    file: ${JSON.stringify(path.join(dir, "htpasswd"))}`,
    "    max_users: 10",
    "uplinks: {}",
    "packages:",
    `  '${REGISTRY_SCOPE}/*':`,
    "    access: $all",
    "    publish: $authenticated",
    "    unpublish: $authenticated",
    "web:",
    "  enable: false",
    "log: { type: stdout, format: pretty, level: warn }",
    "",
  ].join("\n");
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Runs Verdaccio while its parent lives. */
const SERVE_WHILE_PARENT = path.join(__dirname, "..", "bin", "serve-while-parent.js");

/** Starts a registry and makes a user; see the file's header. */
export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(options.root ?? os.tmpdir(), "npm-registry-"));
  const config = path.join(dir, "config.yaml");
  fs.writeFileSync(config, verdaccioConfig(dir));
  const logFile = path.join(dir, "verdaccio.log");
  let pid: number | undefined;
  let exited = false;
  let onExit: Promise<void> = Promise.resolve();

  /** Kills what is left and removes the folder, synchronously: the exit and signal path. */
  const cleanUpSync = () => {
    if (pid !== undefined && !exited) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUpSync();
    detach();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const detach = () => {
    process.removeListener("exit", cleanUpSync);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
  process.on("exit", cleanUpSync);
  for (const s of SIGNALS) process.on(s, onSignal);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (pid !== undefined && !exited) {
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => {
        if (!exited) process.kill(pid as number, "SIGKILL");
      }, 5000);
      await onExit;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    detach();
  };

  try {
    const port = await freePort();
    const log = fs.openSync(logFile, "a");
    const args = [String(process.pid), dir, VERDACCIO_BIN, "--config", config, "--listen", `127.0.0.1:${port}`];
    const child = spawn(process.execPath, [SERVE_WHILE_PARENT, ...args], {
      cwd: dir,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    if (child.pid === undefined) throw new Error(`${VERDACCIO_BIN} could not be started`);
    pid = child.pid;
    onExit = new Promise((resolve) =>
      child.once("exit", () => {
        exited = true;
        resolve();
      }),
    );
    // The registry never keeps this process alive: it is stopped, or killed on exit.
    child.unref();
    const url = `http://127.0.0.1:${port}/`;
    await waitForPing(url, options.readyTimeoutMs ?? 30000, () => exited, logFile);
    const token = await addUser(url, "publisher", "publisher-password");
    return { url, pid, dir, storage: path.join(dir, "storage"), logFile, token, stop };
  } catch (error) {
    const tail = fs.existsSync(logFile)
      ? fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n")
      : "";
    await stop();
    throw new Error(`the npm registry did not start: ${(error as Error).message}${tail ? `\n${tail}` : ""}`);
  }
}

async function waitForPing(url: string, timeoutMs: number, died: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (died()) throw new Error(`Verdaccio exited (its log: ${logFile})`);
    try {
      const res = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url}-/ping within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Creates a user (what `npm adduser` does) and returns its token. */
async function addUser(url: string, name: string, password: string): Promise<string> {
  const res = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password, type: "user", roles: [], date: new Date().toISOString() }),
  });
  const body = (await res.json()) as { token?: string; error?: string };
  if (!res.ok || !body.token) throw new Error(`creating user ${name}: HTTP ${res.status} ${body.error ?? ""}`.trim());
  return body.token;
}

/**
 * The lines of an npm user configuration for publishing to `url`, as
 * actions/setup-node writes them (`registry-url`, `scope`): the scope's
 * registry and the token line reading `${NODE_AUTH_TOKEN}`.
 */
export function userConfigLines(url: string): string[] {
  const hostPath = url.replace(/^https?:/, "");
  return [`${hostPath}:_authToken=\${NODE_AUTH_TOKEN}`, `${REGISTRY_SCOPE}:registry=${url}`];
}
