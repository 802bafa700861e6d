import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { freePort } from "@ssm-access/terraform-kit";
import { trackChild, trackFolder, untrackFolder } from "./cleanup";
import { closeProviderPools } from "./provider-pool";

/** The moto version the SSM gap fillers (`python/moto_launcher.py`) were written and tested for. */
export const TESTED_MOTO_VERSION = "5.2.1";

/** What to do when moto is missing. */
export const MOTO_INSTALL_HINT =
  'Install the AWS API emulator moto with its server extras: pip install "moto[server]"' +
  ` (tested with ${TESTED_MOTO_VERSION}). The deploy lifecycle tests run every stack against it and never pass without it.`;

/** Raised when python3 or moto cannot be used. */
export class MotoMissingError extends Error {
  public constructor(message: string) {
    super(`${message}\n${MOTO_INSTALL_HINT}`);
    this.name = "MotoMissingError";
  }
}

/** The launcher that patches moto's SSM gaps and starts the server. */
export const LAUNCHER = path.resolve(__dirname, "..", "python", "moto_launcher.py");
/** Makes the emulators' self-signed certificate without importing moto. */
const CERTIFICATE_MAKER = path.resolve(__dirname, "..", "python", "tls_certificate.py");

/** Environment variable naming the Python interpreter that has moto; without it, `python3` on PATH is searched. */
export const PYTHON_ENV_VAR = "SSM_ACCESS_PYTHON";

/** A Python interpreter that has `moto.server`, and moto's version. */
export interface MotoPython {
  readonly python: string;
  readonly version: string;
}

/**
 * What {@link detectMoto} runs: whether moto and what its `server` extra
 * installs (Flask and Flask-CORS, which `moto.server` imports) are there, and
 * moto's version, found without importing moto (about 0.4 CPU-seconds
 * against 0.1; the launcher imports it anyway, and says so if it cannot).
 */
const MOTO_CHECK = [
  "import importlib.metadata, importlib.util, sys",
  'missing = [m for m in ("moto", "flask", "flask_cors") if importlib.util.find_spec(m) is None]',
  'sys.exit("ModuleNotFoundError: No module named " + ", ".join(missing)) if missing else None',
  'print(importlib.metadata.version("moto"))',
].join("\n");

/**
 * Checks that `python` has `moto.server` (moto with its `server` extra);
 * returns moto's version, or throws {@link MotoMissingError} with the install
 * command.
 */
export function detectMoto(python = findMotoPython().python): string {
  const result = spawnSync(python, ["-c", MOTO_CHECK], { encoding: "utf8" });
  if (result.error) throw new MotoMissingError(`${python} could not be run: ${result.error.message}.`);
  if (result.status !== 0) {
    const last = result.stderr.trim().split("\n").pop() ?? "";
    throw new MotoMissingError(`${python} cannot import moto.server (${last}).`);
  }
  return result.stdout.trim();
}

/** Every `python3` along `PATH`, in order, without repeats. */
export function pythonsOnPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const found: string[] = [];
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, "python3");
    if (!found.includes(candidate) && fs.existsSync(candidate)) found.push(candidate);
  }
  return found;
}

/** What {@link findMotoPython} found, by the variables it reads: the same answer for the life of this process. */
const found = new Map<string, MotoPython>();

/**
 * The interpreter to run moto with: `SSM_ACCESS_PYTHON` when set (and it must
 * have moto), else the first `python3` on `PATH` that has `moto.server`.
 * Tools such as Nx put the folder of the `node` binary early on `PATH`, which
 * can hide a pyenv or virtualenv `python3` behind the system one, so each is
 * tried. Throws {@link MotoMissingError} naming every interpreter tried. An
 * interpreter found is remembered for this process (each check starts Python).
 */
export function findMotoPython(env: NodeJS.ProcessEnv = process.env): MotoPython {
  const key = `${env[PYTHON_ENV_VAR] ?? ""}\0${env.PATH ?? ""}`;
  const known = found.get(key);
  if (known) return known;
  const python = findMotoPythonUncached(env);
  found.set(key, python);
  return python;
}

function findMotoPythonUncached(env: NodeJS.ProcessEnv): MotoPython {
  const chosen = env[PYTHON_ENV_VAR];
  if (chosen) return { python: chosen, version: detectMoto(chosen) };
  const candidates = pythonsOnPath(env);
  const problems: string[] = [];
  for (const python of candidates) {
    try {
      return { python, version: detectMoto(python) };
    } catch (e) {
      problems.push((e as Error).message.split("\n")[0]);
    }
  }
  throw new MotoMissingError(
    candidates.length === 0
      ? `no python3 on PATH (set ${PYTHON_ENV_VAR} to an interpreter).`
      : `no python3 on PATH imports moto.server (set ${PYTHON_ENV_VAR} to choose one):\n  ${problems.join("\n  ")}`,
  );
}

/**
 * Makes (once) the self-signed certificate for 127.0.0.1 that emulators using
 * `tlsDir` serve; returns the certificate file. Call it before starting several
 * emulators on one folder at once.
 */
