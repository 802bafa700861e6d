import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { terraformEnv } from "../../src/terraform/environment";
import { writeCliConfig } from "../../src/mirror/cli-config";
import { discoverProviderMirror } from "../../src/mirror/provider-mirror";
import { StackCheckContext } from "../../src/checks/stack-check";
import { StackJson } from "../../src/stack/stack-json";
import { CheckCommand, CheckReport, runChecks } from "../../src/checks/run-checks";
import { checkTerraform } from "../../src/terraform/terraform";

/** Jest timeout of a test that runs Terraform: init and validate cost seconds each on a small machine. */
export const TERRAFORM_TIMEOUT_MS = 120_000;

const createdDirs: string[] = [];
// Registered when a test file imports this module, so it runs after the file's
// tests whether they passed or failed.
afterAll(() => {
  createdDirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

/**
 * A fresh temporary directory, removed after the test file's tests (passed or
 * failed). Call it in a hook or a test, not in a `describe` body: an error
 * while collecting the tests would skip the clean-up.
 */
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
 * Every Terraform command on it starts the AWS provider (seconds each): use it
 * where the AWS provider is the subject, else {@link dataStack}.
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
        {
          region: "eu-west-1",
          allowed_account_ids: ["123456789012"],
          default_tags: [{ tags: { Project: "fixture" } }],
        },
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

/** Options of {@link dataStack}. */
export interface DataStackOptions {
  /** Extra arguments of the `terraform_data.main` resource. */
  readonly mainArgs?: Record<string, unknown>;
}

/**
 * A stack shaped like the synthesized ones (metadata, an `s3` backend, a
 * variable, two resources, the second depending on the first, outputs) on
 * Terraform's built-in provider only: `terraform_data` resources and no
 * `required_providers`. `init` installs nothing and no provider process starts,
 * so each Terraform command takes a fraction of a second. For the checks whose
 * subject is the tool's handling of Terraform (validate diagnostics,
 * `terraform test` results, summaries), not the AWS provider ({@link vpcStack}).
 */
export function dataStack(options: DataStackOptions = {}): StackJson {
  return {
    "//": { metadata: { backend: "s3", stackName: "fixture", version: "0.21.0" } },
    terraform: {
      backend: { s3: { bucket: "example-state", key: "fixture.tfstate", region: "eu-west-1", use_lockfile: true } },
    },
    variable: { cidr_block: { type: "string", default: "10.10.0.0/23" } },
    resource: {
      terraform_data: {
        main: { input: { cidr_block: "${var.cidr_block}", enable_dns_support: true }, ...options.mainArgs },
        edge: { input: { cidr_block: "10.20.0.0/23" }, triggers_replace: ["${terraform_data.main.id}"] },
      },
    },
    output: {
      main_id: { value: "${terraform_data.main.id}" },
      cidr_block: { value: "${terraform_data.main.output.cidr_block}" },
    },
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

/** The npm workspace root above this file: the nearest directory whose `package.json` declares `workspaces`. */
function workspaceRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    try {
      if (
        (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { workspaces?: unknown }).workspaces
      ) {
        return dir;
      }
    } catch {
      // no readable package.json here: go up
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json declaring workspaces above ${start}`);
    }
  }
}

/**
 * CLI configuration and plugin cache of the tests: `node_modules/.cache/terraform-check-test`
 * of the workspace. It outlives the runs on purpose, so only the first init on a
 * machine copies the AWS provider, and it stays out of the temporary folder.
 */
export const SHARED_CACHE_DIR = path.join(workspaceRoot(__dirname), "node_modules", ".cache", "terraform-check-test");

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

/** {@link runChecks} of `command` over `appDir` with the tests' shared plugin cache; returns the report and every log line. */
export async function runLogged(
  command: CheckCommand,
  appDir: string,
): Promise<{ readonly report: CheckReport; readonly lines: string[] }> {
  const lines: string[] = [];
  const report = await runChecks({ command, appDir, cacheDir: SHARED_CACHE_DIR, log: (l) => lines.push(l) });
  return { report, lines };
}
