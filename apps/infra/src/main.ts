#!/usr/bin/env node
/**
 * Synthesizes the stacks: `node dist/main.js [--env dev[,prod]]`.
 *
 * - environments folder: `--environments-dir`, `SSM_ACCESS_ENVIRONMENTS_DIR`, or `environments`;
 * - environments: every `<name>.json` there, or those named by
 *   `--env` or the `SSM_ACCESS_ENVIRONMENTS` variable (comma-separated);
 * - output: `$CDKTF_OUTDIR` when the cdktf CLI runs this, else `cdktf.out`;
 * - site-local Terraform override files: `--overrides <folder>` or
 *   `SSM_ACCESS_TERRAFORM_OVERRIDES`, copied from `<folder>/<stack>/` into each
 *   stack folder (the synthesized `cdk.tf.json` is unchanged).
 *
 * A bad environment file exits 1 with the file, field path and reason;
 * the previous output stays as it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { synthesize } from "./synth";

/** Parses the command line and environment into synth options. */
export function optionsFrom(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      env: { type: "string", multiple: true },
      "environments-dir": { type: "string" },
      outdir: { type: "string" },
      overrides: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const selected = [...(values.env ?? []), ...(values.env ? [] : (env.SSM_ACCESS_ENVIRONMENTS ?? "").split(","))]
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const overrides = values.overrides ?? env.SSM_ACCESS_TERRAFORM_OVERRIDES;
  return {
    environmentsDir: path.resolve(cwd, values["environments-dir"] ?? env.SSM_ACCESS_ENVIRONMENTS_DIR ?? "environments"),
    outdir: path.resolve(cwd, values.outdir ?? env.CDKTF_OUTDIR ?? "cdktf.out"),
    only: selected,
    ...(overrides ? { overridesDir: path.resolve(cwd, overrides) } : {}),
    // Run by the cdktf CLI: it removes the stack folders it no longer sees itself.
    keepOtherStackFolders: env.CDKTF_OUTDIR !== undefined,
  };
}

/** Output streams of {@link main}. */
export interface MainIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const processIo: MainIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The synth command: returns the exit code, 0 when every selected stack was
 * written, 1 when the command line, an environment file or the synth failed
 * (the previous output is then left as it was).
 */
export function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: MainIo = processIo,
  cwd: string = process.cwd(),
): number {
  try {
    const options = optionsFrom(argv, env, cwd);
    const result = synthesize(options);
    io.out(`synthesized ${result.stacks.join(", ")} into ${path.relative(cwd, options.outdir) || "."}`);
    // Under the cdktf CLI (it sets CDKTF_OUTDIR), the CLI prints the warnings itself.
    if (!options.keepOtherStackFolders) for (const w of manifestWarnings(options.outdir)) io.err(`warning: ${w}`);
    return 0;
  } catch (e) {
    io.err(`synth failed: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2), process.env);

/** The warnings the stacks left (`Annotations.of(...).addWarning`), as cdktf wrote them into `manifest.json`. */
export function manifestWarnings(outdir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { annotations?: Array<{ level: string; message: string }> }>;
  };
  return Object.values(manifest.stacks).flatMap((stack) =>
    (stack.annotations ?? []).filter((a) => a.level === "@cdktf/warn").map((a) => a.message),
  );
}
