/**
 * The shipped app deployed by the CDK Terrain CLI (`cdktn deploy`), in a
 * project outside the workspace that installed the packed packages the way
 * docs/cdk-terrain.md says: `cdktf` aliased to `cdktn`
 * and `constructs` pinned through npm `overrides`, and a plain `npm install`.
 * Dev goes into an emulated account of its own (its own landscape, beside the
 * lifecycle test's) the way a team moves: cdktf deploys part of it, `cdktn
 * deploy` takes over that state and adds the rest, dev re-plans clean under
 * either engine, and is destroyed by `cdktn destroy`.
 *
 * `cdktn-cli` 0.24 declares Node >= 22.19. On Node 20 it answers `--version`
 * and fails every command that loads its handlers; the first test records
 * that. The deploy runs the CLI (and the app it starts) on Node 22, from the
 * registry's `node-<platform>-<arch>` package, installed with the project.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  EMULATOR_ARTIFACTS,
  Landscape,
  StepError,
  changesOf,
  childEnv,
  describeChanges,
  emulatorOf,
  makeTempDir,
  openLandscape,
  planJson,
  removeTempDir,
  runLogged,
  sdkConfig,
  stackDir,
  stateLocation,
  stepFailure,
  synth,
  terraform,
  unexplainedChanges,
  type CommandResult,
} from "@ssm-access/aws-emulator";
import { REPO_ROOT } from "./apps";

const CDKTN_VERSION = "0.24.0";
/** The engine this workspace synthesizes with. */
const CDKTF_VERSION = (
  JSON.parse(fs.readFileSync(require.resolve("cdktf/package.json", { paths: [REPO_ROOT] }), "utf8")) as {
    version: string;
  }
).version;
const CDKTN_CONSTRUCTS = "10.7.0";
/** A Node release `cdktn-cli` 0.24 accepts (engines: >= 22.19). */
const CLI_NODE_VERSION = "22.23.5";
const CLI_NODE_PACKAGE = `node-${process.platform === "win32" ? "win" : process.platform}-${process.arch}`;
const PACKAGES = ["core", "network", "iam-ssm", "compute", "maintenance"];
const INFRA_DIR = path.join(REPO_ROOT, "apps", "infra");
const ENV = "dev";

let tmp: string;
let project: string;
let land: Landscape | undefined;
let install: Promise<CommandResult>;
let landscape: Promise<Landscape>;

function npm(args: readonly string[], cwd: string, log: string): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = {};
  // The project's npm sees itself, not the workspace that runs this test, and logs at its own level
  // (an outer `npm run --silent` would hide the engine warning asserted below).
  for (const [k, v] of Object.entries(process.env))
    if (
      !/^(npm_(package|lifecycle)_|npm_config_(workspaces?|prefix|local_prefix|global|save.*|loglevel)$|INIT_CWD$|NX_)/i.test(
        k,
      )
    )
      env[k] = v;
  return runLogged("npm", args, { cwd, env: { ...env, NO_UPDATE_NOTIFIER: "1" }, logFile: path.join(tmp, log) });
}

