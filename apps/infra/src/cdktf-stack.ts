#!/usr/bin/env node
/**
 * Runs one cdktf CLI command on one environment's stack:
 * `node dist/cdktf-stack.js <diff|deploy|destroy|output> --stack=<env> [cdktf options...]`
 * (the `infra:diff`, `infra:deploy`, `infra:destroy` and `infra:output` Nx targets).
 *
 * - `--stack` is required: no command ever acts on every stack by accident;
 * - only that environment's file is read (`SSM_ACCESS_ENVIRONMENTS`), so a broken
 *   file of another team cannot block this deploy; for `--stack=state-bootstrap`,
 *   the caller's `SSM_ACCESS_ENVIRONMENTS` (default: every file) decides which
 *   environments' state buckets it holds;
 * - `--skip-provider-lock` is always passed: otherwise cdktf runs
 *   `terraform providers lock -platform=...`, which asks the public registry even
 *   when providers come from a mirror, and fails on air-gapped machines. `terraform
 *   init` still writes the lock file for the platform it installed;
 * - every other option (`--auto-approve`, `--outputs-file`, ...) goes to cdktf as given,
 *   and cdktf's exit code (or signal) is this process's.
 */
import { spawn } from "node:child_process";
import { STATE_BOOTSTRAP_STACK } from "./stacks/state-bootstrap-stack";

/** cdktf commands this wrapper runs, and whether they take `--skip-provider-lock`. */
export const STACK_COMMANDS: Readonly<Record<string, boolean>> = {
  diff: true,
  deploy: true,
  destroy: true,
  output: true,
};

/** What to run: the cdktf arguments and the environment to add. */
export interface CdktfInvocation {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** Builds the cdktf invocation for `argv` (without node and the script); throws a usage error. */
export function cdktfInvocation(argv: readonly string[]): CdktfInvocation {
  const [command, ...rest] = argv;
  const usage = `usage: cdktf-stack <${Object.keys(STACK_COMMANDS).join("|")}> --stack=<environment> [cdktf options]`;
  if (command === undefined || !(command in STACK_COMMANDS)) {
    throw new Error(`${command === undefined ? "no command" : `unknown command "${command}"`}; ${usage}`);
  }
  let stack: string | undefined;
  const passed: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg.startsWith("--stack=")) stack = arg.slice("--stack=".length);
    else if (arg === "--stack") stack = rest[++i];
    else passed.push(arg);
  }
  if (stack === undefined || !/^[a-z][a-z0-9-]*$/.test(stack)) {
    throw new Error(
      `${stack === undefined ? "--stack is required" : `--stack "${stack}" is not an environment name`}; ${usage}`,
    );
  }
  const lock = STACK_COMMANDS[command] && !passed.includes("--skip-provider-lock") ? ["--skip-provider-lock"] : [];
  // The state bootstrap stack serves every selected environment: keep the caller's selection.
  const env: Record<string, string> = stack === STATE_BOOTSTRAP_STACK ? {} : { SSM_ACCESS_ENVIRONMENTS: stack };
  return { args: [command, stack, ...lock, ...passed], env };
}

function main(): void {
  let invocation: CdktfInvocation;
  try {
    invocation = cdktfInvocation(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const cdktf = require.resolve("cdktf-cli/bundle/bin/cdktf");
  const child = spawn(process.execPath, [cdktf, ...invocation.args], {
    stdio: "inherit",
    env: { ...process.env, ...invocation.env },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on("SIGINT", forward("SIGINT"));
  process.on("SIGTERM", forward("SIGTERM"));
  child.on("exit", (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  });
}

if (require.main === module) main();
