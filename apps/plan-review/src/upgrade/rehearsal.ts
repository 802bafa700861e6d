/**
 * A release rehearsed on example consumers before it is published: what
 * `release-gate --example <dir>` does for each example of this repository
 * (`examples/team-stack`).
 *
 * 1. A staging registry: a local Verdaccio (`@ssm-access/npm-registry`) in
 *    front of the registry the release publishes to (the uplink, read with
 *    `NODE_AUTH_TOKEN` when set). The released versions come from there, as
 *    consumers get them.
 * 2. The working tree, which must be at `--to`, is published to the staging
 *    registry only, by the documented release command (`nx release publish`,
 *    which builds first), with the staging registry in `NPM_REGISTRY_URL`.
 * 3. Each example becomes a consumer project on `--from`: its `main.ts`, the
 *    tsconfig `cdktf init --template=typescript` writes, `cdktf.json`, and a
 *    `package.json` with the `@ssm-access` packages `main.ts` imports at
 *    exactly `--from` and the peer dependencies that release declares. It is
 *    installed from the staging registry, synthesized, and each stack is
 *    applied with Terraform into an AWS API emulator of its own (moto,
 *    answering as the account the stack's provider allows).
 * 4. The caller then runs the upgrade check on each deployed project (the
 *    packages moved to `--to` from the staging registry).
 *
 * Everything runs in one temporary folder; the registry, the emulators and
 * the folder are removed when the rehearsal ends, whichever way it ends.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Emulator, makeTempDir, removeTempDir, startEmulator } from "@ssm-access/aws-emulator";
import { type Registry, type Uplink, startRegistry, userConfigLines } from "@ssm-access/npm-registry";
import { isRecord, runProcess, runTerraform, userTerraformEnv } from "@ssm-access/terraform-kit";
import { UPGRADE_SCOPE, UpgradeCheckError, readJson } from "./upgrade-check";

/** The account an emulator answers as when no stack's provider names one. */
const DEFAULT_ACCOUNT = "123456789012";

/** What {@link rehearse} is asked. */
export interface RehearsalOptions {
  /** The workspace whose working tree is the release (`nx.json`, the packages at `to`). */
  readonly repoRoot: string;
  /** Example folders, each with the `main.ts` of a consumer's cdktf app. */
  readonly examples: readonly string[];
  /** The release the consumers have deployed. */
  readonly from: string;
  /** The release about to be published: the working tree's version. */
  readonly to: string;
  /** The registry the release publishes to, where `from` is. */
  readonly upstream: Uplink;
  /** Progress lines (to stderr). */
  readonly log?: (line: string) => void;
}

/** An example deployed at `from`, ready for the upgrade check. */
export interface RehearsedExample {
  /** The example's name (its folder's). */
  readonly name: string;
  /** The consumer project: installed, synthesized, its stacks applied (local state files). */
  readonly projectDir: string;
  /** npm's, the app's and Terraform's environment for it: the staging registry and its emulator. */
  readonly env: NodeJS.ProcessEnv;
}

/** The caller's environment without npm's, Nx's and AWS's own variables: a fresh shell's. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(npm_|NX_|INIT_CWD$|AWS_|CDKTF_|TF_CLI_CONFIG_FILE$|NODE_AUTH_TOKEN$|NPM_REGISTRY_URL$)/i.test(k))
      env[k] = v;
  return { ...env, NO_UPDATE_NOTIFIER: "1", NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false", CI: "true" };
}

async function step(what: string, logFile: string, running: ReturnType<typeof runProcess>): Promise<string> {
  const r = await running;
  if (r.code !== 0) {
    const output = `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-25).join("\n");
    throw new UpgradeCheckError(`${what} failed (exit ${r.code}; log ${logFile}):\n${output}`);
  }
  return r.stdout;
}

/** The version of the working tree's packages (the release's `package.json` files move together). */
export function workingTreeVersion(repoRoot: string): string {
  const manifest = readJson(path.join(repoRoot, "packages", "core", "package.json"));
  const version = isRecord(manifest) ? manifest.version : undefined;
  if (typeof version !== "string")
    throw new UpgradeCheckError(`${path.join(repoRoot, "packages", "core", "package.json")}: version: missing`);
  return version;
}

/** The `@ssm-access` packages a consumer's `main.ts` imports, sorted. */
export function importedPackages(mainTs: string, file = "main.ts"): string[] {
  const names = new Set<string>();
  const scope = UPGRADE_SCOPE.replace(/\/$/, "");
  for (const m of mainTs.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"']+)["']/g)) {
    const spec = m[1];
    if (spec.startsWith(`${scope}/`)) names.add(spec.split("/").slice(0, 2).join("/"));
  }
  if (names.size === 0) throw new UpgradeCheckError(`${file}: imports no ${UPGRADE_SCOPE}* package`);
  return [...names].sort();
}

