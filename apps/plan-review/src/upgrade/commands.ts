/**
 * `plan-review upgrade-check` and `plan-review release-gate`: their command
 * lines and what they print.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CliIo, UsageError, parseCommandLine } from "@ssm-access/terraform-kit";
import { FailOn, Review, exitCodeOf } from "../report";
import type { Uplink } from "@ssm-access/npm-registry";
import { GateSubject, judgeRelease, releaseNotes, renderVerdict } from "./release-gate";
import { rehearse } from "./rehearsal";
import { UpgradeCheckResult, upgradeCheck } from "./upgrade-check";

export const UPGRADE_USAGE = `  plan-review upgrade-check --from <version> --to <version> [--project <dir>] [--stack <name>]... [--json-out <file>]
        [--fail-on=<list>]
        in a copy of a cdktf project (default: the current folder), move its @ssm-access packages from <version>
        to <version> (npm install, with the project's npm configuration), synthesize its app (cdktf.json "app") and
        plan each stack against its deployed state; review what the upgrade would change (exit codes of review)
  plan-review release-gate --from <version> --to <version> [--project <dir>]... [--example <dir> [--registry <url>]]...
        [--stack <env>]... [--json-out <file>]
        whether <to> may be published: upgrade-check on each project; each example rehearsed (the working tree,
        at <to>, published to a local staging registry in front of --registry, default $NPM_REGISTRY_URL, read with
        $NODE_AUTH_TOKEN; the example's main.ts installed at <from> from it and deployed into an AWS API emulator,
        then upgrade-checked); review --base=v<from> of each shipped environment. A release ^<from> takes must
        not replace, destroy or rename a deployed resource nor weaken security, a breaking one must name each
        such address in its version plans or changelog entry (exit 0 passed, 3 blocked, 1 an error, 64 a wrong
        command line)`;

/** A parsed `upgrade-check` or `release-gate` command line. */
export interface UpgradeCommand {
  readonly command: "upgrade-check" | "release-gate";
  readonly from: string;
  readonly to: string;
  /** Consumer projects (upgrade-check: exactly one). */
  readonly projects: readonly string[];
  /** release-gate: example folders rehearsed on a staging registry in front of {@link upstream}. */
  readonly examples: readonly string[];
  /** release-gate with examples: the registry the release publishes to. */
  readonly upstream?: Uplink;
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
  env: NodeJS.ProcessEnv = process.env,
): UpgradeCommand {
  const { command, values } = parseCommandLine(argv, {
    commands: ["upgrade-check", "release-gate"],
    options: {
      from: { type: "string" },
      to: { type: "string" },
      project: { type: "string", multiple: true },
      example: { type: "string", multiple: true },
      registry: { type: "string" },
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
  const examples = (values.example ?? []).map((p) => path.resolve(cwd, p));
  if (command === "upgrade-check" && (examples.length > 0 || values.registry !== undefined))
    throw new UsageError("--example and --registry are options of release-gate, not upgrade-check");
  if (command === "release-gate" && projects.length + examples.length + (values.stack ?? []).length === 0)
    throw new UsageError(
      "release-gate needs at least one --project <dir>, --example <dir> or --stack <env> to judge the release by",
    );
  const registry = values.registry ?? (env.NPM_REGISTRY_URL || undefined);
  if (examples.length > 0 && registry === undefined)
    throw new UsageError(
      "--example needs the registry the release publishes to, where --from is: --registry <url>, or NPM_REGISTRY_URL",
    );
  if (registry !== undefined && !/^https?:\/\/[^\s/]+/.test(registry))
    throw new UsageError(`--registry ${registry}: not an http(s) URL`);
  if (values.registry !== undefined && examples.length === 0)
    throw new UsageError("--registry is the upstream of --example; give an --example <dir>");
  if (command === "release-gate" && values["fail-on"] !== undefined)
    throw new UsageError("--fail-on is an option of upgrade-check, not release-gate");
  return {
    command,
    from: values.from as string,
    to: values.to as string,
    projects: command === "upgrade-check" && projects.length === 0 ? [cwd] : projects,
    examples,
    ...(examples.length > 0 && registry !== undefined
      ? {
          upstream: {
            url: registry.endsWith("/") ? registry : `${registry}/`,
            ...(env.NODE_AUTH_TOKEN ? { token: env.NODE_AUTH_TOKEN } : {}),
          },
        }
      : {}),
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
  const repoRoot = findRepoRoot(cwd);
  if (command.examples.length > 0 && command.upstream) {
    if (!repoRoot) throw new UsageError(`--example: ${cwd} is not inside a workspace (no nx.json above it)`);
    await rehearse(
      {
        repoRoot,
        examples: command.examples,
        from: command.from,
        to: command.to,
        upstream: command.upstream,
        log,
      },
      async (rehearsed) => {
        for (const [i, example] of rehearsed.entries()) {
          const source = path.relative(repoRoot, command.examples[i]);
          const result = await upgradeCheck({
            projectDir: example.projectDir,
            from: command.from,
            to: command.to,
            env: example.env,
            log,
          });
          checks[source] = upgradeJson(result);
          for (const s of result.stacks) subjects.push({ source, review: s.review });
        }
      },
    );
  }
  for (const stack of command.stacks) {
    log(`${stack}: review --base=v${command.from}`);
    subjects.push({ source: "apps/infra", review: await reviewShipped(stack, `v${command.from}`) });
  }
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
