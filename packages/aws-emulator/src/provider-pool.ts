/**
 * Running AWS provider processes, lent to one Terraform command at a time.
 *
 * Terraform starts the providers of every command it runs, and the AWS
 * provider spends one to two CPU-seconds starting and describing its schema
 * each time: a few hundred such starts in an emulated lifecycle. Terraform's
 * provider debugging interface, `TF_REATTACH_PROVIDERS`, lets a command use a
 * provider that is already running instead
 * (https://developer.hashicorp.com/terraform/plugin/debugging#running-terraform-with-a-provider-in-debug-mode).
 * The pool keeps such providers (started with `-debug`) and lends one to a
 * command for the command's whole run:
 *
 * - The workspace's commands find `terraform-with-pool.js` first on their
 *   `PATH`, as `terraform` ({@link providerPoolEnv}). For a command that loads
 *   providers (`plan`, `apply`, `destroy`, `show`, `validate`, `refresh`,
 *   `import`) in a folder whose AWS provider is installed and configured once,
 *   it borrows a provider, runs the real Terraform with it, and gives it back.
 *   Every other command (`init` first of all, which must install and lock the
 *   provider as usual) runs the real Terraform untouched.
 * - Never two commands at once on one provider: a provider holds the
 *   configuration of the command that configured it last. A folder with two
 *   AWS provider configurations (the state bootstrap's accounts) borrows none.
 * - A provider goes back only after a command that ended by itself with 0 or
 *   2 and was never signalled. Otherwise it is killed: an interrupted command
 *   asks its provider to stop, and a stopped provider stays stopped.
 * - A provider runs with the environment of the command that first borrows
 *   it (credentials, endpoints, CA bundle), and is lent only to commands with
 *   the same such variables ({@link poolKey}).
 *
 * `SSM_ACCESS_PROVIDER_POOL=off` in this process's environment turns it off.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { trackChild } from "./cleanup";

/** The variables that tell the shim where the pool and the real Terraform are. */
export const POOL_SOCKET_VARIABLE = "SSM_ACCESS_PROVIDER_POOL_SOCKET";
export const REAL_TERRAFORM_VARIABLE = "SSM_ACCESS_REAL_TERRAFORM";
/** `off` in this process's environment: no pool, every command starts its own providers. */
export const POOL_SWITCH_VARIABLE = "SSM_ACCESS_PROVIDER_POOL";

/** How long a provider may take to print where it listens. */
const START_TIMEOUT_MS = 60_000;

/** The variables a provider reads that make two commands' providers differ. */
const PROVIDER_VARIABLES =
  /^(AWS_.*|SSL_CERT_(FILE|DIR)|TF_.*|HOME|TMPDIR|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy)$/;

