import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  STACK_OPTIONS,
  UsageError,
  defaultAppDir,
  memoryIo,
  parseCommandLine,
  rejectOptions,
  runCli,
  stackTarget,
  synthesizeApp,
} from "../src/cli/index";

let root: string;

/** A workspace of its own: a root package.json with workspaces, an app with cdktf.json and two environments. */
beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "terraform-kit-cli-")));
  fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ workspaces: ["apps/*"] }));
  fs.mkdirSync(path.join(root, "apps", "infra", "environments"), { recursive: true });
  fs.mkdirSync(path.join(root, "apps", "infra", "src"), { recursive: true });
  fs.writeFileSync(path.join(root, "apps", "infra", "cdktf.json"), JSON.stringify({ app: "node main.js" }));
  for (const env of ["dev", "prod"])
    fs.writeFileSync(path.join(root, "apps", "infra", "environments", `${env}.json`), "{}");
  fs.writeFileSync(path.join(root, "apps", "infra", "environments", "environment.schema.json"), "{}");
  fs.mkdirSync(path.join(root, "docs"));
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe("the default app folder", () => {
  it("is the nearest folder from the current one upward that holds a cdktf.json", () => {
    expect(defaultAppDir(path.join(root, "apps", "infra", "src"))).toBe(path.join(root, "apps", "infra"));
    expect(defaultAppDir(path.join(root, "apps", "infra"))).toBe(path.join(root, "apps", "infra"));
  });

  it("is <workspace root>/apps/infra when no cdktf.json is above", () => {
    expect(defaultAppDir(root)).toBe(path.join(root, "apps", "infra"));
    expect(defaultAppDir(path.join(root, "docs"))).toBe(path.join(root, "apps", "infra"));
  });

  it("is a usage error outside any workspace and app", () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "terraform-kit-outside-"));
    try {
      expect(() => defaultAppDir(outside)).toThrow(UsageError);
      expect(() => defaultAppDir(outside)).toThrow(
        /no cdktf\.json in .* or a folder above it, and no npm workspace: give --app=<dir>/,
      );
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("--stack, --app and --environments-dir", () => {
  it("resolve the app and its environment file from the current folder", () => {
    expect(stackTarget({ stack: "prod" }, path.join(root, "docs"))).toEqual({
      stack: "prod",
      appDir: path.join(root, "apps", "infra"),
      environmentsDir: path.join(root, "apps", "infra", "environments"),
      environmentFile: path.join(root, "apps", "infra", "environments", "prod.json"),
    });
    fs.mkdirSync(path.join(root, "envs"));
    fs.writeFileSync(path.join(root, "envs", "qa.json"), "{}");
    expect(stackTarget({ stack: "qa", app: "apps/infra", "environments-dir": "envs" }, root)).toMatchObject({
      appDir: path.join(root, "apps", "infra"),
      environmentFile: path.join(root, "envs", "qa.json"),
    });
  });

  it.each<[Record<string, string>, RegExp]>([
    [{}, /^--stack=<env> is required$/],
    [{ stack: "Prod" }, /^--stack "Prod" is not an environment name/],
    [
      { stack: "staging" },
      /^--stack=staging: there is no environment file apps\/infra\/environments\/staging\.json; environments: dev, prod$/,
    ],
    [
      { stack: "dev", "environments-dir": "nowhere" },
      /^--stack=dev: there is no environment file nowhere\/dev\.json \(the folder nowhere does not exist\)$/,
    ],
  ])("refuse %j", (values, message) => {
    expect(() => stackTarget(values, root)).toThrow(UsageError);
    expect(() => stackTarget(values, root)).toThrow(message);
  });
});

describe("parseCommandLine", () => {
  const spec = { commands: ["review", "plan"], options: { ...STACK_OPTIONS, base: { type: "string" } } } as const;

  it("gives the command and the option values", () => {
    expect(parseCommandLine(["review", "--stack=dev", "--base", "main"], spec)).toEqual({
      command: "review",
      values: { stack: "dev", base: "main" },
    });
  });

  it.each([
    [[], /^a command is required: review, plan$/],
    [["deploy"], /^unknown command "deploy": use review, plan$/],
    [["plan", "more"], /^unexpected argument "more"$/],
    [["plan", "--colour"], /Unknown option '--colour'/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseCommandLine(argv, spec)).toThrow(UsageError);
    expect(() => parseCommandLine(argv, spec)).toThrow(message);
  });

  it("rejectOptions names the command an option belongs to", () => {
    expect(() => rejectOptions({ base: "main" }, ["base"], "plan", "review")).toThrow(
      "--base is an option of review, not plan",
    );
    expect(() => rejectOptions({}, ["base"], "plan", "review")).not.toThrow();
  });
});

describe("runCli", () => {
  const program = (run: (c: string) => number | Promise<number>, errorCode?: () => number) => ({
    name: "demo",
    usage: "Usage: demo <go>",
    parse: (argv: readonly string[]) => {
      if (argv[0] === "crash") throw new TypeError("parser bug");
      if (argv[0] !== "go") throw new UsageError(`unknown command "${argv[0]}"`);
      return argv[0];
    },
    run,
    ...(errorCode ? { errorCode } : {}),
  });

  it("returns the program's own exit code", async () => {
    const m = memoryIo();
    expect(
      await runCli(
        program(async () => 3),
        ["go"],
        m.io,
      ),
    ).toBe(3);
    expect(m.err()).toBe("");
  });

  it("prints the usage on stdout and exits 0 for --help", async () => {
    const m = memoryIo();
    expect(
      await runCli(
        program(() => 9),
        ["go", "--help"],
        m.io,
      ),
    ).toBe(0);
    expect(m.out()).toBe("Usage: demo <go>\n");
  });

  it("exits 64 with the reason and the usage on stderr for a wrong command line", async () => {
    const m = memoryIo();
    expect(
      await runCli(
        program(() => 0),
        ["stop"],
        m.io,
      ),
    ).toBe(64);
    expect(m.out()).toBe("");
    expect(m.err()).toBe('demo: unknown command "stop"\nUsage: demo <go>');
  });

  it("exits 1 (or the program's code) with the message for an error", async () => {
    const failing = () => {
      throw new Error("the plan file is not JSON");
    };
    const m = memoryIo();
    expect(await runCli(program(failing), ["go"], m.io)).toBe(1);
    expect(m.err()).toBe("demo: the plan file is not JSON");
    expect(
      await runCli(
        program(failing, () => 3),
        ["go"],
        memoryIo().io,
      ),
    ).toBe(3);
    expect(
      await runCli(
        program(() => 0),
        ["crash"],
        m.io,
      ),
    ).toBe(1);
    expect(m.err()).toMatch(/demo: parser bug$/);
  });
});

describe("synthesizeApp", () => {
  it("runs the cdktf.json app command in the app folder with CDKTF_OUTDIR", () => {
    const app = path.join(root, "apps", "infra");
    fs.writeFileSync(
      path.join(app, "cdktf.json"),
      JSON.stringify({ app: `node -e "require('node:fs').writeFileSync(process.env.CDKTF_OUTDIR, process.cwd())"` }),
    );
    synthesizeApp(app, path.join(root, "out.txt"));
    expect(fs.readFileSync(path.join(root, "out.txt"), "utf8")).toBe(app);
  });

  it("names the command and its exit code when it fails, and the file when there is no app command", () => {
    const app = path.join(root, "apps", "infra");
    fs.writeFileSync(path.join(app, "cdktf.json"), JSON.stringify({ app: "exit 7" }));
    expect(() => synthesizeApp(app, root)).toThrow(
      /^exit 7 \(the app command of .*cdktf\.json\) failed with exit code 7$/,
    );
    fs.writeFileSync(path.join(app, "cdktf.json"), JSON.stringify({ language: "typescript" }));
    expect(() => synthesizeApp(app, root)).toThrow(/cdktf\.json: app: must be the command that synthesizes the app/);
  });
});
