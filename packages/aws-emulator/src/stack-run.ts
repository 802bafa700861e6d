import * as fs from "node:fs";
import * as path from "node:path";
import {
  ProcessOptions,
  ProcessResult,
  STACK_FILE,
  discoverProviderMirror,
  lastLines,
  readStackJson,
  runProcess,
  terraformEnv,
  writeCliConfig,
} from "@ssm-access/terraform-kit";
import { EMULATOR_TRANSIENT_ERRORS } from "./allowlist";
import { trackChild } from "./cleanup";
import { providerPoolEnv } from "./provider-pool";
import {
  EMULATOR_OVERRIDE_FILE,
  EmulatorRoutes,
  EndpointsByAccount,
  emulatorAwsConfig,
  emulatorOverride,
} from "./override";

/** Where a lifecycle run keeps its files; everything lives under `root`, removed at the end. */
export interface Workspace extends EmulatorRoutes {
  /** The repository root (holds `node_modules/.bin/nx` and `apps/infra`). */
  readonly repoRoot: string;
  /** The app folder the stacks come from. */
  readonly appDir: string;
  /** The temporary root of this run. */
  readonly root: string;
  /** Terraform CLI configuration (provider mirror when found). */
  readonly cliConfigFile: string;
  /** `<root>/overrides/<stack>/zz_emulator_override.tf.json`, read by the app's synth. */
  readonly overridesDir: string;
  /** The certificate the emulators serve; Terraform trusts it alone (`SSL_CERT_FILE`). */
  readonly certificateFile: string;
}

/** The AWS shared configuration file of a workspace (`<root>/aws-config`), which its overrides route accounts through. */
export const AWS_CONFIG_FILE = "aws-config";

/** Makes the workspace folders, the Terraform CLI configuration and the AWS configuration routing each account to its emulator. */
export function createWorkspace(
  repoRoot: string,
  root: string,
  endpoints: EndpointsByAccount,
  certificateFile: string,
): Workspace {
  const overridesDir = path.join(root, "overrides");
  fs.mkdirSync(overridesDir, { recursive: true });
  fs.mkdirSync(path.join(root, TEMP_DIR), { recursive: true });
  const mirror = discoverProviderMirror();
  const cliConfigFile = writeCliConfig(path.join(root, "terraform"), mirror?.path);
  const awsConfigFile = path.join(root, AWS_CONFIG_FILE);
  fs.writeFileSync(awsConfigFile, emulatorAwsConfig(endpoints));
  return {
    repoRoot,
    appDir: path.join(repoRoot, "apps", "infra"),
    root,
    cliConfigFile,
    overridesDir,
    endpoints,
    awsConfigFile,
    certificateFile,
  };
}

/** Output folder of one synth/deploy: `<root>/out/<name>` (`cdktf --output`). */
export function outDir(ws: Workspace, name: string): string {
  return path.join(ws.root, "out", name);
}

/** The Terraform working directory of `stack` in an output folder. */
export function stackDir(out: string, stack: string): string {
  return path.join(out, "stacks", stack);
}

/**
 * The temporary folder of the commands a run starts, `<root>/tmp`: what they
 * leave there when they are killed (the AWS provider's plugin folders,
 * `/tmp/plugin<n>`, outlive a provider killed by a signal) goes with the run's
 * root instead of staying in the system's temporary folder.
 */
export const TEMP_DIR = "tmp";

/**
 * Environment of every child process: no credentials or profile of the
 * caller's (the emulator's static ones come from the override), none of the
 * task variables of an Nx run this may itself be part of (a nested `nx run`
 * would take itself for a recursion of that task: the commands here are what
 * a user types in a fresh shell), the generated Terraform CLI configuration,
 * the overrides folder, {@link TEMP_DIR} as the temporary folder, and the
 * workspace's AWS provider pool on the `PATH` (`provider-pool.ts`) unless
 * `providerPool` is false: a command that is interrupted on purpose runs
 * Terraform with a provider of its own, which ends with it, as users' do.
 */
