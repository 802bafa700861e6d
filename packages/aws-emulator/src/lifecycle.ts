import * as fs from "node:fs";
import * as path from "node:path";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import {
  Emulator,
  ensureCertificate,
  findMotoPython,
  keepTempDir,
  makeTempDir,
  removeTempDir,
  startEmulator,
} from "./moto";
import { EMULATOR_CREDENTIALS, providerAccount, s3Backend } from "./override";
import { sdkConfig } from "./sdk";
import { EMULATOR_ARTIFACTS } from "./allowlist";
import { Change, PlanJson, changesOf, describeChanges, unexplainedChanges } from "./plan";
import { closeProviderPools } from "./provider-pool";
import {
  StepError,
  Workspace,
  createWorkspace,
  outDir,
  runCdktf,
  stackDir,
  synth,
  terraform,
  writeOverride,
} from "./stack-run";

/** The stack that creates the state buckets (local state). */
export const STATE_BOOTSTRAP_STACK = "state-bootstrap";

/** A running emulated landscape: one emulator per account, a workspace, and the stacks' output folders. */
export interface Landscape {
  readonly ws: Workspace;
  readonly emulators: readonly Emulator[];
  /** The environments deployed, e.g. `["dev", "prod"]`. */
  readonly environments: readonly string[];
  /** Output folder of each stack (`cdktf --output`), by stack name. */
  readonly outs: Readonly<Record<string, string>>;
  /** Stops every emulator and removes the workspace. */
  close(keepFiles?: boolean): Promise<void>;
}

/** The account id of each environment file, read as the app reads it. */
export function environmentAccounts(environmentsDir: string, environments: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    environments.map((name) => {
      const file = path.join(environmentsDir, `${name}.json`);
      const json = JSON.parse(fs.readFileSync(file, "utf8")) as { accountId?: unknown };
      if (typeof json.accountId !== "string") throw new Error(`${file}: accountId is missing`);
      return [name, json.accountId];
    }),
  );
}

/**
 * Writes an AWS shared config file under the landscape's folder with one
 * profile for every `deploy.profile` the environment files name, holding the
 * emulator's credentials and the file's Region, and returns its path. A stack
 * whose backend or provider names a profile (the shipped files do) then
 * reaches the emulator with `AWS_CONFIG_FILE` pointing here, as it reaches
 * an account with the user's own profile; without it Terraform stops at
 * "failed to get shared config profile".
 */
export function writeAwsConfig(land: Landscape, environmentsDir: string): string {
  const profiles = new Map<string, string>();
  for (const name of land.environments) {
    const json = JSON.parse(fs.readFileSync(path.join(environmentsDir, `${name}.json`), "utf8")) as {
      region?: unknown;
      deploy?: { profile?: unknown };
    };
    if (typeof json.deploy?.profile === "string" && typeof json.region === "string")
      profiles.set(json.deploy.profile, json.region);
  }
  const file = path.join(land.ws.root, "aws", "config");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sections = [...profiles].map(([profile, region]) =>
    [
      `[profile ${profile}]`,
      `aws_access_key_id = ${EMULATOR_CREDENTIALS.access_key}`,
      `aws_secret_access_key = ${EMULATOR_CREDENTIALS.secret_key}`,
      `region = ${region}`,
    ].join("\n"),
  );
  fs.writeFileSync(file, `${sections.join("\n\n")}\n`);
  return file;
}

/**
 * Starts one emulator per account of `environments`, synthesizes the stacks,
 * and writes each stack's emulator override. Nothing is deployed yet.
 */
