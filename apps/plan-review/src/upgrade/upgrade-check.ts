/**
 * What moving a consumer project's `@ssm-access` packages from one version to
 * another would do to what it has deployed, before it does anything.
 *
 * In a copy of the project (its own `node_modules`, `cdktf.out` and state
 * files are never written; `.git` and `.terraform` folders are not copied): the project's cdktf app (`cdktf.json` `app`) is
 * synthesized with the installed packages (the base), then
 * `npm install @ssm-access/<each>@<to>` runs with the project's npm
 * configuration, the app is synthesized again, and each stack is planned
 * (`terraform init`, `plan -out`) against the project's deployed state: the
 * stack's backend as synthesized, or, for cdktf's default local backend, the
 * copy of the project's `terraform.<stack>.tfstate`. Every plan is reviewed
 * with the plan review's engine: replacements and the attributes forcing
 * them, renamed addresses, security posture, cost.
 *
 * AWS credentials and endpoints come from the caller's environment, as for
 * `terraform plan` (`AWS_PROFILE`, `AWS_ENDPOINT_URL`, ...).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  STACK_FILE,
  isRecord,
  parsePlanJson,
  readStackJson,
  runProcess,
  runTerraform,
  userTerraformEnv,
} from "@ssm-access/terraform-kit";
import { makeTempDir, removeTempDir } from "@ssm-access/aws-emulator";
import { Review, buildReview, renderMarkdown } from "../report";

/** The npm scope whose packages move together. */
export const UPGRADE_SCOPE = "@ssm-access/";

/** What {@link upgradeCheck} is asked. */
export interface UpgradeCheckOptions {
  /** The consumer project: `package.json`, `cdktf.json`, installed `node_modules`, its state. */
  readonly projectDir: string;
  /** The version the project has installed now. */
  readonly from: string;
  /** The version to move to. */
  readonly to: string;
  /**
   * Stacks to plan.
   * @default - every stack the app synthesizes
   */
  readonly stacks?: readonly string[];
  /**
   * Environment of npm, the app and Terraform (registry configuration, AWS credentials and endpoints).
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Progress lines (to stderr). */
  readonly log?: (line: string) => void;
}

/** One stack's upgrade review. */
export interface StackUpgrade {
  readonly stack: string;
  readonly review: Review;
  readonly markdown: string;
}

/** What {@link upgradeCheck} found. */
export interface UpgradeCheckResult {
  readonly from: string;
  readonly to: string;
  /** The `@ssm-access` packages the project depends on, moved together. */
  readonly packages: readonly string[];
  readonly stacks: readonly StackUpgrade[];
}

/** A consumer project that cannot be checked as it is: names the file, the field and why. */
export class UpgradeCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UpgradeCheckError";
  }
}

/** A JSON file; an {@link UpgradeCheckError} naming it when it is missing or not JSON. */
export function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UpgradeCheckError(
      `${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : (error as Error).message}`,
    );
  }
}

/** The `@ssm-access` packages `package.json` depends on (dependencies and devDependencies). */
export function scopePackages(projectDir: string): string[] {
  const file = path.join(projectDir, "package.json");
  const manifest = readJson(file);
  const names = new Set<string>();
  for (const field of ["dependencies", "devDependencies"]) {
    const deps = isRecord(manifest) ? manifest[field] : undefined;
    if (isRecord(deps)) for (const name of Object.keys(deps)) if (name.startsWith(UPGRADE_SCOPE)) names.add(name);
  }
  if (names.size === 0) throw new UpgradeCheckError(`${file}: dependencies: no ${UPGRADE_SCOPE}* package to upgrade`);
  return [...names].sort();
}

/** The installed version of each package; throws naming the ones that are not `expected`. */
export function checkInstalled(projectDir: string, packages: readonly string[], expected: string, flag: string): void {
  const wrong = packages.flatMap((name) => {
    const file = path.join(projectDir, "node_modules", name, "package.json");
    if (!fs.existsSync(file)) return [`${file}: not installed (run npm ci)`];
    const manifest = readJson(file);
    const version = isRecord(manifest) ? manifest.version : undefined;
    return version === expected ? [] : [`${file}: version is ${String(version)}, not ${flag} ${expected}`];
  });
  if (wrong.length > 0) throw new UpgradeCheckError(wrong.join("\n"));
}

/** The `app` command and output folder of the project's `cdktf.json`. */
export function cdktfApp(projectDir: string): { app: string; output: string } {
  const file = path.join(projectDir, "cdktf.json");
  const config = readJson(file);
  const app = isRecord(config) ? config.app : undefined;
  if (typeof app !== "string" || app.trim() === "")
    throw new UpgradeCheckError(`${file}: app: missing; it is the command that synthesizes the stacks`);
  const output = isRecord(config) && typeof config.output === "string" ? config.output : "cdktf.out";
  return { app, output };
}

/** npm and the app see the project, not a workspace or npm script that started this. */
function projectEnv(env: NodeJS.ProcessEnv, projectDir: string): NodeJS.ProcessEnv {
  const own: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env))
    if (
      !/^(npm_(package|lifecycle)_|npm_config_(workspaces?|prefix|local_prefix|global|save.*)$|INIT_CWD$|CDKTF_OUTDIR$)/i.test(
        k,
      )
    )
      own[k] = v;
  const bin = path.join(projectDir, "node_modules", ".bin");
  return { ...own, PATH: `${bin}${path.delimiter}${own.PATH ?? ""}`, NO_UPDATE_NOTIFIER: "1" };
}

