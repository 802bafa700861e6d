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

/**
 * What another team does with the packages, end to end: `npm pack` each one,
 * install the tarballs into a fresh project outside the workspace, compile
 * `examples/team-stack/main.ts` there with the tsconfig `cdktf init
 * --template=typescript` writes, synthesize it with node, and let Terraform
 * validate the result. Twice for the version matrix: with the highest
 * versions the peer ranges allow (what `npm install` picks today), and with
 * the lowest ones. publint and Are the Types Wrong check every tarball.
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
async function install(name: string, packed: Packed, specs: readonly string[]): Promise<Consumer> {
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
  await runOk(NPM, [...NPM_INSTALL_FLAGS, ...Object.values(packed.tarballs), ...specs], {
    cwd: dir,
    env: consumerEnv(),
    timeoutMs: 180_000,
  });
  const versions: Record<string, string> = {};
  for (const pkg of ["@cdktf/provider-aws", "cdktf", "constructs", ...Object.keys(packed.tarballs)]) {
    versions[pkg] = (
      JSON.parse(fs.readFileSync(path.join(dir, "node_modules", pkg, "package.json"), "utf8")) as { version: string }
    ).version;
  }
  return { dir, versions };
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
    packed.then((p) =>
      install(
        "highest",
        p,
        PEER_NAMES.map((n) => `${n}@${PEERS[n]}`),
      ),
    ),
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
