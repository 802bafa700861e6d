import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  PACKAGES,
  WORKSPACE_ROOT,
  consumerEnv,
  readPackageJson,
  run,
  runOk,
  withoutMetadata,
  type RunResult,
} from "./support/run";
import { CDKTN_CONSTRUCTS, CDKTN_VERSION, movedToCdktn } from "./support/cdktn";
import { engineVersion, stackDifference } from "./support/stack-diff";

/**
 * What another team does with the packages, end to end: `npm pack` each one,
 * install the tarballs into a fresh project outside the workspace, compile
 * `examples/team-stack/main.ts` there with the tsconfig `cdktf init
 * --template=typescript` writes, synthesize it with node, and let Terraform
 * validate the result. Twice for the version matrix: with the highest
 * versions the peer ranges allow (what `npm install` picks today), and with
 * the lowest ones. publint and Are the Types Wrong check every tarball.
 *
 * The project also holds the shipped app (`apps/infra`'s compiled code and
 * environment files), and then moves to CDK Terrain as docs/cdk-terrain.md says:
 * `cdktf` aliased to `cdktn` and `constructs` pinned, through npm `overrides`,
 * and a plain `npm install`. It compiles and synthesizes again, and every
 * stack must be the cdktf leg's byte for byte but for `//.metadata.version`.
 *
 * The steps run as a pipeline started in `beforeAll`; each test awaits the
 * step it asserts on, so independent steps (the tarball linters, the second
 * install) overlap with the long ones.
 */

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NODE = process.execPath;
const TSC = path.join(WORKSPACE_ROOT, "node_modules", "typescript", "bin", "tsc");
const PUBLINT = path.join(WORKSPACE_ROOT, "node_modules", "publint", "src", "cli.js");
/** Are the Types Wrong (`@arethetypeswrong/core`, what its CLI runs) over every tarball in one process. */
const ATTW = path.join(__dirname, "support", "attw.mjs");
const TERRAFORM_CHECK = path.join(WORKSPACE_ROOT, "packages", "terraform-kit", "dist", "cli.js");
/** The tsconfig `cdktf init --template=typescript` copies into a new project. */
const CDKTF_TEMPLATE_TSCONFIG = path.join(
  WORKSPACE_ROOT,
  "node_modules",
  "cdktf-cli",
  "bundle",
  "templates",
  "typescript",
  "tsconfig.json",
);
const EXAMPLE_MAIN = path.join(__dirname, "..", "main.ts");
const STACK = "team-x-dev";
/** The shipped app: its compiled code (built by `workspace:build`) and environment files go into the project. */
const INFRA_DIR = path.join(WORKSPACE_ROOT, "apps", "infra");
const INFRA_ZOD = (
  JSON.parse(fs.readFileSync(path.join(INFRA_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string> }
).dependencies.zod;
/** What the shipped app synthesizes from its environment files. */
const SHIPPED_STACKS = ["dev", "prod", "state-bootstrap"];

const NPM_INSTALL_FLAGS = [
  "install",
  "--prefer-offline",
  "--ignore-scripts",
  "--no-audit",
  "--no-fund",
  "--no-package-lock",
];

/** The peer ranges every package declares (the test below checks they agree). */
const PEERS = readPackageJson("core").peerDependencies as Record<
  "@cdktf/provider-aws" | "cdktf" | "constructs",
  string
>;
const PEER_NAMES = ["cdktf", "constructs", "@cdktf/provider-aws"] as const;

/** The lowest version a caret range `^x.y.z` allows. */
function lowestOf(range: string): string {
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!m)
    throw new Error(
      `peer range ${range} is not of the form ^x.y.z; teach the lowest-version leg of this test to read it`,
    );
  return m[1];
}

interface Packed {
  readonly tarballs: Record<string, string>;
  readonly files: Record<string, string[]>;
}

interface Consumer {
  readonly dir: string;
  readonly versions: Record<string, string>;
}

let tmp: string;
const timings: string[] = [];
const pending: Array<Promise<unknown>> = [];

let started = 0;

/** Keeps `p` for the tests, marks it handled (a test reports its failure), and records when it finished. */
function step<T>(name: string, p: Promise<T>): Promise<T> {
  const at = (): string => ((Date.now() - started) / 1000).toFixed(1);
  pending.push(
    p.then(
      () => timings.push(`${name} done at ${at()} s`),
      () => timings.push(`${name} failed at ${at()} s`),
    ),
  );
  return p;
}

async function pack(): Promise<Packed> {
  const dest = path.join(tmp, "packs");
  fs.mkdirSync(dest);
  const r = await runOk(
    NPM,
    [
      "pack",
      "--ignore-scripts",
      "--json",
      "--pack-destination",
      dest,
      ...PACKAGES.flatMap((p) => ["-w", `packages/${p}`]),
    ],
    {
      cwd: WORKSPACE_ROOT,
    },
  );
  const result = JSON.parse(r.stdout) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
  const tarballs: Record<string, string> = {};
  const files: Record<string, string[]> = {};
  for (const entry of result) {
    tarballs[entry.name] = path.join(dest, entry.filename);
    files[entry.name] = entry.files.map((f) => f.path).sort();
  }
  return { tarballs, files };
}

/** A new project outside the workspace with main.ts, the cdktf template's tsconfig, and the tarballs plus `specs` installed. */
async function install(name: string, packed: Packed, specs: readonly string[], withApp = false): Promise<Consumer> {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `team-stack-${name}`, version: "1.0.0", private: true, main: "main.js" }, null, 2),
  );
  fs.copyFileSync(CDKTF_TEMPLATE_TSCONFIG, path.join(dir, "tsconfig.json"));
  fs.writeFileSync(
    path.join(dir, "tsconfig.nodenext.json"),
    JSON.stringify({
      extends: "./tsconfig.json",
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext", noEmit: true, incremental: false },
    }),
  );
  fs.copyFileSync(EXAMPLE_MAIN, path.join(dir, "main.ts"));
  if (withApp) {
    fs.cpSync(path.join(INFRA_DIR, "dist"), path.join(dir, "infra", "dist"), {
      recursive: true,
      filter: (f) => !/\.(map|tsbuildinfo)$/.test(f),
    });
    fs.cpSync(path.join(INFRA_DIR, "environments"), path.join(dir, "infra", "environments"), { recursive: true });
  }
  await runOk(NPM, [...NPM_INSTALL_FLAGS, ...Object.values(packed.tarballs), ...specs], {
    cwd: dir,
    env: consumerEnv(),
    timeoutMs: 180_000,
  });
  return { dir, versions: installedVersions(dir, Object.keys(packed.tarballs)) };
}

