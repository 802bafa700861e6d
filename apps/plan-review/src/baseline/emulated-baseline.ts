import * as fs from "node:fs";
import * as path from "node:path";
import {
  EMULATOR_ARTIFACTS,
  EMULATOR_OVERRIDE_FILE,
  Emulator,
  EmulatorRoutes,
  StepError,
  Workspace,
  changesOf,
  childEnv,
  createWorkspace,
  emulatorOverride,
  ensureCertificate,
  findMotoPython,
  makeTempDir,
  planJson,
  removeTempDir,
  runLogged,
  stackAccounts,
  stackDir,
  startEmulator,
  stepFailure,
  terraform,
  transientEmulatorError,
  unexplainedChanges,
} from "@ssm-access/aws-emulator";
import { PlanJson, STACK_FILE, StackJson, lastLines, readStackJson } from "@ssm-access/terraform-kit";
import { managedDrift } from "../managed-drift";
import { preventDestroyRefusals } from "../report/apply-failures";
import { BaseCheckout, checkoutBase, linkDependencies, transpileProjects } from "./base-checkout";
import {
  LIFECYCLE_WAIT_OVERRIDE_FILE,
  dependsOnLifecycle,
  lifecycleWaitOverride,
  lifecycleWaitTimeouts,
} from "./lifecycle-wait";

/** What an emulated-baseline review plans. */
export interface EmulatedBaselineOptions {
  /** The repository root (holds `apps/infra` and `node_modules`). */
  readonly repoRoot: string;
  /** The environment stack, e.g. `prod`. */
  readonly stack: string;
  /** The git ref of the baseline (`main`, a sha). */
  readonly baseRef: string;
  /** The head's environment files. @default `apps/infra/environments` of the working tree */
  readonly environmentsDir?: string;
  /** Progress lines (to stderr in the CLI). @default none */
  readonly log?: (line: string) => void;
}

/** One side of the comparison: its synthesized stack and its environment file. */
export interface PlannedSide {
  /** The synthesized `cdk.tf.json`. */
  readonly stackJson: unknown;
  /** The environment file, repo-relative, and its content; absent when that side has no such environment. */
  readonly environment?: { readonly file: string; readonly json: unknown };
}

/** The result: a real Terraform update plan of the head against the deployed base. */
export interface EmulatedBaselinePlan {
  /** `terraform show -json` of the head's plan, emulator artifacts made no-ops. */
  readonly plan: PlanJson;
  readonly base: PlannedSide & { readonly ref: string; readonly sha: string };
  readonly head: PlannedSide;
  /** Addresses whose only difference is an emulator artifact (left out of the plan as no-ops). */
  readonly artifactsLeftOut: readonly string[];
  /**
   * Addresses whose `lifecycle.prevent_destroy` made the plan fail; the plan
   * was then made again with their guard lifted (an override file), to say why.
   */
  readonly preventDestroyRefused: readonly string[];
  /** Seconds spent per step. */
  readonly timings: Readonly<Record<string, number>>;
}

const STATE_FILE = "terraform.tfstate";

/**
 * The override that sends a stack to the emulator with a local state file
 * shared by the base's and the head's folders: the base applies into it, the
 * head plans against it. The stack's own backend (S3) is replaced, so no
 * state bucket is needed.
 */
export function baselineOverride(
  stack: string,
  stackJson: StackJson,
  routes: EmulatorRoutes,
  statePath: string,
): Record<string, unknown> {
  const override = emulatorOverride(stack, stackJson, routes);
  return { ...override, terraform: { backend: { local: { path: statePath } } } };
}

/**
 * The plan with every change that only an emulator artifact explains turned
 * into a no-op, and its drift reduced to what the configuration manages
 * ({@link managedDrift}), emulator artifacts left out.
 */
