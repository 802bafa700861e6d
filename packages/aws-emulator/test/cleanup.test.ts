/**
 * The cleanup of `cleanup.ts` in a program that handles SIGINT itself, as
 * `aws-emulator up` does: run as a child process, so the signal is real.
 * Runs the compiled module (`dist/`, built by this target's dependency).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const CLEANUP = path.resolve(__dirname, "..", "dist", "cleanup.js");

describe("cleanup on a signal", () => {
  it("kills the running commands, and a command started after the signal at once", () => {
    const script = `
      const { spawn } = require("node:child_process");
      const { trackChild } = require(${JSON.stringify(CLEANUP)});
      process.on("SIGINT", () => undefined); // handled here, as up handles it: the process goes on
      const ended = {};
      const started = (name) => {
        const child = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
        trackChild(child, true);
        child.on("exit", (code, signal) => {
          ended[name] = signal;
          if (Object.keys(ended).length === 2) {
            process.stdout.write(JSON.stringify(ended));
            process.exit(0);
          }
        });
      };
      started("before");
      process.kill(process.pid, "SIGINT");
      // Work still in flight when the signal came starts its next command.
      setTimeout(() => started("after"), 300);
      setTimeout(() => process.exit(3), 10000);`;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20000 });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ before: "SIGKILL", after: "SIGKILL" });
    expect(r.status).toBe(0);
  });
});