/** The version of each peer and of `packages` in a project's node_modules (`cdktf` as `<name>@<version>` when it is another package). */
function installedVersions(dir: string, packages: readonly string[]): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const pkg of ["@cdktf/provider-aws", "cdktf", "constructs", ...packages]) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", pkg, "package.json"), "utf8")) as {
      name: string;
      version: string;
    };
    versions[pkg] = manifest.name === pkg ? manifest.version : `${manifest.name}@${manifest.version}`;
  }
  return versions;
}

/** The shipped app's `node dist/main.js`, into `outdir`; returns each stack's cdk.tf.json as written. */
async function synthShipped(c: Consumer, outdir: string): Promise<Record<string, string>> {
  await runOk(NODE, ["dist/main.js", "--outdir", outdir], { cwd: path.join(c.dir, "infra"), env: consumerEnv() });
  return Object.fromEntries(
    SHIPPED_STACKS.map((s) => [s, fs.readFileSync(path.join(outdir, "stacks", s, "cdk.tf.json"), "utf8")]),
  );
}

/** What the project is after moving to CDK Terrain. */
interface MovedConsumer extends Consumer {
  /** Output of the plain `npm install` that moved it. */
  readonly installOutput: string;
  /** Packages in the lock file that declare install scripts. */
  readonly withInstallScripts: string[];
  /** Every folder in the lock file holding a copy of `cdktf` or `constructs`. */
  readonly engineCopies: string[];
}

/** The README's move: the dependencies and overrides into package.json, then `npm install` with no legacy flag. */
async function moveToCdktn(c: Consumer, packages: readonly string[]): Promise<MovedConsumer> {
  const manifest = path.join(c.dir, "package.json");
  fs.writeFileSync(
    manifest,
    `${JSON.stringify(movedToCdktn(JSON.parse(fs.readFileSync(manifest, "utf8")) as Record<string, unknown>), null, 2)}\n`,
  );
  // No --ignore-scripts: npm runs (or, where it gates them, names) install scripts; the lock file says there are none.
  const r = await runOk(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: c.dir,
    env: consumerEnv(),
    timeoutMs: 180_000,
  });
  const lock = JSON.parse(fs.readFileSync(path.join(c.dir, "package-lock.json"), "utf8")) as {
    packages: Record<string, { hasInstallScript?: boolean }>;
  };
  return {
    dir: c.dir,
    versions: installedVersions(c.dir, packages),
    installOutput: r.output,
    withInstallScripts: Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([k]) => k),
    engineCopies: Object.keys(lock.packages).filter((k) => /(^|\/)node_modules\/(cdktf|constructs)$/.test(k)),
  };
}

