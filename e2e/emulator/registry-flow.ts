/**
 * The packages published through a real npm registry and a consumer's
 * upgrade judged before it happens, as one flow over an emulator that is
 * already running (the caller owns it and the temporary folder):
 *
 * 1. A local Verdaccio registry (`packages/npm-registry`).
 * 2. The documented release, in a scratch copy of the workspace (its own git
 *    repository, this workspace's `node_modules` linked in, the packages'
 *    `dist` rebuilt from the copy's sources by the `build` that
 *    `nx-release-publish` depends on): `nx release publish` with the
 *    committed `.npmrc` (`NPM_REGISTRY_URL`) and the token line in a user
 *    configuration as actions/setup-node writes it. The working tree's
 *    version (0.1.x) is the previous release.
 * 3. A consumer project (examples/team-stack/main.ts, cdktf's TypeScript
 *    template tsconfig, `cdktf.json` `app`) installs `@ssm-access/*@^0.1.0`
 *    by range from the registry, compiles, synthesizes and deploys into the
 *    emulator with Terraform; the AWS endpoint comes from the environment
 *    (`AWS_ENDPOINT_URL`, `AWS_CA_BUNDLE`), as a user's would.
 * 4. A change adding an optional prop, with a `minor` version plan, is
 *    released as the next version and published; `plan-review upgrade-check`
 *    moves a copy of the consumer to it and plans against its state.
 * 5. A change renaming the instance's construct id without a `moved` block,
 *    with a `patch` plan, is versioned as the next release, and
 *    `plan-review release-gate --example examples/team-stack` judges it as
 *    the release workflow does: the copy published to a staging registry in
 *    front of the registry, the example deployed at the previous release into
 *    an emulator of the gate's own, then moved to the next.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { runLogged, stepFailure, type CommandResult, type Emulator } from "@ssm-access/aws-emulator";
import { startRegistry, userConfigLines, type Registry } from "@ssm-access/npm-registry";
import { userTerraformEnv } from "@ssm-access/terraform-kit";
import { REPO_ROOT, appCommand } from "./apps";

/** The packages a release publishes. */
export const PACKAGES = ["core", "network", "iam-ssm", "compute", "maintenance"] as const;
/** What the consumer depends on (the root README's install line). */
export const CONSUMER_PACKAGES = ["network", "iam-ssm", "compute"].map((p) => `@ssm-access/${p}`);
/** The consumer's stack (examples/team-stack/main.ts). */
export const CONSUMER_STACK = "team-x-dev";
/** The account examples/team-stack/main.ts allows: the emulator must answer as it. */
export const CONSUMER_ACCOUNT = "123456789012";
const EXAMPLE_MAIN = path.join(REPO_ROOT, "examples", "team-stack", "main.ts");
const CDKTF_TEMPLATE_TSCONFIG = path.join(
  REPO_ROOT,
  "node_modules",
  "cdktf-cli",
  "bundle",
  "templates",
  "typescript",
  "tsconfig.json",
);
const NX = path.join(REPO_ROOT, "node_modules", "nx", "dist", "bin", "nx.js");
/** What the shared build writes (workspace `build` outputs), copied with their times so `tsc -b` rebuilds only what changed. */
const BUILD_OUTPUTS = [
  ...PACKAGES.map((p) => `packages/${p}/dist`),
  "packages/terraform-kit/dist",
  "packages/aws-pricing/dist",
  "apps/infra/dist",
];

/** The instance's construct id in `PrivateInstances`, and what the rename makes it. */
const INSTANCE_ID_LINE = 'const instance = new Instance(scope, "Resource", {';
const RENAMED_INSTANCE_ID_LINE = 'const instance = new Instance(scope, "Instance", {';

/** What the flow did, for the tests to assert on. */
export interface RegistryFlow {
  readonly registry: Pick<Registry, "url">;
  /** The previous release (the working tree's version). */
  readonly previous: string;
  /** `nx release publish` of the previous release. */
  readonly published: CommandResult;
  /** The consumer project's folder. */
  readonly consumer: string;
  /** The consumer's `package-lock.json` entries of the `@ssm-access` packages. */
  readonly lockEntries: Record<string, { version?: string; resolved?: string; integrity?: string; link?: boolean }>;
  /** The integrity (`dist.integrity`) the registry serves for each consumer package at {@link previous}. */
  readonly registryIntegrity: Record<string, string>;
  /** `terraform state list` after the deploy. */
  readonly deployed: string[];
  /** The version with the optional prop. */
  readonly minor: string;
  readonly upgradeCheck: { readonly result: CommandResult; readonly json: UpgradeJson };
  /** The version with the renamed construct id. */
  readonly renamed: string;
  readonly gate: { readonly result: CommandResult; readonly json: GateJson };
  /** The versions of `@ssm-access/compute` on the registry after the gate (the staged release must not be there). */
  readonly registryVersions: string[];
}

