/**
 * A real npm registry on this machine: Verdaccio (6.8.0, the last release
 * that runs on Node 20), started on 127.0.0.1 on a free port with a
 * configuration, storage and user database in a fresh temporary folder. It
 * serves the `@ssm-access/*` scope only. Without an uplink, what it holds was
 * published to it, and nothing else is answered from it. With one (a
 * staging registry in front of the registry a release publishes to), what
 * was not published to it is answered from the uplink.
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
import * as os from "node:os";
import * as path from "node:path";
import { freePort } from "@ssm-access/terraform-kit";

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
  /**
   * A registry to answer the scope's packages from when they were not
   * published here (Verdaccio's `proxy`), with the token to read it.
   * @default - none: only what was published here
   */
  readonly uplink?: Uplink;
}

/** The registry behind a staging registry. */
export interface Uplink {
  /** Its URL, e.g. the scope's registry of the npm configuration. */
  readonly url: string;
  /**
   * A token that may read the scope there (sent as `Authorization: Bearer`).
   * @default - none: the registry is read anonymously
   */
  readonly token?: string;
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

/** The variable the server reads the uplink's token from: the token stays out of the configuration file. */
const UPLINK_TOKEN_ENV = "SSM_ACCESS_UPLINK_TOKEN";

/** The Verdaccio configuration: local storage and users, the scope only (proxied to `uplink` if given), no web UI. */
export function verdaccioConfig(dir: string, uplink?: Uplink): string {
  const uplinks = uplink
    ? [
        "uplinks:",
        "  upstream:",
        `    url: ${JSON.stringify(uplink.url)}`,
        ...(uplink.token ? ["    auth:", "      type: bearer", `      token_env: ${UPLINK_TOKEN_ENV}`] : []),
      ]
    : ["uplinks: {}"];
  return [
    `storage: ${JSON.stringify(path.join(dir, "storage"))}`,
    "auth:",
    "  htpasswd:",
    `    file: ${JSON.stringify(path.join(dir, "htpasswd"))}`,
    "    max_users: 10",
    ...uplinks,
    "packages:",
    `  '${REGISTRY_SCOPE}/*':`,
    "    access: $all",
    "    publish: $authenticated",
    "    unpublish: $authenticated",
    ...(uplink ? ["    proxy: upstream"] : []),
    "web:",
    "  enable: false",
    "log: { type: stdout, format: pretty, level: warn }",
    "",
  ].join("\n");
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Runs Verdaccio while its parent lives. */
const SERVE_WHILE_PARENT = path.join(__dirname, "..", "bin", "serve-while-parent.js");

/** Starts a registry and makes a user; see the file's header. */
export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(options.root ?? os.tmpdir(), "npm-registry-"));
  const config = path.join(dir, "config.yaml");
  fs.writeFileSync(config, verdaccioConfig(dir, options.uplink));
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
      env: {
        ...process.env,
        NODE_ENV: "production",
        ...(options.uplink?.token ? { [UPLINK_TOKEN_ENV]: options.uplink.token } : {}),
      },
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