/** `npm install --dry-run` of the tarballs and `specs` into a new project: how npm resolves them, without installing. */
async function resolveOnly(name: string, packed: Packed, specs: readonly string[]): Promise<RunResult> {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true }));
  return run(NPM, [...NPM_INSTALL_FLAGS, "--dry-run", ...Object.values(packed.tarballs), ...specs], {
    cwd: dir,
    env: consumerEnv(),
  });
}

/** `tsc` with the project's tsconfig; node10 is written out, though it is what `module: CommonJS` implies. */
function compile(c: Consumer, resolution: "node10" | "nodenext"): Promise<RunResult> {
  const args =
    resolution === "node10"
      ? ["-p", "tsconfig.json", "--moduleResolution", "node10"]
      : ["-p", "tsconfig.nodenext.json"];
  return runOk(NODE, [TSC, ...args], { cwd: c.dir, env: consumerEnv() });
}

/** Runs the compiled main.js; returns the synthesized stack's JSON. */
async function synth(c: Consumer): Promise<Record<string, unknown>> {
  await runOk(NODE, ["main.js"], { cwd: c.dir, env: consumerEnv() });
  return JSON.parse(fs.readFileSync(path.join(c.dir, "cdktf.out", "stacks", STACK, "cdk.tf.json"), "utf8")) as Record<
    string,
    unknown
  >;
}

/** The stack without its `terraform` block (the provider pin) and without cdktf's metadata. */
function stackBody(stack: Record<string, unknown>): unknown {
  return withoutMetadata(Object.fromEntries(Object.entries(stack).filter(([k]) => k !== "terraform")));
}

function requiredAwsVersion(stack: Record<string, unknown>): string {
  return (stack.terraform as { required_providers: { aws: { version: string } } }).required_providers.aws.version;
}

let packed: Promise<Packed>;
let linted: Promise<{ publint: RunResult[]; attw: RunResult }>;
let high: Promise<Consumer>;
let highNode10: Promise<RunResult>;
let highNodenext: Promise<RunResult>;
let highStack: Promise<Record<string, unknown>>;
let highValidate: Promise<RunResult>;
let low: Promise<Consumer>;
let lowStack: Promise<Record<string, unknown>>;
let highShipped: Promise<Record<string, string>>;
let moved: Promise<MovedConsumer>;
let cdktnNode10: Promise<RunResult>;
let cdktnStacks: Promise<Record<string, string>>;
let cdktnValidate: Promise<RunResult>;
let outsideRange: Promise<RunResult>;
let withoutOverrides: Promise<RunResult>;

/** A cdktf release below the peer range (the last 0.20). */
const CDKTF_BELOW_RANGE = "0.20.11";