/** Packs the packages, writes the project (package.json with the move, cdktf.json, the app), installs it. */
async function installProject(): Promise<CommandResult> {
  const packs = path.join(tmp, "packs");
  fs.mkdirSync(packs);
  const packed = await npm(
    [
      "pack",
      "--ignore-scripts",
      "--json",
      "--pack-destination",
      packs,
      ...PACKAGES.flatMap((p) => ["-w", `packages/${p}`]),
    ],
    REPO_ROOT,
    "npm-pack.log",
  );
  if (packed.code !== 0) throw stepFailure("project", "npm pack", packed);
  const infra = JSON.parse(fs.readFileSync(path.join(INFRA_DIR, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const tarballs = Object.fromEntries(
    (JSON.parse(packed.stdout) as Array<{ name: string; filename: string }>).map((e) => [
      e.name,
      `file:${path.join(packs, e.filename)}`,
    ]),
  );
  fs.mkdirSync(project);
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify(
      {
        name: "ssm-access-on-cdktn",
        version: "1.0.0",
        private: true,
        dependencies: {
          ...tarballs,
          "@cdktf/provider-aws": infra.dependencies["@cdktf/provider-aws"],
          cdktf: `npm:cdktn@${CDKTN_VERSION}`,
          constructs: CDKTN_CONSTRUCTS,
          zod: infra.dependencies.zod,
        },
        devDependencies: { "cdktn-cli": CDKTN_VERSION, [CLI_NODE_PACKAGE]: CLI_NODE_VERSION },
        overrides: { cdktf: "$cdktf", constructs: "$constructs" },
      },
      null,
      2,
    ),
  );
  // The app's cdktf.json, as it is: cdktn 0.24 reads the same file and keys.
  fs.copyFileSync(path.join(INFRA_DIR, "cdktf.json"), path.join(project, "cdktf.json"));
  const config = JSON.parse(fs.readFileSync(path.join(project, "cdktf.json"), "utf8")) as Record<string, unknown>;
  // The workspace's launcher builds first; a project with the compiled app runs it directly.
  fs.writeFileSync(path.join(project, "cdktf.json"), JSON.stringify({ ...config, app: "node dist/main.js" }, null, 2));
  fs.cpSync(path.join(INFRA_DIR, "dist"), path.join(project, "dist"), {
    recursive: true,
    filter: (f) => !/\.(map|tsbuildinfo)$/.test(f),
  });
  fs.cpSync(path.join(INFRA_DIR, "environments"), path.join(project, "environments"), { recursive: true });
  const r = await npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], project, "npm-install.log");
  if (r.code !== 0) throw stepFailure("project", "npm install", r);
  return r;
}

/** `cdktn <args>` in the project, with `node` on PATH being `nodeBin`'s, and the emulator's environment. */
async function cdktn(
  stack: string,
  step: string,
  args: readonly string[],
  options: { nodeBin?: string; extraEnv?: Record<string, string>; allowFailure?: boolean } = {},
): Promise<CommandResult> {
  const base = land ? childEnv(land.ws) : { ...process.env };
  const env: NodeJS.ProcessEnv = {
    ...base,
    ...(options.nodeBin ? { PATH: `${options.nodeBin}${path.delimiter}${base.PATH ?? ""}` } : {}),
    CHECKPOINT_DISABLE: "1",
    CI: "true",
    FORCE_COLOR: "0",
    ...options.extraEnv,
  };
  const r = await runLogged(path.join(project, "node_modules", ".bin", "cdktn"), args, {
    cwd: project,
    env,
    logFile: path.join(tmp, `cdktn-${stack}-${step}.log`),
  });
  if (r.code !== 0 && !options.allowFailure) throw stepFailure(stack, `cdktn ${step}`, r);
  return r;
}

function cliNodeBin(): string {
  return path.join(project, "node_modules", CLI_NODE_PACKAGE, "bin");
}

/** The roots of dev's graph, deployed by cdktf before the move (addresses as in apps/infra's golden). */
const CDKTF_DEPLOYED = ["aws_vpc.network", "aws_kms_key.session_logging_key", "aws_iam_role.instance_role"];

/** Each address in the state of `dir`'s stack with the id AWS gave it: a replaced resource gets a new id. */
async function stateIds(l: Landscape, dir: string, step: string): Promise<Map<string, string>> {
  const show = await terraform(l.ws, dir, ENV, ["show", "-json"], step);
  const line = show.stdout.split("\n").find((x) => x.startsWith("{"));
  if (!line) throw new StepError(ENV, step, "  terraform show -json printed no state");
  const state = JSON.parse(line) as {
    values?: {
      root_module?: { resources?: Array<{ address: string; mode: string; values: { id?: string; arn?: string } }> };
    };
  };
  return new Map(
    (state.values?.root_module?.resources ?? [])
      .filter((r) => r.mode === "managed")
      .map((r) => [r.address, `${r.values.id ?? ""} ${r.values.arn ?? ""}`]),
  );
}

