import { formatDiagnostic, parseValidateOutput } from "./diagnostics";
import { ensureInit, outputLines, readWorkingStack, StackCheckContext, StackResult, withInit } from "./stack-check";
import { runTerraform } from "../terraform/terraform";
import { prepareWorkingCopy } from "./working-copy";

/**
 * `terraform init` with the local backend (when needed) and `terraform validate -json`
 * on a fresh working copy of the stack. Prints every diagnostic; fails on errors.
 */
export async function validateStack(ctx: StackCheckContext): Promise<StackResult> {
  prepareWorkingCopy(ctx.sourceDir, ctx.workDir);
  const json = readWorkingStack(ctx);
  const init = await ensureInit(ctx, json, true);
  if (!init.ok) {
    return { stack: ctx.stack, status: "failed", message: "terraform init failed", timings: withInit(init, {}) };
  }
  const result = await runTerraform(["validate", "-json", "-no-color"], {
    cwd: ctx.workDir,
    env: ctx.env,
    binary: ctx.binary,
  });
  const timings = withInit(init, { validate: result.durationMs });
  const output = parseValidateOutput(result.stdout);
  if (output === undefined) {
    ctx.log(`terraform validate failed (exit ${result.code}):`);
    outputLines(result).forEach((line) => ctx.log(line));
    return {
      stack: ctx.stack,
      status: "failed",
      message: "terraform validate failed",
      timings,
      initCached: init.cached,
    };
  }
  output.diagnostics.flatMap(formatDiagnostic).forEach((line) => ctx.log(line));
  const warnings = output.warning_count > 0 ? `, ${output.warning_count} warning(s)` : "";
  if (!output.valid || result.code !== 0) {
    return {
      stack: ctx.stack,
      status: "failed",
      message: `invalid: ${output.error_count} error(s)${warnings}`,
      timings,
      initCached: init.cached,
    };
  }
  return { stack: ctx.stack, status: "passed", message: `valid${warnings}`, timings, initCached: init.cached };
}