export function ensureCertificate(tlsDir: string, python?: string): string {
  const cert = path.join(tlsDir, "cert.pem");
  if (fs.existsSync(cert) && fs.existsSync(path.join(tlsDir, "key.pem"))) return cert;
  const result = spawnSync(python ?? findMotoPython().python, [CERTIFICATE_MAKER, tlsDir], { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`could not make the emulator's TLS certificate in ${tlsDir}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** One running emulator: one AWS account, on loopback. */
export interface Emulator {
  /** The account every request is answered as (`MOTO_ACCOUNT_ID`). */
  readonly accountId: string;
  readonly port: number;
  /** `https://127.0.0.1:<port>`: every service's endpoint. */
  readonly endpoint: string;
  /** The self-signed certificate it serves (clients trust it explicitly: `SSL_CERT_FILE` for Terraform); none over plain HTTP. */
  readonly certificateFile?: string;
  readonly pid: number;
  /** The emulator's own log (requests and tracebacks). */
  readonly logFile: string;
  /** Stops it (SIGTERM, then SIGKILL after a grace period); safe to call twice. */
  stop(): Promise<void>;
}

/** How to start an emulator. */
export interface StartOptions {
  /** 12-digit account id. */
  readonly accountId: string;
  /** Folder for the emulator's log file. */
  readonly logDir: string;
  /**
   * Folder of the TLS certificate (`cert.pem`, `key.pem`), made there on first
   * use; emulators sharing it serve the same certificate. Without it the
   * emulator serves plain HTTP, and a bucket policy that requires TLS denies
   * every request, as AWS would.
   * @default - plain HTTP
   */
  readonly tlsDir?: string;
  /** Python interpreter with moto. @default - {@link findMotoPython} */
  readonly python?: string;
  /** How long to wait for the server to answer. @default 30000 */
  readonly readyTimeoutMs?: number;
  /** Port to bind. @default - a free port */
  readonly port?: number;
}

/** Starts moto (with the SSM gap fillers) for one account on 127.0.0.1 and waits until it answers. */
export async function startEmulator(options: StartOptions): Promise<Emulator> {
  if (!/^\d{12}$/.test(options.accountId)) throw new Error(`${options.accountId} is not a 12-digit AWS account id`);
  const python = options.python ?? findMotoPython().python;
  const tls = options.tlsDir;
  const certificateFile = tls === undefined ? undefined : ensureCertificate(tls, python);
  const port = options.port ?? (await freePort());
  fs.mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `moto-${options.accountId}-${port}.log`);
  const log = fs.openSync(logFile, "a");
  const tlsArgs = tls === undefined ? [] : ["--tls-dir", tls];
  const child = spawn(python, [LAUNCHER, ...tlsArgs, "-H", "127.0.0.1", "-p", String(port)], {
    env: {
      ...process.env,
      MOTO_ACCOUNT_ID: options.accountId,
      MOTO_IAM_LOAD_MANAGED_POLICIES: "true",
      PYTHONUNBUFFERED: "1",
    },
    stdio: ["ignore", log, log],
  });
  fs.closeSync(log);
  if (child.pid === undefined) throw new MotoMissingError(`${python} could not be started`);
  const pid = child.pid;
  // An emulator never keeps this process alive: one not stopped is killed on exit and on a signal.
  trackChild(child, false);
  child.unref();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoint = `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilReady(endpoint, certificateFile, options.readyTimeoutMs ?? 30000, () => child.exitCode !== null);
  } catch (e) {
    await stop();
    const tail = fs.readFileSync(logFile, "utf8").trim().split("\n").slice(-15).join("\n");
    throw new Error(`the emulator for account ${options.accountId} did not start: ${(e as Error).message}\n${tail}`);
  }
  return { accountId: options.accountId, port, endpoint, certificateFile, pid, logFile, stop };
}

function waitUntilReady(
  endpoint: string,
  certificateFile: string | undefined,
  timeoutMs: number,
  died: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (died()) return reject(new Error("the process exited"));
      if (Date.now() > deadline) return reject(new Error(`no answer from ${endpoint} within ${timeoutMs} ms`));
      const url = `${endpoint}/moto-api/data.json`;
      const onResponse = (res: http.IncomingMessage) => {
        res.resume();
        if (res.statusCode === 200) resolve();
        else setTimeout(attempt, 200);
      };
      const req =
        certificateFile === undefined
          ? http.get(url, onResponse)
          : https.get(url, { ca: fs.readFileSync(certificateFile) }, onResponse);
      req.on("error", () => setTimeout(attempt, 200));
      req.setTimeout(2000, () => req.destroy());
    };
    attempt();
  });
}

/**
 * A temporary folder that {@link removeTempDir} deletes; until then it is
 * removed when the process exits or is interrupted (see `cleanup.ts`).
 */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  trackFolder(dir);
  return dir;
}

/** Deletes a folder made by {@link makeTempDir}, after stopping the provider pools kept in it. */
export function removeTempDir(dir: string): void {
  closeProviderPools(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  untrackFolder(dir);
}

/** Keeps a folder made by {@link makeTempDir} after the process ends (to look at its logs). */
export function keepTempDir(dir: string): void {
  untrackFolder(dir);
}
