// @ts-check
/**
 * Runs a workspace program from its sources' compiled output, building first
 * when that output is missing or older than the sources. Every `bin` of the
 * workspace is a small launcher calling {@link launch}, and the infra app's
 * `cdktf.json` command calls {@link buildIfStale}: npm links a workspace
 * package's `bin` only when its file exists at install time, so the file it
 * names is committed, not compiled.
 *
 * Checked are the given projects and every workspace package they depend on
 * (their `dependencies` and `peerDependencies`, followed through theirs;
 * installed packages are not): each `src/**` file and folder (so an added or
 * deleted file counts), `tsconfig.lib.json` and the files it extends, against
 * the `dist/*.js` file each source compiles to. When one is newer or missing,
 * `nx run-many -t build` builds those projects (and, first, what they depend
 * on; from the Nx cache when it can). Plain JavaScript: it runs before
 * anything is built.
 */
const fs = require("node:fs");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");

const SOURCE_DIR = "src";
const OUTPUT_DIR = "dist";
const TSCONFIG = "tsconfig.lib.json";

/**
 * The folders of `projectDir` and of the workspace packages it depends on,
 * transitively, `projectDir` first. A dependency is a workspace package when
 * `node_modules/<name>` links to a folder outside any `node_modules`.
 * @param {string} projectDir
 * @returns {string[]}
 */
function projectFolders(projectDir) {
  const found = [path.resolve(projectDir)];
  for (let i = 0; i < found.length; i++) {
    const manifest = readJson(path.join(found[i], "package.json"));
    const names = Object.keys({ ...(manifest?.dependencies ?? {}), ...(manifest?.peerDependencies ?? {}) });
    for (const name of names) {
      const dir = installedFolder(found[i], name);
      if (dir !== undefined && !dir.split(path.sep).includes("node_modules") && !found.includes(dir)) found.push(dir);
    }
  }
  return found;
}

/**
 * Where Node would find package `name` from `fromDir`, links resolved.
 * @param {string} fromDir
 * @param {string} name
 * @returns {string | undefined}
 */
function installedFolder(fromDir, name) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Why `projectDir`'s compiled output is out of date, or `undefined` when it is
 * current: a source without its `dist/` file, or the newest input (source file
 * or folder, tsconfig) newer than the oldest of those files.
 * @param {string} projectDir
 * @returns {string | undefined}
 */
function staleReason(projectDir) {
  const srcDir = path.join(projectDir, SOURCE_DIR);
  if (!fs.existsSync(srcDir)) return undefined;
  /** @type {{ file: string, time: number } | undefined} */
  let newestInput;
  /** @type {{ file: string, time: number } | undefined} */
  let oldestOutput;
  /** @param {string} file */
  const input = (file) => {
    const time = fs.statSync(file).mtimeMs;
    if (newestInput === undefined || time > newestInput.time) newestInput = { file, time };
  };
  for (const file of tsconfigChain(path.join(projectDir, TSCONFIG))) input(file);
  for (const file of walk(srcDir)) {
    input(file);
    const output = outputOf(projectDir, file);
    if (output === undefined) continue;
    if (!fs.existsSync(output)) return `${relative(output)} is missing`;
    const time = fs.statSync(output).mtimeMs;
    if (oldestOutput === undefined || time < oldestOutput.time) oldestOutput = { file: output, time };
  }
  if (newestInput !== undefined && oldestOutput !== undefined && newestInput.time > oldestOutput.time) {
    return `${relative(newestInput.file)} is newer than ${relative(oldestOutput.file)}`;
  }
  return undefined;
}

/**
 * Marks `projectDir`'s compiled files as current (after a build that
 * succeeded). Nx leaves outputs that already match its cache untouched, so a
 * source saved without a change would otherwise look newer forever.
 * @param {string} projectDir
 */
function markBuilt(projectDir) {
  const srcDir = path.join(projectDir, SOURCE_DIR);
  if (!fs.existsSync(srcDir)) return;
  const now = new Date();
  for (const file of walk(srcDir)) {
    const output = outputOf(projectDir, file);
    if (output !== undefined && fs.existsSync(output)) fs.utimesSync(output, now, now);
  }
}

/**
 * Builds with `build` when one of `projectDirs` or of the workspace packages
 * they depend on is out of date; returns 0 when everything is current (built
 * or not), else `build`'s exit code.
 * @param {string | readonly string[]} projectDirs
 * @param {{ build: () => number, log: (line: string) => void }} how
 * @returns {number}
 */
