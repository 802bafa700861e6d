import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { AwsClients } from "./aws-clients";
import { CheckResult } from "./doctor/check";
import { credentialsAccountResult } from "./doctor/checks/credentials-account";
import { renderCheck } from "./doctor/doctor";
import type { CallerIdentity } from "./doctor/lookups";
import type { StackView } from "./stack-view";
import { ToolRunner, checkAwsCli, checkSessionManagerPlugin } from "./local-tools";
import { StartSessionCommand, shellLine } from "./start-session";

/** Runs the session command with the terminal attached; resolves with its exit code. */
export type SessionSpawner = (command: string, args: readonly string[]) => Promise<number>;

/**
 * {@link SessionSpawner} of this machine: inherited stdio, no shell. Ctrl-C
 * belongs to the session (the plugin passes it to the remote shell), so this
 * process ignores SIGINT while the session runs.
 */
export const spawnSession: SessionSpawner = (command, args) =>
  new Promise((resolve, reject) => {
    const ignore = () => undefined;
    process.on("SIGINT", ignore);
    const child = spawn(command, [...args], { stdio: "inherit" });
    const done = () => process.removeListener("SIGINT", ignore);
    child.on("error", (e) => {
      done();
      reject(e);
    });
    child.on("close", (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });

/** What {@link connect} needs. */
export interface ConnectOptions {
  readonly env: StackView;
  readonly command: StartSessionCommand;
  readonly clients: AwsClients;
  readonly tools: ToolRunner;
  readonly spawn: SessionSpawner;
  /** Print the command instead of running it (checks nothing). */
  readonly print: boolean;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * The checks a session needs on this side, before starting it: the AWS CLI
 * v2, the Session Manager plugin, and credentials of the environment's account.
 */
export async function connectPreflight(env: StackView, clients: AwsClients, tools: ToolRunner): Promise<CheckResult[]> {
  const caller = async (): Promise<CallerIdentity> => {
    try {
      return { ok: true, identity: await clients.getCallerIdentity() };
    } catch (error) {
      return { ok: false, error };
    }
  };
  const [cli, plugin, identity] = await Promise.all([checkAwsCli(tools), checkSessionManagerPlugin(tools), caller()]);
  return [cli, plugin, credentialsAccountResult(identity, env)];
}

/**
 * `--print`: the command line. Otherwise the preflight checks, then
 * `aws ssm start-session ...` with the terminal; returns its exit code, or 1
 * when a check failed (each failure printed with its fix).
 */
export async function connect(o: ConnectOptions): Promise<number> {
  if (o.print) {
    o.out(shellLine(o.command));
    return 0;
  }
  const failed = (await connectPreflight(o.env, o.clients, o.tools)).filter((c) => c.status === "fail");
  if (failed.length > 0) {
    o.err(`cannot start ${o.command.description}:`);
    for (const c of failed) o.err(renderCheck(c));
    return 1;
  }
  o.err(`starting ${o.command.description} with ${o.command.document}: ${shellLine(o.command)}`);
  return o.spawn(o.command.command, o.command.args);
}