/** The parts of `upgrade-check --json-out` the tests read. */
export interface UpgradeJson {
  readonly from: string;
  readonly to: string;
  readonly packages: string[];
  readonly stacks: Record<
    string,
    {
      readonly counts: Record<string, number>;
      readonly changes: Array<{ address: string; action: string; replacedBecause: string[] }>;
      readonly security: Array<{ weakened: boolean }>;
    }
  >;
}

/** The parts of `release-gate --json-out` the tests read. */
export interface GateJson {
  readonly verdict: {
    readonly breaking: boolean;
    readonly blocking: Array<{ address: string; kind: string; detail: string }>;
  };
  /** The upgrade check of each consumer project or example, by its path. */
  readonly upgradeChecks: Record<string, UpgradeJson>;
}

/** Options of {@link runRegistryFlow}. */
export interface RegistryFlowOptions {
  /** A running emulator answering as {@link CONSUMER_ACCOUNT}. */
  readonly emulator: Pick<Emulator, "endpoint" | "certificateFile" | "accountId">;
  /** A temporary folder the caller removes. */
  readonly tmp: string;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** Everything of the caller's environment but npm's and Nx's own task variables: what a user's shell has. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(npm_|NX_|INIT_CWD$|AWS_|CDKTF_|TF_CLI_CONFIG_FILE$)/i.test(k)) env[k] = v;
  return {
    ...env,
    NO_UPDATE_NOTIFIER: "1",
    NX_DAEMON: "false",
    NX_NO_CLOUD: "true",
    NX_TUI: "false",
    NX_ISOLATE_PLUGINS: "false",
    CI: "true",
  };
}

async function ok(stack: string, step: string, running: Promise<CommandResult>): Promise<CommandResult> {
  const r = await running;
  if (r.code !== 0) throw stepFailure(stack, step, r);
  return r;
}

/** The files of the working tree git knows of (tracked, and new ones not ignored), as they are on disk. */
function workingTreeFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
    .split("\0")
    .filter((f) => f !== "" && fs.existsSync(path.join(REPO_ROOT, f)));
}

function git(cwd: string, args: string[]): void {
  execFileSync(
    "git",
    [
      "-c",
      "user.name=Release Test",
      "-c",
      "user.email=release-test@example.com",
      "-c",
      "commit.gpgsign=false",
      ...args,
    ],
    { cwd, stdio: "pipe" },
  );
}

/**
 * A scratch copy of the workspace in a git repository of its own: the
 * working tree's files, this workspace's build outputs (times kept, so the
 * copy's `tsc -b` rebuilds only what its own edits touch) and `node_modules`
 * linked. The workspace's pending version plans are left out: the copy's
 * releases are made of the plans the flow writes.
 */
function scratchWorkspace(dir: string): string {
  for (const f of workingTreeFiles()) {
    if (f.startsWith(".nx/version-plans/")) continue;
    const [from, to] = [path.join(REPO_ROOT, f), path.join(dir, f)];
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
    const { atime, mtime } = fs.statSync(from);
    fs.utimesSync(to, atime, mtime);
  }
  for (const out of BUILD_OUTPUTS)
    fs.cpSync(path.join(REPO_ROOT, out), path.join(dir, out), { recursive: true, preserveTimestamps: true });
  // The root node_modules and those npm nested in a workspace (a version another workspace does not share).
  const nested = ["packages", "apps", "tools"].flatMap((group) =>
    fs.existsSync(path.join(REPO_ROOT, group))
      ? fs.readdirSync(path.join(REPO_ROOT, group)).map((p) => path.join(group, p, "node_modules"))
      : [],
  );
  for (const modules of ["node_modules", ...nested])
    if (fs.existsSync(path.join(REPO_ROOT, modules)) && fs.existsSync(path.dirname(path.join(dir, modules))))
      fs.symlinkSync(path.join(REPO_ROOT, modules), path.join(dir, modules));
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "-m", "the working tree"]);
  return dir;
}

