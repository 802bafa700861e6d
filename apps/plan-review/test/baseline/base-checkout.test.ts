import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  BaseCheckoutError,
  checkoutBase,
  linkDependencies,
  resolveCommit,
  transpileProjects,
  workspaceFolders,
} from "../../src/baseline/base-checkout";

const REPO = path.resolve(__dirname, "..", "..", "..", "..");
const worktrees = () => execFileSync("git", ["worktree", "list", "--porcelain"], { cwd: REPO, encoding: "utf8" });

describe("the base commit, checked out and built", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-base-test-"));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("HEAD in a worktree gets the installed dependencies, its own workspace packages, and compiled code that loads; removing it leaves no worktree", () => {
    const base = checkoutBase(REPO, "HEAD", path.join(tmp, "base"));
    try {
      expect(base.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(worktrees()).toContain(base.dir);
      linkDependencies(REPO, base.dir);
      // The base's own packages, not the working tree's.
      expect(fs.realpathSync(path.join(base.dir, "node_modules", "@ssm-access", "network"))).toBe(
        fs.realpathSync(path.join(base.dir, "packages", "network")),
      );
      expect(fs.realpathSync(path.join(base.dir, "node_modules", "cdktf"))).toBe(
        fs.realpathSync(path.join(REPO, "node_modules", "cdktf")),
      );
      const built = transpileProjects(base.dir);
      expect(built).toEqual(expect.arrayContaining(["apps/infra", "packages/network", "packages/core"]));
      const synth = require(path.join(base.dir, "apps", "infra", "dist", "synth.js")) as Record<string, unknown>;
      expect(typeof synth.synthesize).toBe("function");
      // Resolved as the synth resolves it (Node's resolution, from the base's app).
      const resolve = (name: string) =>
        execFileSync(process.execPath, ["-e", `process.stdout.write(require.resolve(${JSON.stringify(name)}))`], {
          cwd: path.join(base.dir, "apps", "infra"),
          encoding: "utf8",
        });
      expect(fs.realpathSync(resolve("@ssm-access/network")).startsWith(fs.realpathSync(base.dir))).toBe(true);
      expect(fs.realpathSync(resolve("cdktf")).startsWith(fs.realpathSync(REPO))).toBe(true);
    } finally {
      base.remove();
    }
    expect(fs.existsSync(base.dir)).toBe(false);
    expect(worktrees()).not.toContain(base.dir);
  });

  test("an unknown ref is refused with what to do, before anything is checked out", () => {
    expect(() => resolveCommit(REPO, "no-such-branch-here")).toThrow(BaseCheckoutError);
    expect(() => resolveCommit(REPO, "no-such-branch-here")).toThrow(
      /names no commit of this repository; in a shallow clone, fetch it first/,
    );
    expect(() => resolveCommit(REPO, "--output=x")).toThrow(/is not a git ref/);
  });

  test("workspace folders follow the root package.json's globs", () => {
    const folders = workspaceFolders(REPO);
    expect(folders).toEqual(expect.arrayContaining(["apps/infra", "packages/compute", "packages/aws-emulator"]));
    expect(folders.every((f) => fs.existsSync(path.join(REPO, f, "package.json")))).toBe(true);
  });
});
