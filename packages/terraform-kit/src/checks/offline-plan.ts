import * as fs from "node:fs";
import * as path from "node:path";
import { assertNoDataSources, OFFLINE_OVERRIDE_FILE, OfflinePlanError, offlineOverride } from "./offline-override";
import { parsePlanJson } from "../plan/plan-json";
import { formatPlanCounts, planCounts } from "../plan/plan-summary";
import { ensureInit, outputLines, readWorkingStack, StackCheckContext, StackResult, withInit } from "./stack-check";
import { runTerraform } from "../terraform/terraform";
import { prepareWorkingCopy } from "./working-copy";

/** Saved plan of the offline plan, in the working copy. */
export const PLAN_FILE = "plan.out";

/** JSON rendering of the saved plan (`terraform show -json`), in the working copy. */
export const PLAN_JSON_FILE = "plan.json";

/**
 * Plans the stack with no AWS account: refuses stacks with data sources, writes
 * the offline override into the working copy, then `terraform init -reconfigure`
 * (when needed), `terraform plan -out=plan.out -input=false -lock=false` and
 * `terraform show -json plan.out` into `plan.json`.
 */
export async function planStack(ctx: StackCheckContext): Promise<StackResult> {
  prepareWorkingCopy(ctx.sourceDir, ctx.workDir);
  for (const file of [PLAN_FILE, PLAN_JSON_FILE]) {
    fs.rmSync(path.join(ctx.workDir, file), { force: true });
  }
  const json = readWorkingStack(ctx);
  try {
    assertNoDataSources(ctx.stack, json);
  } catch (error) {
    if (error instanceof OfflinePlanError) {
      ctx.log(error.message);
      return { stack: ctx.stack, status: "failed", message: error.message, timings: {} };
    }
    throw error;
  }
  fs.writeFileSync(
    path.join(ctx.workDir, OFFLINE_OVERRIDE_FILE),
    `${JSON.stringify(offlineOverride(json), null, 2)}\n`,
  );
  const init = await ensureInit(ctx, json, true);
  if (!init.ok) {
    return { stack: ctx.stack, status: "failed", message: "terraform init failed", timings: withInit(init, {}) };
  }
  const run = { cwd: ctx.workDir, env: ctx.env, binary: ctx.binary };
  const plan = await runTerraform(["plan", `-out=${PLAN_FILE}`, "-input=false", "-lock=false", "-no-color"], run);
  if (plan.code !== 0) {
    outputLines(plan).forEach((line) => ctx.log(line));
    const timings = withInit(init, { plan: plan.durationMs });
    return { stack: ctx.stack, status: "failed", message: "terraform plan failed", timings, initCached: init.cached };
  }
  const warningAt = plan.stdout.split("\n").findIndex((line) => line.startsWith("Warning:"));
  if (warningAt >= 0) {
    plan.stdout
      .replace(/\s+$/, "")
      .split("\n")
      .slice(warningAt)
      .forEach((line) => ctx.log(line));
  }
  const show = await runTerraform(["show", "-json", "-no-color", PLAN_FILE], run);
  const timings = withInit(init, { plan: plan.durationMs, show: show.durationMs });
  if (show.code !== 0) {
    outputLines(show).forEach((line) => ctx.log(line));
    return { stack: ctx.stack, status: "failed", message: "terraform show failed", timings, initCached: init.cached };
  }
  const planJsonFile = path.join(ctx.workDir, PLAN_JSON_FILE);
  fs.writeFileSync(planJsonFile, show.stdout);
  const counts = planCounts(parsePlanJson(show.stdout));
  return {
    stack: ctx.stack,
    status: "passed",
    message: `${formatPlanCounts(counts)} (${planJsonFile})`,
    timings,
    initCached: init.cached,
  };
}
