/**
 * `aws-pricing estimate --stack=<env> [--app <dir>] [--out-dir <dir>]`: the
 * monthly estimate of a synthesized stack, written to
 * `<app>/.cost/<env>.json` and `.md` (what `npx nx run infra:cost
 * --stack=<env>` runs). `aws-pricing refresh [--out <file>]`: rewrites the
 * snapshot from the AWS Price List Query API (needs credentials).
 *
 * Exit codes: 0 written, 1 an error, 64 a wrong command line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { STACK_FILE, listStacks, readStackJson, stackDir } from "@ssm-access/terraform-kit";
import { estimate, stackResources, unknownTypes } from "./estimate";
import { costReport, renderCostMarkdown, usd } from "./report";
import { SNAPSHOT_FILE, readSnapshot } from "./snapshot";
import { DEFAULT_USAGE, usageOf } from "./usage";

const USAGE = `usage: aws-pricing estimate --stack=<env>[,<env>...] [--app <dir>] [--out-dir <dir>]
       aws-pricing refresh [--out <file>] [--regions <r1,r2>]

estimate  the monthly estimate of synthesized stacks: <app>/.cost/<env>.json and .md
          (app: the cdktf app folder, default "."; out-dir default <app>/.cost)
refresh   rewrites the price snapshot from the AWS Price List Query API (credentials needed)`;

class UsageError extends Error {}

/** What `estimate` wrote for one stack. */
export interface EstimateWritten {
  readonly stack: string;
  readonly jsonFile: string;
  readonly markdownFile: string;
  readonly monthlyFixed: number;
  readonly monthlyUsage: number;
  readonly monthlyTotal: number;
  readonly unpriced: number;
}

/**
 * Estimates one synthesized stack of `appDir` and writes its JSON and
 * Markdown into `outDir`. The environment file `environments/<stack>.json`
 * of the app, when there is one, gives the usage assumptions.
 */
export function writeStackEstimate(appDir: string, stack: string, outDir: string): EstimateWritten {
  const stackFile = path.join(stackDir(appDir, stack), STACK_FILE);
  if (!fs.existsSync(stackFile)) {
    const known = fs.existsSync(path.join(appDir, "cdktf.out", "stacks")) ? listStacks(appDir).join(", ") : "none";
    throw new Error(`${stackFile} does not exist: no synthesized stack ${stack} (stacks: ${known}); run npm run synth`);
  }
  const json = readStackJson(stackFile);
  const environmentFile = path.join(appDir, "environments", `${stack}.json`);
  const usage = fs.existsSync(environmentFile)
    ? usageOf(JSON.parse(fs.readFileSync(environmentFile, "utf8")), path.relative(process.cwd(), environmentFile))
    : DEFAULT_USAGE;
  const resources = stackResources(json, stackFile);
  const unknown = unknownTypes(resources.map((r) => r.type));
  if (unknown.length > 0) {
    throw new Error(`${stackFile}: no cost rule for resource types ${unknown.join(", ")} (priced or known free)`);
  }
  const report = costReport(stack, estimate(resources, readSnapshot(), usage, DEFAULT_USAGE), usage);
  fs.mkdirSync(outDir, { recursive: true });
  const jsonFile = path.join(outDir, `${stack}.json`);
  const markdownFile = path.join(outDir, `${stack}.md`);
  fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(markdownFile, renderCostMarkdown(report));
  return {
    stack,
    jsonFile,
    markdownFile,
    monthlyFixed: report.monthlyFixed,
    monthlyUsage: report.monthlyUsage,
    monthlyTotal: report.monthlyTotal,
    unpriced: report.unpriced,
  };
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        stack: { type: "string" },
        app: { type: "string" },
        "out-dir": { type: "string" },
        out: { type: "string" },
        regions: { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [command = "estimate", ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(" ")}`);
    if (command === "estimate") {
      if (!values.stack) throw new UsageError("--stack=<env> is required");
      const appDir = path.resolve(values.app ?? ".");
      const outDir = path.resolve(values["out-dir"] ?? path.join(appDir, ".cost"));
      for (const stack of values.stack.split(",").filter(Boolean)) {
        const written = writeStackEstimate(appDir, stack, outDir);
        const unpriced = written.unpriced > 0 ? `, ${written.unpriced} line(s) without a price` : "";
        console.log(
          `${stack}: ${usd(written.monthlyTotal)} a month (fixed ${usd(written.monthlyFixed)}, usage ${usd(written.monthlyUsage)}${unpriced}) → ${path.relative(process.cwd(), written.jsonFile)}, ${path.relative(process.cwd(), written.markdownFile)}`,
        );
      }
      return 0;
    }
    if (command === "refresh") {
      const { refreshSnapshot } = await import("./refresh");
      const out = path.resolve(values.out ?? SNAPSHOT_FILE);
      const regions = values.regions?.split(",").filter(Boolean);
      const snapshot = await refreshSnapshot({ ...(regions ? { regions } : {}) });
      fs.writeFileSync(out, `${JSON.stringify(snapshot, null, 2)}\n`);
      console.log(`${out}: ${Object.keys(snapshot.regions).length} Regions, snapshot of ${snapshot.snapshotDate}`);
      return 0;
    }
    throw new UsageError(`unknown command ${command}`);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`aws-pricing: ${error.message}\n${USAGE}`);
      return 64;
    }
    console.error(`aws-pricing: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
