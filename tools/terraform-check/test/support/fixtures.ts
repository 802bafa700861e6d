import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { terraformEnv, writeCliConfig } from "../../src/cli-config";
import { discoverProviderMirror } from "../../src/provider-mirror";
import { StackCheckContext } from "../../src/stack-check";
import { StackJson } from "../../src/stack-json";
import { checkTerraform } from "../../src/terraform";

/** Jest timeout of a test that runs Terraform: init and validate cost seconds each on a small machine. */
export const TERRAFORM_TIMEOUT_MS = 120_000;

const createdDirs: string[] = [];
afterAll(() => {
  createdDirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

/** A fresh temporary directory, removed after the test file's tests. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `terraform-check-${prefix}-`));
  createdDirs.push(dir);
  return dir;
}

/** Options of {@link vpcStack}. */
export interface VpcStackOptions {
  /** Extra arguments of the `aws_vpc.main` resource. */
  readonly vpcArgs?: Record<string, unknown>;
  /** Extra top-level blocks (`data`, ...). */
  readonly extra?: Record<string, unknown>;
}

/**
 * A small hand-written stack shaped like the synthesized ones: the AWS
 * provider pinned to 5.100.0, an `s3` backend, `allowed_account_ids` on a
 * default and an aliased provider, two VPCs (one through the alias) and an output.
 */
export function vpcStack(options: VpcStackOptions = {}): StackJson {
  return {
    "//": { metadata: { backend: "s3", stackName: "fixture", version: "0.21.0" } },
    terraform: {
      required_providers: { aws: { source: "aws", version: "5.100.0" } },
      backend: { s3: { bucket: "example-state", key: "fixture.tfstate", region: "eu-west-1", use_lockfile: true } },
    },
    provider: {
      aws: [
        { region: "eu-west-1", allowed_account_ids: ["123456789012"], default_tags: [{ tags: { Project: "fixture" } }] },
        { alias: "us_east_1", region: "us-east-1", allowed_account_ids: ["123456789012"] },
      ],
    },
    resource: {
      aws_vpc: {
        main: { cidr_block: "10.10.0.0/23", enable_dns_support: true, tags: { Name: "fixture" }, ...options.vpcArgs },
        edge: { provider: "aws.us_east_1", cidr_block: "10.20.0.0/23" },
      },
    },
    output: { vpc_id: { value: "${aws_vpc.main.id}" } },
    ...options.extra,
  };
}

/** Writes `<appDir>/cdktf.out/stacks/<stack>/cdk.tf.json` for each stack; returns the app directory. */
export function writeApp(appDir: string, stacks: Readonly<Record<string, StackJson>>): string {
  for (const [stack, json] of Object.entries(stacks)) {
    const dir = path.join(appDir, "cdktf.out", "stacks", stack);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));
  }
  return appDir;
}

/** Plugin cache shared by every test run on this machine, so only the first init copies the provider. */
export const SHARED_CACHE_DIR = path.join(os.tmpdir(), "terraform-check-test-cache");

/** Terraform's environment for tests: the discovered mirror (or direct installs) and the shared cache. */
export interface TerraformSetup {
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Checks Terraform (failing with the install advice when missing) and prepares its environment. */
export async function terraformSetup(): Promise<TerraformSetup> {
  const version = await checkTerraform({ cwd: os.tmpdir(), env: process.env });
  const cliConfig = writeCliConfig(SHARED_CACHE_DIR, discoverProviderMirror(process.env)?.path);
  return { version, env: terraformEnv(cliConfig) };
}

/** A check context for `stack` of `appDir` working in `workDir`, collecting log lines into `lines`. */
export function contextFor(
  setup: TerraformSetup,
  appDir: string,
  stack: string,
  workDir: string,
  lines: string[],
): StackCheckContext {
  return {
    stack,
    sourceDir: path.join(appDir, "cdktf.out", "stacks", stack),
    workDir,
    env: setup.env,
    terraformVersion: setup.version,
    log: (line) => lines.push(line),
  };
}