export function withoutEmulatorArtifacts(plan: PlanJson): { plan: PlanJson; leftOut: string[] } {
  const changes = changesOf(plan);
  const unexplained = new Set(unexplainedChanges(changes, EMULATOR_ARTIFACTS).map((c) => c.address));
  const leftOut = changes.filter((c) => !unexplained.has(c.address)).map((c) => c.address);
  const resource_changes = (plan.resource_changes ?? []).map((rc) =>
    leftOut.includes(rc.address)
      ? { ...rc, change: { ...rc.change, actions: ["no-op"], after: rc.change.before } }
      : rc,
  );
  return { plan: managedDrift({ ...plan, resource_changes }, true), leftOut };
}

/** Seconds spent per step, and the function that times a step into them. */
function stepTimer(): {
  readonly timings: Record<string, number>;
  readonly timed: <T>(step: string, run: () => Promise<T> | T) => Promise<T>;
} {
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, run: () => Promise<T> | T): Promise<T> => {
    const started = Date.now();
    try {
      return await run();
    } finally {
      timings[step] = (Date.now() - started) / 1000;
    }
  };
  return { timings, timed };
}

/** What one run starts and makes: stopped and removed when it ends, and on interrupt. */
interface RunResources {
  /** The temporary folder of the run. */
  readonly root: string;
  /** The emulators started. */
  readonly emulators: Emulator[];
  /** The base commit's worktree, once checked out. */
  checkout?: BaseCheckout;
}

/** Runs `work` with the resources of a run, and stops and removes them on success, failure and SIGINT/SIGTERM. */
async function withRunResources<T>(work: (resources: RunResources) => Promise<T>): Promise<T> {
  const resources: RunResources = { root: makeTempDir("ssm-access-review-"), emulators: [] };
  const cleanup = async () => {
    await Promise.all(resources.emulators.map((e) => e.stop()));
    resources.checkout?.remove();
    removeTempDir(resources.root);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanup().finally(() => process.kill(process.pid, signal));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await work(resources);
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await cleanup();
  }
}

/** A run of {@link planAgainstEmulatedBaseline}: its options, resources, timer and log. */
interface BaselineRun {
  readonly options: EmulatedBaselineOptions;
  readonly resources: RunResources;
  readonly timed: ReturnType<typeof stepTimer>["timed"];
  readonly log: (line: string) => void;
}

/** The environment files of both sides, and the base commit checked out and built. */
interface Sources {
  readonly base: BaseCheckout;
  readonly headAppDir: string;
  readonly environmentsDir: string;
  readonly headEnvFile: string;
  /** Repository-relative path of the base's environment file. */
  readonly baseEnvRel: string;
  readonly baseEnvFile: string;
  /** Whether the base commit has the environment at all. */
  readonly baseHasStack: boolean;
}

/** Checks the head's environment file exists, then checks the base out and builds it (step 1). */
async function prepareSources(run: BaselineRun): Promise<Sources> {
  const { stack, repoRoot, baseRef } = run.options;
  const headAppDir = path.join(repoRoot, "apps", "infra");
  const environmentsDir = run.options.environmentsDir ?? path.join(headAppDir, "environments");
  const headEnvFile = path.join(environmentsDir, `${stack}.json`);
  if (!fs.existsSync(headEnvFile)) throw new StepError(stack, "review", `  ${headEnvFile} does not exist`);

  run.log(`checking out ${baseRef} and building it...`);
  const base = await run.timed("checkout", () =>
    checkoutBase(repoRoot, baseRef, path.join(run.resources.root, "base")),
  );
  run.resources.checkout = base;
  await run.timed("build base", () => {
    linkDependencies(repoRoot, base.dir);
    transpileProjects(base.dir);
  });
  const baseEnvRel = path.join("apps", "infra", "environments", `${stack}.json`);
  const baseEnvFile = path.join(base.dir, baseEnvRel);
  return {
    base,
    headAppDir,
    environmentsDir,
    headEnvFile,
    baseEnvRel,
    baseEnvFile,
    baseHasStack: fs.existsSync(baseEnvFile),
  };
}

/** Both sides synthesized: the head's stack folder and JSON, the base's when it has the stack. */
interface Synthesized {
  /** The workspace of the run without emulators (synth, init). */
  readonly offlineWs: Workspace;
  readonly python: string;
  readonly certificateFile: string;
  readonly headDir: string;
  readonly headJson: StackJson;
  readonly baseDir?: string;
  readonly baseJson: StackJson;
}

