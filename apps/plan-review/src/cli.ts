#!/usr/bin/env node
/**
 * `plan-review review --stack=<env> (--base=<ref> | --plan=<file>)`,
 * `plan-review plan --stack=<env>`, `plan-review apply --stack=<env> --plan=<file>`
 * `plan-review environments [--affected --base=<ref>] [--json]`, `plan-review
 * upgrade-check` and `plan-review release-gate`, run as
 * the `plan-review` bin from the workspace or any folder inside it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CliIo,
  EXIT_ERROR,
  STACK_OPTIONS,
  STACK_OPTIONS_USAGE,
  UsageError,
  appDirOf,
  parseCommandLine,
  processIo,
  rejectOptions,
  runCli,
  runMain,
  stackTarget,
} from "@ssm-access/terraform-kit";
import { EXIT_REFUSED, applyCommand } from "./apply/apply-plan";
import { planAgainstEmulatedBaseline } from "./baseline/emulated-baseline";
import { affectedEnvironments, changedFiles, ciCan, ciEnvironments } from "./ci/environments";
import { destroyedBuckets, readBucketContents } from "./bucket-contents";
import { planWithCredentials, readSavedPlan } from "./saved-plan";
import { DEFAULT_FAIL_ON, FailOn, Review, ReviewInput, buildReview, exitCodeOf, renderMarkdown } from "./report";
import { costIncreaseExceeds, splitCostIncrease } from "./report/cost";
import { UPGRADE_USAGE, isUpgradeCommand, parseUpgradeCommand, runUpgradeCommand } from "./upgrade/commands";

export const USAGE = `Usage:
  plan-review review --stack=<env> --base=<git ref> [options]   plan the working tree against <ref> deployed into a local AWS emulator (no credentials)
  plan-review review --stack=<env> --plan=<file> [options]      review a plan saved against real AWS (by \`plan\`, or \`terraform show -json\` output)
  plan-review plan --stack=<env> [--app=<dir>]                 synthesize and \`terraform plan -out\` with your credentials; keeps the plan file
${UPGRADE_USAGE}

Options:
${STACK_OPTIONS_USAGE}

Options of review:
  --fail-on=<list>          which findings exit 3: destroy,replace,security,drift,change,apply-failure,data-loss,
                            or none (default: ${DEFAULT_FAIL_ON.join(",")})
  --out-dir=<dir>           where <stack>.md and <stack>.json go (default: <app>/.review)
  --max-chars=<n>           Markdown size limit (default: 65000, under GitHub's comment limit)
  --fail-on=cost-increase=<USD>  also exit 3 when the monthly fixed cost rises by more than <USD>
                            (with other kinds: --fail-on=destroy,replace,security,cost-increase=50)
  --base-app=<dir>          with --plan: the app folder of the revision the state was deployed from, synthesized
                            (<dir>/environments/<env>.json, <dir>/cdktf.out/stacks/<env>/cdk.tf.json): each change is
                            traced to the field that changed, and what the plan deletes or renames is named
  --skip-bucket-read        with --plan: do not read (through the S3 API, with your credentials) whether the buckets
                            the plan destroys hold objects; the review then says "if it holds objects"

Exit codes of review: 0 no changes, 2 changes, 3 a finding of --fail-on, 1 an error, 64 a wrong command line.
Exit codes of plan: 0 the plan is saved, 1 an error, 64 a wrong command line.
Exit codes of apply: 0 applied, ${EXIT_REFUSED} refused with nothing changed (a stale plan, another stack, commit or synth), 1 an error (the apply may be partial), 64 a wrong command line.
Exit codes of environments: 0 listed, 1 an error, 64 a wrong command line.`;

const FAIL_ON: readonly FailOn[] = ["destroy", "replace", "security", "drift", "change", "apply-failure", "data-loss"];

/** The parsed command line. */
export type Command =
  | {
      readonly command: "review";
      readonly stack: string;
      readonly base?: string;
      readonly plan?: string;
      readonly appDir: string;
      readonly environmentsDir: string;
      readonly failOn: readonly FailOn[];
      /** `--fail-on cost-increase=<USD>`: the monthly fixed delta that fails the review. */
      readonly costIncrease?: number;
      readonly outDir: string;
      readonly maxChars: number;
      /** With `plan`: the base revision's synthesized app folder. */
      readonly baseApp?: string;
      /** With `plan`: leave the buckets the plan destroys unread. */
      readonly skipBucketRead: boolean;
    }
  | {
      readonly command: "plan";
      readonly stack: string;
      readonly appDir: string;
      readonly environmentsDir: string;
      readonly refreshOnly: boolean;
    }
  | {
      readonly command: "apply";
      readonly stack: string;
      readonly plan: string;
      readonly appDir: string;
      readonly environmentsDir: string;
    }
  | {
      readonly command: "environments";
      readonly base?: string;
      readonly role?: "plan" | "apply";
      readonly json: boolean;
      readonly appDir: string;
      readonly environmentsDir: string;
    };

