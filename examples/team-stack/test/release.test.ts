import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKAGES, WORKSPACE_ROOT, readPackageJson, run } from "./support/run";

/**
 * Releases as configured in nx.json: one fixed version for the five
 * packages, the bump read from the version plans in `.nx/version-plans`
 * (hand-written with the change, reviewed with it), a CHANGELOG.md entry per
 * package made of their text, a `v<version>` tag.
 *
 * The flow is proven in a scratch copy of the release configuration (nx.json,
 * the root and package manifests and changelogs, a git repository of its own,
 * this workspace's node_modules linked in), where the test decides which
 * version plans exist; then the workspace's own plans are checked: the
 * release they describe computes, and a dry run changes nothing.
 */

const NX = path.join(WORKSPACE_ROOT, "node_modules", "nx", "dist", "bin", "nx.js");
const PLANS_DIR = path.join(".nx", "version-plans");

/** Nx's own environment, without what the outer `nx run` set for its task. */
function nxEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("NX_")));
  return { ...env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false", NX_ISOLATE_PLUGINS: "false" };
}

/** The version a relative bump gives before 1.0 as nx.json says (adjustSemverBumpsForZeroMajorVersion): breaking → minor, feature and fix → patch. */
function bumped(version: string, bump: "major" | "minor" | "patch"): string {
  const [major, minor, patch] = version.split(".").map(Number);
  const level = major > 0 ? bump : bump === "major" ? "minor" : "patch";
  if (level === "major") return `${major + 1}.0.0`;
  if (level === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** The files `nx release` reads and writes, relative to the workspace root. */
const RELEASE_FILES = [
  "nx.json",
  "package.json",
  "package-lock.json",
  ...PACKAGES.flatMap((p) => [
    `packages/${p}/package.json`,
    `packages/${p}/project.json`,
    `packages/${p}/CHANGELOG.md`,
  ]),
];

function git(cwd: string, args: string[]): string {
  // --no-optional-locks: status must not even refresh the index.
  return execFileSync("git", ["--no-optional-locks", ...args], { cwd, encoding: "utf8", stdio: "pipe" });
}

/** A scratch workspace with the release configuration only, committed in a git repository of its own. */
function scratchWorkspace(dir: string): string {
  const root = path.join(dir, "workspace");
  for (const file of RELEASE_FILES) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.copyFileSync(path.join(WORKSPACE_ROOT, file), path.join(root, file));
  }
  fs.writeFileSync(path.join(root, ".gitignore"), "node_modules\n.nx/*\n!.nx/version-plans/\n");
  fs.symlinkSync(path.join(WORKSPACE_ROOT, "node_modules"), path.join(root, "node_modules"));
  const id = ["-c", "user.name=Release Test", "-c", "user.email=release-test@example.com"];
  git(root, ["init", "-q", "-b", "main"]);
  git(root, ["add", "-A"]);
  git(root, [...id, "commit", "-q", "-m", "release configuration"]);
  return root;
}

function writePlan(root: string, name: string, bumps: Record<string, string>, message: string): void {
  const dir = path.join(root, PLANS_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const header = Object.entries(bumps).map(([k, v]) => `${k}: ${v}`);
  fs.writeFileSync(path.join(dir, name), ["---", ...header, "---", "", message, ""].join("\n"));
}

/** The changelog entry the dry run previews for `pkg`: its added lines, without the leading `+ `. */
function entry(output: string, pkg: string): string {
  const start = output.indexOf(`Previewing an entry in packages/${pkg}/CHANGELOG.md`);
  if (start < 0) return "";
  const end = output.indexOf("Previewing an entry in", start + 1);
  return output
    .slice(start, end < 0 ? undefined : end)
    .split("\n")
    .filter((l) => l.startsWith("+"))
    .map((l) => l.replace(/^\+ ?/, ""))
    .join("\n");
}

function dryRun(cwd: string) {
  return run(process.execPath, [NX, "release", "--dry-run", "--skip-publish"], { cwd, env: nxEnv() });
}

/** Hashes of the release files and the plans, and git's view: what a dry run must leave as it was. */
function snapshot(root: string): Record<string, string> {
  const plans = fs.existsSync(path.join(root, PLANS_DIR)) ? fs.readdirSync(path.join(root, PLANS_DIR)).sort() : [];
  const files = [...RELEASE_FILES, ...plans.map((p) => path.join(PLANS_DIR, p))];
  return {
    ...Object.fromEntries(
      files.map((f) => [
        f,
        createHash("sha256")
          .update(fs.readFileSync(path.join(root, f)))
          .digest("hex"),
      ]),
    ),
    head: git(root, ["rev-parse", "HEAD"]),
    tags: git(root, ["tag", "--list"]),
    status: git(root, ["status", "--porcelain", "--", ...files]),
  };
}

describe("nx release with version plans", () => {
  const current = readPackageJson("core").version;
  let dir: string;
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  const onSignal = (signal: NodeJS.Signals) => {
    removeDir();
    process.removeListener(signal, onSignal);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-test-"));
    for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, onSignal);
  });
  afterEach(() => {
    removeDir();
    for (const s of ["SIGINT", "SIGTERM"] as const) process.removeListener(s, onSignal);
  });

  it(`with a version plan for one package (a feature), the dry run gives all five ${bumped(current, "minor")}, their ranges on each other, and that package's changelog entry the plan's text, and changes nothing`, async () => {
    const root = scratchWorkspace(dir);
    writePlan(root, "network-feature.md", { network: "minor" }, "Flow logs to S3 as well as CloudWatch Logs.");
    const before = snapshot(root);
    const r = await dryRun(root);
    expect({ code: r.code, output: r.output }).toEqual(expect.objectContaining({ code: 0 }));
    const next = bumped(current, "minor");
    expect(r.output).toContain(
      `Applied semver relative bump "minor", read from version plan .nx/version-plans/network-feature.md, to get new version ${next}`,
    );
    for (const p of PACKAGES) {
      expect(r.output).toContain(`New version ${next} written to manifest: packages/${p}/package.json`);
      expect(r.output).toContain(`Previewing an entry in packages/${p}/CHANGELOG.md for v${next}`);
    }
    expect(r.output).toContain(`+     "@ssm-access/core": "^${next}"`);
    expect(entry(r.output, "network")).toMatch(
      new RegExp(
        `^## ${next.replace(/\./g, "\\.")} \\(\\d{4}-\\d\\d-\\d\\d\\)\n\n### 🚀 Features\n\n- Flow logs to S3 as well as CloudWatch Logs\\.`,
      ),
    );
    expect(entry(r.output, "compute")).toMatch(/version bump only for compute/);
    expect(r.output).toMatch(/Removing version plan files/);
    expect(r.output).toMatch(/Tagging commit with git/);
    expect(r.output).toMatch(/The "dryRun" flag means no changes were made/);
    expect(snapshot(root)).toEqual(before);
  }, 120_000);

  it(`a breaking plan wins over a fix: ${bumped(current, "major")} before 1.0, listed under Breaking Changes`, async () => {
    const root = scratchWorkspace(dir);
    writePlan(root, "compute-fix.md", { compute: "patch" }, "A fix.");
    writePlan(root, "iam-ssm-breaking.md", { "iam-ssm": "major" }, "A renamed prop.");
    const r = await dryRun(root);
    expect({ code: r.code, output: r.output }).toEqual(expect.objectContaining({ code: 0 }));
    const next = bumped(current, "major");
    for (const p of PACKAGES)
      expect(r.output).toContain(`New version ${next} written to manifest: packages/${p}/package.json`);
    expect(entry(r.output, "iam-ssm")).toMatch(/### ⚠️ +Breaking Changes\n\n- A renamed prop\./);
    expect(entry(r.output, "compute")).toMatch(/### 🩹 Fixes\n\n- A fix\./);
  }, 120_000);

  it("without a version plan, proposes no new version", async () => {
    const root = scratchWorkspace(dir);
    const r = await dryRun(root);
    expect(r.output).not.toMatch(/New version/);
    expect(r.output).toMatch(/No changes were detected/i);
  }, 120_000);

  it("the workspace's own version plans are well-formed and give one version to all five packages; the dry run changes nothing", async () => {
    const plans = fs.existsSync(path.join(WORKSPACE_ROOT, PLANS_DIR))
      ? fs.readdirSync(path.join(WORKSPACE_ROOT, PLANS_DIR))
      : [];
    const before = snapshot(WORKSPACE_ROOT);
    const r = await dryRun(WORKSPACE_ROOT);
    expect({ code: r.code, output: r.output }).toEqual(expect.objectContaining({ code: 0 }));
    const versions = new Set([...r.output.matchAll(/New version (\S+) written to manifest/g)].map((m) => m[1]));
    expect(versions.size).toBe(plans.length === 0 ? 0 : 1);
    expect(snapshot(WORKSPACE_ROOT)).toEqual(before);
  }, 120_000);
});