beforeAll(() => {
  started = Date.now();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-consumer-"));
  packed = step("pack", pack());
  linted = step(
    "publint + attw",
    packed.then(async (p) => {
      const tarballs = Object.values(p.tarballs);
      const publint = await Promise.all(tarballs.map((t) => run(NODE, [PUBLINT, "run", t, "--strict"], { cwd: tmp })));
      const attw = await runOk(NODE, [ATTW, ...tarballs], { cwd: tmp });
      return { publint, attw };
    }),
  );
  high = step(
    "install highest",
    packed.then((p) => install("highest", p, [...PEER_NAMES.map((n) => `${n}@${PEERS[n]}`), `zod@${INFRA_ZOD}`], true)),
  );
  highNode10 = step(
    "tsc node10",
    high.then((c) => compile(c, "node10")),
  );
  highStack = step("synth", highNode10.then(() => high).then(synth));
  highNodenext = step(
    "tsc nodenext",
    highNode10.then(() => high).then((c) => compile(c, "nodenext")),
  );
  highValidate = step(
    "terraform validate",
    highStack
      .then(() => high)
      .then((c) =>
        run(
          NODE,
          [TERRAFORM_CHECK, "validate", "--app", c.dir, "--cache-dir", path.join(tmp, "terraform-check-cache")],
          { cwd: c.dir, env: consumerEnv(), timeoutMs: 180_000 },
        ),
      ),
  );
  highShipped = step(
    "synth shipped stacks",
    high.then((c) => synthShipped(c, path.join(c.dir, "infra", "cdktf.out"))),
  );
  // The same project moves to CDK Terrain once everything that reads its cdktf install is done.
  moved = step(
    "cdktn: npm install",
    Promise.all([highNode10, highNodenext, highStack, highShipped])
      .then(() => Promise.all([high, packed]))
      .then(([c, p]) => moveToCdktn(c, Object.keys(p.tarballs))),
  );
  cdktnNode10 = step(
    "cdktn: tsc node10",
    moved.then((c) => compile(c, "node10")),
  );
  cdktnStacks = step(
    "cdktn: synth",
    cdktnNode10
      .then(() => moved)
      .then(async (c) => {
        const out = path.join(c.dir, "cdktn", "cdktf.out");
        const teamOut = path.join(c.dir, "cdktn", "team.out");
        fs.mkdirSync(path.dirname(teamOut));
        const [shipped] = await Promise.all([
          synthShipped(c, out),
          runOk(NODE, ["main.js"], { cwd: c.dir, env: consumerEnv({ CDKTF_OUTDIR: teamOut }) }),
        ]);
        // One folder of stacks, so one terraform-check run validates them all.
        fs.cpSync(path.join(teamOut, "stacks", STACK), path.join(out, "stacks", STACK), { recursive: true });
        return { [STACK]: fs.readFileSync(path.join(out, "stacks", STACK, "cdk.tf.json"), "utf8"), ...shipped };
      }),
  );
  cdktnValidate = step(
    "cdktn: terraform validate",
    // After the cdktf leg's validate: the two share the provider cache.
    Promise.all([cdktnStacks, highValidate.catch(() => undefined)])
      .then(() => moved)
      .then((c) =>
        run(
          NODE,
          [
            TERRAFORM_CHECK,
            "validate",
            "--app",
            path.join(c.dir, "cdktn"),
            "--cache-dir",
            path.join(tmp, "terraform-check-cache"),
          ],
          { cwd: c.dir, env: consumerEnv(), timeoutMs: 180_000 },
        ),
      ),
  );
  outsideRange = step(
    "cdktf below the range: resolve",
    high
      .then(() => packed)
      .then((p) =>
        resolveOnly("cdktf-below-range", p, [
          `cdktf@${CDKTF_BELOW_RANGE}`,
          `constructs@${PEERS.constructs}`,
          `@cdktf/provider-aws@${PEERS["@cdktf/provider-aws"]}`,
        ]),
      ),
  );
  withoutOverrides = step(
    "cdktn without overrides: resolve",
    high
      .then(() => packed)
      .then((p) =>
        resolveOnly("cdktn-without-overrides", p, [
          `cdktf@npm:cdktn@${CDKTN_VERSION}`,
          `constructs@${CDKTN_CONSTRUCTS}`,
          `@cdktf/provider-aws@${PEERS["@cdktf/provider-aws"]}`,
        ]),
      ),
  );
  // After the first install, so it finds npm's cache warm and does not compete with it.
  low = step(
    "install lowest",
    high
      .then(() => packed)
      .then((p) =>
        install(
          "lowest",
          p,
          PEER_NAMES.map((n) => `${n}@${lowestOf(PEERS[n])}`),
        ),
      ),
  );
  lowStack = step(
    "lowest: tsc + synth",
    low.then(async (c) => {
      await compile(c, "node10");
      return synth(c);
    }),
  );
});

afterAll(async () => {
  await Promise.allSettled(pending);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`team-stack consumer steps: ${timings.join(", ")}\n`);
}, 240_000);