function buildIfStale(projectDirs, how) {
  /** @type {string[]} */
  const folders = [];
  for (const dir of typeof projectDirs === "string" ? [projectDirs] : projectDirs) {
    for (const folder of projectFolders(dir)) if (!folders.includes(folder)) folders.push(folder);
  }
  const reasons = folders.map(staleReason).filter((r) => r !== undefined);
  if (reasons.length === 0) return 0;
  how.log(`building: ${reasons.join("; ")}`);
  const code = how.build();
  if (code !== 0) return code;
  for (const dir of folders) markBuilt(dir);
  return 0;
}

/**
 * `tsconfigFile` and the files it extends (relative paths only).
 * @param {string} tsconfigFile
 * @returns {string[]}
 */
function tsconfigChain(tsconfigFile) {
  /** @type {string[]} */
  const chain = [];
  for (let file = tsconfigFile; fs.existsSync(file) && !chain.includes(file);) {
    chain.push(file);
    const parent = readJson(file)?.extends;
    if (typeof parent !== "string" || !parent.startsWith(".")) break;
    file = path.resolve(path.dirname(file), parent);
  }
  return chain;
}

/**
 * The compiled file of a source: `src/a/b.ts` → `dist/a/b.js`; none for
 * declaration files and files that are not TypeScript.
 * @param {string} projectDir
 * @param {string} file
 * @returns {string | undefined}
 */
function outputOf(projectDir, file) {
  if (!file.endsWith(".ts") || file.endsWith(".d.ts")) return undefined;
  const rel = path.relative(path.join(projectDir, SOURCE_DIR), file);
  return path.join(projectDir, OUTPUT_DIR, rel.replace(/\.ts$/, ".js"));
}

/**
 * Every file and folder under `dir`, `dir` included.
 * @param {string} dir
 * @returns {string[]}
 */
function walk(dir) {
  const found = [dir];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(full));
    else found.push(full);
  }
  return found;
}

/**
 * @param {string} file
 * @returns {any}
 */
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** @param {string} file */
function relative(file) {
  return path.relative(process.cwd(), file) || file;
}

/**
 * The Nx project name of a project folder: `name` of its `project.json`, else
 * the folder's name.
 * @param {string} projectDir
 * @returns {string}
 */
function nxProjectName(projectDir) {
  return readJson(path.join(projectDir, "project.json"))?.name ?? path.basename(projectDir);
}

/**
 * The workspace root above `dir`: the nearest folder with a `package.json`
 * that has `workspaces`.
 * @param {string} dir
 * @returns {string}
 */
function workspaceRootOf(dir) {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (readJson(path.join(d, "package.json"))?.workspaces !== undefined) return d;
    if (path.dirname(d) === d) throw new Error(`${dir} is in no npm workspace`);
  }
}

/**
 * `nx run-many -t build` of the projects in `projectDirs`, run from the
 * workspace root with the workspace's own Nx; its output goes to this
 * process's standard error, so a program's standard output stays its result.
 * @param {readonly string[]} projectDirs
 * @returns {number} Nx's exit code
 */
function nxBuild(projectDirs) {
  const root = workspaceRootOf(projectDirs[0]);
  const nx = require.resolve("nx/bin/nx.js", { paths: [root] });
  const projects = projectDirs.map(nxProjectName).join(",");
  const run = spawnSync(
    process.execPath,
    [nx, "run-many", "-t", "build", `--projects=${projects}`, "--output-style=static"],
    {
      cwd: root,
      stdio: ["ignore", 2, 2],
      env: { NX_DAEMON: "false", ...process.env },
    },
  );
  return run.status ?? 1;
}

/**
 * Builds `projectDirs` when stale (see {@link buildIfStale}; the first one is
 * the program's own project), then runs `node <first project>/<program>` with
 * this process's arguments, standard streams and terminal, and exits with its
 * exit code, unchanged. Interrupts reach the program (a terminal sends them to
 * both processes; a `kill` of this one is passed on), and this process waits
 * for it to end.
 * @param {{ projectDirs: readonly string[], program: string }} options
 */
function launch(options) {
  const built = buildIfStale(options.projectDirs, {
    build: () => nxBuild(options.projectDirs),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (built !== 0) {
    process.stderr.write(`the build failed (nx exited with ${built}): fix it, then run the command again\n`);
    process.exit(1);
  }
  const program = path.resolve(options.projectDirs[0], options.program);
  const child = spawn(process.execPath, [program, ...process.argv.slice(2)], { stdio: "inherit" });
  /** @type {NodeJS.Signals[]} */
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  /** @param {NodeJS.Signals} signal */
  const pass = (signal) => {
    if (signal !== "SIGINT") child.kill(signal);
  };
  for (const signal of signals) process.on(signal, pass);
  child.on("error", (error) => {
    process.stderr.write(`${program} did not start: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    for (const s of signals) process.removeListener(s, pass);
    if (signal !== null) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

module.exports = { buildIfStale, launch, markBuilt, nxBuild, projectFolders, staleReason, workspaceRootOf };