/** Synthesizes the base and the head (step 2). */
async function synthesizeSides(run: BaselineRun, sources: Sources): Promise<Synthesized> {
  const { stack, repoRoot, baseRef } = run.options;
  const { root } = run.resources;
  const { python } = findMotoPython();
  const certificateFile = ensureCertificate(path.join(root, "tls"), python);
  const synthWs = createWorkspace(repoRoot, root, {}, certificateFile);
  run.log(`synthesizing ${stack} at ${baseRef} (${sources.base.sha.slice(0, 7)}) and in the working tree...`);
  const [baseOut, headOut] = await run.timed("synth", () =>
    Promise.all([
      sources.baseHasStack
        ? synthApp(synthWs, path.join(sources.base.dir, "apps", "infra"), stack, path.join(root, "out", "base"))
        : Promise.resolve(undefined),
      synthApp(synthWs, sources.headAppDir, stack, path.join(root, "out", "head"), sources.environmentsDir),
    ]),
  );
  const headDir = stackDir(headOut, stack);
  const baseDir = baseOut === undefined ? undefined : stackDir(baseOut, stack);
  return {
    offlineWs: synthWs,
    python,
    certificateFile,
    headDir,
    headJson: readStackJson(path.join(headDir, STACK_FILE)),
    ...(baseDir === undefined ? {} : { baseDir }),
    baseJson: baseDir === undefined ? {} : readStackJson(path.join(baseDir, STACK_FILE)),
  };
}

/** Starts one emulator per account of the stacks (step 3); returns the workspace pointed at them. */
async function startEmulators(run: BaselineRun, sides: Synthesized): Promise<Workspace> {
  const { stack, repoRoot } = run.options;
  const { root, emulators } = run.resources;
  const accounts = [
    ...new Set([
      ...stackAccounts(stack, sides.headJson),
      ...(sides.baseDir ? stackAccounts(stack, sides.baseJson) : []),
    ]),
  ].sort();
  await run.timed("start emulator", async () => {
    for (const accountId of accounts)
      emulators.push(
        await startEmulator({
          accountId,
          logDir: path.join(root, "logs"),
          tlsDir: path.join(root, "tls"),
          python: sides.python,
        }),
      );
  });
  const endpoints = Object.fromEntries(emulators.map((e) => [e.accountId, e.endpoint]));
  return createWorkspace(repoRoot, root, endpoints, sides.certificateFile);
}

/** The local state file the base's apply writes and the head's plan reads. */
function statePathOf(run: BaselineRun): string {
  const statePath = path.join(run.resources.root, "state", STATE_FILE);
  fs.mkdirSync(path.dirname(statePath), { recursive: true });
  return statePath;
}

/**
 * `terraform init` of the base's folder (the head's when the base has no such
 * stack; the head reuses the base's otherwise), which needs no emulator: it
 * runs while they start, with an override that declares only the local
 * backend; the full override, written once the emulators answer, declares the
 * same backend.
 */
async function initFirstFolder(run: BaselineRun, sides: Synthesized): Promise<void> {
  const { stack } = run.options;
  const dir = sides.baseDir ?? sides.headDir;
  const backend = { terraform: { backend: { local: { path: statePathOf(run) } } } };
  fs.writeFileSync(path.join(dir, EMULATOR_OVERRIDE_FILE), `${JSON.stringify(backend, null, 2)}\n`);
  const step = sides.baseDir === undefined ? "init head" : "init base";
  await run.timed(step, () => terraform(sides.offlineWs, dir, stack, ["init", "-input=false"], step));
}

/**
 * Applies the base into the emulators (step 3) and plans the head against
 * it (step 4), both with a local state file they share.
 */