async function step(what: string, running: ReturnType<typeof runProcess>): Promise<string> {
  const r = await running;
  if (r.code !== 0) {
    const output = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-25).join("\n");
    throw new UpgradeCheckError(`${what} failed (exit ${r.code}):\n${output}`);
  }
  return r.stdout;
}

/** Runs the app command in `dir`, writing the stacks into `outdir`; returns the synthesized stack names. */
async function synthesize(
  dir: string,
  app: string,
  outdir: string,
  env: NodeJS.ProcessEnv,
  what: string,
): Promise<string[]> {
  const shell = process.platform === "win32" ? "cmd.exe" : "sh";
  const args = process.platform === "win32" ? ["/d", "/s", "/c", app] : ["-c", app];
  await step(`${what}: ${app}`, runProcess(shell, args, { cwd: dir, env: { ...env, CDKTF_OUTDIR: outdir } }));
  const manifest = readJson(path.join(outdir, "manifest.json"));
  const stacks = isRecord(manifest) && isRecord(manifest.stacks) ? Object.keys(manifest.stacks) : [];
  if (stacks.length === 0) throw new UpgradeCheckError(`${what}: ${app} synthesized no stack into ${outdir}`);
  return stacks;
}

/** The Region of a stack's default AWS provider, for the cost estimate. */
function providerRegion(stackJson: unknown): string | undefined {
  const providers = isRecord(stackJson) && isRecord(stackJson.provider) ? stackJson.provider.aws : undefined;
  const main = Array.isArray(providers) ? providers.find((p) => isRecord(p) && p.alias === undefined) : undefined;
  return isRecord(main) && typeof main.region === "string" ? main.region : undefined;
}

/** See the file's header. */
export async function upgradeCheck(options: UpgradeCheckOptions): Promise<UpgradeCheckResult> {
  const log = options.log ?? (() => undefined);
  const projectDir = path.resolve(options.projectDir);
  const packages = scopePackages(projectDir);
  checkInstalled(projectDir, packages, options.from, "--from");
  const { app, output } = cdktfApp(projectDir);
  const tmp = makeTempDir("upgrade-check-");
  try {
    const copy = path.join(tmp, path.basename(projectDir));
    fs.cpSync(projectDir, copy, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(projectDir, src);
        return rel !== "node_modules" && rel !== output && ![".terraform", ".git"].includes(path.basename(src));
      },
    });
    const env = projectEnv(options.env ?? process.env, copy);

    // The base: the installed packages (read through a link, never written), synthesized in the copy.
    log(`synthesizing with ${packages.join(", ")} ${options.from}`);
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(copy, "node_modules"), "junction");
    const baseOut = path.join(tmp, "base.out");
    await synthesize(copy, app, baseOut, env, `the app with ${options.from}`);
    fs.unlinkSync(path.join(copy, "node_modules"));

    log(`npm install ${packages.map((p) => `${p}@${options.to}`).join(" ")}`);
    await step(
      "npm install",
      runProcess(
        "npm",
        ["install", "--no-audit", "--no-fund", "--prefer-offline", ...packages.map((p) => `${p}@${options.to}`)],
        { cwd: copy, env },
      ),
    );
    checkInstalled(copy, packages, options.to, "--to");

    const headOut = path.join(copy, output);
    const synthesized = await synthesize(copy, app, headOut, env, `the app with ${options.to}`);
    const unknown = (options.stacks ?? []).filter((s) => !synthesized.includes(s));
    if (unknown.length > 0)
      throw new UpgradeCheckError(
        `--stack ${unknown.join(", ")}: not synthesized by ${app} (it makes ${synthesized.join(", ")})`,
      );
    const stacks = options.stacks && options.stacks.length > 0 ? options.stacks : synthesized;

    const results: StackUpgrade[] = [];
    for (const stack of stacks) {
      const dir = path.join(headOut, "stacks", stack);
      const tfEnv = userTerraformEnv(path.join(tmp, "terraform-cli"), env);
      log(`${stack}: terraform init and plan against the deployed state`);
      await step(
        `${stack}: terraform init`,
        runTerraform(["init", "-input=false", "-no-color"], { cwd: dir, env: tfEnv }),
      );
      await step(
        `${stack}: terraform plan`,
        runTerraform(["plan", "-input=false", "-no-color", "-out=upgrade.tfplan"], { cwd: dir, env: tfEnv }),
      );
      const show = await step(
        `${stack}: terraform show`,
        runTerraform(["show", "-json", "-no-color", "upgrade.tfplan"], { cwd: dir, env: tfEnv }),
      );
      const stackJson = readStackJson(path.join(dir, STACK_FILE));
      const baseFile = path.join(baseOut, "stacks", stack, STACK_FILE);
      const region = providerRegion(stackJson);
      const review = buildReview({
        stack,
        plan: parsePlanJson(show, `terraform show -json (${stack})`),
        stackJson,
        ...(fs.existsSync(baseFile) ? { baseStackJson: readStackJson(baseFile) } : {}),
        environment: {
          file: `${output}/stacks/${stack}/${STACK_FILE}`,
          json: region === undefined ? {} : { region },
        },
        provenance: { kind: "upgrade", from: options.from, to: options.to, project: path.basename(projectDir) },
      });
      results.push({ stack, review, markdown: renderMarkdown(review) });
    }
    return { from: options.from, to: options.to, packages, stacks: results };
  } finally {
    removeTempDir(tmp);
  }
}
