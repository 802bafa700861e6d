import * as fs from "node:fs";
import * as path from "node:path";
import {
  EMULATOR_ARTIFACTS,
  EMULATOR_OVERRIDE_FILE,
  Emulator,
  PlanJson,
  Workspace,
  changesOf,
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
  terraform,
  terraformErrors,
  transientEmulatorError,
  unexplainedChanges,
  StepError,
  childEnv,
} from "@ssm-access/aws-emulator";
import { managedDrift } from "../managed-drift";
import { BaseCheckout, checkoutBase, linkDependencies, transpileProjects } from "./base-checkout";

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
  stackJson: unknown,
  endpoints: Readonly<Record<string, string>>,
  statePath: string,
): Record<string, unknown> {
  const override = emulatorOverride(stack, stackJson as Record<string, unknown>, endpoints);
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
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, run: () => Promise<T> | T): Promise<T> => {
    const started = Date.now();
    try {
      return await run();
    } finally {
      timings[step] = (Date.now() - started) / 1000;
    }
  };
  const root = makeTempDir("ssm-access-review-");
  const emulators: Emulator[] = [];
  let checkout: BaseCheckout | undefined;
  const cleanup = async () => {
    await Promise.all(emulators.map((e) => e.stop()));
    checkout?.remove();
    removeTempDir(root);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    void cleanup().finally(() => process.kill(process.pid, signal));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const { stack, repoRoot } = options;
    const headAppDir = path.join(repoRoot, "apps", "infra");
    const environmentsDir = options.environmentsDir ?? path.join(headAppDir, "environments");
    const headEnvFile = path.join(environmentsDir, `${stack}.json`);
    if (!fs.existsSync(headEnvFile)) throw new StepError(stack, "review", `  ${headEnvFile} does not exist`);

    log(`checking out ${options.baseRef} and building it...`);
    checkout = await timed("checkout", () => checkoutBase(repoRoot, options.baseRef, path.join(root, "base")));
    const base = checkout;
    await timed("build base", () => {
      linkDependencies(repoRoot, base.dir);
      transpileProjects(base.dir);
    });
    const baseEnvRel = path.join("apps", "infra", "environments", `${stack}.json`);
    const baseEnvFile = path.join(base.dir, baseEnvRel);
    const baseHasStack = fs.existsSync(baseEnvFile);

    const { python } = findMotoPython();
    const certificateFile = ensureCertificate(path.join(root, "tls"), python);
    const synthWs = createWorkspace(repoRoot, root, {}, certificateFile);
    log(`synthesizing ${stack} at ${options.baseRef} (${base.sha.slice(0, 7)}) and in the working tree...`);
    const [baseOut, headOut] = await timed("synth", () =>
      Promise.all([
        baseHasStack
          ? synthApp(synthWs, path.join(base.dir, "apps", "infra"), stack, path.join(root, "out", "base"))
          : Promise.resolve(undefined),
        synthApp(synthWs, headAppDir, stack, path.join(root, "out", "head"), environmentsDir),
      ]),
    );
    const headDir = stackDir(headOut as string, stack);
    const headJson = readJson(path.join(headDir, "cdk.tf.json"));
    const baseDir = baseOut === undefined ? undefined : stackDir(baseOut, stack);
    const baseJson = baseDir === undefined ? {} : readJson(path.join(baseDir, "cdk.tf.json"));

    const accounts = [
      ...new Set([
        ...stackAccounts(stack, headJson as never),
        ...(baseDir ? stackAccounts(stack, baseJson as never) : []),
      ]),
    ].sort();
    await timed("start emulator", async () => {
      for (const accountId of accounts)
        emulators.push(
          await startEmulator({ accountId, logDir: path.join(root, "logs"), tlsDir: path.join(root, "tls"), python }),
        );
    });
    const endpoints = Object.fromEntries(emulators.map((e) => [e.accountId, e.endpoint]));
    const ws = createWorkspace(repoRoot, root, endpoints, certificateFile);
    const statePath = path.join(root, "state", STATE_FILE);
    fs.mkdirSync(path.dirname(statePath), { recursive: true });
    const writeOverride = (dir: string, json: unknown) =>
      fs.writeFileSync(
        path.join(dir, EMULATOR_OVERRIDE_FILE),
        `${JSON.stringify(baselineOverride(stack, json, endpoints, statePath), null, 2)}\n`,
      );

    writeOverride(headDir, headJson);
    if (baseDir !== undefined) {
      writeOverride(baseDir, baseJson);
      log(`deploying ${stack} at ${base.sha.slice(0, 7)} into the emulator...`);
      await timed("deploy base", async () => {
        await terraform(ws, baseDir, stack, ["init", "-input=false"], "init base");
        await applyWithRetry(ws, baseDir, stack);
      });
      copyInit(baseDir, headDir);
    } else {
      await timed("init head", () => terraform(ws, headDir, stack, ["init", "-input=false"], "init head"));
    }
    log(`planning the working tree's ${stack} against it...`);
    const raw = await timed("plan", () => planJson(ws, headDir, stack, "plan head"));
    const { plan, leftOut } = withoutEmulatorArtifacts(raw);
    return {
      plan,
      base: {
        ref: options.baseRef,
        sha: base.sha,
        stackJson: baseJson,
        ...(baseHasStack ? { environment: { file: baseEnvRel, json: readJson(baseEnvFile) } } : {}),
      },
      head: {
        stackJson: headJson,
        environment: { file: repoRelative(repoRoot, headEnvFile), json: readJson(headEnvFile) },
      },
      artifactsLeftOut: leftOut,
      timings,
    };
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await cleanup();
  }
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
    throw new StepError(
      stack,
      `synth (${path.basename(out)})`,
      result.output
        .trim()
        .split("\n")
        .slice(-20)
        .map((l) => `  ${l}`)
        .join("\n"),
      result.logFile,
    );
  }
  return out;
}

async function applyWithRetry(ws: Workspace, dir: string, stack: string): Promise<void> {
  const args = ["apply", "-auto-approve", "-input=false", "-lock-timeout=60s"];
  const first = await terraform(ws, dir, stack, args, "deploy base", true);
  if (first.code === 0) return;
  if (transientEmulatorError(first.output) !== undefined) {
    await terraform(ws, dir, stack, args, "deploy base again");
    return;
  }
  const errors = terraformErrors(first.output);
  const details =
    errors.length > 0
      ? errors.map((e) => `  - ${e}`).join("\n")
      : first.output
          .trim()
          .split("\n")
          .slice(-15)
          .map((l) => `    ${l}`)
          .join("\n");
  throw new StepError(stack, "deploy base", details, first.logFile);
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
