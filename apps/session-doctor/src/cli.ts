#!/usr/bin/env node
/**
 * `session-doctor connect --stack=<env>` and `session-doctor doctor --stack=<env>`:
 * the `infra:connect` and `infra:doctor` Nx targets, run from the app folder (`apps/infra`).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { AwsClients, createAwsClients } from "./aws-clients";
import { SessionSpawner, connect, spawnSession } from "./connect";
import { doctorJson, renderDoctorText, runDoctor } from "./doctor/doctor";
import { EnvironmentView, readEnvironment } from "./environment";
import { selectInstance } from "./instance-selection";
import { ToolRunner, runTool } from "./local-tools";
import { OutputsSource, TerraformOutputs } from "./outputs";
import { Forwarding, RefusedError, parsePortOption, parseRemoteHostOption, startSessionCommand } from "./start-session";

export const USAGE = `Usage:
  session-doctor connect --stack=<env> [--instance=<name>] [--port=<port>[:<local port>] | --remote-host=<host>:<port>[:<local port>]] [--print]
      open a Session Manager shell on an instance of <env> (by its name in the environment file; default: the only one),
      or forward a local port to a port the environment allows, with its pinned Session document
  session-doctor doctor --stack=<env> [--instance=<name>] [--json]
      walk the causes of TargetNotConnected, one line per check: ✔ holds, ✖ does not (with the fix), ? could not be answered

Options:
  --print                   print the aws ssm start-session command instead of running it (checks nothing)
  --json                    print the checks as JSON: [{ id, status, title, evidence, fix }]
  --app=<dir>               the app folder (default: the current folder); outputs come from <app>/cdktf.out/stacks/<env>
  --environments-dir=<dir>  the environment files (default: <app>/environments)

Credentials: the AWS default chain (AWS_PROFILE, environment variables, SSO), in the environment file's region.

Exit codes of connect: the session's own, 1 when it cannot start (a check failed, a port the environment does not forward), 64 a wrong command line.
Exit codes of doctor: 0 every check ✔, 1 a check ✖, 2 no ✖ but a check ?, 3 the doctor could not run, 64 a wrong command line.`;

/** A command line that cannot run. */
export class UsageError extends Error {}

/** The parsed command line. */
export type Command =
  | {
      readonly command: "connect";
      readonly stack: string;
      readonly instance?: string;
      readonly forwarding?: Forwarding;
      readonly print: boolean;
      readonly appDir: string;
      readonly environmentsDir: string;
    }
  | {
      readonly command: "doctor";
      readonly stack: string;
      readonly instance?: string;
      readonly json: boolean;
      readonly appDir: string;
      readonly environmentsDir: string;
    };

/** Parses `argv` (without node and the script), paths resolved from `cwd`; throws a {@link UsageError}. */
export function parseCommand(argv: readonly string[], cwd: string): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        instance: { type: "string" },
        port: { type: "string" },
        "remote-host": { type: "string" },
        print: { type: "boolean" },
        json: { type: "boolean" },
        app: { type: "string" },
        "environments-dir": { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (command !== "connect" && command !== "doctor")
    throw new UsageError(command === undefined ? "no command" : `unknown command "${command}"`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const stack = values.stack;
  if (stack === undefined) throw new UsageError("--stack is required");
  if (!/^[a-z][a-z0-9-]*$/.test(stack)) throw new UsageError(`--stack "${stack}" is not an environment name`);
  if (values.instance !== undefined && !/^[a-z][a-z0-9-]*$/.test(values.instance))
    throw new UsageError(`--instance "${values.instance}" is not an instance name`);
  const appDir = path.resolve(cwd, values.app ?? ".");
  const environmentsDir = path.resolve(cwd, values["environments-dir"] ?? path.join(appDir, "environments"));
  const common = {
    stack,
    ...(values.instance !== undefined ? { instance: values.instance } : {}),
    appDir,
    environmentsDir,
  };
  if (command === "doctor") {
    for (const option of ["port", "remote-host", "print"] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} is an option of connect, not doctor`);
    }
    return { command, ...common, json: values.json === true };
  }
  if (values.json !== undefined) throw new UsageError("--json is an option of doctor, not connect");
  if (values.port !== undefined && values["remote-host"] !== undefined) {
    throw new UsageError(
      "--port and --remote-host exclude each other; give the local port of a remote host as --remote-host=<host>:<port>:<local port>",
    );
  }
  let forwarding: Forwarding | undefined;
  try {
    if (values.port !== undefined) forwarding = parsePortOption(values.port);
    if (values["remote-host"] !== undefined) forwarding = parseRemoteHostOption(values["remote-host"]);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { command, ...common, ...(forwarding ? { forwarding } : {}), print: values.print === true };
}

/** Output streams of {@link main}. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (line: string) => void;
}

/** What {@link main} reaches the world through; tests replace any of them. */
export interface CliDeps {
  readonly cwd: string;
  /** @default - `terraform output -json` in `<app>/cdktf.out/stacks/<env>` */
  readonly outputs?: OutputsSource;
  /** @default - AWS SDK clients in the environment's region, default credential chain */
  readonly clients?: (env: EnvironmentView) => AwsClients;
  /** @default - programs from PATH */
  readonly tools?: ToolRunner;
  /** @default - `aws` with the terminal attached */
  readonly spawn?: SessionSpawner;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The command: returns the exit code (see {@link USAGE}). */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo,
  deps: CliDeps = { cwd: process.cwd() },
): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, deps.cwd);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`session-doctor: ${e.message}`);
    io.err(USAGE);
    return 64;
  }
  const cannotRun = command.command === "doctor" ? 3 : 1;
  try {
    const env = readEnvironment(command.environmentsDir, command.stack);
    const outputs = await (deps.outputs ?? new TerraformOutputs({ appDir: command.appDir, log: io.err })).read(
      command.stack,
    );
    const instance = selectInstance(env, outputs, command.instance);
    const clients = (deps.clients ?? ((e: EnvironmentView) => createAwsClients({ region: e.region })))(env);
    const tools = deps.tools ?? runTool;
    if (command.command === "connect") {
      const session = startSessionCommand(env, outputs, instance, command.forwarding);
      return await connect({
        env,
        command: session,
        clients,
        tools,
        spawn: deps.spawn ?? spawnSession,
        print: command.print,
        out: io.out,
        err: io.err,
      });
    }
    const report = await runDoctor({ env, outputs, instance, clients, tools });
    io.out(command.json ? `${JSON.stringify(doctorJson(report), null, 2)}\n` : `${renderDoctorText(report)}\n`);
    return report.exitCode;
  } catch (e) {
    io.err(`session-doctor: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof RefusedError ? 1 : cannotRun;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