export function childEnv(
  ws: Workspace,
  extra: Record<string, string> = {},
  options: { readonly providerPool?: boolean } = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|SSM_ACCESS_|NX_)/.test(key) && key !== "CDKTF_OUTDIR") env[key] = value;
  }
  return {
    ...terraformEnv(ws.cliConfigFile, env),
    AWS_EC2_METADATA_DISABLED: "true",
    NX_DAEMON: "false",
    NX_NO_CLOUD: "true",
    NX_ISOLATE_PLUGINS: "false",
    FORCE_COLOR: "0",
    CI: "true",
    SSM_ACCESS_TERRAFORM_OVERRIDES: ws.overridesDir,
    SSL_CERT_FILE: ws.certificateFile,
    TMPDIR: path.join(ws.root, TEMP_DIR),
    ...(options.providerPool === false ? {} : providerPoolEnv(ws.root)),
    ...extra,
  };
}

/** Writes the emulator override of `stack`, rendered from its synthesized JSON in `out`. */
export function writeOverride(ws: Workspace, out: string, stack: string): void {
  const json = readStackJson(path.join(stackDir(out, stack), STACK_FILE));
  const dir = path.join(ws.overridesDir, stack);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, EMULATOR_OVERRIDE_FILE),
    `${JSON.stringify(emulatorOverride(stack, json, ws), null, 2)}\n`,
  );
}

/** A command's outcome, its output kept in a log file. */
export type CommandResult = ProcessResult & { readonly logFile: string };

/**
 * Runs a command, its output (stdout and stderr as they came) collected and
 * written to `logFile`. The command leads a process group of its own, killed
 * whole if this process ends or is interrupted before it does (see `cleanup.ts`).
 */
export async function runLogged(
  command: string,
  args: readonly string[],
  options: ProcessOptions & { readonly logFile: string },
): Promise<CommandResult> {
  return {
    ...(await runProcess(command, args, { ...options, detached: true, onSpawn: (child) => trackChild(child, true) })),
    logFile: options.logFile,
  };
}

/**
 * Writes a command's log, unless its folder is gone: a run cut short by an
 * interrupt ends after its temporary folder was removed, which stays removed.
 */
export function writeLog(file: string, text: string): void {
  if (fs.existsSync(path.dirname(file))) fs.writeFileSync(file, text);
}

/** A failed step, said as which stack, which step, which resources, and the Terraform error lines. */
export class StepError extends Error {
  public constructor(
    public readonly stackName: string,
    public readonly step: string,
    public readonly details: string,
    public readonly logFile?: string,
  ) {
    super(`${stackName}: ${step} failed\n${details}${logFile ? `\n(full log: ${logFile})` : ""}`);
    this.name = "StepError";
  }
}

/**
 * The Terraform errors in a log, each with the resource it names: the lines of
 * every `Error:` box (`│ Error: ...`, `│   with aws_x.y,`), de-duplicated
 * (cdktf prints them twice), at most `max` errors.
 */
export function terraformErrors(output: string, max = 5): string[] {
  const errors: string[] = [];
  // cdktf prefixes Terraform's lines with the stack name: "prod  │ Error: ..." or "prod  Error: ...".
  const lines = output.split("\n").map((l) => l.replace(/^[a-z][\w-]*\s{2,}(?=[│╷╵]|Error: )/, ""));
  for (let i = 0; i < lines.length; i++) {
    const m = /^[│|]?\s*Error: (.*)$/.exec(lines[i].trim());
    if (!m) continue;
    const block = [m[1]];
    for (let j = i + 1; j < lines.length && j < i + 12; j++) {
      const line = lines[j].trim();
      if (/^╵/.test(line) || /Error: /.test(line)) break;
      const text = line.replace(/^[│|]\s?/, "").trim();
      if (text) block.push(text);
    }
    const entry = block.join("\n    ");
    if (!errors.includes(entry)) errors.push(entry);
    if (errors.length >= max) break;
  }
  return errors;
}

/**
 * The {@link StepError} of a failed command: the Terraform errors in its
 * output, or its exit and the last lines of its output when it shows none.
 */
export function stepFailure(stack: string, step: string, result: CommandResult): StepError {
  const errors = terraformErrors(result.output);
  const details =
    errors.length > 0
      ? errors.map((e) => `  - ${e}`).join("\n")
      : `  exit ${result.code}${result.signal ? ` (${result.signal})` : ""}; last lines:\n${lastLines(result.output, 15, "    ")}`;
  return new StepError(stack, step, details, result.logFile);
}

