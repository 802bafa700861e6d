import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { ValidationError, ValidationIssue, joinPath } from "@ssm-access/core";
import { compareAl2023Releases } from "@ssm-access/maintenance";
import { ENVIRONMENT_NAME_PATTERN, Environment, REMOVED_FIELDS, environmentSchema } from "./schema";

/** File names in the environments folder that are not environments. */
const NOT_ENVIRONMENTS = new Set(["environment.schema.json"]);

/** The environment names defined in `dir` (one `<name>.json` each), sorted. */
export function listEnvironments(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new Error(`${dir}: environments folder not found`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !NOT_ENVIRONMENTS.has(f))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/**
 * Reads and validates one environment file.
 *
 * @param file path of `<name>.json`
 * @param displayName how the file is named in errors (default: `file` as given)
 * @throws ValidationError naming the file, each field path and the reason
 */
export function loadEnvironmentFile(file: string, displayName = file): Environment {
  const name = path.basename(file, ".json");
  const issues: ValidationIssue[] = [];
  if (!ENVIRONMENT_NAME_PATTERN.test(name) || name.length > 32) {
    issues.push({
      path: "(file name)",
      message: `"${name}" must be 1-32 lower-case letters, digits and '-', starting with a letter (it becomes the stack name)`,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new ValidationError(displayName, [{ path: "(file)", message: (e as Error).message }]);
  }
  const parsed = environmentSchema.safeParse(raw);
  if (!parsed.success) issues.push(...zodIssues(parsed.error.issues));
  if (issues.length > 0 || !parsed.success) throw new ValidationError(displayName, issues);
  return { name, file: displayName, config: parsed.data };
}

/**
 * Reads the environments of `dir`: all of them, or only those named in `only`.
 * Files not selected are not read, so one team's broken file does not block
 * another team's synth. Every selected file is checked before any error is
 * thrown; the error lists every problem of every file.
 */
export function loadEnvironments(dir: string, only?: readonly string[]): Environment[] {
  const available = listEnvironments(dir);
  const wanted = only && only.length > 0 ? [...only] : available;
  const unknown = wanted.filter((n) => !available.includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown environment${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: ${dir} has ${available.join(", ") || "none"}`,
    );
  }
  const envs: Environment[] = [];
  const errors: ValidationError[] = [];
  for (const name of wanted) {
    const file = path.join(dir, `${name}.json`);
    try {
      envs.push(loadEnvironmentFile(file, displayPath(file)));
    } catch (e) {
      if (e instanceof ValidationError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateValidationError(errors);
  checkAcrossEnvironments(envs);
  checkReleasePromotion(envs, dir);
  return envs.map((env) => withPreferencesOwner(env, dir, envs));
}

/**
 * The promotion rule of `maintenance.osReleaseFrom`: an environment promoted
 * from another (prod from dev) may not pin a newer Amazon Linux 2023 release
 * than its source does, so a release reaches it only after the source ran it.
 * Releases compare by minor number, then date. The source is taken from the
 * environments loaded, or read from its file in `dir` when it was not
 * selected: synthesizing the promoted environment alone enforces the rule too.
 *
 * @throws ValidationError naming the promoted file, the source file and both releases
 */
export function checkReleasePromotion(envs: readonly Environment[], dir: string): void {
  const errors: ValidationError[] = [];
  for (const env of envs) {
    const issue = releasePromotionIssue(env, dir, envs);
    if (issue) errors.push(new ValidationError(env.file, [issue]));
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateValidationError(errors);
}

function releasePromotionIssue(
  env: Environment,
  dir: string,
  loaded: readonly Environment[],
): ValidationIssue | undefined {
  const { osRelease, osReleaseFrom } = env.config.maintenance;
  if (osReleaseFrom === undefined || osRelease === undefined) return undefined;
  const at = "maintenance.osReleaseFrom";
  if (osReleaseFrom === env.name) {
    return {
      path: at,
      message: `"${osReleaseFrom}" is this environment; name the environment whose tested release this one takes`,
    };
  }
  let source = loaded.find((e) => e.name === osReleaseFrom);
  if (!source) {
    if (!listEnvironments(dir).includes(osReleaseFrom)) {
      return { path: at, message: `no environment "${osReleaseFrom}" in ${displayPath(dir)} to take the release from` };
    }
    const file = path.join(dir, `${osReleaseFrom}.json`);
    source = loadEnvironmentFile(file, displayPath(file));
  }
  const sourceRelease = source.config.maintenance.osRelease;
  if (sourceRelease === undefined) {
    return {
      path: at,
      message: `${source.file} pins no maintenance.osRelease, so it has no tested release to promote; pin one there first`,
    };
  }
  if (compareAl2023Releases(osRelease, sourceRelease) > 0) {
    return {
      path: "maintenance.osRelease",
      message: `${osRelease} is newer than ${sourceRelease}, the release of ${source.file} this environment is promoted from (osReleaseFrom "${osReleaseFrom}"); upgrade ${osReleaseFrom} to ${osRelease} first, or pin ${sourceRelease} or an older release here`,
    };
  }
  return undefined;
}

/**
 * Resolves `sessionLogging.preferencesOwner`: the named environment is read
 * (from the environments already loaded, or its file when it was not
 * selected) and must own the preferences document of the same account and
 * Region.
 */
function withPreferencesOwner(env: Environment, dir: string, loaded: readonly Environment[]): Environment {
  const ownerName = env.config.sessionLogging.preferencesOwner;
  if (ownerName === undefined) return env;
  const at = "sessionLogging.preferencesOwner";
  const reject = (message: string): never => {
    throw new ValidationError(env.file, [{ path: at, message }]);
  };
  if (ownerName === env.name) reject(`"${ownerName}" is this environment, which does not manage the document`);
  let owner = loaded.find((e) => e.name === ownerName);
  if (!owner) {
    if (!listEnvironments(dir).includes(ownerName)) reject(`no environment "${ownerName}" in ${displayPath(dir)}`);
    owner = loadEnvironmentFile(path.join(dir, `${ownerName}.json`), displayPath(path.join(dir, `${ownerName}.json`)));
  }
  const o = owner.config;
  if (!o.sessionLogging.managePreferencesDocument)
    reject(`${owner.file} does not manage the preferences document either`);
  if (o.accountId !== env.config.accountId || o.region !== env.config.region) {
    reject(
      `${owner.file} is in account ${o.accountId} ${o.region}, this environment in ${env.config.accountId} ${env.config.region}; the document is per account and Region`,
    );
  }
  return { ...env, preferencesOwner: owner };
}

function displayPath(p: string): string {
  return path.relative(process.cwd(), p) || p;
}

/** Several files with problems: the message holds each file's block. */
export class AggregateValidationError extends Error {
  constructor(public readonly errors: readonly ValidationError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "AggregateValidationError";
  }
}

/**
 * Rules that span the files loaded together: one owner of the Session
 * Manager preferences document per account and Region. (Rules that name
 * another file, such as `preferencesOwner` and `maintenance.osReleaseFrom`,
 * read it when it was not loaded.)
 */
export function checkAcrossEnvironments(envs: readonly Environment[]): void {
  const owners = new Map<string, Environment>();
  for (const env of envs) {
    if (!env.config.sessionLogging.managePreferencesDocument) continue;
    const key = `${env.config.accountId}/${env.config.region}`;
    const first = owners.get(key);
    if (first) {
      throw new ValidationError(env.file, [
        {
          path: "sessionLogging.managePreferencesDocument",
          message: `account ${env.config.accountId} in ${env.config.region} already has its Session Manager preferences document (SSM-SessionManagerRunShell) owned by ${first.file}; set this to false and preferencesOwner to "${first.name}"`,
        },
      ]);
    }
    owners.set(key, env);
  }
}

/** Turns zod issues into field-path issues with plain reasons; a removed field says what replaced it. */
export function zodIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    const at = issue.path.reduce<string>(
      (p, seg) => joinPath(p, typeof seg === "number" ? `[${seg}]` : String(seg)),
      "",
    );
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const path = joinPath(at, key);
        out.push({ path, message: REMOVED_FIELDS[path] ?? "unknown field" });
      }
    } else if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
      out.push({ path: at || "(root)", message: "is required" });
    } else {
      out.push({ path: at || "(root)", message: issue.message });
    }
  }
  return out;
}