/** A version plan in the copy, committed (nx release reads plans from the working tree). */
function writePlan(root: string, name: string, bumps: Record<string, string>, text: string): void {
  const dir = path.join(root, ".nx", "version-plans");
  fs.mkdirSync(dir, { recursive: true });
  const header = Object.entries(bumps).map(([k, v]) => `${k}: ${v}`);
  fs.writeFileSync(path.join(dir, name), ["---", ...header, "---", "", text, ""].join("\n"));
}

/** Replaces `from` by `to` in a file of the copy; throws when `from` is not there (the source moved on). */
function edit(root: string, file: string, from: string, to: string): void {
  const full = path.join(root, file);
  const text = fs.readFileSync(full, "utf8");
  if (!text.includes(from))
    throw new Error(`${file}: "${from}" not found; the registry flow's edit needs updating to the source`);
  fs.writeFileSync(full, text.replace(from, to));
}

function versionOf(root: string): string {
  return (
    JSON.parse(fs.readFileSync(path.join(root, "packages", "core", "package.json"), "utf8")) as { version: string }
  ).version;
}

/** Runs the registry flow; see the file's header. */
export async function runRegistryFlow(options: RegistryFlowOptions): Promise<RegistryFlow> {
  const { tmp, emulator } = options;
  const started = Date.now();
  const log = (line: string) => options.log?.(`${line} (at ${Math.round((Date.now() - started) / 1000)} s)`);
  const logs = path.join(tmp, "logs");
  const registry = await startRegistry({ root: tmp });
  // Every step started, awaited before the registry stops, whichever failed first.
  const inFlight: Array<Promise<unknown>> = [];
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.push(p.catch(() => undefined));
    return p;
  };
  try {
    // The user configuration actions/setup-node writes for `registry-url`, and the variables the committed .npmrc reads.
    const userConfig = path.join(tmp, "npmrc");
    fs.writeFileSync(userConfig, `${userConfigLines(registry.url).join("\n")}\n`);
    const releaseEnv = {
      ...shellEnv(),
      NPM_REGISTRY_URL: registry.url,
      NPM_CONFIG_USERCONFIG: userConfig,
      NODE_AUTH_TOKEN: registry.token,
    };
    const nx = (root: string, step: string, args: string[]) =>
      track(
        ok(
          "release",
          step,
          runLogged(process.execPath, [NX, ...args], {
            cwd: root,
            env: releaseEnv,
            logFile: path.join(logs, `${step}.log`),
          }),
        ),
      );

    // Two copies made at once: the previous release, and the one the changes go into.
    const previousRoot = scratchWorkspace(path.join(tmp, "previous"));
    const nextRoot = scratchWorkspace(path.join(tmp, "next"));
    const previous = versionOf(previousRoot);

    log(`publishing ${previous}`);
    const published = await nx(previousRoot, "publish-previous", ["release", "publish"]);

    // The optional prop is written and built while the consumer installs; it is published after the install took ^0.1.0.
    edit(
      nextRoot,
      "packages/compute/src/private-instances.ts",
      "export interface PrivateInstancesProps extends SsmAccessProps {\n",
      [
        "export interface PrivateInstancesProps extends SsmAccessProps {",
        "  /**",
        "   * Description of the instances' security group.",
        '   * @default "Session Manager instances: no ingress, egress HTTPS to the VPC endpoints"',
        "   */",
        "  readonly securityGroupDescription?: string;",
        "",
      ].join("\n"),
    );
    edit(
      nextRoot,
      "packages/compute/src/private-instances.ts",
      'description: "Session Manager instances: no ingress, egress HTTPS to the VPC endpoints",',
      'description: props.securityGroupDescription ?? "Session Manager instances: no ingress, egress HTTPS to the VPC endpoints",',
    );
    writePlan(
      nextRoot,
      "compute-security-group-description.md",
      { compute: "minor" },
      "`PrivateInstancesProps.securityGroupDescription`.",
    );
    git(nextRoot, ["add", "-A"]);
    git(nextRoot, ["commit", "-q", "-m", "compute: securityGroupDescription"]);
    const minorReleased = nx(nextRoot, "release-minor", ["release", "--skip-publish"]).then(() =>
      nx(nextRoot, "build-minor", ["run", "compute:build", "--output-style=static"]),
    );

    log("installing the consumer by range");
    const consumer = path.join(tmp, "team-stack");
    const installed = track(installConsumer(consumer, registry.url, logs));
    await Promise.all([installed.finally(() => log("consumer installed")), minorReleased]);
    const lockEntries = lockEntriesOf(consumer);
    const registryIntegrity = Object.fromEntries(
      await Promise.all(
        CONSUMER_PACKAGES.map(async (name) => {
          const res = await fetch(`${registry.url}${name.replace("/", "%2f")}`);
          const doc = (await res.json()) as { versions: Record<string, { dist: { integrity: string } }> };
          return [name, doc.versions[previous]?.dist.integrity ?? ""] as const;
        }),
      ),
    );

    const awsEnv = {
      AWS_ENDPOINT_URL: emulator.endpoint,
      ...(emulator.certificateFile ? { AWS_CA_BUNDLE: emulator.certificateFile } : {}),
      AWS_ACCESS_KEY_ID: "emulator-access-key",
      AWS_SECRET_ACCESS_KEY: "emulator-secret-key",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const consumerEnv = { ...shellEnv(), ...awsEnv, TMPDIR: path.join(tmp, "tmp") };
    fs.mkdirSync(consumerEnv.TMPDIR, { recursive: true });

    log(`publishing ${versionOf(nextRoot)}; deploying the consumer`);
    const minor = versionOf(nextRoot);
    const minorPublished = nx(nextRoot, "publish-minor", ["release", "publish"]);
    const deploying = track(deployConsumer(consumer, consumerEnv, tmp, logs));
    // The rename goes into the same copy once the minor is published (the next patch), while the consumer deploys.
    // It is versioned, not published: the release gate publishes it to a staging registry of its own, as the
    // release workflow's gate does before anything reaches the registry consumers read.
    const renamedReleased = minorPublished.then(async () => {
      edit(nextRoot, "packages/compute/src/private-instances.ts", INSTANCE_ID_LINE, RENAMED_INSTANCE_ID_LINE);
      writePlan(nextRoot, "compute-instance-id.md", { compute: "patch" }, "Internal tidying of `PrivateInstances`.");
      git(nextRoot, ["add", "-A"]);
      git(nextRoot, ["commit", "-q", "-m", "compute: the instance's construct id"]);
      await nx(nextRoot, "release-renamed", ["release", "--skip-publish"]);
      return versionOf(nextRoot);
    });
    track(renamedReleased);
    // The release gate needs the renamed patch and nothing of the consumer's: it starts as soon as the patch is
    // versioned, while the consumer still deploys.
    // As the release workflow runs it: the registry the release publishes to and its token, the user
    // configuration actions/setup-node writes (its scope line names that registry: the example's own
    // .npmrc must win, or the example would never see the staged release), no AWS endpoint.
    const gateEnv = {
      ...shellEnv(),
      NPM_REGISTRY_URL: registry.url,
      NODE_AUTH_TOKEN: registry.token,
      NPM_CONFIG_USERCONFIG: userConfig,
      TMPDIR: consumerEnv.TMPDIR,
    };
    const gateJsonFile = path.join(tmp, "release-gate.json");
    const gate = track(
      renamedReleased.then((renamed) => {
        log(`release-gate ${previous} → ${renamed} --example examples/team-stack`);
        return runApp(
          [
            "release-gate",
            "--from",
            previous,
            "--to",
            renamed,
            "--example",
            path.join("examples", "team-stack"),
            "--json-out",
            gateJsonFile,
          ],
          nextRoot,
          gateEnv,
          path.join(logs, "release-gate.log"),
        );
      }),
    );
    const [, deployed] = await Promise.all([minorPublished, deploying]);

    log(`upgrade-check ${previous} → ${minor}`);
    const upgradeJsonFile = path.join(tmp, "upgrade-check.json");
    const upgrade = track(
      runApp(
        ["upgrade-check", "--from", previous, "--to", minor, "--project", consumer, "--json-out", upgradeJsonFile],
        consumer,
        consumerEnv,
        path.join(logs, "upgrade-check.log"),
      ),
    );
    const renamed = await renamedReleased;
    const [upgradeResult, gateResult] = await Promise.all([
      upgrade.finally(() => log("upgrade-check done")),
      gate.finally(() => log("release-gate done")),
    ]);
    const readJson = <T>(file: string, r: CommandResult, step: string): T => {
      if (!fs.existsSync(file)) throw stepFailure(CONSUMER_STACK, step, r);
      return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    };
    const registryVersions = Object.keys(
      ((await (await fetch(`${registry.url}@ssm-access%2fcompute`)).json()) as { versions: Record<string, unknown> })
        .versions,
    );
    return {
      registryVersions,
      registry: { url: registry.url },
      previous,
      published,
      consumer,
      lockEntries,
      registryIntegrity,
      deployed,
      minor,
      upgradeCheck: {
        result: upgradeResult,
        json: readJson<UpgradeJson>(upgradeJsonFile, upgradeResult, "upgrade-check"),
      },
      renamed,
      gate: { result: gateResult, json: readJson<GateJson>(gateJsonFile, gateResult, "release-gate") },
    };
  } finally {
    await Promise.allSettled(inFlight);
    await registry.stop();
  }
}

