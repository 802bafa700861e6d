import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { lastLines, runProcess, stripAnsi } from "../../src/terraform/process";
import { runTerraform, TerraformMissingError } from "../../src/terraform/terraform";
import { tempDir } from "../support/fixtures";

const node = process.execPath;
const script = (code: string) => ["-e", code];

describe("running a program", () => {
  it("collects stdout, stderr, their interleaving without colours, the exit code, and writes the log", async () => {
    const logFile = path.join(tempDir("process"), "logs", "run.log");
    const seen: string[] = [];
    const result = await runProcess(
      node,
      script(
        'process.stdout.write("\\x1b[32mone\\x1b[0m\\n"); setTimeout(() => { process.stderr.write("two\\n"); process.exitCode = 3; }, 50);',
      ),
      { cwd: os.tmpdir(), env: process.env, logFile, onOutput: (text) => seen.push(text) },
    );
    expect(result.code).toBe(3);
    expect(result.signal).toBeNull();
    expect(result.stdout).toBe("\x1b[32mone\x1b[0m\n");
    expect(result.stderr).toBe("two\n");
    expect(result.output).toBe("one\ntwo\n");
    expect(result.logFile).toBe(logFile);
    expect(fs.readFileSync(logFile, "utf8")).toBe("one\ntwo\n");
    expect(seen.join("")).toContain("two");
  });

  it("reports the signal that ended the program, with exit code -1", async () => {
    const result = await runProcess(node, script('process.kill(process.pid, "SIGTERM"); setTimeout(() => {}, 5000);'), {
      cwd: os.tmpdir(),
      env: process.env,
    });
    expect(result).toMatchObject({ code: -1, signal: "SIGTERM" });
  });

  it("kills a program that runs longer than its time limit", async () => {
    const result = await runProcess(node, script("setTimeout(() => {}, 10000);"), {
      cwd: os.tmpdir(),
      env: process.env,
      timeoutMs: 200,
    });
    expect(result).toMatchObject({ code: -1, signal: "SIGTERM" });
    expect(result.durationMs).toBeLessThan(5000);
  });

  it("rejects when the program cannot be started; Terraform missing says how to install it", async () => {
    const options = { cwd: os.tmpdir(), env: process.env };
    await expect(runProcess("terraform-kit-no-such-program", [], options)).rejects.toMatchObject({ code: "ENOENT" });
    await expect(runTerraform(["version"], { ...options, binary: "terraform-kit-no-such-program" })).rejects.toThrow(
      TerraformMissingError,
    );
  });

  it("collects nothing when the output goes to the terminal or nowhere", async () => {
    const result = await runProcess(node, script('console.log("shown")'), {
      cwd: os.tmpdir(),
      env: process.env,
      stdio: "ignore",
    });
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "", output: "" });
  });

  it("keeps no signal listener once the program ended", async () => {
    const before = process.listenerCount("SIGINT");
    await runProcess(node, script(""), { cwd: os.tmpdir(), env: process.env, forwardSignals: true });
    expect(process.listenerCount("SIGINT")).toBe(before);
  });

  it("strips colours and carriage returns, and keeps the last lines of an output", () => {
    expect(stripAnsi("\x1b[1;31mError\x1b[0m\r\n")).toBe("Error\n");
    expect(stripAnsi("\x1b[1m\x1b[32mok\x1b[0m\x1b[2K\x1b[1A\r")).toBe("ok");
    expect(lastLines("a\nb\nc\n", 2)).toBe("  b\n  c");
    expect(lastLines("a\nb", 5, "    ")).toBe("    a\n    b");
  });
});
