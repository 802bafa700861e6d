import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGES, WORKSPACE_ROOT, readPackageJson, run, runOk } from "./support/run";

/**
 * `nx release` as configured in nx.json (one fixed version for the five
 * packages, conventional commits, a CHANGELOG.md per package, a `v<version>`
 * tag), run with `--dry-run --skip-publish`: it must propose the versions,
 * the updated ranges between the packages and the changelog entries, and
 * leave the working tree, HEAD and the tags exactly as they were.
 */

const NX = path.join(WORKSPACE_ROOT, "node_modules", "nx", "dist", "bin", "nx.js");
const RELEASE_FILES = [
  "nx.json",
  "package.json",
  "package-lock.json",
  ...PACKAGES.flatMap((p) => [`packages/${p}/package.json`, `packages/${p}/CHANGELOG.md`]),
];

/** Nx's own environment, without what the outer `nx run` set for its task. */
function nxEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("NX_")));
  return { ...env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false" };
}

async function git(args: string[]): Promise<string> {
  // --no-optional-locks: status must not even refresh the index.
  return (await runOk("git", ["--no-optional-locks", ...args], { cwd: WORKSPACE_ROOT })).stdout;
}

async function snapshot(): Promise<Record<string, string>> {
  const hashes = Object.fromEntries(
    RELEASE_FILES.map((f) => [
      f,
      createHash("sha256")
        .update(fs.readFileSync(path.join(WORKSPACE_ROOT, f)))
        .digest("hex"),
    ]),
  );
  return {
    head: await git(["rev-parse", "HEAD"]),
    tags: await git(["tag", "--list"]),
    status: await git(["status", "--porcelain", "--", ...RELEASE_FILES]),
    ...hashes,
  };
}

function nextMinor(version: string): string {
  const [major, minor] = version.split(".").map(Number);
  return `${major}.${minor + 1}.0`;
}

describe("nx release --dry-run", () => {
  const current = readPackageJson("core").version;
  const next = nextMinor(current);

  it(`with an explicit version (${next}) proposes it for every package, their ranges on each other and a changelog entry each, and changes nothing`, async () => {
    const before = await snapshot();
    const r = await run(process.execPath, [NX, "release", next, "--dry-run", "--skip-publish"], {
      cwd: WORKSPACE_ROOT,
      env: nxEnv(),
    });
    expect({ code: r.code, output: r.output }).toEqual(expect.objectContaining({ code: 0 }));
    for (const p of PACKAGES) {
      expect(readPackageJson(p).version).toBe(current);
      expect(r.output).toContain(`New version ${next} written to manifest: packages/${p}/package.json`);
      expect(r.output).toContain(`Previewing an entry in packages/${p}/CHANGELOG.md for v${next}`);
    }
    expect(r.output).toContain(`+     "@ssm-access/core": "^${next}"`);
    expect(r.output).toContain(`+     "@ssm-access/network": "^${next}"`);
    expect(r.output).toMatch(/Tagging commit with git/);
    expect(r.output).toMatch(/The "dryRun" flag means no changes were made/);
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  it("from conventional commits (what a release runs) succeeds and changes nothing", async () => {
    const before = await snapshot();
    const r = await run(process.execPath, [NX, "release", "--dry-run", "--skip-publish"], {
      cwd: WORKSPACE_ROOT,
      env: nxEnv(),
    });
    expect({ code: r.code, output: r.output }).toEqual(expect.objectContaining({ code: 0 }));
    expect(r.output).toMatch(/The "dryRun" flag means no changes were made/);
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
