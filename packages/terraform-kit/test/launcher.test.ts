import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildIfStale, markBuilt, projectFolders, staleReason } from "../bin/launcher";

/**
 * The launcher's build check (`bin/launcher.js`, also the `cdktf synth` entry's) over a workspace of its own in a
 * temporary folder: an app depending on a workspace package, which depends on
 * an installed one. File times are set explicitly, in minutes from T0; a
 * build that succeeds marks the compiled files with the current time, so what
 * changes after it is set past that.
 */
let root: string;
let app: string;
let lib: string;
const T0 = Math.floor(Date.now() / 60_000 - 1000) * 60_000;
const AFTER_NOW = 2000;

function write(file: string, content: string, minute: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  setTime(file, minute);
}

function setTime(file: string, minute: number): void {
  const at = new Date(T0 + minute * 60_000);
  fs.utimesSync(file, at, at);
}

/** Sets every file and folder under `dir` to `minute`. */
function setTree(dir: string, minute: number): void {
  setTime(dir, minute);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) setTree(full, minute);
    else setTime(full, minute);
  }
}

/** A build that compiles nothing but writes every `dist/` file, as `tsc` does; counts its runs. */
function fakeBuild(exitCode = 0) {
  const runs: number[] = [];
  return {
    runs,
    build: () => {
      runs.push(runs.length + 1);
      if (exitCode !== 0) return exitCode;
      for (const dir of [app, lib]) {
        for (const file of listTs(path.join(dir, "src"))) {
          const out = path.join(dir, "dist", path.relative(path.join(dir, "src"), file).replace(/\.ts$/, ".js"));
          write(out, "compiled", 100 + runs.length);
        }
      }
      return 0;
    },
  };
}

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-cdktf-app-"));
  app = path.join(root, "apps", "app");
  lib = path.join(root, "packages", "lib");
  write(path.join(root, "tsconfig.base.json"), "{}", 0);
  write(
    path.join(app, "package.json"),
    JSON.stringify({ name: "@x/app", dependencies: { "@x/lib": "*", installed: "1.0.0" } }),
    0,
  );
  write(path.join(app, "tsconfig.lib.json"), JSON.stringify({ extends: "../../tsconfig.base.json" }), 0);
  write(path.join(app, "src", "main.ts"), "main", 0);
  write(path.join(app, "src", "stacks", "stack.ts"), "stack", 0);
  write(
    path.join(lib, "package.json"),
    JSON.stringify({ name: "@x/lib", peerDependencies: { installed: "^1.0.0" } }),
    0,
  );
  write(path.join(lib, "tsconfig.lib.json"), JSON.stringify({ extends: "../../tsconfig.base.json" }), 0);
  write(path.join(lib, "src", "index.ts"), "index", 0);
  write(path.join(lib, "src", "types.d.ts"), "types", 0);
  write(path.join(root, "node_modules", "installed", "package.json"), JSON.stringify({ name: "installed" }), 0);
  fs.mkdirSync(path.join(root, "node_modules", "@x"));
  fs.symlinkSync(path.join("..", "..", "packages", "lib"), path.join(root, "node_modules", "@x", "lib"));
  fakeBuild().build();
  setTree(path.join(app, "src"), 0);
  setTree(path.join(lib, "src"), 0);
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("projectFolders", () => {
  it("lists the app and the workspace packages it depends on, not installed packages", () => {
    expect(projectFolders(app)).toEqual([fs.realpathSync(app), fs.realpathSync(lib)]);
  });
});

describe("staleReason", () => {
  it("is undefined when every compiled file is newer than every source, folder and tsconfig", () => {
    expect(staleReason(app)).toBeUndefined();
    expect(staleReason(lib)).toBeUndefined();
  });

  it.each<[string, () => void, RegExp]>([
    [
      "a changed source",
      () => setTime(path.join(app, "src", "stacks", "stack.ts"), 200),
      /src\/stacks\/stack\.ts is newer than .*dist\/.*\.js/,
    ],
    ["a new source", () => write(path.join(app, "src", "extra.ts"), "extra", 200), /dist\/extra\.js is missing/],
    [
      "a deleted source",
      () => {
        fs.rmSync(path.join(app, "src", "stacks", "stack.ts"));
        setTime(path.join(app, "src", "stacks"), 200);
      },
      /src\/stacks is newer/,
    ],
    [
      "a changed tsconfig.lib.json",
      () => setTime(path.join(app, "tsconfig.lib.json"), 200),
      /tsconfig\.lib\.json is newer/,
    ],
    [
      "a changed tsconfig it extends",
      () => setTime(path.join(root, "tsconfig.base.json"), 200),
      /tsconfig\.base\.json is newer/,
    ],
  ])("names %s", (_what, change, reason) => {
    change();
    expect(staleReason(app)).toMatch(reason);
  });

  it("counts a declaration file as an input, though it compiles to nothing", () => {
    setTime(path.join(lib, "src", "types.d.ts"), 200);
    expect(fs.existsSync(path.join(lib, "dist", "types.js"))).toBe(false);
    expect(staleReason(lib)).toMatch(/types\.d\.ts is newer/);
    setTime(path.join(lib, "src", "types.d.ts"), 0);
    expect(staleReason(lib)).toBeUndefined();
  });
});

