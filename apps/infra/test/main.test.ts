import * as fs from "node:fs";
import * as path from "node:path";
import { main, optionsFrom } from "../src/main";
import { SHIPPED_ENVIRONMENTS, environmentsDir, removeTempDirs, tempDir, validEnvironment } from "./fixtures";

/**
 * `main` in this process, with the environment given (nothing from this
 * process's own environment) and its output collected. The compiled entry
 * point is run as a real process once, by the `smoke` target.
 */
function runMain(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = main(args, env, { out: (line) => stdout.push(`${line}\n`), err: (line) => stderr.push(`${line}\n`) });
  return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}

function tempOut(): string {
  return path.join(tempDir("ssm-access-out-"), "cdktf.out");
}

afterAll(removeTempDirs);

describe("optionsFrom", () => {
  it("defaults to every environment, ./environments and ./cdktf.out", () => {
    expect(optionsFrom([], {}, "/app")).toEqual({
      environmentsDir: "/app/environments",
      outdir: "/app/cdktf.out",
      only: [],
      keepOtherStackFolders: false,
    });
  });

  it("takes the output folder from CDKTF_OUTDIR, as the cdktf CLI sets it, and leaves stale stack folders to the CLI", () => {
    const options = optionsFrom([], { CDKTF_OUTDIR: "/tmp/out" }, "/app");
    expect(options.outdir).toBe("/tmp/out");
    expect(options.keepOtherStackFolders).toBe(true);
  });

  it("selects environments from --env (repeatable, comma-separated) before SSM_ACCESS_ENVIRONMENTS", () => {
    expect(optionsFrom(["--env", "dev,qa", "--env", "prod"], { SSM_ACCESS_ENVIRONMENTS: "x" }, "/app").only).toEqual([
      "dev",
      "qa",
      "prod",
    ]);
    expect(optionsFrom([], { SSM_ACCESS_ENVIRONMENTS: " dev , prod ," }, "/app").only).toEqual(["dev", "prod"]);
  });

  it("rejects an unknown flag", () => {
    expect(() => optionsFrom(["--envs", "dev"], {}, "/app")).toThrow(/Unknown option '--envs'/);
  });
});

