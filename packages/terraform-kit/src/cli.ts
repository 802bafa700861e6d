#!/usr/bin/env node
import * as fs from "node:fs";
import * as path from "node:path";
import { ParsedCli, parseCliArgs, USAGE } from "./args";
import { CliIo, processIo, runCli, runMain, synthesizeApp } from "./cli/index";
import { runChecks } from "./checks/run-checks";

/**
 * The `terraform-check` command: returns the exit code, 0 when every stack
 * passed, 1 when a stack failed or nothing could run, 64 for a wrong command
 * line. An app never synthesized (no `cdktf.out/stacks`) is synthesized first.
 */
export function main(argv: readonly string[], io: CliIo = processIo, cwd = process.cwd()): Promise<number> {
  return runCli<ParsedCli>(
    {
      name: "terraform-check",
      usage: USAGE,
      parse: (args) => parseCliArgs(args, cwd),
      run: async (parsed) => {
        if (parsed.help) {
          io.out(USAGE);
          return 0;
        }
        const { options } = parsed;
        const appDir = path.resolve(cwd, options.appDir);
        if (!fs.existsSync(path.join(appDir, "cdktf.out", "stacks"))) {
          io.err(`terraform-check: ${path.relative(cwd, appDir) || "."} was never synthesized: synthesizing it first`);
          synthesizeApp(appDir, path.join(appDir, "cdktf.out"));
        }
        const report = await runChecks({ ...options, appDir, log: io.out });
        return report.ok ? 0 : 1;
      },
    },
    argv,
    io,
  );
}

if (require.main === module) runMain(main);