/** The key of a provider: its binary and the variables it runs with. */
export function poolKey(binary: string, env: Readonly<Record<string, string | undefined>>): string {
  const vars = Object.entries(env)
    .filter(([k, v]) => v !== undefined && PROVIDER_VARIABLES.test(k) && k !== "TF_REATTACH_PROVIDERS")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${binary}\n${crypto.createHash("sha256").update(JSON.stringify(vars)).digest("hex")}`;
}

/** A running provider: its process and the `TF_REATTACH_PROVIDERS` value that reaches it. */
interface Provider {
  readonly child: ChildProcess;
  readonly reattach: string;
}

/** What a borrower sends first: the provider binary and its own environment. */
export interface LeaseRequest {
  readonly binary: string;
  readonly env: Record<string, string>;
}

/** The pool of one workspace. */
export class ProviderPool {
  private readonly idle = new Map<string, Provider[]>();
  private readonly all = new Set<Provider>();
  private readonly server: net.Server;
  private closed = false;
  /** Providers started, and leases served (for tests and logs). */
  readonly counts = { started: 0, leases: 0 };

  /**
   * @param dir a folder of its own (created): the socket, and the providers'
   *   temporary folder (they listen on a socket there)
   */
  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, "tmp"), { recursive: true });
    this.server = net.createServer((socket) => this.serve(socket));
    this.server.listen(this.socketPath);
    this.server.unref();
  }

  /** Where borrowers connect. */
  get socketPath(): string {
    return path.join(this.dir, "pool.sock");
  }

  /** Stops the server and kills every provider. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (const p of this.all) kill(p);
    this.all.clear();
    this.idle.clear();
  }

  private serve(socket: net.Socket): void {
    let buffered = "";
    let lent: { key: string; provider: Provider } | undefined;
    let returned = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (lent === undefined && line.startsWith("{")) {
          const request = JSON.parse(line) as LeaseRequest;
          const key = poolKey(request.binary, request.env);
          this.take(key, request)
            .then((provider) => {
              lent = { key, provider };
              this.counts.leases++;
              socket.write(`${JSON.stringify({ reattach: provider.reattach })}\n`);
            })
            .catch((error: unknown) => {
              socket.end(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
            });
        } else if (line === "done") {
          returned = true;
        }
      }
    });
    const settle = () => {
      if (lent === undefined) return;
      const { key, provider } = lent;
      lent = undefined;
      if (returned && !this.closed && alive(provider)) this.idle.set(key, [...(this.idle.get(key) ?? []), provider]);
      else {
        kill(provider);
        this.all.delete(provider);
      }
    };
    socket.on("close", settle);
    socket.on("error", () => socket.destroy());
  }

  private async take(key: string, request: LeaseRequest): Promise<Provider> {
    if (this.closed) throw new Error("the provider pool is closed");
    const idle = this.idle.get(key) ?? [];
    while (idle.length > 0) {
      const provider = idle.pop() as Provider;
      if (alive(provider)) return provider;
      this.all.delete(provider);
    }
    const provider = await startProvider(request.binary, { ...request.env, TMPDIR: path.join(this.dir, "tmp") });
    this.counts.started++;
    if (this.closed) {
      kill(provider);
      throw new Error("the provider pool is closed");
    }
    this.all.add(provider);
    return provider;
  }
}

/**
 * The SDK loggers a provider in debug mode writes at trace level unless told
 * otherwise (megabytes per plan, which Terraform would discard): off, unless
 * the command asked for logs with `TF_LOG`.
 */
const QUIET_SDK_LOGS = Object.fromEntries(
  ["TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_MUX", "TF_LOG_SDK_HELPER_SCHEMA", "TF_LOG_SDK_FRAMEWORK"].map((v) => [
    v,
    "off",
  ]),
);

/** Starts `binary -debug` and resolves once it prints where Terraform reaches it. */
function startProvider(binary: string, env: Record<string, string>): Promise<Provider> {
  const own = { ...(env.TF_LOG ? {} : QUIET_SDK_LOGS), ...env };
  delete own.TF_REATTACH_PROVIDERS;
  const child = spawn(binary, ["-debug"], { env: own, stdio: ["ignore", "pipe", "pipe"], detached: true });
  trackChild(child, true);
  child.unref();
  return new Promise((resolve, reject) => {
    let seen = "";
    let done = false;
    const finish = (error?: Error, reattach?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error !== undefined) {
        kill({ child, reattach: "" });
        reject(error);
      } else resolve({ child, reattach: reattach as string });
    };
    const timer = setTimeout(
      () => finish(new Error(`${binary} -debug printed no TF_REATTACH_PROVIDERS in ${START_TIMEOUT_MS} ms:\n${seen}`)),
      START_TIMEOUT_MS,
    );
    timer.unref();
    const read = (chunk: Buffer) => {
      if (done) return; // keeps reading, so the provider never blocks on a full pipe
      seen = `${seen}${chunk.toString("utf8")}`.slice(-20_000);
      const match = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(seen);
      if (match) finish(undefined, match[1]);
    };
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", read);
      (stream as unknown as { unref?: () => void } | null)?.unref?.();
    }
    child.on("error", (e) => finish(e));
    child.on("exit", (code, signal) =>
      finish(new Error(`${binary} -debug ended (${signal ?? `exit ${code}`}) before it was ready:\n${seen}`)),
    );
  });
}

function alive(p: Provider): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

function kill(p: Provider): void {
  if (!alive(p) || p.child.pid === undefined) return;
  try {
    process.kill(-p.child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const pools = new Map<string, ProviderPool>();

/** The real `terraform` on this process's PATH, if any. */
function realTerraform(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "terraform");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The variables that route a workspace's Terraform commands through its pool
 * (started on first use, in `<root>/provider-pool`): `PATH` with the pool's
 * `terraform` first, the socket and the real Terraform. Empty when the pool
 * is switched off, no Terraform is on the PATH, or the package is not built.
 */
export function providerPoolEnv(root: string): Record<string, string> {
  if (process.env[POOL_SWITCH_VARIABLE] === "off") return {};
  const terraform = realTerraform();
  // The compiled client, from `dist/` as from `src/` (tests load the sources).
  const client = path.join(__dirname, "..", "dist", "terraform-with-pool.js");
  if (terraform === undefined || !fs.existsSync(client)) return {};
  let pool = pools.get(root);
  if (pool === undefined) {
    pool = new ProviderPool(path.join(root, "provider-pool"));
    pools.set(root, pool);
  }
  const binDir = path.join(pool.dir, "bin");
  const shim = path.join(binDir, "terraform");
  if (!fs.existsSync(shim)) {
    fs.mkdirSync(binDir, { recursive: true });
    fs.writeFileSync(shim, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(client)} "$@"\n`, {
      mode: 0o755,
    });
  }
  return {
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
    [POOL_SOCKET_VARIABLE]: pool.socketPath,
    [REAL_TERRAFORM_VARIABLE]: terraform,
  };
}

/** The pool of a workspace root, if one was started. */
export function providerPoolOf(root: string): ProviderPool | undefined {
  return pools.get(root);
}

/** Closes the pools of `dir` and of every folder below it. */
export function closeProviderPools(dir: string): void {
  const prefix = `${path.resolve(dir)}${path.sep}`;
  for (const [root, pool] of pools) {
    if (root === dir || `${path.resolve(root)}${path.sep}`.startsWith(prefix)) {
      pool.close();
      pools.delete(root);
    }
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
