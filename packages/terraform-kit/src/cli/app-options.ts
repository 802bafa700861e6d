import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "./exit-codes";

/** The file that marks a cdktf app folder. */
export const CDKTF_CONFIG_FILE = "cdktf.json";

/** The app folder of a workspace that has no `cdktf.json` above the current folder. */
export const DEFAULT_APP_DIR = path.join("apps", "infra");

/** A stack or environment name: lower-case letters, digits and `-`, starting with a letter. */
export const STACK_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** The options that choose an app and one of its environments: `--stack`, `--app`, `--environments-dir`. */
export const STACK_OPTIONS = {
  stack: { type: "string" },
  app: { type: "string" },
  "environments-dir": { type: "string" },
} as const;

/** Their usage lines, for a program's help. */
export const STACK_OPTIONS_USAGE = `  --stack=<env>             the environment (its file <environments-dir>/<env>.json)
  --app=<dir>               the cdktf app folder (default: the nearest folder from here upward holding a ${CDKTF_CONFIG_FILE}, else <workspace>/${DEFAULT_APP_DIR.split(path.sep).join("/")})
  --environments-dir=<dir>  the environment files (default: <app>/environments)`;

/** An environment of an app, chosen on the command line. */
export interface StackTarget {
  /** The stack (and environment) name. */
  readonly stack: string;
  /** The app folder, absolute. */
  readonly appDir: string;
  /** The environment files' folder, absolute. */
  readonly environmentsDir: string;
  /** `<environmentsDir>/<stack>.json`, which exists. */
  readonly environmentFile: string;
}

/**
 * The default app folder: the nearest folder from `cwd` upward that holds a
 * `cdktf.json`, else `apps/infra` of the npm workspace `cwd` is in (the
 * nearest `package.json` with `workspaces`). Throws a {@link UsageError} when
 * there is neither.
 */
export function defaultAppDir(cwd: string): string {
  let workspaceRoot: string | undefined;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, CDKTF_CONFIG_FILE))) return dir;
    if (workspaceRoot === undefined && isWorkspaceRoot(dir)) workspaceRoot = dir;
    if (path.dirname(dir) === dir) break;
  }
  if (workspaceRoot !== undefined) return path.join(workspaceRoot, DEFAULT_APP_DIR);
  throw new UsageError(
    `no ${CDKTF_CONFIG_FILE} in ${path.resolve(cwd)} or a folder above it, and no npm workspace: give --app=<dir>`,
  );
}

function isWorkspaceRoot(dir: string): boolean {
  try {
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    return typeof manifest === "object" && manifest !== null && "workspaces" in manifest;
  } catch {
    return false;
  }
}

/** The app folder of `--app` (resolved from `cwd`), or {@link defaultAppDir}. */
export function appDirOf(app: string | undefined, cwd: string): string {
  return app === undefined ? defaultAppDir(cwd) : path.resolve(cwd, app);
}

/** The environment names of `environmentsDir`: its `*.json` files other than the JSON schema, sorted. */
export function environmentNames(environmentsDir: string): string[] {
  if (!fs.existsSync(environmentsDir)) return [];
  return fs
    .readdirSync(environmentsDir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".schema.json"))
    .map((f) => f.slice(0, -".json".length))
    .sort();
}

/**
 * Reads `--stack`, `--app` and `--environments-dir` (paths resolved from
 * `cwd`). Throws a {@link UsageError} when `--stack` is missing, is not a
 * stack name, or names no environment file (the message lists those there are).
 */
export function stackTarget(
  values: { readonly stack?: string; readonly app?: string; readonly "environments-dir"?: string },
  cwd: string,
): StackTarget {
  const stack = values.stack;
  if (stack === undefined || stack === "") throw new UsageError("--stack=<env> is required");
  if (!STACK_NAME_PATTERN.test(stack))
    throw new UsageError(`--stack "${stack}" is not an environment name (lower-case letters, digits and -)`);
  const appDir = appDirOf(values.app, cwd);
  const environmentsDir = path.resolve(cwd, values["environments-dir"] ?? path.join(appDir, "environments"));
  const environmentFile = path.join(environmentsDir, `${stack}.json`);
  if (!fs.existsSync(environmentFile)) {
    const known = environmentNames(environmentsDir);
    const shown = path.relative(cwd, environmentFile) || environmentFile;
    throw new UsageError(
      `--stack=${stack}: there is no environment file ${shown}${known.length > 0 ? `; environments: ${known.join(", ")}` : fs.existsSync(environmentsDir) ? "" : ` (the folder ${path.relative(cwd, environmentsDir) || environmentsDir} does not exist)`}`,
    );
  }
  return { stack, appDir, environmentsDir, environmentFile };
}