async function deployBaseAndPlanHead(run: BaselineRun, sides: Synthesized, ws: Workspace, baseSha: string) {
  const { stack } = run.options;
  const statePath = statePathOf(run);
  const writeOverride = (dir: string, json: StackJson) =>
    fs.writeFileSync(
      path.join(dir, EMULATOR_OVERRIDE_FILE),
      `${JSON.stringify(baselineOverride(stack, json, ws, statePath), null, 2)}\n`,
    );

  writeOverride(sides.headDir, sides.headJson);
  const baseDir = sides.baseDir;
  if (baseDir !== undefined) {
    writeOverride(baseDir, sides.baseJson);
    run.log(`deploying ${stack} at ${baseSha.slice(0, 7)} into the emulator...`);
    await run.timed("deploy base", () => applyBase(ws, baseDir, stack, sides.baseJson));
    copyInit(baseDir, sides.headDir);
  }
  run.log(`planning the working tree's ${stack} against it...`);
  return run.timed("plan", () => planLiftingGuards(run, ws, sides.headDir, stack));
}

/**
 * The head is planned without a refresh: the state is what the base's apply
 * (and the import of its lifecycle configurations) read back moments
 * before, from an emulator nothing else changes, so a refresh would read the
 * same values again, one call per resource.
 */
export const HEAD_PLAN_ARGS: readonly string[] = ["-refresh=false"];

/** The override file that lifts `prevent_destroy` of the given resources for one plan. */
export const LIFT_GUARDS_OVERRIDE_FILE = "zz_review_lift_guards_override.tf.json";

/** An override lifting `lifecycle.prevent_destroy` of each address (`aws_s3_bucket.x`, an instance key dropped). */
export function liftGuardsOverride(addresses: readonly string[]): Record<string, unknown> {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const address of addresses) {
    const [type, name] = address.replace(/\[.*$/, "").split(".");
    resource[type] = { ...resource[type], [name]: { lifecycle: { prevent_destroy: false } } };
  }
  return { resource };
}

/**
 * Plans the head; when Terraform refuses because of `prevent_destroy`
 * ("Instance cannot be destroyed"), plans again with those guards lifted by
 * an override file (removed afterwards), so that the review can say what
 * would be destroyed and why. Any other failure is thrown as it is.
 */
async function planLiftingGuards(
  run: BaselineRun,
  ws: Workspace,
  dir: string,
  stack: string,
): Promise<{ plan: PlanJson; preventDestroyRefused: string[] }> {
  try {
    return { plan: await planJson(ws, dir, stack, "plan head", HEAD_PLAN_ARGS), preventDestroyRefused: [] };
  } catch (e) {
    const logFile = path.join(ws.root, "logs", `${stack}-plan-head.log`);
    const refused = fs.existsSync(logFile) ? preventDestroyRefusals(fs.readFileSync(logFile, "utf8")) : [];
    if (refused.length === 0) throw e;
    run.log(
      `prevent_destroy refused the plan (${refused.join(", ")}); planning again with the guard lifted, to say why...`,
    );
    const override = path.join(dir, LIFT_GUARDS_OVERRIDE_FILE);
    fs.writeFileSync(override, `${JSON.stringify(liftGuardsOverride(refused), null, 2)}\n`);
    try {
      return {
        plan: await planJson(ws, dir, stack, "plan head without guards", HEAD_PLAN_ARGS),
        preventDestroyRefused: refused,
      };
    } finally {
      fs.rmSync(override, { force: true });
    }
  }
}

/**
 * Plans the working tree's stack against its base commit deployed into a
 * local AWS API emulator, with no AWS credentials:
 * 1. checks the base out in a temporary git worktree, links the installed
 *    dependencies into it and compiles it (no type check);
 * 2. synthesizes the base and the head (the working tree, or `environmentsDir`);
 * 3. starts one emulator per account of the stacks, applies the base into it;
 * 4. plans the head against that state.
 * Everything it starts is stopped, and every folder it makes removed, on
 * success, failure and interrupt.
 */