describe("the packages, installed from their tarballs by a project outside the workspace", () => {
  it("are packed with compiled JavaScript, declarations, README, LICENSE and CHANGELOG, and no sources or source maps", async () => {
    const { files } = await packed;
    expect(Object.keys(files).sort()).toEqual(PACKAGES.map((p) => `@ssm-access/${p}`).sort());
    for (const [name, list] of Object.entries(files)) {
      expect({ name, list: list.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f)) }).toEqual({
        name,
        list: ["CHANGELOG.md", "LICENSE", "README.md", "package.json"],
      });
      expect(list).toContain("dist/index.js");
      expect(list).toContain("dist/index.d.ts");
    }
  });

  it("pass publint (strict) and Are the Types Wrong for node10, node16 (CJS and ESM) and bundler resolution", async () => {
    const { publint, attw } = await linted;
    for (const r of publint) {
      expect({ command: r.command, code: r.code, output: r.output }).toEqual(expect.objectContaining({ code: 0 }));
      expect(r.output).not.toMatch(/Errors:|Warnings:|Suggestions:/);
    }
    const checked = JSON.parse(attw.stdout) as Array<{
      tarball: string;
      typed: boolean;
      resolutionKinds: Record<string, string[]>;
      problems: unknown[];
    }>;
    expect(checked.map((c) => path.basename(c.tarball)).sort()).toEqual(
      Object.values((await packed).tarballs)
        .map((t) => path.basename(t))
        .sort(),
    );
    for (const { tarball, typed, resolutionKinds, problems } of checked) {
      expect({ tarball, typed, problems }).toEqual({ tarball, typed: true, problems: [] });
      expect(Object.keys(resolutionKinds)).toContain(".");
      for (const kinds of Object.values(resolutionKinds)) {
        expect(kinds.sort()).toEqual(["bundler", "node10", "node16-cjs", "node16-esm"]);
      }
    }
  });

  describe(`with the highest versions the peer ranges allow (cdktf ${PEERS.cdktf}, constructs ${PEERS.constructs}, @cdktf/provider-aws ${PEERS["@cdktf/provider-aws"]})`, () => {
    it("install, with one copy of each @ssm-access package", async () => {
      const c = await high;
      for (const p of PACKAGES) {
        expect(c.versions[`@ssm-access/${p}`]).toBe(readPackageJson(p).version);
        expect(fs.existsSync(path.join(c.dir, "node_modules", `@ssm-access/${p}`, "node_modules"))).toBe(false);
      }
      expect(c.versions["@cdktf/provider-aws"].split(".")[0]).toBe(
        lowestOf(PEERS["@cdktf/provider-aws"]).split(".")[0],
      );
    });

    it("compile main.ts with strict tsc and node10 resolution (the cdktf init tsconfig)", async () => {
      await expect(highNode10).resolves.toEqual(expect.objectContaining({ code: 0 }));
    });

    it("compile main.ts with strict tsc and nodenext resolution", async () => {
      await expect(highNodenext).resolves.toEqual(expect.objectContaining({ code: 0 }));
    });

    it("synthesize a stack with the network, the role and the instance", async () => {
      const stack = (await highStack) as { resource: Record<string, Record<string, unknown>> };
      expect(Object.keys(stack.resource)).toEqual(
        expect.arrayContaining(["aws_vpc", "aws_vpc_endpoint", "aws_iam_role", "aws_instance", "aws_launch_template"]),
      );
    });

    it("produce a stack terraform validate accepts", async () => {
      const r = await highValidate;
      expect({ code: r.code, output: r.output }).toEqual(expect.objectContaining({ code: 0 }));
      expect(r.output).toMatch(/1 passed, 0 failed/);
    });
  });

  describe(`with the lowest versions the peer ranges allow (cdktf ${lowestOf(PEERS.cdktf)}, constructs ${lowestOf(PEERS.constructs)}, @cdktf/provider-aws ${lowestOf(PEERS["@cdktf/provider-aws"])})`, () => {
    it("install those exact versions", async () => {
      const c = await low;
      for (const n of PEER_NAMES) expect(c.versions[n]).toBe(lowestOf(PEERS[n]));
    });

    it("compile and synthesize the same resources and outputs as the validated stack, only the AWS provider pin differs", async () => {
      const [lowest, highest] = await Promise.all([lowStack, highStack]);
      expect(stackBody(lowest)).toEqual(stackBody(highest));
      // Each @cdktf/provider-aws release pins the AWS provider it was generated from (20.0.0: 5.99.1, 20.1.0: 5.100.0).
      expect(requiredAwsVersion(lowest)).toMatch(/^5\./);
    });
  });
});

