#!/usr/bin/env node
/**
 * `aws-emulator up [--stacks dev,prod] [--keep]`: starts one emulator per
 * account of the environment files, bootstraps the state buckets and deploys
 * the environments into them, the way the lifecycle tests do. With `--keep`
 * it stays up, printing each endpoint and how to point the AWS CLI at it,
 * until interrupted; then it stops the emulators and removes its files.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { bootstrapAndDeploy, openLandscape } from "./lifecycle";
import { MotoMissingError, detectMoto } from "./moto";
import { EMULATOR_CREDENTIALS } from "./override";
import { stackDir } from "./stack-run";

/** What `up` does, from its command line. */
export interface UpOptions {
  readonly environments: readonly string[];
  readonly keep: boolean;
}

/** Parses `up [--env a,b] [--keep]`; throws a usage error. */
export function parseUp(argv: readonly string[]): UpOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { stacks: { type: "string", multiple: true }, keep: { type: "boolean", default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1 || positionals[0] !== "up")
    throw new Error("usage: aws-emulator up [--stacks dev,prod] [--keep]");
  const environments = (values.stacks ?? ["dev,prod"])
    .flatMap((e) => e.split(","))
    .map((e) => e.trim())
    .filter(Boolean);
  return { environments, keep: values.keep ?? false };
}

async function main(): Promise<void> {
  let options: UpOptions;
  try {
    options = parseUp(process.argv.slice(2));
    detectMoto();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = e instanceof MotoMissingError ? 1 : 2;
    return;
  }
  const repoRoot = path.resolve(__dirname, "..", "..", "..");
  const land = await openLandscape(repoRoot, options.environments);
  const close = async () => {
    await land.close();
  };
  try {
    process.stdout.write(`deploying state-bootstrap, ${options.environments.join(", ")} into the emulator...\n`);
    await bootstrapAndDeploy(land);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    await close();
    process.exitCode = 1;
    return;
  }
  const lines = [
    "deployed. Emulators (one per account):",
    ...land.emulators.map((e) => `  account ${e.accountId}: ${e.endpoint}`),
    "",
    "Point the AWS CLI at one (it serves a self-signed certificate):",
    `  export AWS_ACCESS_KEY_ID=${EMULATOR_CREDENTIALS.access_key} AWS_SECRET_ACCESS_KEY=${EMULATOR_CREDENTIALS.secret_key} AWS_DEFAULT_REGION=eu-west-1`,
    `  export AWS_CA_BUNDLE=${land.ws.certificateFile}`,
    `  aws --endpoint-url ${land.emulators[0].endpoint} ec2 describe-instances`,
    "",
    "Terraform working folders (the emulator override is in each):",
    ...Object.entries(land.outs).map(([stack, out]) => `  ${stack}: ${stackDir(out, stack)}`),
    `  with TF_CLI_CONFIG_FILE=${land.ws.cliConfigFile} SSL_CERT_FILE=${land.ws.certificateFile}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (!options.keep) {
    await close();
    return;
  }
  process.stdout.write("\n--keep: the emulators stay up until you press Ctrl-C.\n");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await close();
}

if (require.main === module) void main();
