/**
 * `aws-emulator up --keep` as a user runs it, in a child process with no
 * terminal: it stays up, and whichever way it is stopped it leaves no
 * emulator, no command and no folder behind. Runs the compiled program
 * (`dist/`, built by this target's dependency).
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { parseUpOutput, processesUsing } from "../src";

const DIST = path.resolve(__dirname, "..", "dist");
const CLI = path.join(DIST, "cli.js");

interface Started {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: readonly string[]): Started {
  const child = spawn(process.execPath, [...args], { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout?.on("data", (c: Buffer) => (text += c.toString("utf8")));
  child.stderr?.on("data", (c: Buffer) => (text += c.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => text, exited };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The HTTP status of the emulator's state page, or undefined when nothing answers. */
function probe(endpoint: string, ca: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = https.get(`${endpoint}/moto-api/data.json`, { ca: fs.readFileSync(ca) }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(undefined));
    req.setTimeout(2000, () => req.destroy());
  });
}

describe("aws-emulator up --keep", () => {
  let running: Started | undefined;
  afterEach(() => {
    if (running?.child.exitCode === null) running.child.kill("SIGKILL");
  });

  it("holds the process until SIGINT or SIGTERM though nothing else keeps the event loop busy, then exits 128 + the signal", async () => {
    const script = `
      const { firstSignal, holdUntil, signalExitCode } = require(${JSON.stringify(CLI)});
      const stop = firstSignal();
      process.stdout.write("holding\\n");
      holdUntil(stop.received).then((s) => { process.stdout.write(s + "\\n"); process.exit(signalExitCode(s)); });`;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      running = start(["-e", script]);
      const held = running;
      await until("holding", () => (/holding/.test(held.output()) ? true : undefined), 30000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(held.child.exitCode).toBeNull();
      held.child.kill(signal);
      expect(await held.exited).toEqual({ code: signal === "SIGINT" ? 130 : 143, signal: null });
      expect(held.output()).toContain(signal);
    }
  }, 120000);

  it("stopped by SIGINT once its emulators answer: exits 130, and no emulator, command or folder is left", async () => {
    running = start([CLI, "up", "--keep", "--stacks", "dev"]);
    const up = running;
    const { endpoints, caBundle } = await until(
      `up printed no endpoint:\n${up.output()}`,
      () => {
        const parsed = parseUpOutput(up.output());
        return parsed.endpoints.length > 0 && parsed.caBundle ? parsed : undefined;
      },
      60000,
    );
    const ca = caBundle as string;
    expect(endpoints).toHaveLength(1);
    // The temporary folder holds the certificate (`<folder>/tls/cert.pem`).
    const root = path.dirname(path.dirname(ca));
    expect(path.basename(root)).toMatch(/^ssm-access-emulator-/);
    await until(
      "the emulator to answer",
      async () => ((await probe(endpoints[0], ca)) === 200 ? true : undefined),
      30000,
    );
    expect(processesUsing(root).length).toBeGreaterThan(0);

    up.child.kill("SIGINT");
    expect(await up.exited).toEqual({ code: 130, signal: null });
    expect(up.output()).toMatch(/SIGINT: interrupted before the deploy finished/);
    expect(fs.existsSync(root)).toBe(false);
    await until("no process left in the folder", () => (processesUsing(root).length === 0 ? true : undefined), 10000);
    expect(await probe(endpoints[0], path.join(__dirname, "..", "package.json"))).toBeUndefined();
    // Longer than the waits above together, so that a slow step fails with its own message.
  }, 120000);
});

describe("parseUpOutput", () => {
  it("reads the endpoints and the certificate bundle that up prints", () => {
    const text = [
      "Emulators (one per account):",
      "  account 111111111111 (dev): https://127.0.0.1:40001",
      "  account 222222222222 (prod): https://127.0.0.1:40002",
      "",
      "  export AWS_CA_BUNDLE=/tmp/ssm-access-emulator-x/tls/cert.pem",
    ].join("\n");
    expect(parseUpOutput(text)).toEqual({
      endpoints: ["https://127.0.0.1:40001", "https://127.0.0.1:40002"],
      caBundle: "/tmp/ssm-access-emulator-x/tls/cert.pem",
    });
    expect(parseUpOutput("deploying")).toEqual({ endpoints: [] });
  });
});
