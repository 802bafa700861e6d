/**
 * A fresh copy of the workspace for the documented commands to run in: the
 * files git tracks and the untracked files it does not ignore, as they are
 * on disk (so an uncommitted edit is what gets tested), and nothing else: no
 * `node_modules`, no `dist`, no caches, no `.git`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The workspace's files, relative to `root` with `/` separators, sorted:
 * tracked ones that still exist on disk, and untracked ones `.gitignore`
 * does not exclude.
 */
export function workspaceFiles(root: string): string[] {
  let out: string;
  try {
    out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(
      `${root}: cannot list the workspace's files with git ls-files (the doc tests copy a git working tree): ${stderr || (e as Error).message}`,
    );
  }
  const files = new Set(out.split("\0").filter((f) => f.length > 0));
  // A tracked file deleted on disk is listed too: what is on disk is what gets tested.
  return [...files].filter((f) => isFileOrLink(path.join(root, f))).sort();
}

function isFileOrLink(file: string): boolean {
  try {
    const stat = fs.lstatSync(file);
    return stat.isFile() || stat.isSymbolicLink();
  } catch {
    return false;
  }
}

/** Copies {@link workspaceFiles} of `root` into the empty or missing folder `dest`, keeping modes and symbolic links. */
export function copyWorkspace(root: string, dest: string): string[] {
  const files = workspaceFiles(root);
  fs.mkdirSync(dest, { recursive: true });
  for (const file of files) {
    const from = path.join(root, file);
    const to = path.join(dest, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const stat = fs.lstatSync(from);
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else {
      fs.copyFileSync(from, to);
      fs.chmodSync(to, stat.mode & 0o7777);
    }
  }
  return files;
}

/**
 * Removes a folder and everything in it. The copy holds an installed
 * `node_modules` (tens of thousands of files): `rm -rf` removes it several
 * times faster than Node's recursive `rmSync`, which is the fallback.
 */
export function removeTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  spawnSync("rm", ["-rf", "--", dir], { stdio: "ignore" });
  if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A temporary folder holding a copy of the workspace, removed by {@link WorkspaceCopy.remove}. */
export interface WorkspaceCopy {
  /** The temporary folder (removed with everything in it). */
  readonly tempDir: string;
  /** The workspace copy inside it. */
  readonly root: string;
  /** The files copied, relative to the workspace root. */
  readonly files: readonly string[];
  /** Removes the temporary folder; safe to call more than once. */
  remove(): void;
}

/** Free space a memory-backed folder must have to hold the copy and its installed `node_modules`. */
export const MIN_MEMORY_FOLDER_BYTES = 4 * 1024 ** 3;

/**
 * Where the copy goes. Its `npm ci` writes about 50,000 files, and removing
 * them from a disk takes tens of seconds: a memory-backed folder (`/dev/shm`,
 * a tmpfs on Linux) writes and removes them several times faster. It is used
 * when it exists, is writable and has {@link MIN_MEMORY_FOLDER_BYTES} free;
 * otherwise the system's temporary folder.
 *
 * @param candidate the memory-backed folder to try
 */
export function scratchFolder(candidate = "/dev/shm"): string {
  try {
    fs.accessSync(candidate, fs.constants.W_OK);
    const stats = fs.statfsSync(candidate);
    if (stats.bavail * stats.bsize >= MIN_MEMORY_FOLDER_BYTES) return candidate;
  } catch {
    // Missing or not writable: the temporary folder below.
  }
  return os.tmpdir();
}

/**
 * Copies the workspace at `root` into a new folder under `parent` (by
 * default {@link scratchFolder}). The copy is removed again if copying fails.
 */
export function makeWorkspaceCopy(root: string, prefix = "doc-tests-", parent = scratchFolder()): WorkspaceCopy {
  const tempDir = fs.mkdtempSync(path.join(parent, prefix));
  const remove = (): void => removeTree(tempDir);
  const copyRoot = path.join(tempDir, path.basename(path.resolve(root)));
  try {
    const files = copyWorkspace(root, copyRoot);
    return { tempDir, root: copyRoot, files, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