export async function openLandscape(repoRoot: string, environments: readonly string[]): Promise<Landscape> {
  const root = makeTempDir("ssm-access-emulator-");
  const emulators: Emulator[] = [];
  const close = async (keepFiles = false) => {
    closeProviderPools(root);
    await Promise.all(emulators.map((e) => e.stop()));
    if (keepFiles) keepTempDir(root);
    else removeTempDir(root);
  };
  try {
    const appDir = path.join(repoRoot, "apps", "infra");
    const accounts = [
      ...new Set(Object.values(environmentAccounts(path.join(appDir, "environments"), environments))),
    ].sort();
    const { python } = findMotoPython();
    const tlsDir = path.join(root, "tls");
    const certificateFile = ensureCertificate(tlsDir, python);
    const starting = Promise.all(
      accounts.map((accountId) => startEmulator({ accountId, logDir: path.join(root, "logs"), tlsDir, python })),
    );
    // The synth needs no emulator: it runs while they start.
    const synthWs = createWorkspace(repoRoot, root, {}, certificateFile);
    const all = outDir(synthWs, "synth");
    const synthesized = synth(synthWs, all, environments);
    emulators.push(...(await starting));
    await synthesized;
    const ws = createWorkspace(
      repoRoot,
      root,
      Object.fromEntries(emulators.map((e) => [e.accountId, e.endpoint])),
      certificateFile,
    );
    const stacks = [STATE_BOOTSTRAP_STACK, ...environments];
    for (const stack of stacks) writeOverride(ws, all, stack);
    const outs = Object.fromEntries(stacks.map((s) => [s, outDir(ws, s)]));
    return { ws, emulators, environments, outs, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Creates the state buckets (local state), as the README's step 2 does. */
export async function bootstrapState(land: Landscape): Promise<void> {
  await runCdktf(land.ws, "deploy", STATE_BOOTSTRAP_STACK, {
    out: land.outs[STATE_BOOTSTRAP_STACK],
    environments: land.environments,
  });
}

/** Where an environment keeps its state: bucket, key, Region and account, from its synthesized backend. */
export interface StateLocation {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  readonly accountId: string;
}

/** The state location of an environment stack (its `s3` backend), read from the synthesized JSON. */
export function stateLocation(land: Landscape, env: string): StateLocation {
  const json = JSON.parse(
    fs.readFileSync(path.join(land.ws.root, "out", "synth", "stacks", env, "cdk.tf.json"), "utf8"),
  ) as Record<string, unknown>;
  const backend = s3Backend(json);
  if (!backend) throw new Error(`${env}: the emulator lifecycle needs an s3 backend`);
  const main =
    ((json.provider as Record<string, unknown[]>).aws as Array<Record<string, unknown>>).find(
      (p) => p.alias === undefined,
    ) ?? {};
  return {
    bucket: String(backend.bucket),
    key: String(backend.key),
    region: String(backend.region),
    accountId: providerAccount(env, undefined, main),
  };
}

/** The emulator of an account. */
export function emulatorOf(land: Landscape, accountId: string): Emulator {
  const emulator = land.emulators.find((e) => e.accountId === accountId);
  if (!emulator) throw new Error(`no emulator for account ${accountId}`);
  return emulator;
}

/**
 * Bootstraps the state buckets and deploys every environment, each
 * environment starting as soon as its state bucket answers: the S3 backend
 * needs the bucket only, while the bootstrap goes on waiting for the
 * provider's lifecycle-rule checks (about a minute, by design of provider 5.100).
 *
 * @param onDeployed - called as each environment's deploy succeeds, before
 *   the others are done, so that work on that environment can start
 */
export async function bootstrapAndDeploy(land: Landscape, onDeployed?: (env: string) => void): Promise<void> {
  let failed = false;
  const boot = bootstrapState(land).catch((e: unknown) => {
    failed = true;
    throw e;
  });
  const deploys = land.environments.map(async (env) => {
    const at = stateLocation(land, env);
    const s3 = new S3Client(sdkConfig(emulatorOf(land, at.accountId), at.region));
    const deadline = Date.now() + 180000;
    for (;;) {
      if (failed) return;
      try {
        await s3.send(new HeadBucketCommand({ Bucket: at.bucket }));
        break;
      } catch {
        if (Date.now() > deadline)
          throw new StepError(env, "deploy", `  the state bucket ${at.bucket} did not appear within 180 s`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    await runCdktf(land.ws, "deploy", env, { out: land.outs[env] });
    onDeployed?.(env);
  });
  await Promise.all([boot, ...deploys]);
}

/** Deploys every environment, in parallel (each has its own output folder and, per account, its own emulator). */
export async function deployEnvironments(land: Landscape): Promise<void> {
  await Promise.all(land.environments.map((env) => runCdktf(land.ws, "deploy", env, { out: land.outs[env] })));
}

/** `terraform plan` (with `planArgs`) + `show -json` in a stack folder (already initialized by a deploy). */
export async function planJson(
  ws: Workspace,
  dir: string,
  stack: string,
  step = "plan",
  planArgs: readonly string[] = [],
): Promise<PlanJson> {
  await terraform(
    ws,
    dir,
    stack,
    ["plan", "-input=false", "-lock-timeout=60s", ...planArgs, "-out=emulator.tfplan"],
    step,
  );
  const show = await terraform(ws, dir, stack, ["show", "-json", "emulator.tfplan"], `${step}-show`);
  fs.rmSync(path.join(dir, "emulator.tfplan"), { force: true });
  const line = show.output.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new StepError(stack, step, "  terraform show -json printed no plan");
  return JSON.parse(line) as PlanJson;
}

/** A re-plan and the changes in it that no emulator artifact explains (empty means clean). */
export async function unexplainedReplan(
  land: Landscape,
  stack: string,
): Promise<{ plan: PlanJson; unexplained: Change[] }> {
  const plan = await planJson(land.ws, stackDir(land.outs[stack], stack), stack, "replan");
  return { plan, unexplained: unexplainedChanges(changesOf(plan), EMULATOR_ARTIFACTS) };
}

/** Throws a {@link StepError} listing the unexplained changes of a re-plan; returns the (clean) plan. */
export async function assertCleanReplan(land: Landscape, stack: string): Promise<PlanJson> {
  const { plan, unexplained } = await unexplainedReplan(land, stack);
  if (unexplained.length > 0) {
    throw new StepError(
      stack,
      "second plan",
      `  changes beyond the emulator allowlist (a perpetual diff):\n${describeChanges(unexplained).replace(/^/gm, "    ")}`,
    );
  }
  return plan;
}