/** Dev's state bucket, versioned and private, as the state bootstrap makes it (apps/infra `StateBootstrapStack`). */
async function createStateBucket(l: Landscape): Promise<void> {
  const at = stateLocation(l, ENV);
  const s3 = new S3Client(sdkConfig(emulatorOf(l, at.accountId), at.region));
  await s3.send(
    new CreateBucketCommand({
      Bucket: at.bucket,
      CreateBucketConfiguration: { LocationConstraint: at.region as BucketLocationConstraint },
    }),
  );
  await s3.send(new PutBucketVersioningCommand({ Bucket: at.bucket, VersioningConfiguration: { Status: "Enabled" } }));
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: at.bucket,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
}

beforeAll(() => {
  tmp = makeTempDir("ssm-access-cdktn-");
  project = path.join(tmp, "project");
  install = installProject();
  // The emulator starts and the workspace synthesizes the override files while npm installs.
  landscape = openLandscape(REPO_ROOT, [ENV]).then((l) => (land = l));
  // Each test reports its own failure.
  install.catch(() => undefined);
  landscape.catch(() => undefined);
});

afterAll(async () => {
  await Promise.allSettled([install, landscape]);
  const keep = process.env.SSM_ACCESS_E2E_KEEP_FILES === "1";
  await land?.close(keep);
  if (tmp && !keep) removeTempDir(tmp);
}, 120_000);