/** Parses `argv` (without node and the script), paths resolved from `cwd`; throws a {@link UsageError}. */
export function parseCommand(argv: readonly string[], cwd: string): Command {
  const { command, values } = parseCommandLine(argv, {
    commands: ["review", "plan", "apply", "environments"],
    options: {
      ...STACK_OPTIONS,
      affected: { type: "boolean" },
      role: { type: "string" },
      "refresh-only": { type: "boolean" },
      json: { type: "boolean" },
      base: { type: "string" },
      plan: { type: "string" },
      "fail-on": { type: "string" },
      "out-dir": { type: "string" },
      "max-chars": { type: "string" },
      "base-app": { type: "string" },
      "skip-bucket-read": { type: "boolean" },
    },
  });
  if (command === "environments") {
    rejectOptions(
      values,
      ["stack", "plan", "fail-on", "out-dir", "max-chars", "base-app", "skip-bucket-read"],
      "environments",
      "review",
    );
    if (values.affected === true && values.base === undefined)
      throw new UsageError("--affected needs --base=<git ref>: the commit the change is compared with");
    if (values.affected !== true && values.base !== undefined)
      throw new UsageError("--base=<git ref> of environments goes with --affected");
    if (values.role !== undefined && values.role !== "plan" && values.role !== "apply")
      throw new UsageError(`--role "${values.role}": use plan or apply`);
    const appDir = appDirOf(values.app, cwd);
    return {
      command,
      ...(values.base !== undefined ? { base: values.base } : {}),
      ...(values.role !== undefined ? { role: values.role } : {}),
      json: values.json === true,
      appDir,
      environmentsDir: path.resolve(cwd, values["environments-dir"] ?? path.join(appDir, "environments")),
    };
  }
  rejectOptions(values, ["affected", "json", "role"], command, "environments");
  if (command !== "plan") rejectOptions(values, ["refresh-only"], command, "plan");
  const { stack, appDir, environmentsDir } = stackTarget(values, cwd);
  if (command === "plan") {
    rejectOptions(
      values,
      ["base", "plan", "fail-on", "out-dir", "max-chars", "base-app", "skip-bucket-read"],
      "plan",
      "review",
    );
    return { command, stack, appDir, environmentsDir, refreshOnly: values["refresh-only"] === true };
  }
  if (command === "apply") {
    rejectOptions(
      values,
      ["base", "fail-on", "out-dir", "max-chars", "base-app", "skip-bucket-read"],
      "apply",
      "review",
    );
    if (values.plan === undefined) throw new UsageError("apply needs --plan=<file>: the reviewed plan it applies");
    return { command, stack, plan: path.resolve(cwd, values.plan), appDir, environmentsDir };
  }
  if ((values.base === undefined) === (values.plan === undefined))
    throw new UsageError("review needs exactly one of --base=<git ref> and --plan=<file>");
  if (values["base-app"] !== undefined && values.plan === undefined)
    throw new UsageError("--base-app goes with --plan (--base deploys its own base)");
  if (values["skip-bucket-read"] === true && values.plan === undefined)
    throw new UsageError("--skip-bucket-read goes with --plan (--base never reads real buckets)");
  const { rest: failOnKinds, threshold: costIncrease } = costIncreaseOption(values["fail-on"]);
  const failOn = parseFailOn(failOnKinds);
  const maxChars = values["max-chars"] === undefined ? 65000 : Number(values["max-chars"]);
  if (!Number.isInteger(maxChars) || maxChars < 1000)
    throw new UsageError(`--max-chars "${values["max-chars"]}" must be a whole number of at least 1000`);
  return {
    command,
    stack,
    ...(values.base !== undefined ? { base: values.base } : {}),
    ...(values.plan !== undefined ? { plan: path.resolve(cwd, values.plan) } : {}),
    appDir,
    environmentsDir,
    failOn,
    ...(costIncrease !== undefined ? { costIncrease } : {}),
    outDir: path.resolve(cwd, values["out-dir"] ?? path.join(appDir, ".review")),
    maxChars,
    ...(values["base-app"] !== undefined ? { baseApp: path.resolve(cwd, values["base-app"]) } : {}),
    skipBucketRead: values["skip-bucket-read"] === true,
  };
}