export async function planAgainstEmulatedBaseline(options: EmulatedBaselineOptions): Promise<EmulatedBaselinePlan> {
  const { timings, timed } = stepTimer();
  return withRunResources(async (resources) => {
    const run: BaselineRun = { options, resources, timed, log: options.log ?? (() => undefined) };
    const sources = await prepareSources(run);
    const sides = await synthesizeSides(run, sources);
    const [emulated, initialized] = await Promise.allSettled([startEmulators(run, sides), initFirstFolder(run, sides)]);
    if (emulated.status === "rejected") throw emulated.reason;
    if (initialized.status === "rejected") throw initialized.reason;
    const ws = emulated.value;
    const planned = await deployBaseAndPlanHead(run, sides, ws, sources.base.sha);
    const { plan, leftOut } = withoutEmulatorArtifacts(planned.plan);
    return {
      plan,
      base: {
        ref: options.baseRef,
        sha: sources.base.sha,
        stackJson: sides.baseJson,
        ...(sources.baseHasStack
          ? { environment: { file: sources.baseEnvRel, json: readJson(sources.baseEnvFile) } }
          : {}),
      },
      head: {
        stackJson: sides.headJson,
        environment: { file: repoRelative(options.repoRoot, sources.headEnvFile), json: readJson(sources.headEnvFile) },
      },
      artifactsLeftOut: leftOut,
      preventDestroyRefused: planned.preventDestroyRefused,
      timings,
    };
  });
}

/** `node <app>/dist/main.js --env <stack> --outdir <out>`: the app's own synth, of either commit. */
async function synthApp(
  ws: Workspace,
  appDir: string,
  stack: string,
  out: string,
  environmentsDir?: string,
): Promise<string> {
  const args = [path.join(appDir, "dist", "main.js"), "--env", stack, "--outdir", out];
  if (environmentsDir) args.push("--environments-dir", environmentsDir);
  const env = childEnv(ws);
  delete env.SSM_ACCESS_TERRAFORM_OVERRIDES;
  const result = await runLogged(process.execPath, args, {
    cwd: appDir,
    env,
    logFile: path.join(ws.root, "logs", `synth-${path.basename(out)}.log`),
  });
  if (result.code !== 0) {
    throw new StepError(stack, `synth (${path.basename(out)})`, lastLines(result.output, 20), result.logFile);
  }
  return out;
}

/**
 * Applies the base (retrying once after an emulator's transient error),
 * without the provider's wait after each lifecycle configuration it creates:
 * see `lifecycle-wait.ts`.
 */
export async function applyBase(ws: Workspace, dir: string, stack: string, json: StackJson): Promise<void> {
  const override = lifecycleWaitOverride(json);
  if (override !== undefined)
    fs.writeFileSync(path.join(dir, LIFECYCLE_WAIT_OVERRIDE_FILE), `${JSON.stringify(override, null, 2)}\n`);
  const args = ["apply", "-auto-approve", "-input=false", "-lock-timeout=60s"];
  let retried = false;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const step = attempt === 1 ? "deploy base" : "deploy base again";
    const result = await terraform(ws, dir, stack, args, step, true);
    if (result.code === 0) return;
    const { timedOut, otherErrors } = lifecycleWaitTimeouts(result.output);
    for (const { address, bucket } of timedOut)
      await terraform(
        ws,
        dir,
        stack,
        ["import", "-input=false", "-lock-timeout=60s", address, bucket],
        `import ${address}`,
      );
    if (otherErrors.length === 0 && timedOut.length > 0) {
      // Resources that wait for a lifecycle configuration were left out: the next apply creates them.
      if (!dependsOnLifecycle(json)) return;
      continue;
    }
    if (!retried && otherErrors.length > 0 && transientEmulatorError(otherErrors.join("\n")) !== undefined) {
      retried = true;
      continue;
    }
    throw stepFailure(stack, step, result);
  }
  throw new StepError(stack, "deploy base", "  three applies did not complete the base");
}

/** Gives `to` the initialized providers and lock file of `from` (the same stack, backend and providers). */
function copyInit(from: string, to: string): void {
  fs.cpSync(path.join(from, ".terraform"), path.join(to, ".terraform"), { recursive: true });
  fs.copyFileSync(path.join(from, ".terraform.lock.hcl"), path.join(to, ".terraform.lock.hcl"));
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function repoRelative(repoRoot: string, file: string): string {
  const rel = path.relative(repoRoot, file);
  return rel.startsWith("..") ? file : rel.split(path.sep).join("/");
}
