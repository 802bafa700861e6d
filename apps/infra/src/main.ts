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

function main(): void {
  try {
    const options = optionsFrom(process.argv.slice(2), process.env, process.cwd());
    const result = synthesize(options);
    process.stdout.write(`synthesized ${result.stacks.join(", ")} into ${path.relative(process.cwd(), options.outdir) || "."}\n`);
  } catch (e) {
    process.stderr.write(`synth failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