describe("buildIfStale", () => {
  const log = () => undefined;

  it("builds when a source of the app or of a package changed, and not again until the next change", () => {
    const b = fakeBuild();
    expect(buildIfStale(app, { build: b.build, log })).toBe(0);
    expect(b.runs).toHaveLength(0);

    setTime(path.join(lib, "src", "index.ts"), 300);
    const lines: string[] = [];
    expect(buildIfStale(app, { build: b.build, log: (l) => lines.push(l) })).toBe(0);
    expect(b.runs).toHaveLength(1);
    expect(lines).toEqual([expect.stringMatching(/^building: .*packages\/lib\/src\/index\.ts is newer than/)]);

    expect(buildIfStale(app, { build: b.build, log })).toBe(0);
    expect(b.runs).toHaveLength(1);

    write(path.join(app, "src", "main.ts"), "main, changed", AFTER_NOW);
    expect(buildIfStale(app, { build: b.build, log })).toBe(0);
    expect(b.runs).toHaveLength(2);
  });

  it("after a build that left the compiled files as they were (Nx: outputs already match its cache), counts them as current", () => {
    setTime(path.join(app, "src", "main.ts"), 500);
    let runs = 0;
    const build = () => {
      runs++;
      return 0;
    };
    expect(buildIfStale(app, { build, log })).toBe(0);
    expect(runs).toBe(1);
    expect(staleReason(app)).toBeUndefined();
    expect(buildIfStale(app, { build, log })).toBe(0);
    expect(runs).toBe(1);
  });

  it("returns the build's exit code when it fails, and builds again next time", () => {
    setTime(path.join(app, "src", "main.ts"), 500);
    const failing = fakeBuild(2);
    expect(buildIfStale(app, { build: failing.build, log })).toBe(2);
    expect(buildIfStale(app, { build: failing.build, log })).toBe(2);
    expect(failing.runs).toHaveLength(2);
  });
});

describe("markBuilt", () => {
  it("touches only compiled files of existing sources", () => {
    setTime(path.join(app, "src", "main.ts"), 500);
    markBuilt(app);
    expect(staleReason(app)).toBeUndefined();
    expect(fs.statSync(path.join(app, "src", "main.ts")).mtimeMs).toBe(T0 + 500 * 60_000);
  });
});

describe("launch", () => {
  const LAUNCHER = path.join(__dirname, "..", "bin", "launcher.js");

  /** Starts a launcher of `program` (a project without sources: nothing to build) with `args`. */
  function launcher(program: string, args: readonly string[] = []) {
    const project = path.join(root, "tool");
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, "program.js"), program);
    const script = `require(${JSON.stringify(LAUNCHER)}).launch({ projectDirs: [${JSON.stringify(project)}], program: "program.js" })`;
    fs.writeFileSync(path.join(project, "bin.js"), script);
    return spawn(process.execPath, [path.join(project, "bin.js"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  }

  function ended(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, out })));
  }

  it("runs the program with the arguments and exits with its exit code, unchanged", async () => {
    const child = launcher(`console.log(process.argv.slice(2).join(" ")); process.exitCode = 64;`, [
      "review",
      "--stack=qa",
    ]);
    expect(await ended(child)).toEqual({ code: 64, signal: null, out: "review --stack=qa\n" });
  });

  it("passes a SIGTERM on and ends as the program did", async () => {
    const child = launcher(`console.log("up"); setTimeout(() => undefined, 60_000);`);
    const result = ended(child);
    await new Promise<void>((resolve) => child.stdout?.once("data", () => resolve()));
    child.kill("SIGTERM");
    expect(await result).toEqual({ code: null, signal: "SIGTERM", out: "up\n" });
  });
});
