import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MIN_MEMORY_FOLDER_BYTES, makeWorkspaceCopy, scratchFolder, workspaceFiles } from "../src/workspace-copy";

/** A small git working tree: tracked, untracked, ignored, deleted and modified files. */
function makeRepo(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "doc-tests-repo-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: root, stdio: "pipe" });
  git("init", "-q");
  const write = (file: string, text: string, mode?: number) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text, mode === undefined ? undefined : { mode });
  };
  write(".gitignore", "node_modules/\ndist/\n*.log\n");
  write("README.md", "committed\n");
  write("packages/a/src/index.ts", "export {};\n");
  write("packages/a/run.sh", "#!/bin/sh\n", 0o755);
  write("gone.txt", "deleted later\n");
  git("add", ".");
  git("commit", "-q", "-m", "base");
  write("README.md", "edited, not committed\n");
  fs.rmSync(path.join(root, "gone.txt"));
  write("NEW.md", "untracked\n");
  write("node_modules/x/index.js", "ignored\n");
  write("packages/a/dist/index.js", "ignored\n");
  write("debug.log", "ignored\n");
  fs.symlinkSync("README.md", path.join(root, "LINK.md"));
  return root;
}

describe("workspaceFiles and makeWorkspaceCopy", () => {
  let repo: string;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  it("lists tracked files still on disk and untracked files git does not ignore; nothing ignored, deleted or from .git", () => {
    expect(workspaceFiles(repo)).toEqual([
      ".gitignore",
      "LINK.md",
      "NEW.md",
      "README.md",
      "packages/a/run.sh",
      "packages/a/src/index.ts",
    ]);
  });

  it("copies them as they are on disk (uncommitted edits, modes, links) into a temporary folder that remove() deletes", () => {
    const copy = makeWorkspaceCopy(repo);
    try {
      const parent = scratchFolder();
      expect(copy.root.startsWith(fs.realpathSync(parent)) || copy.root.startsWith(parent)).toBe(true);
      expect(fs.readFileSync(path.join(copy.root, "README.md"), "utf8")).toBe("edited, not committed\n");
      expect(fs.statSync(path.join(copy.root, "packages/a/run.sh")).mode & 0o777).toBe(0o755);
      expect(fs.readlinkSync(path.join(copy.root, "LINK.md"))).toBe("README.md");
      for (const absent of ["node_modules", "packages/a/dist", "debug.log", "gone.txt", ".git"])
        expect(fs.existsSync(path.join(copy.root, absent))).toBe(false);
    } finally {
      copy.remove();
    }
    expect(fs.existsSync(copy.tempDir)).toBe(false);
  });

  it("names the folder when it is not a git working tree, and leaves no temporary folder", () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), "doc-tests-plain-"));
    const parent = scratchFolder();
    const before = fs.readdirSync(parent).filter((f) => f.startsWith("doc-tests-copy-"));
    try {
      expect(() => makeWorkspaceCopy(plain, "doc-tests-copy-")).toThrow(new RegExp(`${plain}: cannot list`));
      expect(fs.readdirSync(parent).filter((f) => f.startsWith("doc-tests-copy-"))).toEqual(before);
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe("scratchFolder", () => {
  it("falls back to the system's temporary folder when the memory-backed folder is missing", () => {
    expect(scratchFolder(path.join(os.tmpdir(), "no-such-folder-for-doc-tests"))).toBe(os.tmpdir());
  });

  it("takes a writable folder only when it has room for the copy and its node_modules", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "doc-tests-scratch-"));
    try {
      const stats = fs.statfsSync(dir);
      const roomy = stats.bavail * stats.bsize >= MIN_MEMORY_FOLDER_BYTES;
      expect(scratchFolder(dir)).toBe(roomy ? dir : os.tmpdir());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
