#!/usr/bin/env node
/**
 * `session-doctor connect --stack=<env>` and `session-doctor doctor --stack=<env>`,
 * run as the `session-doctor` bin from the workspace or any folder inside it.
 */
import * as path from "node:path";
import {
  CliIo,
  STACK_FILE,
  STACK_OPTIONS,
  STACK_OPTIONS_USAGE,
  UsageError,
  parseCommandLine,
  processIo,
  rejectOptions,
  runCli,
  runMain,
  stackDir,
  stackTarget,
} from "@ssm-access/terraform-kit";
import { AwsClients, createAwsClients } from "./aws-clients";
import { SessionSpawner, connect, spawnSession } from "./connect";
import { doctorJson, renderDoctorText, runDoctor } from "./doctor/doctor";
import { selectInstance } from "./instance-selection";
import { ToolRunner, runTool } from "./local-tools";
import { OutputsSource, TerraformOutputs } from "./outputs";
import { StackView, readStackView } from "./stack-view";
import { Forwarding, RefusedError, parsePortOption, parseRemoteHostOption, startSessionCommand } from "./start-session";

export const USAGE = `Usage:
  session-doctor connect --stack=<env> [--instance=<name>] [--port=<port>[:<local port>] | --remote-host=<host>:<port>[:<local port>]] [--print]
      open a Session Manager shell on an instance of <env> (by its name in the environment file; default: the only one),
      or forward a local port to a port the environment allows, with its pinned Session document
  session-doctor doctor --stack=<env> [--instance=<name>] [--json]
      walk the causes of TargetNotConnected, one line per check: ✔ holds, ✖ does not (with the fix), ? could not be answered

Options:
${STACK_OPTIONS_USAGE}
  --print                   print the aws ssm start-session command instead of running it (checks nothing)
  --json                    print the checks as JSON: [{ id, status, title, evidence, fix }]

The Region, the account and the instances come from the synthesized stack, <app>/cdktf.out/stacks/<env>/cdk.tf.json;
the instance ids from its deployed state (terraform output -json in that folder).
Credentials: the AWS default chain (AWS_PROFILE, environment variables, SSO), in the stack's Region.

Exit codes of connect: the session's own, 1 when it cannot start (a check failed, a port the environment does not forward), 64 a wrong command line.
Exit codes of doctor: 0 every check ✔, 1 a check ✖, 2 no ✖ but a check ?, 3 the doctor could not run, 64 a wrong command line.`;

/** What a command works on: the environment chosen with `--stack`, `--app` and `--environments-dir`. */
interface Target {
  readonly stack: string;
  readonly instance?: string;
  readonly appDir: string;
  readonly environmentsDir: string;
  readonly environmentFile: string;
}

/** The parsed command line. */
export type Command =
  | (Target & { readonly command: "connect"; readonly forwarding?: Forwarding; readonly print: boolean })
  | (Target & { readonly command: "doctor"; readonly json: boolean });

/** Parses `argv` (without node and the script), paths resolved from `cwd`; throws a {@link UsageError}. */
export function parseCommand(argv: readonly string[], cwd: string): Command {
  const { command, values } = parseCommandLine(argv, {
    commands: ["connect", "doctor"],
    options: {
      ...STACK_OPTIONS,
      instance: { type: "string" },
      port: { type: "string" },
      "remote-host": { type: "string" },
      print: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const target = stackTarget(values, cwd);
  if (values.instance !== undefined && !/^[a-z][a-z0-9-]*$/.test(values.instance))
    throw new UsageError(`--instance "${values.instance}" is not an instance name`);
  const common = { ...target, ...(values.instance !== undefined ? { instance: values.instance } : {}) };
  if (command === "doctor") {
    rejectOptions(values, ["port", "remote-host", "print"], "doctor", "connect");
    return { command, ...common, json: values.json === true };
  }
  rejectOptions(values, ["json"], "connect", "doctor");
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

/** What {@link main} reaches the world through; tests replace any of them. */
export interface CliDeps {
  readonly cwd: string;
  /** @default - `terraform output -json` in `<app>/cdktf.out/stacks/<env>` */
  readonly outputs?: OutputsSource;
  /** @default - AWS SDK clients in the environment's region, default credential chain */
  readonly clients?: (env: StackView) => AwsClients;
  /** @default - programs from PATH */
  readonly tools?: ToolRunner;
  /** @default - `aws` with the terminal attached */
  readonly spawn?: SessionSpawner;
}

/** The command: returns the exit code (see {@link USAGE}). */
export function main(
  argv: readonly string[],
  io: CliIo = processIo,
  deps: CliDeps = { cwd: process.cwd() },
): Promise<number> {
  return runCli(
    {
      name: "session-doctor",
      usage: USAGE,
      parse: (args) => parseCommand(args, deps.cwd),
      run: (command) => run(command, io, deps),
      errorCode: (e, command) => (e instanceof RefusedError || command.command === "connect" ? 1 : 3),
    },
    argv,
    io,
  );
}

async function run(command: Command, io: CliIo, deps: CliDeps): Promise<number> {
  const stackFile = path.join(stackDir(command.appDir, command.stack), STACK_FILE);
  const env = readStackView(command.stack, stackFile, command.environmentFile);
  const outputs = await (deps.outputs ?? new TerraformOutputs({ appDir: command.appDir, log: io.err })).read(
    command.stack,
  );
  const instance = selectInstance(env, outputs, command.instance);
  const clients = (deps.clients ?? ((e: StackView) => createAwsClients({ region: e.region })))(env);
  const tools = deps.tools ?? runTool;
  if (command.command === "connect") {
    const session = startSessionCommand(env, outputs, instance, command.forwarding);
    return connect({
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
  io.out(command.json ? JSON.stringify(doctorJson(report), null, 2) : renderDoctorText(report));
  return report.exitCode;
}

if (require.main === module) runMain(main);
