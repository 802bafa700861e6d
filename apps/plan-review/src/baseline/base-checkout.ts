import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** Raised when the base commit cannot be checked out or built. */
export class BaseCheckoutError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "BaseCheckoutError";
  }
}

/** A commit checked out in a temporary git worktree. */
export interface BaseCheckout {
  /** The ref as given (`main`, `origin/main`, a sha). */
  readonly ref: string;
  /** The full commit id it resolved to. */
  readonly sha: string;
  /** The worktree folder. */
  readonly dir: string;
  /** Removes the worktree (folder and git's record of it). */
  remove(): void;
}

function git(repoRoot: string, args: readonly string[]): string {
  return execFileSync("git", [...args], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The commit `ref` names, or a {@link BaseCheckoutError} saying the ref is unknown (and how to fetch it). */
export function resolveCommit(repoRoot: string, ref: string): string {
  if (ref.startsWith("-")) throw new BaseCheckoutError(`--base "${ref}" is not a git ref`);
  try {
    return git(repoRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new BaseCheckoutError(
      `--base "${ref}" names no commit of this repository; in a shallow clone, fetch it first (for example \`git fetch --depth=1 origin ${ref}\`)`,
    );
  }
}

/**
 * Checks out `ref` in a detached worktree at `dir` (which must not exist).
 * Worktrees left by an interrupted run are pruned first.
 */
export function checkoutBase(repoRoot: string, ref: string, dir: string): BaseCheckout {
  const sha = resolveCommit(repoRoot, ref);
  git(repoRoot, ["worktree", "prune"]);
  try {
    git(repoRoot, ["worktree", "add", "--detach", "--quiet", dir, sha]);
  } catch (e) {
    throw new BaseCheckoutError(
      `cannot check out ${ref} (${sha.slice(0, 12)}) into a worktree: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`,
    );
  }
  return {
    ref,
    sha,
    dir,
    remove: () => {
      try {
        git(repoRoot, ["worktree", "remove", "--force", dir]);
      } catch {
        fs.rmSync(dir, { recursive: true, force: true });
        git(repoRoot, ["worktree", "prune"]);
      }
    },
  };
}

/** Workspace folders (npm `workspaces` globs of one level, `packages/*`) of a checkout, relative. */
export function workspaceFolders(root: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { workspaces?: string[] };
  const folders: string[] = [];
  for (const pattern of pkg.workspaces ?? []) {
    const parent = pattern.replace(/\/\*$/, "");
    if (parent === pattern) {
      if (fs.existsSync(path.join(root, pattern, "package.json"))) folders.push(pattern);
      continue;
    }
    const dir = path.join(root, parent);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      if (fs.existsSync(path.join(dir, name, "package.json"))) folders.push(`${parent}/${name}`);
    }
  }
  return folders;
}

/**
 * Gives the checkout the installed dependencies of the repository without
 * installing anything: each `node_modules` folder (the root's and each
 * workspace's) is recreated with a link to every installed package, except the
 * workspace packages themselves, which link to the checkout's own folders (the
 * base commit's code, not the working tree's).
 */
export function linkDependencies(repoRoot: string, checkout: string): void {
  const own = new Map<string, string>();
  for (const folder of workspaceFolders(checkout)) {
    const name = (JSON.parse(fs.readFileSync(path.join(checkout, folder, "package.json"), "utf8")) as { name?: string })
      .name;
    if (name) own.set(name, folder);
  }
  for (const folder of [".", ...workspaceFolders(checkout)]) {
    const from = path.join(repoRoot, folder, "node_modules");
    if (!fs.existsSync(from)) continue;
    const to = path.join(checkout, folder, "node_modules");
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from)) {
      if (entry.startsWith("@")) {
        fs.mkdirSync(path.join(to, entry), { recursive: true });
        for (const scoped of fs.readdirSync(path.join(from, entry)))
          link(path.join(from, entry, scoped), path.join(to, entry, scoped), `${entry}/${scoped}`);
      } else {
        link(path.join(from, entry), path.join(to, entry), entry);
      }
    }
  }
  function link(source: string, target: string, name: string): void {
    const ownFolder = own.get(name);
    if (ownFolder !== undefined) fs.symlinkSync(path.join(checkout, ownFolder), target, "dir");
    else if (!isWorkspaceLink(source)) fs.symlinkSync(fs.realpathSync(source), target);
  }
  function isWorkspaceLink(source: string): boolean {
    // A workspace package of the working tree that the base does not have: leave it out.
    return fs.lstatSync(source).isSymbolicLink() && !path.relative(repoRoot, fs.realpathSync(source)).startsWith("..");
  }
}

/**
 * Compiles every workspace project of the checkout that has a
 * `tsconfig.lib.json` into its `outDir`, file by file and without type
 * checking (`isolatedModules` code: what the synth needs to run, in a second
 * or two instead of a type-checked build per project). JSON files a source
 * imports are copied beside the output, as `tsc` does.
 */
export function transpileProjects(checkout: string): string[] {
  const built: string[] = [];
  for (const folder of workspaceFolders(checkout)) {
    const tsconfig = path.join(checkout, folder, "tsconfig.lib.json");
    if (!fs.existsSync(tsconfig)) continue;
    const parsed = ts.getParsedCommandLineOfConfigFile(
      tsconfig,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new BaseCheckoutError(
            `${folder}/tsconfig.lib.json: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
          );
        },
      },
    );
    if (!parsed) continue;
    const { outDir, rootDir } = parsed.options;
    if (!outDir || !rootDir)
      throw new BaseCheckoutError(
        `${folder}/tsconfig.lib.json: outDir and rootDir are needed to build the base commit`,
      );
    const options: ts.CompilerOptions = { ...parsed.options, declaration: false, sourceMap: false, noEmit: false };
    for (const file of parsed.fileNames) {
      if (file.endsWith(".d.ts")) continue;
      const text = fs.readFileSync(file, "utf8");
      const out = path.join(outDir, path.relative(rootDir, file)).replace(/\.ts$/, ".js");
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, ts.transpileModule(text, { compilerOptions: options, fileName: file }).outputText);
      for (const m of text.matchAll(/from\s+"(\.{1,2}\/[^"]+\.json)"/g)) {
        const json = path.resolve(path.dirname(file), m[1]);
        if (!path.relative(rootDir, json).startsWith("..")) fs.copyFileSync(json, path.join(path.dirname(out), m[1]));
      }
    }
    built.push(folder);
  }
  return built;
}
