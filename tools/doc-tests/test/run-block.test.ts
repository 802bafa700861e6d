import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { processExists } from "@ssm-access/terraform-kit";
import { blockEnv, onInterrupt, runShellBlock } from "../src/run-block";

async function until(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("runShellBlock", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "doc-tests-run-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs the block with bash in the folder and returns its exit code and output", async () => {
    const run = await runShellBlock('echo "in $(basename "$PWD")"\necho oops >&2\nexit 2\n', { cwd: dir });
    expect(run).toMatchObject({ code: 2, signal: null, timedOut: false });
    expect(run.output).toBe(`in ${path.basename(dir)}\noops\n`);
  });

  it("fails the block on a failing line, even when the next one succeeds (errexit and pipefail)", async () => {
    expect((await runShellBlock("false\necho after\n", { cwd: dir })).code).toBe(1);
    expect((await runShellBlock("exit 3 | cat\n", { cwd: dir })).code).toBe(3);
    expect((await runShellBlock("true && echo ok\n", { cwd: dir })).code).toBe(0);
  });

  it("kills what the block left running in the background once it exits", async () => {
    const pidFile = path.join(dir, "pid");
    const run = await runShellBlock(`sleep 60 >/dev/null 2>&1 &\necho $! > ${pidFile}\n`, { cwd: dir });
    expect(run.code).toBe(0);
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    expect(await until(() => !processExists(pid))).toBe(true);
  });

  it("kills the block's whole process group when it outlives its time", async () => {
    const pidFile = path.join(dir, "pid");
    const run = await runShellBlock(`sleep 60 &\necho $! > ${pidFile}\nwait\n`, { cwd: dir, timeoutMs: 500 });
    expect(run.timedOut).toBe(true);
    expect(run.code).not.toBe(0);
    expect(await until(() => !processExists(Number(fs.readFileSync(pidFile, "utf8"))))).toBe(true);
  });
});

describe("onInterrupt", () => {
  it("runs the cleanups, last registered first, when the process gets SIGTERM, and none after they are removed", () => {
    const calls: string[] = [];
    const stopFirst = onInterrupt(() => calls.push("first"));
    const stopSecond = onInterrupt(() => calls.push("second"));
    // Another listener keeps the signal from ending this test process.
    const keep = () => undefined;
    process.on("SIGTERM", keep);
    try {
      process.emit("SIGTERM", "SIGTERM");
      expect(calls).toEqual(["second", "first"]);
      stopFirst();
      stopSecond();
      const stop = onInterrupt(() => calls.push("third"));
      stop();
      process.emit("SIGTERM", "SIGTERM");
      expect(calls).toEqual(["second", "first"]);
    } finally {
      process.removeListener("SIGTERM", keep);
    }
  });
});

describe("blockEnv", () => {
  const root = path.join(path.sep, "work", "ws");

  it("removes the outer npm, Nx and Jest settings and the workspace's own PATH entries", () => {
    const env = blockEnv(root, {
      PATH: [
        path.join(root, "node_modules", ".bin"),
        path.join(root, "apps", "infra", "node_modules", ".bin"),
        "/usr/local/bin",
        "/usr/bin",
      ].join(path.delimiter),
      HOME: "/home/u",
      npm_config_local_prefix: root,
      npm_lifecycle_event: "test",
      INIT_CWD: root,
      NX_TASK_TARGET_PROJECT: "doc-tests",
      NX_WORKSPACE_ROOT: root,
      JEST_WORKER_ID: "1",
      TF_PROVIDER_MIRROR: "/opt/mirror",
    });
    expect(env).toEqual({
      PATH: ["/usr/local/bin", "/usr/bin"].join(path.delimiter),
      HOME: "/home/u",
      TF_PROVIDER_MIRROR: "/opt/mirror",
      NX_DAEMON: "false",
      NX_NO_CLOUD: "true",
      NX_TUI: "false",
      NX_ISOLATE_PLUGINS: "false",
    });
  });

  it("keeps PATH entries outside the workspace that share its name's prefix", () => {
    expect(blockEnv(root, { PATH: `${root}-tools/bin` }).PATH).toBe(`${root}-tools/bin`);
  });
});