describe("main", () => {
  it("names the output folder relative to the working folder", () => {
    const cwd = tempDir("ssm-access-cwd-");
    const dir = environmentsDir({ "qa.json": validEnvironment() });
    const stdout: string[] = [];
    const status = main(
      ["--environments-dir", dir],
      {},
      { out: (line) => stdout.push(line), err: () => undefined },
      cwd,
    );
    expect(status).toBe(0);
    expect(stdout).toEqual(["synthesized qa into cdktf.out"]);
    expect(fs.readdirSync(path.join(cwd, "cdktf.out", "stacks"))).toEqual(["qa"]);
  });

  it("exits 1 on a wrong command line, saying why, and writes nothing", () => {
    const outdir = tempOut();
    const run = runMain(["--environments-dir", SHIPPED_ENVIRONMENTS, "--outdir", outdir, "--envs", "dev"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^synth failed: Unknown option '--envs'/);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("synthesizes the shipped dev, prod and state-bootstrap stacks", () => {
    const outdir = tempOut();
    const run = runMain(["--environments-dir", SHIPPED_ENVIRONMENTS, "--outdir", outdir]);
    expect(run.stdout).toMatch(/synthesized dev, prod, state-bootstrap/);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev", "prod", "state-bootstrap"]);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(["dev", "prod", "state-bootstrap"]);
  });

  it("prints the stacks' warnings, such as an instance under 1 GiB that is patched, naming the file and the field", () => {
    const dir = environmentsDir({
      "qa.json": validEnvironment({ instances: [{ name: "app-1", instanceType: "t3.nano" }] }),
    });
    const run = runMain(["--environments-dir", dir, "--outdir", tempOut()]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /^warning: .*qa\.json: instances\[0\]\.instanceType: t3\.nano has 512 MiB of memory, and patching run on it/,
    );
    const shipped = runMain(["--environments-dir", SHIPPED_ENVIRONMENTS, "--outdir", tempOut()]);
    expect(shipped.stderr).toBe("");
  });

  it("synthesizes only the environments named in SSM_ACCESS_ENVIRONMENTS", () => {
    const outdir = tempOut();
    const run = runMain(["--environments-dir", SHIPPED_ENVIRONMENTS], {
      SSM_ACCESS_ENVIRONMENTS: "dev",
      CDKTF_OUTDIR: outdir,
    });
    expect(run.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(["dev", "state-bootstrap"]);
  });

  it("under the cdktf CLI, keeps the other stack folders for the CLI to remove; run alone, writes only the selected stacks", () => {
    const outdir = tempOut();
    expect(runMain(["--environments-dir", SHIPPED_ENVIRONMENTS, "--outdir", outdir]).status).toBe(0);
    expect(
      runMain(["--environments-dir", SHIPPED_ENVIRONMENTS], { CDKTF_OUTDIR: outdir, SSM_ACCESS_ENVIRONMENTS: "dev" })
        .status,
    ).toBe(0);
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev", "prod", "state-bootstrap"]);
    expect(runMain(["--environments-dir", SHIPPED_ENVIRONMENTS, "--outdir", outdir, "--env", "dev"]).status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev", "state-bootstrap"]);
  });

  it("writes no state-bootstrap stack when no environment keeps its state in S3", () => {
    const outdir = tempOut();
    const dir = environmentsDir({ "qa.json": validEnvironment() });
    expect(runMain(["--environments-dir", dir, "--outdir", outdir]).status).toBe(0);
    expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual(["qa"]);
  });

  it("with --env prod alone, still refuses a prod release newer than dev's, naming both files and both releases", () => {
    const dev = validEnvironment({ accountId: "111111111111", maintenance: { osRelease: "2023.9.20251117" } });
    const prod = validEnvironment({
      accountId: "222222222222",
      maintenance: { osRelease: "2023.10.20251201", osReleaseFrom: "dev" },
    });
    const dir = environmentsDir({ "dev.json": dev, "prod.json": prod });
    const run = runMain(["--environments-dir", dir, "--outdir", tempOut(), "--env", "prod"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /synth failed: \S*prod\.json: 1 problem\n {2}- maintenance\.osRelease: 2023\.10\.20251201 is newer than 2023\.9\.20251117, the release of \S*dev\.json this environment is promoted from/,
    );
    fs.writeFileSync(
      path.join(dir, "prod.json"),
      JSON.stringify({ ...prod, maintenance: { osRelease: "2023.9.20251117", osReleaseFrom: "dev" } }),
    );
    expect(runMain(["--environments-dir", dir, "--outdir", tempOut(), "--env", "prod"]).status).toBe(0);
  });

  describe("with a broken environment file", () => {
    const outdir = tempOut();
    const dir = environmentsDir({ "qa.json": validEnvironment() });
    let first: ReturnType<typeof runMain>;
    let before: string;

    beforeAll(() => {
      first = runMain(["--environments-dir", dir, "--outdir", outdir]);
      before = fs.readFileSync(path.join(outdir, "stacks", "qa", "cdk.tf.json"), "utf8");
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      [
        "a schema problem",
        { ...validEnvironment(), accountId: "12" },
        /qa\.json: 1 problem\n {2}- accountId: must be a 12-digit AWS account id/,
      ],
      [
        "a construct problem",
        validEnvironment({ network: { cidr: "8.8.8.0/24", availabilityZones: ["eu-west-1a"] } }),
        /qa\.json: .*\n {2}- network\.cidr: .*8\.8\.8\.0\/24/,
      ],
    ])(
      "fails on %s with the file, field path and reason, and leaves the previous output intact",
      (_what, content, expected) => {
        expect(first.status).toBe(0);
        fs.writeFileSync(path.join(dir, "qa.json"), JSON.stringify(content));
        const run = runMain(["--environments-dir", dir, "--outdir", outdir]);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(expected);
        expect(fs.readFileSync(path.join(outdir, "stacks", "qa", "cdk.tf.json"), "utf8")).toBe(before);
        const leftovers = fs.readdirSync(path.dirname(outdir)).filter((f) => f !== "cdktf.out");
        expect(leftovers).toEqual([]);
      },
    );
  });
});