describe(`the same project moved to CDK Terrain (cdktf aliased to cdktn@${CDKTN_VERSION}, constructs ${CDKTN_CONSTRUCTS}, through npm overrides)`, () => {
  it("installs with a plain npm install: one copy of cdktn and of constructs, and no install scripts", async () => {
    const c = await moved;
    expect(c.versions.cdktf).toBe(`cdktn@${CDKTN_VERSION}`);
    expect(c.versions.constructs).toBe(CDKTN_CONSTRUCTS);
    expect(c.versions["@cdktf/provider-aws"]).toBe((await high).versions["@cdktf/provider-aws"]);
    for (const p of PACKAGES) expect(c.versions[`@ssm-access/${p}`]).toBe(readPackageJson(p).version);
    expect(c.engineCopies.sort()).toEqual(["node_modules/cdktf", "node_modules/constructs"]);
    expect(c.withInstallScripts).toEqual([]);
    expect(c.installOutput).not.toMatch(/ERESOLVE|EOVERRIDE|install-scripts/);
  });

  it("compiles main.ts with strict tsc and node10 resolution against cdktn's declarations", async () => {
    await expect(cdktnNode10).resolves.toEqual(expect.objectContaining({ code: 0 }));
  });

  it(`synthesizes ${[STACK, ...SHIPPED_STACKS].join(", ")} byte for byte as cdktf does, but for //.metadata.version`, async () => {
    const [cdktn, shipped] = await Promise.all([cdktnStacks, highShipped]);
    const cdktf: Record<string, string> = {
      [STACK]: fs.readFileSync(path.join((await high).dir, "cdktf.out", "stacks", STACK, "cdk.tf.json"), "utf8"),
      ...shipped,
    };
    expect(Object.keys(cdktn)).toEqual([STACK, ...SHIPPED_STACKS]);
    // cdktf 0.21 writes an empty array over two lines, cdktn 0.24 as []: the one difference of layout allowed.
    const differences = Object.keys(cdktn).map((s) =>
      stackDifference(s, cdktf[s], cdktn[s], { allowEmptyContainerLayout: true }),
    );
    expect(differences.filter((d) => d !== undefined)).toEqual([]);
    for (const s of Object.keys(cdktn)) {
      expect({ s, cdktf: engineVersion(JSON.parse(cdktf[s])), cdktn: engineVersion(JSON.parse(cdktn[s])) }).toEqual({
        s,
        cdktf: (await high).versions.cdktf,
        cdktn: CDKTN_VERSION,
      });
    }
  });

  it("produces stacks terraform validate accepts", async () => {
    const r = await cdktnValidate;
    expect({ code: r.code, output: r.output }).toEqual(expect.objectContaining({ code: 0 }));
    expect(r.output).toMatch(new RegExp(`${SHIPPED_STACKS.length + 1} passed, 0 failed`));
  });
});

describe("npm's answer to engines outside the ranges", () => {
  it(`refuses cdktf ${CDKTF_BELOW_RANGE} with ERESOLVE, naming the peer range cdktf ${PEERS.cdktf}`, async () => {
    const r = await outsideRange;
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/ERESOLVE unable to resolve dependency tree/);
    expect(r.output).toContain(`Found: cdktf@${CDKTF_BELOW_RANGE}`);
    expect(r.output).toContain(`peer cdktf@"${PEERS.cdktf}"`);
  });

  it("refuses cdktn without the overrides with ERESOLVE: @cdktf/provider-aws and the packages peer on cdktf", async () => {
    const r = await withoutOverrides;
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/ERESOLVE unable to resolve dependency tree/);
    expect(r.output).toContain(`Found: cdktf@${CDKTN_VERSION}`);
    expect(r.output).toContain(`peer cdktf@"${PEERS.cdktf}"`);
  });
});

describe("the packages' manifests", () => {
  it.each(PACKAGES)("%s declares the same peer ranges as core, and caret ranges on its sibling packages", (p) => {
    const pkg = readPackageJson(p);
    expect(pkg.peerDependencies).toEqual(PEERS);
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (dep.startsWith("@ssm-access/"))
        expect(`${dep}@${range}`).toBe(`${dep}@^${readPackageJson(dep.slice("@ssm-access/".length)).version}`);
    }
  });

  it.each(PACKAGES)("%s has a LICENSE, repository, engines, keywords and an exports map with types first", (p) => {
    const pkg = readPackageJson(p);
    expect(fs.readFileSync(path.join(WORKSPACE_ROOT, "packages", p, "LICENSE"), "utf8")).toMatch(
      /Apache License\s+Version 2\.0, January 2004/,
    );
    expect(pkg.license).toBe("Apache-2.0");
    expect(pkg.repository?.directory).toBe(`packages/${p}`);
    expect(pkg.engines).toEqual({ node: ">=20" });
    expect(pkg.keywords).toEqual(expect.arrayContaining(["cdktf", "constructs", "aws", "ssm", "session-manager"]));
    expect(pkg.exports?.["./package.json"]).toBe("./package.json");
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (subpath === "./package.json") continue;
      expect(Object.keys(target as object)).toEqual(["types", "require", "default"]);
      if (subpath !== ".")
        expect(pkg.typesVersions?.["*"]?.[subpath.slice(2)]).toEqual([(target as { types: string }).types.slice(2)]);
    }
  });
});
