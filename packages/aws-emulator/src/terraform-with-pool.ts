/**
 * `terraform` as a workspace's commands find it on their PATH (see
 * `provider-pool.ts`): the real Terraform, with an AWS provider borrowed from
 * the workspace's pool when the command loads providers and the folder
 * configures the AWS provider once. Arguments, standard streams, exit code
 * and signals are the real Terraform's.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { POOL_SOCKET_VARIABLE, REAL_TERRAFORM_VARIABLE } from "./provider-pool";

/** The subcommands that start providers. */
const LOADS_PROVIDERS = new Set(["plan", "apply", "destroy", "show", "validate", "refresh", "import"]);
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The working folder (`-chdir`) and subcommand of a Terraform command line. */
export function commandOf(args: readonly string[], cwd: string): { dir: string; subcommand?: string } {
  let dir = cwd;
  for (const arg of args) {
    if (arg.startsWith("-chdir=")) dir = path.resolve(cwd, arg.slice("-chdir=".length));
    else if (!arg.startsWith("-")) return { dir, subcommand: arg };
  }
  return { dir };
}

/**
 * The AWS provider binary `dir` has installed (`terraform init`), when the
 * folder configures the AWS provider at most once: JSON configuration only
 * (`*.tf.json`, override files merging into their originals), one `aws`
 * provider configuration.
 */
export function leasableProvider(dir: string): string | undefined {
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  if (files.some((f) => f.endsWith(".tf"))) return undefined;
  const aliases = new Set<string>();
  for (const file of files.filter((f) => f.endsWith(".tf.json") && !/(^|_)override\.tf\.json$/.test(f))) {
    let json: { provider?: Record<string, unknown> };
    try {
      json = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as typeof json;
    } catch {
      return undefined;
    }
    const aws = json.provider?.aws;
    if (aws === undefined) continue;
    for (const config of Array.isArray(aws) ? aws : [aws]) {
      aliases.add(String((config as { alias?: unknown } | null)?.alias ?? ""));
    }
  }
  if (aliases.size > 1) return undefined;
  const versions = path.join(dir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "aws");
  let found: string[] = [];
  try {
    for (const version of fs.readdirSync(versions)) {
      for (const platform of fs.readdirSync(path.join(versions, version))) {
        const folder = path.join(versions, version, platform);
        found.push(
          ...fs
            .readdirSync(folder)
            .filter((f) => f.startsWith("terraform-provider-aws"))
            .map((f) => fs.realpathSync(path.join(folder, f))),
        );
      }
    }
  } catch {
    found = [];
  }
  return found.length === 1 ? found[0] : undefined;
}

/** Borrows a provider: the `TF_REATTACH_PROVIDERS` value and the open lease, or nothing when the pool cannot lend. */
function borrow(socketPath: string, binary: string): Promise<{ reattach: string; lease: net.Socket } | undefined> {
  return new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    const lease = net.createConnection(socketPath);
    let buffered = "";
    const give = (value: { reattach: string; lease: net.Socket } | undefined) => {
      lease.removeAllListeners("data");
      if (value === undefined) lease.destroy();
      resolve(value);
    };
    lease.setEncoding("utf8");
    lease.on("connect", () => lease.write(`${JSON.stringify({ binary, env })}\n`));
    lease.on("data", (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      const answer = JSON.parse(buffered.slice(0, newline)) as { reattach?: string; error?: string };
      if (answer.reattach === undefined) {
        process.stderr.write(`provider pool: ${answer.error ?? "no provider"}; Terraform starts its own\n`);
        give(undefined);
      } else give({ reattach: answer.reattach, lease });
    });
    lease.on("error", () => give(undefined));
    lease.on("close", () => give(undefined));
  });
}

/** Runs the real Terraform with `args`; exits as it does. */
export async function main(args: readonly string[] = process.argv.slice(2)): Promise<void> {
  const real = process.env[REAL_TERRAFORM_VARIABLE];
  if (real === undefined || real === "") {
    process.stderr.write(`terraform-with-pool: ${REAL_TERRAFORM_VARIABLE} is not set\n`);
    process.exit(127);
  }
  const { dir, subcommand } = commandOf(args, process.cwd());
  const socketPath = process.env[POOL_SOCKET_VARIABLE];
  // A provider that configured itself once with a custom CA bundle fails the next time ("unable to add
  // custom RootCAs HTTPClient"): commands with AWS_CA_BUNDLE start their own.
  const binary =
    subcommand !== undefined && LOADS_PROVIDERS.has(subcommand) && socketPath && !process.env.AWS_CA_BUNDLE
      ? leasableProvider(dir)
      : undefined;
  const borrowed = binary !== undefined && socketPath ? await borrow(socketPath, binary) : undefined;

  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[POOL_SOCKET_VARIABLE];
  delete env[REAL_TERRAFORM_VARIABLE];
  if (borrowed !== undefined) env.TF_REATTACH_PROVIDERS = borrowed.reattach;
  const child = spawn(real, [...args], { stdio: "inherit", env });
  let signalled = false;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      signalled = true;
      child.kill(signal);
    });
  }
  child.on("error", (error) => {
    process.stderr.write(`terraform-with-pool: ${error.message}\n`);
    process.exit(127);
  });
  child.on("close", (code, signal) => {
    const clean = !signalled && signal === null && (code === 0 || code === 2);
    const exit = () => {
      if (signal !== null) {
        for (const s of SIGNALS) process.removeAllListeners(s);
        process.kill(process.pid, signal);
      } else process.exit(code ?? 1);
    };
    if (borrowed === undefined) return exit();
    if (clean) borrowed.lease.end("done\n", exit);
    else {
      borrowed.lease.destroy();
      exit();
    }
  });
}

if (require.main === module) void main();
