import * as path from "node:path";
import { ensureInit, outputLines, readWorkingStack, StackCheckContext, StackResult, withInit } from "./stack-check";
import { runTerraform } from "../terraform/terraform";
import { copyTestFiles, prepareWorkingCopy, testFilesIn } from "./working-copy";

/** Where a stack's test files come from. */
export interface StackTestOptions {
  /** Directory holding one sub-directory of `*.tftest.hcl` files per stack. */
  readonly testsDir: string;
  /** A stack without test files is skipped instead of failing. @default false */
  readonly allowMissing?: boolean;
}

/**
 * Copies `<testsDir>/<stack>/*.tftest.hcl` into the working copy's `tests/`,
 * runs `terraform init` with the local backend (when needed) and `terraform test`.
 * Prints Terraform's output when a test fails. A stack without test files
 * fails, unless `allowMissing`.
 */
export async function testStack(ctx: StackCheckContext, options: StackTestOptions): Promise<StackResult> {
  const stackTests = path.resolve(options.testsDir, ctx.stack);
  if (testFilesIn(stackTests).length === 0) {
    const message = `no *.tftest.hcl files in ${stackTests}`;
    if (options.allowMissing === true) {
      return { stack: ctx.stack, status: "skipped", message, timings: {} };
    }
    ctx.log(`${message}: add tests for the stack, or pass --allow-missing to skip it`);
    return { stack: ctx.stack, status: "failed", message, timings: {} };
  }
  prepareWorkingCopy(ctx.sourceDir, ctx.workDir);
  const files = copyTestFiles(stackTests, ctx.workDir);
  ctx.log(`test files: ${files.join(", ")}`);
  const json = readWorkingStack(ctx);
  const init = await ensureInit(ctx, json, true);
  if (!init.ok) {
    return { stack: ctx.stack, status: "failed", message: "terraform init failed", timings: withInit(init, {}) };
  }
  const result = await runTerraform(["test", "-no-color"], { cwd: ctx.workDir, env: ctx.env, binary: ctx.binary });
  const timings = withInit(init, { test: result.durationMs });
  const counts = /(\d+) passed, (\d+) failed/.exec(result.stdout);
  const tally = counts === null ? "" : `: ${counts[1]} passed, ${counts[2]} failed`;
  if (result.code !== 0) {
    outputLines(result).forEach((line) => ctx.log(line));
    return {
      stack: ctx.stack,
      status: "failed",
      message: `terraform test failed${tally}`,
      timings,
      initCached: init.cached,
    };
  }
  return {
    stack: ctx.stack,
    status: "passed",
    message: `terraform test passed${tally}`,
    timings,
    initCached: init.cached,
  };
}
