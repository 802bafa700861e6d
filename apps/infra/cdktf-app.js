#!/usr/bin/env node
// @ts-check
/**
 * The `app` command of `cdktf.json` (what `npx cdktf synth`, `diff` and
 * `deploy` run): builds only when a source is newer than its compiled output,
 * then synthesizes with the compiled app, `dist/main.js`, in this process.
 *
 * Checked are this app and every workspace package it depends on (its
 * `dependencies`, followed through theirs; installed packages are not): each
 * `src/**` file and folder (so an added or deleted file counts),
 * `tsconfig.lib.json` and the files it extends, against the `dist/*.js` file
 * each source compiles to. When one is newer or missing,
 * `npx nx run <app>:build` builds the app and, first, the packages (from the
 * Nx cache when it can). Plain JavaScript: it runs before anything is built.
 */
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

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
 * Builds with `build` when the app or one of its workspace packages is out of
 * date; returns 0 when everything is current (built or not), else `build`'s
 * exit code.
 * @param {string} appDir
 * @param {{ build: () => number, log: (line: string) => void }} how
 * @returns {number}
 */
function buildIfStale(appDir, how) {
  const folders = projectFolders(appDir);
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

/** `npx nx run <app>:build`, its output on this process's stderr. */
function nxBuild() {
  const project = readJson(path.join(__dirname, "project.json"))?.name ?? path.basename(__dirname);
  const npx = process.platform === "win32" ? "npx.cmd" : "npx";
  const run = spawnSync(npx, ["nx", "run", `${project}:build`, "--output-style=static"], {
    stdio: ["ignore", process.stderr, process.stderr],
    shell: process.platform === "win32",
  });
  return run.status ?? 1;
}

module.exports = { buildIfStale, markBuilt, projectFolders, staleReason };

if (require.main === module) {
  const built = buildIfStale(__dirname, { build: nxBuild, log: (line) => process.stderr.write(`${line}\n`) });
  if (built !== 0) {
    process.stderr.write(`synth failed: the build of the app failed (exit ${built})\n`);
    process.exitCode = built;
  } else {
    process.exitCode = require(path.join(__dirname, OUTPUT_DIR, "main.js")).main(process.argv.slice(2), process.env);
  }
}