/** `plan-review <args>` as a user runs it, in `cwd`. */
function runApp(args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): Promise<CommandResult> {
  const { command, args: full } = appCommand("plan-review", args);
  return runLogged(command, full, { cwd, env, logFile });
}

/** The consumer project: main.ts, the cdktf template's tsconfig, cdktf.json, `.npmrc` with the scope line; `npm install` by range. */
async function installConsumer(dir: string, registryUrl: string, logs: string): Promise<void> {
  const peers = (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "packages", "core", "package.json"), "utf8")) as {
      peerDependencies: Record<string, string>;
    }
  ).peerDependencies;
  const typescript = (
    JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    }
  ).devDependencies.typescript;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify(
      {
        name: "team-stack",
        version: "1.0.0",
        private: true,
        dependencies: {
          ...Object.fromEntries(CONSUMER_PACKAGES.map((p) => [p, "^0.1.0"])),
          ...peers,
        },
        devDependencies: { typescript },
      },
      null,
      2,
    )}\n`,
  );
  fs.writeFileSync(path.join(dir, ".npmrc"), `@ssm-access:registry=${registryUrl}\n`);
  fs.writeFileSync(
    path.join(dir, "cdktf.json"),
    `${JSON.stringify({ language: "typescript", app: "tsc && node main.js" }, null, 2)}\n`,
  );
  fs.copyFileSync(CDKTF_TEMPLATE_TSCONFIG, path.join(dir, "tsconfig.json"));
  fs.copyFileSync(EXAMPLE_MAIN, path.join(dir, "main.ts"));
  await ok(
    CONSUMER_STACK,
    "npm install",
    runLogged("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: dir,
      env: shellEnv(),
      logFile: path.join(logs, "consumer-npm-install.log"),
    }),
  );
}

function lockEntriesOf(dir: string): RegistryFlow["lockEntries"] {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; resolved?: string; integrity?: string; link?: boolean }>;
  };
  return Object.fromEntries(Object.entries(lock.packages).filter(([k]) => /(^|\/)node_modules\/@ssm-access\//.test(k)));
}

/** Compiles and synthesizes (the `app` of cdktf.json), then `terraform init` and `apply` with the environment's endpoint; returns `state list`. */
async function deployConsumer(dir: string, env: NodeJS.ProcessEnv, tmp: string, logs: string): Promise<string[]> {
  const bin = path.join(dir, "node_modules", ".bin");
  const appEnv = { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ""}` };
  await ok(
    CONSUMER_STACK,
    "synth",
    runLogged("sh", ["-c", "tsc && node main.js"], {
      cwd: dir,
      env: appEnv,
      logFile: path.join(logs, "consumer-synth.log"),
    }),
  );
  const stackDir = path.join(dir, "cdktf.out", "stacks", CONSUMER_STACK);
  const tfEnv = userTerraformEnv(path.join(tmp, "terraform-cli"), env);
  const tf = (step: string, args: string[]) =>
    ok(
      CONSUMER_STACK,
      step,
      runLogged("terraform", args, { cwd: stackDir, env: tfEnv, logFile: path.join(logs, `consumer-${step}.log`) }),
    );
  await tf("init", ["init", "-input=false", "-no-color"]);
  await tf("apply", ["apply", "-auto-approve", "-input=false", "-no-color"]);
  const list = await tf("state-list", ["state", "list"]);
  return list.stdout.trim().split("\n").filter(Boolean);
}