describe(`the shipped app on CDK Terrain (cdktn ${CDKTN_VERSION}, cdktn-cli ${CDKTN_VERSION})`, () => {
  it("installs with the overrides and a plain npm install, with no install scripts; cdktn-cli warns about Node 20", async () => {
    const r = await install;
    expect(r.output).not.toMatch(/ERESOLVE|EOVERRIDE|install-scripts/);
    expect(r.output).toMatch(/EBADENGINE[\s\S]*cdktn-cli/);
    const lock = JSON.parse(fs.readFileSync(path.join(project, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; name?: string; hasInstallScript?: boolean }>;
    };
    expect(Object.keys(lock.packages).filter((k) => lock.packages[k].hasInstallScript)).toEqual([]);
    expect(lock.packages["node_modules/cdktf"]).toMatchObject({ name: "cdktn", version: CDKTN_VERSION });
    expect(Object.keys(lock.packages).filter((k) => /(^|\/)node_modules\/cdktf$/.test(k))).toEqual([
      "node_modules/cdktf",
    ]);
  });

  it(`on Node ${process.versions.node}, answers --version and fails synth: it needs Node 22`, async () => {
    await install;
    const version = await cdktn("cli", "version-node20", ["--version"]);
    expect(version.output).toContain(CDKTN_VERSION);
    const synth = await cdktn("cli", "synth-node20", ["synth"], { allowFailure: true });
    expect(synth.code).not.toBe(0);
    expect(synth.output).toMatch(/markAsUncloneable is not a function/);
  });

  it(`takes over dev from cdktf ${CDKTF_VERSION}: \`cdktn deploy\` adds the rest into the same S3 backend, changing and destroying nothing cdktf created`, async () => {
    const [, l] = await Promise.all([install, landscape]);
    const out = (stack: string) => path.join(tmp, "out", stack);
    // Dev's backend bucket, as an account that already holds its state bucket has it. The state
    // bootstrap that makes it is the lifecycle test's subject (deployed and read back there); this
    // test is about the cdktn CLI deploying the app, and the bootstrap would only add its minute of
    // the provider's lifecycle-rule checks.
    await createStateBucket(l);
    // A team on cdktf has deployed dev. Here cdktf's dev stack deploys the roots of its graph (the
    // VPC, the session-logging key, the instance role), which the rest of the stack depends on; the
    // move to cdktn then has to keep them as they are and build on them.
    const cdktfDir = stackDir(out("cdktf-dev"), ENV);
    await synth(l.ws, out("cdktf-dev"), [ENV]);
    expect(JSON.parse(fs.readFileSync(path.join(cdktfDir, "cdk.tf.json"), "utf8"))["//"].metadata.version).toBe(
      CDKTF_VERSION,
    );
    await terraform(l.ws, cdktfDir, ENV, ["init", "-input=false"], "init cdktf");
    await terraform(
      l.ws,
      cdktfDir,
      ENV,
      ["apply", "-input=false", "-auto-approve", ...CDKTF_DEPLOYED.map((a) => `-target=${a}`)],
      "apply cdktf",
    );
    const before = await stateIds(l, cdktfDir, "state-cdktf");
    expect([...before.keys()].sort()).toEqual([...CDKTF_DEPLOYED].sort());

    const deploy = await cdktn(
      ENV,
      "deploy",
      ["deploy", ENV, "--auto-approve", "--skip-provider-lock", "--output", out(ENV)],
      { nodeBin: cliNodeBin(), extraEnv: { SSM_ACCESS_ENVIRONMENTS: ENV } },
    );
    expect(deploy.output).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy/);
    const dir = stackDir(out(ENV), ENV);
    const after = await stateIds(l, dir, "state-cdktn");
    for (const [address, id] of before) expect({ address, id: after.get(address) }).toEqual({ address, id });
    const stack = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as {
      "//": { metadata: { version: string } };
      resource: Record<string, Record<string, unknown>>;
    };
    const declared = Object.entries(stack.resource).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => `${type}.${n}`),
    );
    // A resource with for_each is in the state once per key: `type.name["key"]`.
    const inState = new Set([...after.keys()].map((a) => a.replace(/\[.*\]$/, "")));
    expect([...inState].sort()).toEqual(declared.sort());
    expect(stack["//"].metadata.version).toBe(CDKTN_VERSION);
  });

  it("re-plans dev clean, emulator artifacts aside", async () => {
    const l = await landscape;
    const dir = stackDir(path.join(tmp, "out", ENV), ENV);
    const plan = await planJson(l.ws, dir, ENV, "replan");
    const unexplained = unexplainedChanges(changesOf(plan), EMULATOR_ARTIFACTS);
    if (unexplained.length > 0)
      throw new StepError(ENV, "second plan", `  changes a re-plan should not have:\n${describeChanges(unexplained)}`);
  });

  it(`the dev stack cdktf ${CDKTF_VERSION} synthesizes plans clean against the state \`cdktn deploy\` wrote: same resources, same addresses, same state`, async () => {
    const l = await landscape;
    // Without a refresh: the re-plan just before read the state back against the emulator; this compares
    // cdktf's configuration with the state cdktn wrote, which is the claim.
    const plan = await planJson(l.ws, stackDir(path.join(tmp, "out", "cdktf-dev"), ENV), ENV, "plan cdktf", [
      "-refresh=false",
    ]);
    const unexplained = unexplainedChanges(changesOf(plan), EMULATOR_ARTIFACTS);
    if (unexplained.length > 0)
      throw new StepError(
        ENV,
        "cdktf plan",
        `  changes the other engine's stack should not have:\n${describeChanges(unexplained)}`,
      );
  });

  it("destroys dev with `cdktn destroy`, leaving an empty state", async () => {
    const l = await landscape;
    const out = path.join(tmp, "out", ENV);
    await cdktn(ENV, "destroy", ["destroy", ENV, "--auto-approve", "--skip-provider-lock", "--output", out], {
      nodeBin: cliNodeBin(),
      extraEnv: { SSM_ACCESS_ENVIRONMENTS: ENV },
    });
    const state = await terraform(l.ws, stackDir(out, ENV), ENV, ["state", "list"], "state-list-after");
    expect(state.stdout.trim()).toBe("");
  });
});