/** `cost-increase=<USD>` split out of `--fail-on` (./report/cost.ts); a wrong amount is a usage error. */
function costIncreaseOption(value: string | undefined): ReturnType<typeof splitCostIncrease> {
  try {
    return splitCostIncrease(value);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `destroy,replace` → the list; `none` → empty; unknown words are a usage error naming them. */
export function parseFailOn(value: string | undefined): readonly FailOn[] {
  if (value === undefined) return DEFAULT_FAIL_ON;
  const words = value
    .split(",")
    .map((w) => w.trim())
    .filter(Boolean);
  if (words.length === 1 && words[0] === "none") return [];
  const unknown = words.filter((w) => !FAIL_ON.includes(w as FailOn));
  if (unknown.length > 0 || words.length === 0) {
    throw new UsageError(
      `--fail-on "${value}": ${unknown.length ? `unknown ${unknown.join(", ")}; ` : ""}use ${FAIL_ON.join(",")} or none`,
    );
  }
  return words as FailOn[];
}

/** The repository root of the app folder (two levels up: `apps/infra`). */
function repoRootOf(appDir: string): string {
  return path.resolve(appDir, "..", "..");
}

/** Writes `<stack>.md` and `<stack>.json` into `outDir`; returns the Markdown. */
export function writeReview(
  review: Review,
  extra: Record<string, unknown>,
  outDir: string,
  maxChars: number,
): { markdown: string; files: string[] } {
  const markdown = renderMarkdown(review, { maxChars });
  fs.mkdirSync(outDir, { recursive: true });
  const md = path.join(outDir, `${review.stack}.md`);
  const json = path.join(outDir, `${review.stack}.json`);
  fs.writeFileSync(md, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  fs.writeFileSync(json, `${JSON.stringify({ ...review, ...extra }, null, 2)}\n`);
  return { markdown, files: [md, json] };
}

/** Builds the review input of the command (plans against the emulated baseline, or reads the saved plan). */
export async function reviewInput(
  command: Extract<Command, { command: "review" }>,
  io: CliIo,
): Promise<{ input: ReviewInput; extra: Record<string, unknown> }> {
  const repoRoot = repoRootOf(command.appDir);
  if (command.base !== undefined) {
    const result = await planAgainstEmulatedBaseline({
      repoRoot,
      stack: command.stack,
      baseRef: command.base,
      environmentsDir: command.environmentsDir,
      log: io.err,
    });
    const input: ReviewInput = {
      stack: command.stack,
      plan: result.plan,
      stackJson: result.head.stackJson,
      baseStackJson: result.base.stackJson,
      environment: result.head.environment ?? { file: `${command.stack}.json`, json: {} },
      ...(result.base.environment ? { baseEnvironment: result.base.environment } : {}),
      provenance: { kind: "emulated-baseline", base: `${result.base.ref} (${result.base.sha.slice(0, 7)})` },
      preventDestroyRefused: result.preventDestroyRefused,
      bucketContents: Object.fromEntries(
        destroyedBuckets(result.plan, "").map((b) => [
          b.name,
          { kind: "unread", reason: "the base is emulated, its buckets hold none of the real objects" },
        ]),
      ),
    };
    return { input, extra: { emulatorArtifactsLeftOut: result.artifactsLeftOut, timings: result.timings } };
  }
  const saved = await readSavedPlan(command.plan as string);
  const envFile = path.join(command.environmentsDir, `${command.stack}.json`);
  const environmentJson: unknown = JSON.parse(fs.readFileSync(envFile, "utf8"));
  const base = command.baseApp === undefined ? undefined : readBaseApp(command.baseApp, command.stack, repoRoot);
  const buckets = destroyedBuckets(saved.plan, regionOf(environmentJson));
  const bucketContents = command.skipBucketRead
    ? Object.fromEntries(buckets.map((b) => [b.name, { kind: "unread" as const, reason: "--skip-bucket-read" }]))
    : await readBucketContents(buckets);
  const input: ReviewInput = {
    stack: command.stack,
    plan: saved.plan,
    bucketContents,
    stackJson: saved.stackJson,
    ...(base ? { baseStackJson: base.stackJson, baseEnvironment: base.environment } : {}),
    environment: {
      file: path.relative(repoRoot, envFile).split(path.sep).join("/"),
      json: environmentJson,
    },
    provenance: {
      kind: "saved-plan",
      planFile: path
        .relative(repoRoot, command.plan as string)
        .split(path.sep)
        .join("/"),
    },
  };
  return { input, extra: {} };
}

/** The `region` of an environment file, or empty. */
function regionOf(environment: unknown): string {
  return typeof environment === "object" && environment !== null && "region" in environment
    ? String((environment as { region: unknown }).region)
    : "";
}

/** The base side of a saved plan's review, from the base revision's synthesized app folder (`--base-app`). */
export function readBaseApp(
  baseApp: string,
  stack: string,
  repoRoot: string,
): { stackJson: unknown; environment: { file: string; json: unknown } } {
  const envFile = path.join(baseApp, "environments", `${stack}.json`);
  const stackFile = path.join(baseApp, "cdktf.out", "stacks", stack, "cdk.tf.json");
  for (const file of [envFile, stackFile]) {
    if (!fs.existsSync(file))
      throw new Error(`--base-app ${baseApp}: ${file} is missing (synthesize the base revision: npm run synth)`);
  }
  return {
    stackJson: JSON.parse(fs.readFileSync(stackFile, "utf8")),
    environment: {
      file: path.relative(repoRoot, envFile).split(path.sep).join("/"),
      json: JSON.parse(fs.readFileSync(envFile, "utf8")),
    },
  };
}

/** The command: returns the exit code (see {@link USAGE}). */
export function main(argv: readonly string[], io: CliIo = processIo, cwd = process.cwd()): Promise<number> {
  if (isUpgradeCommand(argv))
    return runCli(
      {
        name: "plan-review",
        usage: USAGE,
        parse: (args) => parseUpgradeCommand(args, cwd, parseFailOn),
        run: (c) => runUpgradeCommand(c, io, cwd, (stack, base) => reviewShipped(stack, base, io, cwd)),
      },
      argv,
      io,
    );
  return runCli(
    { name: "plan-review", usage: USAGE, parse: (args) => parseCommand(args, cwd), run: (c) => run(c, io, cwd) },
    argv,
    io,
  );
}

async function run(command: Command, io: CliIo, cwd: string): Promise<number> {
  if (command.command === "environments") return listEnvironments(command, io);
  if (command.command === "apply") {
    const outcome = await applyCommand({
      repoRoot: repoRootOf(command.appDir),
      appDir: command.appDir,
      stack: command.stack,
      environmentsDir: command.environmentsDir,
      planFile: command.plan,
      log: io.err,
    });
    if (outcome.kind === "applied") {
      io.err(`applied ${path.relative(cwd, command.plan)} to ${command.stack}`);
      return 0;
    }
    if (outcome.kind === "refused") {
      io.err(`refused to apply ${path.relative(cwd, command.plan)} to ${command.stack}; nothing was changed:`);
      for (const reason of outcome.reasons) io.err(`  - ${reason}`);
      return EXIT_REFUSED;
    }
    io.err(outcome.message);
    return EXIT_ERROR;
  }
  if (command.command === "plan") {
    const result = await planWithCredentials({
      repoRoot: repoRootOf(command.appDir),
      appDir: command.appDir,
      stack: command.stack,
      environmentsDir: command.environmentsDir,
      refreshOnly: command.refreshOnly,
      log: io.err,
    });
    if (result.code === 0) {
      io.err(`plan saved: ${path.relative(cwd, result.planFile)}`);
      io.err(
        `review it: npx plan-review review --stack=${command.stack} --plan=${path.relative(cwd, result.planFile)}`,
      );
    }
    return result.code === 0 ? 0 : 1;
  }
  const started = Date.now();
  const { input, extra } = await reviewInput(command, io);
  const review = buildReview(input);
  const { markdown, files } = writeReview(
    review,
    { ...extra, seconds: (Date.now() - started) / 1000 },
    command.outDir,
    command.maxChars,
  );
  io.out(markdown.replace(/\n$/, ""));
  io.err(
    `review written: ${files.map((f) => path.relative(cwd, f)).join(", ")} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  const code = exitCodeOf(review, command.failOn);
  return costIncreaseExceeds(review.cost, command.costIncrease) ? 3 : code;
}

/** The review of a shipped environment planned against `base` deployed into the emulator (the release gate's). */
async function reviewShipped(stack: string, base: string, io: CliIo, cwd: string): Promise<Review> {
  const command = parseCommand(["review", `--stack=${stack}`, `--base=${base}`], cwd);
  if (command.command !== "review") throw new Error("unreachable");
  return buildReview((await reviewInput(command, io)).input);
}

/** `environments`: the list (one name a line, or JSON for a workflow matrix). */
function listEnvironments(command: Extract<Command, { command: "environments" }>, io: CliIo): number {
  const all = ciEnvironments(command.environmentsDir).filter(
    (e) => command.role === undefined || ciCan(e, command.role),
  );
  let selected = all;
  if (command.base !== undefined) {
    const repoRoot = repoRootOf(command.appDir);
    const rel = (dir: string) => path.relative(repoRoot, dir).split(path.sep).join("/");
    const names = affectedEnvironments(
      changedFiles(repoRoot, command.base),
      all.map((e) => e.name),
      { app: rel(command.appDir), environments: rel(command.environmentsDir) },
    );
    selected = all.filter((e) => names.includes(e.name));
  }
  if (command.json) io.out(JSON.stringify(selected));
  else
    for (const e of selected)
      io.out(
        `${e.name}\t${e.reviewAgainst}${e.runsIn === "hcp-terraform" ? `\truns in HCP Terraform (${e.hcpWorkspace})` : e.applyRoleArn ? "\tdeployed from CI" : ""}`,
      );
  return 0;
}

if (require.main === module) runMain(main);
