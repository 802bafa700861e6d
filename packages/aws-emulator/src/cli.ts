#!/usr/bin/env node
/**
 * `aws-emulator up [--stacks dev,prod] [--keep]`: starts one emulator per
 * account of the environment files, bootstraps the state buckets and deploys
 * the environments into them, the way the lifecycle tests do. It prints each
 * emulator's endpoint and the variables that point the AWS CLI, the SDKs and
 * Terraform at it as soon as the emulators answer. With `--keep` it stays up
 * after the deploy until SIGINT (Ctrl-C) or SIGTERM, with or without a
 * terminal. Whichever way it ends (done, failed, interrupted, an uncaught
 * error), it stops every emulator and command it started and removes its
 * temporary folder.
 *
 * Exit codes: see {@link USAGE}.
 */
import * as os from "node:os";
import * as path from "node:path";
import { parseCommandLine, processIo, runCli } from "@ssm-access/terraform-kit";
import { Landscape, bootstrapAndDeploy, environmentAccounts, openLandscape, writeAwsConfig } from "./lifecycle";
import { detectMoto } from "./moto";
import { EMULATOR_CREDENTIALS } from "./override";
import { stackDir } from "./stack-run";

/** What `up` does, from its command line. */
export interface UpOptions {
  readonly environments: readonly string[];
  readonly keep: boolean;
}

/** What `aws-emulator --help` prints, and a wrong command line after its reason. */
export const USAGE = `Usage: aws-emulator up [--stacks dev,prod] [--keep]

Starts one emulator per account of the environment files, deploys the state
bootstrap and the environments into them, and prints where the emulators are.
  --stacks  the environments (repeatable, comma-separated; default dev,prod)
  --keep    stay up after the deploy until Ctrl-C (SIGINT) or SIGTERM

Exit codes: 0 deployed (without --keep), 1 a step failed or no moto, 64 a wrong
command line, 128 + the signal's number when stopped by one (130 for Ctrl-C),
during the deploy or after it with --keep.`;

/** Parses `up [--stacks a,b] [--keep]`; throws a `UsageError`. */
export function parseUp(argv: readonly string[]): UpOptions {
  const { values } = parseCommandLine(argv, {
    commands: ["up"],
    options: { stacks: { type: "string", multiple: true }, keep: { type: "boolean", default: false } },
  });
  const environments = (values.stacks ?? ["dev,prod"])
    .flatMap((e) => e.split(","))
    .map((e) => e.trim())
    .filter(Boolean);
  return { environments, keep: values.keep ?? false };
}

/** The signals `up` stops on. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The exit code of a process ended by `signal`, as shells report it: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 0);
}

/**
 * The first of {@link STOP_SIGNALS} this process receives. While the
 * listeners are installed, a signal no longer ends the process: the caller
 * decides, after the synchronous cleanup of `cleanup.ts` has run.
 */
export function firstSignal(): { readonly received: Promise<NodeJS.Signals>; dispose(): void } {
  let handlers: Array<[NodeJS.Signals, () => void]> = [];
  const received = new Promise<NodeJS.Signals>((resolve) => {
    handlers = STOP_SIGNALS.map((signal) => [signal, () => resolve(signal)]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
  });
  return {
    received,
    dispose: () => {
      for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    },
  };
}

/**
 * Keeps the process alive until `received` settles: the emulators are child
 * processes that do not hold the event loop, so something must.
 */
export async function holdUntil<T>(received: Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 1 << 30);
  try {
    return await received;
  } finally {
    clearInterval(timer);
  }
}