/** Options of a deploy or destroy through the Nx targets users run. */
export interface CdktfRunOptions {
  /** Output folder (`cdktf --output`). */
  readonly out: string;
  /** Environments folder to synthesize from. @default the app's `environments` */
  readonly environmentsDir?: string;
  /** Environments the synth reads (for `state-bootstrap`). @default - the stack itself */
  readonly environments?: readonly string[];
  /** Called with the process id once it runs (to interrupt it). */
  readonly onStart?: (pid: number) => void;
  /** Name of the step in errors and logs. @default the command */
  readonly step?: string;
  /** Return the result instead of throwing on failure. @default false */
  readonly allowFailure?: boolean;
}

/** Each retry a lifecycle step made after an emulator transient error: stack, step and the error. */
export const retriesMade: Array<{ stack: string; step: string; error: string }> = [];

/** The transient emulator error of a failed run, if every Terraform error in it is one. */
export function transientEmulatorError(output: string): string | undefined {
  const errors = terraformErrors(output);
  if (errors.length === 0) return undefined;
  return errors.every((e) => EMULATOR_TRANSIENT_ERRORS.some((t) => t.pattern.test(e))) ? errors.join("; ") : undefined;
}

/**
 * `npx nx run infra:<deploy|destroy> --stack=<stack> --auto-approve --output=<out>`:
 * exactly what users run (the app's wrapper around `cdktf deploy`), with the
 * emulator override copied into the stack folder by the synth.
 */
export async function runCdktf(
  ws: Workspace,
  command: "deploy" | "destroy",
  stack: string,
  options: CdktfRunOptions,
): Promise<CommandResult> {
  const step = options.step ?? command;
  const nx = require.resolve("nx/bin/nx", { paths: [ws.repoRoot] });
  const env = childEnv(ws, {
    ...(options.environmentsDir ? { SSM_ACCESS_ENVIRONMENTS_DIR: options.environmentsDir } : {}),
    ...(options.environments ? { SSM_ACCESS_ENVIRONMENTS: options.environments.join(",") } : {}),
  });
  const run = (attempt: number) =>
    runLogged(
      process.execPath,
      [
        nx,
        "run",
        `infra:${command}`,
        `--stack=${stack}`,
        "--auto-approve",
        `--output=${options.out}`,
        "--output-style=static",
      ],
      {
        cwd: ws.repoRoot,
        env,
        logFile: path.join(
          ws.root,
          "logs",
          `${stack}-${step.replace(/\W+/g, "-")}${attempt > 1 ? `-attempt-${attempt}` : ""}.log`,
        ),
        onStart: options.onStart,
      },
    );
  let result = await run(1);
  const transient = result.code !== 0 ? transientEmulatorError(result.output) : undefined;
  if (transient !== undefined) {
    retriesMade.push({ stack, step, error: transient });
    process.stderr.write(`${stack}: ${step} hit an emulator transient error, running it once more: ${transient}\n`);
    result = await run(2);
  }
  if (result.code !== 0 && !options.allowFailure) throw stepFailure(stack, step, result);
  return result;
}

/** `node dist/main.js --env ... --outdir <out>` with the overrides: a synth without deploying. */
export async function synth(
  ws: Workspace,
  out: string,
  environments: readonly string[],
  environmentsDir?: string,
): Promise<void> {
  const args = [path.join(ws.appDir, "dist", "main.js"), "--env", environments.join(","), "--outdir", out];
  if (environmentsDir) args.push("--environments-dir", environmentsDir);
  const result = await runLogged(process.execPath, args, {
    cwd: ws.appDir,
    env: childEnv(ws),
    logFile: path.join(ws.root, "logs", `synth-${environments.join("-")}.log`),
  });
  if (result.code !== 0) throw stepFailure(environments.join(","), "synth", result);
}

/** Runs Terraform in a stack folder with the workspace's configuration; throws a {@link StepError} on failure unless allowed. */
export async function terraform(
  ws: Workspace,
  dir: string,
  stack: string,
  args: readonly string[],
  step: string,
  allowFailure = false,
): Promise<CommandResult> {
  if (!fs.existsSync(dir))
    throw new StepError(
      stack,
      step,
      `  ${dir} does not exist: the step that creates it (synth or deploy) did not run or failed`,
    );
  const logFile = path.join(ws.root, "logs", `${stack}-${step.replace(/\W+/g, "-")}.log`);
  const result = await runLogged("terraform", args, { cwd: dir, env: childEnv(ws), logFile });
  if (result.code !== 0 && !allowFailure) throw stepFailure(stack, step, result);
  return result;
}