/** The consumer's `package.json`: the imported packages at exactly `version`, the peers that release declares, TypeScript. */
export function consumerManifest(
  name: string,
  packages: readonly string[],
  version: string,
  peers: Record<string, string>,
  typescript: string,
): Record<string, unknown> {
  return {
    name,
    version: "1.0.0",
    private: true,
    dependencies: { ...Object.fromEntries(packages.map((p) => [p, version])), ...peers },
    devDependencies: { typescript },
  };
}

/** The peer dependencies `package` declares at `version`, as `registry` serves it. */
async function peersOf(registry: string, pkg: string, version: string): Promise<Record<string, string>> {
  const res = await fetch(`${registry}${pkg.replace("/", "%2f")}`, { signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new UpgradeCheckError(`${pkg}: the registry answered HTTP ${res.status} (${registry})`);
  const doc = (await res.json()) as { versions?: Record<string, { peerDependencies?: Record<string, string> }> };
  const release = doc.versions?.[version];
  if (!release)
    throw new UpgradeCheckError(
      `--from ${version}: ${pkg}@${version} is not on the registry the release publishes to (${Object.keys(doc.versions ?? {}).join(", ") || "no version"})`,
    );
  return release.peerDependencies ?? {};
}

/** The account the first stack's AWS provider allows, for its emulator to answer as. */
function allowedAccount(outDir: string): string {
  const manifest = readJson(path.join(outDir, "manifest.json"));
  const stacks = isRecord(manifest) && isRecord(manifest.stacks) ? Object.keys(manifest.stacks) : [];
  for (const stack of stacks) {
    const json = readJson(path.join(outDir, "stacks", stack, "cdk.tf.json"));
    const providers = isRecord(json) && isRecord(json.provider) ? json.provider.aws : undefined;
    for (const p of Array.isArray(providers) ? providers : [providers]) {
      const ids = isRecord(p) ? p.allowed_account_ids : undefined;
      if (Array.isArray(ids) && typeof ids[0] === "string" && /^\d{12}$/.test(ids[0])) return ids[0];
    }
  }
  return DEFAULT_ACCOUNT;
}

/** Writes, installs, synthesizes and deploys one example at `from`; returns it with its emulator. */
async function deployExample(
  options: RehearsalOptions,
  example: string,
  staging: Registry,
  tmp: string,
  emulators: Emulator[],
): Promise<RehearsedExample> {
  const log = options.log ?? (() => undefined);
  const name = path.basename(example);
  const mainFile = path.join(example, "main.ts");
  if (!fs.existsSync(mainFile)) throw new UpgradeCheckError(`--example ${example}: no main.ts`);
  const main = fs.readFileSync(mainFile, "utf8");
  const packages = importedPackages(main, mainFile);
  const dir = path.join(tmp, name);
  const logs = path.join(tmp, "logs");
  fs.mkdirSync(dir, { recursive: true });
  const rootManifest = readJson(path.join(options.repoRoot, "package.json"));
  const devDeps = isRecord(rootManifest) && isRecord(rootManifest.devDependencies) ? rootManifest.devDependencies : {};
  const typescript = typeof devDeps.typescript === "string" ? devDeps.typescript : "^5";
  const peers = await peersOf(staging.url, packages[0], options.from);
  fs.writeFileSync(
    path.join(dir, "package.json"),
    `${JSON.stringify(consumerManifest(name, packages, options.from, peers, typescript), null, 2)}\n`,
  );
  fs.writeFileSync(path.join(dir, ".npmrc"), `${UPGRADE_SCOPE.replace(/\/$/, "")}:registry=${staging.url}\n`);
  fs.writeFileSync(
    path.join(dir, "cdktf.json"),
    `${JSON.stringify({ language: "typescript", app: "tsc && node main.js" }, null, 2)}\n`,
  );
  const template = path.join(
    path.dirname(require.resolve("cdktf-cli/package.json", { paths: [options.repoRoot] })),
    "bundle",
    "templates",
    "typescript",
    "tsconfig.json",
  );
  fs.copyFileSync(template, path.join(dir, "tsconfig.json"));
  fs.copyFileSync(mainFile, path.join(dir, "main.ts"));

  const bin = path.join(dir, "node_modules", ".bin");
  const env = { ...shellEnv(), PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` };
  log(`${name}: npm install ${packages.map((p) => `${p}@${options.from}`).join(" ")}`);
  const installLog = path.join(logs, `${name}-npm-install.log`);
  await step(
    `${name}: npm install`,
    installLog,
    runProcess("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: dir,
      env,
      logFile: installLog,
    }),
  );
  const synthLog = path.join(logs, `${name}-synth.log`);
  await step(
    `${name}: tsc && node main.js`,
    synthLog,
    runProcess("sh", ["-c", "tsc && node main.js"], { cwd: dir, env, logFile: synthLog }),
  );
  const outDir = path.join(dir, "cdktf.out");
  const accountId = allowedAccount(outDir);
  const emulator = await startEmulator({
    accountId,
    logDir: path.join(tmp, "emulator"),
    tlsDir: path.join(tmp, "emulator", "tls"),
  });
  emulators.push(emulator);
  const awsEnv: NodeJS.ProcessEnv = {
    ...env,
    AWS_ENDPOINT_URL: emulator.endpoint,
    ...(emulator.certificateFile ? { AWS_CA_BUNDLE: emulator.certificateFile } : {}),
    AWS_ACCESS_KEY_ID: "emulator-access-key",
    AWS_SECRET_ACCESS_KEY: "emulator-secret-key",
    AWS_EC2_METADATA_DISABLED: "true",
    TMPDIR: path.join(tmp, "tmp"),
  };
  fs.mkdirSync(path.join(tmp, "tmp"), { recursive: true });
  const tfEnv = userTerraformEnv(path.join(tmp, "terraform-cli"), awsEnv);
  const manifest = readJson(path.join(outDir, "manifest.json"));
  const stacks = isRecord(manifest) && isRecord(manifest.stacks) ? Object.keys(manifest.stacks) : [];
  for (const stack of stacks) {
    const cwd = path.join(outDir, "stacks", stack);
    log(`${name}: ${stack} deployed at ${options.from} into an emulator (account ${accountId})`);
    for (const [what, args] of [
      ["init", ["init", "-input=false", "-no-color"]],
      ["apply", ["apply", "-auto-approve", "-input=false", "-no-color"]],
    ] as const) {
      const logFile = path.join(logs, `${name}-${stack}-${what}.log`);
      await step(`${name}: ${stack}: terraform ${what}`, logFile, runTerraform(args, { cwd, env: tfEnv, logFile }));
    }
  }
  return { name, projectDir: dir, env: awsEnv };
}

/**
 * Publishes the working tree to a staging registry in front of
 * `options.upstream`, deploys each example at `from`, and calls `use` with
 * them; then stops and removes everything. See the file's header.
 */
export async function rehearse<T>(
  options: RehearsalOptions,
  use: (examples: readonly RehearsedExample[]) => Promise<T>,
): Promise<T> {
  const log = options.log ?? (() => undefined);
  const onDisk = workingTreeVersion(options.repoRoot);
  if (onDisk !== options.to)
    throw new UpgradeCheckError(
      `--to ${options.to}: the working tree's packages are at ${onDisk} (packages/core/package.json); the rehearsal publishes the working tree`,
    );
  const tmp = makeTempDir("release-rehearsal-");
  const emulators: Emulator[] = [];
  let staging: Registry | undefined;
  const running: Array<Promise<unknown>> = [];
  try {
    staging = await startRegistry({ root: tmp, uplink: options.upstream });
    log(`staging registry ${staging.url} in front of ${options.upstream.url}`);
    const userConfig = path.join(tmp, "npmrc");
    fs.writeFileSync(userConfig, `${userConfigLines(staging.url).join("\n")}\n`);
    const publishLog = path.join(tmp, "logs", "nx-release-publish.log");
    log(`nx release publish ${options.to} to the staging registry`);
    const nx = path.join(
      path.dirname(require.resolve("nx/package.json", { paths: [options.repoRoot] })),
      "dist",
      "bin",
      "nx.js",
    );
    const published = step(
      `nx release publish (${options.to}, to the staging registry)`,
      publishLog,
      runProcess(process.execPath, [nx, "release", "publish", "--output-style=static"], {
        cwd: options.repoRoot,
        env: {
          ...shellEnv(),
          NPM_REGISTRY_URL: staging.url,
          NPM_CONFIG_USERCONFIG: userConfig,
          NODE_AUTH_TOKEN: staging.token,
          NPM_CONFIG_PROVENANCE: "false",
        },
        logFile: publishLog,
      }),
    );
    const registry = staging;
    const deployed = options.examples.map((example) => deployExample(options, example, registry, tmp, emulators));
    running.push(published, ...deployed);
    const [, ...examples] = await Promise.all([published, ...deployed]);
    return await use(examples);
  } finally {
    await Promise.allSettled(running);
    await Promise.allSettled(emulators.map((e) => e.stop()));
    await staging?.stop();
    removeTempDir(tmp);
  }
}