/** What `up` prints once the emulators answer: each endpoint, and the variables that point clients at it. */
export function emulatorLines(land: Landscape, accounts: Readonly<Record<string, string>>): string[] {
  const stacksOf = (accountId: string) =>
    Object.entries(accounts)
      .filter(([, a]) => a === accountId)
      .map(([env]) => env);
  const lines = ["Emulators (one per account):"];
  for (const e of land.emulators)
    lines.push(`  account ${e.accountId} (${stacksOf(e.accountId).join(", ")}): ${e.endpoint}`);
  lines.push(
    "",
    "Point the AWS CLI, the SDKs and Terraform at an environment's emulator (it serves a self-signed certificate):",
    `  export AWS_ACCESS_KEY_ID=${EMULATOR_CREDENTIALS.access_key} AWS_SECRET_ACCESS_KEY=${EMULATOR_CREDENTIALS.secret_key}`,
    `  export AWS_CA_BUNDLE=${land.ws.certificateFile}`,
  );
  for (const env of land.environments) {
    const emulator = land.emulators.find((e) => e.accountId === accounts[env]);
    if (emulator) lines.push(`  export AWS_ENDPOINT_URL=${emulator.endpoint}   # ${env}`);
  }
  return lines;
}

/** What `up` printed about its emulators: their endpoints and the certificate bundle they serve. */
export interface UpOutput {
  readonly endpoints: readonly string[];
  readonly caBundle?: string;
}

/** Reads the endpoints and the certificate bundle out of what `up` printed so far (see {@link emulatorLines}). */
export function parseUpOutput(text: string): UpOutput {
  const endpoints = [...text.matchAll(/^ {2}account \d{12} \([^)]*\): (https?:\/\/\S+)$/gm)].map((m) => m[1]);
  const caBundle = /^ {2}export AWS_CA_BUNDLE=(\S+)$/m.exec(text)?.[1];
  return { endpoints, ...(caBundle !== undefined ? { caBundle } : {}) };
}

/** `up`: returns the exit code. */
export async function up(options: UpOptions, repoRoot: string, print: (text: string) => void): Promise<number> {
  const stop = firstSignal();
  let land: Landscape | undefined;
  try {
    const work = (async () => {
      const accounts = environmentAccounts(path.join(repoRoot, "apps", "infra", "environments"), options.environments);
      land = await openLandscape(repoRoot, options.environments);
      const awsConfig = writeAwsConfig(land, path.join(repoRoot, "apps", "infra", "environments"));
      print(`${[...emulatorLines(land, accounts), `  export AWS_CONFIG_FILE=${awsConfig}`].join("\n")}\n\n`);
      print(`deploying state-bootstrap, ${options.environments.join(", ")} into the emulators...\n`);
      await bootstrapAndDeploy(land);
      const lines = [
        "deployed. Terraform working folders (the emulator override is in each):",
        ...Object.entries(land.outs).map(([stack, out]) => `  ${stack}: ${stackDir(out, stack)}`),
        `  with TF_CLI_CONFIG_FILE=${land.ws.cliConfigFile} SSL_CERT_FILE=${land.ws.certificateFile}`,
      ];
      print(`${lines.join("\n")}\n`);
    })();
    work.catch(() => undefined);
    const first = await Promise.race([work.then(() => undefined), stop.received]);
    if (first !== undefined) {
      print(`\n${first}: interrupted before the deploy finished; stopping the emulators.\n`);
      return signalExitCode(first);
    }
    if (!options.keep) return 0;
    print("\n--keep: the emulators stay up until Ctrl-C (SIGINT) or SIGTERM.\n");
    const signal = await holdUntil(stop.received);
    print(`\n${signal}: stopping the emulators.\n`);
    return signalExitCode(signal);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  } finally {
    stop.dispose();
    await (land as Landscape | undefined)?.close();
  }
}

/** The command: returns the exit code (see {@link USAGE}). */
export function main(argv: readonly string[]): Promise<number> {
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  return runCli(
    {
      name: "aws-emulator",
      usage: USAGE,
      parse: (args) => {
        const options = parseUp(args);
        detectMoto(); // no moto: an error (1), with the install command
        return options;
      },
      run: (options) => up(options, repoRoot, (text) => process.stdout.write(text)),
    },
    argv,
    processIo,
  );
}

// process.exit, not an exit code: whatever is still running (a step cut short
// by a signal) is killed by the exit handler of cleanup.ts.
if (require.main === module) void main(process.argv.slice(2)).then((code) => process.exit(code));
