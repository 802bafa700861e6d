/**
 * `plan-review upgrade-check` and `plan-review release-gate`: their command
 * lines and what they print.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CliIo, UsageError, parseCommandLine } from "@ssm-access/terraform-kit";
import { FailOn, Review, exitCodeOf } from "../report";
import { GateSubject, judgeRelease, releaseNotes, renderVerdict } from "./release-gate";
import { UpgradeCheckResult, upgradeCheck } from "./upgrade-check";

export const UPGRADE_USAGE = `  plan-review upgrade-check --from <version> --to <version> [--project <dir>] [--stack <name>]... [--json-out <file>]
        [--fail-on=<list>]
        in a copy of a cdktf project (default: the current folder), move its @ssm-access packages from <version>
        to <version> (npm install, with the project's npm configuration), synthesize its app (cdktf.json "app") and
        plan each stack against its deployed state; review what the upgrade would change (exit codes of review)
  plan-review release-gate --from <version> --to <version> --project <dir>... [--stack <env>]... [--json-out <file>]
        whether <to> may be published: upgrade-check on each project, review --base=v<from> of each shipped
        environment; a release ^<from> takes must not replace, destroy or rename a deployed resource nor weaken
        security, a breaking one must name each such address in its version plans or changelog entry
        (exit 0 passed, 3 blocked, 1 an error, 64 a wrong command line)`;

/** A parsed `upgrade-check` or `release-gate` command line. */
export interface UpgradeCommand {
  readonly command: "upgrade-check" | "release-gate";
  readonly from: string;
  readonly to: string;
  /** Consumer projects (upgrade-check: exactly one). */
  readonly projects: readonly string[];
  /** upgrade-check: stacks of the project; release-gate: shipped environments reviewed with `--base=v<from>`. */
  readonly stacks: readonly string[];
  readonly jsonOut?: string;
  readonly failOn: readonly FailOn[];
}

/** Whether `argv` is one of these commands. */
export function isUpgradeCommand(argv: readonly string[]): boolean {
  return argv[0] === "upgrade-check" || argv[0] === "release-gate";
}

/** Parses the command line; throws a {@link UsageError}. */
export function parseUpgradeCommand(
  argv: readonly string[],
  cwd: string,
  parseFailOn: (v: string | undefined) => readonly FailOn[],
): UpgradeCommand {
  const { command, values } = parseCommandLine(argv, {
    commands: ["upgrade-check", "release-gate"],
    options: {
      from: { type: "string" },
      to: { type: "string" },
      project: { type: "string", multiple: true },
      stack: { type: "string", multiple: true },
      "json-out": { type: "string" },
      "fail-on": { type: "string" },
    },
  });
  for (const flag of ["from", "to"] as const) {
    const v = values[flag];
    if (v === undefined) throw new UsageError(`${command} needs --${flag} <version>`);
    if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v))
      throw new UsageError(`--${flag} ${v}: not a version (major.minor.patch)`);
  }
  const projects = (values.project ?? []).map((p) => path.resolve(cwd, p));
  if (command === "upgrade-check" && projects.length > 1)
    throw new UsageError("upgrade-check takes one --project (release-gate takes several)");
  if (command === "release-gate" && projects.length === 0 && (values.stack ?? []).length === 0)
    throw new UsageError("release-gate needs at least one --project <dir> or --stack <env> to judge the release by");
  if (command === "release-gate" && values["fail-on"] !== undefined)
    throw new UsageError("--fail-on is an option of upgrade-check, not release-gate");
  return {
    command,
    from: values.from as string,
    to: values.to as string,
    projects: command === "upgrade-check" && projects.length === 0 ? [cwd] : projects,
    stacks: values.stack ?? [],
    ...(values["json-out"] !== undefined ? { jsonOut: path.resolve(cwd, values["json-out"]) } : {}),
    failOn: parseFailOn(values["fail-on"]),
  };
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The upgrade check's JSON: versions, packages, and each stack's review. */
function upgradeJson(result: UpgradeCheckResult): Record<string, unknown> {
  return {
    from: result.from,
    to: result.to,
    packages: result.packages,
    stacks: Object.fromEntries(result.stacks.map((s) => [s.stack, s.review])),
  };
}

/** Runs the command; returns the exit code. */
export async function runUpgradeCommand(
  command: UpgradeCommand,
  io: CliIo,
  cwd: string,
  reviewShipped: (stack: string, base: string) => Promise<Review>,
): Promise<number> {
  const log = (line: string) => io.err(line);
  if (command.command === "upgrade-check") {
    const result = await upgradeCheck({
      projectDir: command.projects[0],
      from: command.from,
      to: command.to,
      stacks: command.stacks,
      log,
    });
    io.out(result.stacks.map((s) => s.markdown.replace(/\n$/, "")).join("\n\n"));
    if (command.jsonOut) writeJson(command.jsonOut, upgradeJson(result));
    return Math.max(0, ...result.stacks.map((s) => exitCodeOf(s.review, command.failOn)));
  }
  const subjects: GateSubject[] = [];
  const checks: Record<string, unknown> = {};
  for (const projectDir of command.projects) {
    const result = await upgradeCheck({ projectDir, from: command.from, to: command.to, log });
    checks[path.basename(projectDir)] = upgradeJson(result);
    for (const s of result.stacks) subjects.push({ source: path.basename(projectDir), review: s.review });
  }
  for (const stack of command.stacks) {
    log(`${stack}: review --base=v${command.from}`);
    subjects.push({ source: "apps/infra", review: await reviewShipped(stack, `v${command.from}`) });
  }
  const repoRoot = findRepoRoot(cwd);
  const verdict = judgeRelease(command.from, command.to, subjects, repoRoot ? releaseNotes(repoRoot, command.to) : "");
  io.out(renderVerdict(verdict));
  if (command.jsonOut) writeJson(command.jsonOut, { verdict, upgradeChecks: checks });
  return verdict.blocking.length > 0 ? 3 : 0;
}

/** The folder holding `nx.json` at or above `dir`. */
function findRepoRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "nx.json"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}
