import * as path from "node:path";
import { defaultCacheDir } from "./cache-dir";
import { terraformEnv } from "../terraform/environment";
import { writeCliConfig } from "../mirror/cli-config";
import { planStack } from "./offline-plan";
import { discoverProviderMirror } from "../mirror/provider-mirror";
import { seconds, StackCheckContext, StackResult } from "./stack-check";
import { listStacks, stackDir } from "../stack/stack-json";
import { checkTerraform } from "../terraform/terraform";
import { testStack } from "./terraform-test";
import { validateStack } from "./validate";
import { stackWorkDir } from "./working-copy";

/** The three checks. */
export type CheckCommand = "validate" | "test" | "plan";

/** Every check command, in CLI order. */
export const CHECK_COMMANDS: readonly CheckCommand[] = ["validate", "test", "plan"];

/** Options of {@link runChecks}. */
export interface CheckOptions {
  /** Which check to run. */
  readonly command: CheckCommand;
  /** The cdktf app directory (holds `cdktf.out/`). */
  readonly appDir: string;
  /** Stacks to check. @default - every stack in `<appDir>/cdktf.out/stacks` */
  readonly stacks?: readonly string[];
  /** Directory with one sub-directory of `*.tftest.hcl` files per stack (`test` only). @default - `<appDir>/tftest` */
  readonly testsDir?: string;
  /** Skip, instead of failing, stacks without test files (`test` only). @default false */
  readonly allowMissing?: boolean;
  /** Where the CLI configuration and the plugin cache live. @default - `node_modules/.cache/terraform-check` of the workspace */
  readonly cacheDir?: string;
  /** Directory of the per-stack working copies. @default - `<appDir>/.terraform-check` */
  readonly workRoot?: string;
  /** Stacks checked at the same time. @default 1 */
  readonly concurrency?: number;
  /** Terraform executable. @default "terraform" */
  readonly binary?: string;
  /** Environment the Terraform environment is derived from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives every output line. @default - writes to stdout */
  readonly log?: (line: string) => void;
}

/** Outcome of {@link runChecks}. */
export interface CheckReport {
  /** No stack failed. */
  readonly ok: boolean;
  readonly results: readonly StackResult[];
}

/** Raised for problems that stop the run before any stack is checked. */
export class CheckSetupError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "CheckSetupError";
  }
}

const STATUS_LABELS: Readonly<Record<StackResult["status"], string>> = {
  passed: "ok",
  failed: "FAILED",
  skipped: "skipped",
};

/** `dev  ok  valid  [init 3.1 s, validate 4.4 s]`, with `init cached` when init was skipped. */
export function formatResultLine(result: StackResult, width = result.stack.length): string {
  const steps = Object.entries(result.timings).map(([step, ms]) => `${step} ${seconds(ms)}`);
  if (result.initCached === true) {
    steps.unshift("init cached");
  }
  const timing = steps.length > 0 ? `  [${steps.join(", ")}]` : "";
  return `${result.stack.padEnd(width)}  ${STATUS_LABELS[result.status].padEnd(7)}  ${result.message}${timing}`;
}

async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/**
 * Runs one check over the stacks of an app: checks Terraform, finds the
 * provider mirror, writes the CLI configuration, then checks each stack in its
 * working copy and prints one summary line per stack. Throws
 * {@link CheckSetupError} (or the Terraform / mirror error) when nothing can run.
 */
export async function runChecks(options: CheckOptions): Promise<CheckReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const appDir = path.resolve(options.appDir);
  const baseEnv = options.env ?? process.env;

  const available = listStacks(appDir);
  const stacks = options.stacks ?? available;
  const unknown = stacks.filter((s) => !available.includes(s));
  if (unknown.length > 0) {
    throw new CheckSetupError(
      `unknown stack(s): ${unknown.join(", ")}; ${path.join(appDir, "cdktf.out", "stacks")} holds: ${available.join(", ") || "none"}`,
    );
  }
  if (stacks.length === 0) {
    throw new CheckSetupError(`no stacks to check in ${path.join(appDir, "cdktf.out", "stacks")}`);
  }

  const version = await checkTerraform({ cwd: appDir, env: baseEnv, binary: options.binary });
  const mirror = discoverProviderMirror(baseEnv);
  const cacheDir = path.resolve(options.cacheDir ?? defaultCacheDir(appDir));
  const cliConfig = writeCliConfig(cacheDir, mirror?.path);
  const env = terraformEnv(cliConfig, baseEnv);
  log(`terraform-check ${options.command}: Terraform ${version}, ${stacks.length} stack(s)`);
  log(
    mirror === undefined
      ? "provider mirror: none found, providers install directly from the registry"
      : `provider mirror: ${mirror.path} (hashicorp/aws ${mirror.versions.join(", ")}; ${mirror.source === "env" ? "TF_PROVIDER_MIRROR" : "found by search"})`,
  );
  log(`CLI configuration: ${cliConfig}`);

  const results = await inPool(stacks, options.concurrency ?? 1, async (stack) => {
    const ctx: StackCheckContext = {
      stack,
      sourceDir: stackDir(appDir, stack),
      workDir: stackWorkDir(appDir, stack, options.workRoot),
      env,
      terraformVersion: version,
      binary: options.binary,
      log: (line) => log(`[${stack}] ${line}`),
    };
    ctx.log(`${options.command} in ${ctx.workDir}`);
    try {
      switch (options.command) {
        case "validate":
          return await validateStack(ctx);
        case "test":
          return await testStack(ctx, {
            testsDir: options.testsDir ?? path.join(appDir, "tftest"),
            allowMissing: options.allowMissing,
          });
        case "plan":
          return await planStack(ctx);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log(message);
      return { stack, status: "failed", message, timings: {} } satisfies StackResult;
    }
  });

  const width = Math.max(...results.map((r) => r.stack.length));
  const failed = results.filter((r) => r.status === "failed").length;
  const skipped = results.filter((r) => r.status === "skipped").length;
  log("");
  log(`terraform-check ${options.command} summary:`);
  results.forEach((r) => log(`  ${formatResultLine(r, width)}`));
  log(`${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
  return { ok: failed === 0, results };
}
