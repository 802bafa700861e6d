import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { environmentNames, isRecord } from "@ssm-access/terraform-kit";

/**
 * Which environments CI plans and applies, in which order, with which roles
 * and GitHub environment: the logic the deploy, pull-request and drift
 * workflows call, so the workflows stay thin.
 */

/** One environment as a CI job sees it (a matrix entry). */
export interface CiEnvironment {
  /** Environment and stack name, e.g. `dev`. */
  readonly name: string;
  /** The GitHub environment the apply job is bound to: the same name. */
  readonly githubEnvironment: string;
  /** The environment's Region (where the OIDC credentials are requested). */
  readonly region: string;
  /** The role CI assumes to plan; empty when the environment has none. */
  readonly planRoleArn: string;
  /** The role CI assumes to apply; empty when the environment has none. */
  readonly applyRoleArn: string;
  /** Whether a pull request is reviewed against the real state (a plan role, or HCP Terraform) or the emulated baseline. */
  readonly reviewAgainst: "real-state" | "emulated-baseline";
  /**
   * Where Terraform's runs execute: `github` (the job's own Terraform, with
   * the plan and apply roles), or `hcp-terraform` for an environment with the
   * `cloud` backend: the job's `terraform plan` and `apply` start runs in the
   * environment's HCP Terraform workspace, which executes them with the AWS
   * credentials configured there (dynamic provider credentials), so the job
   * assumes no AWS role and needs only an HCP Terraform token.
   */
  readonly runsIn: "github" | "hcp-terraform";
  /** With `hcp-terraform`: `<organization>/<workspace>` of the environment; else empty. */
  readonly hcpWorkspace: string;
  /**
   * With `hcp-terraform`: the variable Terraform reads the API token of the
   * environment's host from (`TF_TOKEN_app_terraform_io` for HCP Terraform;
   * dots of a Terraform Enterprise host become `_`); else empty.
   */
  readonly hcpTokenVariable: string;
}

/** The host of HCP Terraform, where a `cloud` backend without `hostname` runs. */
export const HCP_TERRAFORM_HOST = "app.terraform.io";

/** The environment variable Terraform reads the API token for `host` from. */
export function tokenVariableOf(host: string): string {
  return `TF_TOKEN_${host.replace(/\./g, "_").replace(/-/g, "__")}`;
}

/** Whether CI can deploy (`apply`) or plan (`plan`) the environment: a role for it, or its runs execute in HCP Terraform. */
export function ciCan(environment: CiEnvironment, role: "plan" | "apply"): boolean {
  if (environment.runsIn === "hcp-terraform") return true;
  return (role === "plan" ? environment.planRoleArn : environment.applyRoleArn) !== "";
}

/** Why a change selects an environment (or none). */
export type ChangeKind = "environment" | "every" | "none";

const DOC = /(^|\/)(docs?\/|[^/]*\.md$|LICENSE$)/;
/** Files every stack is built from besides the app: the packages, the lock file and the root manifest. */
const SHARED = /^(packages\/|package-lock\.json$|package\.json$)/;

/** Where the app and its environment files are, relative to the repository root. */
export interface RepositoryLayout {
  /** @default "apps/infra" */
  readonly app: string;
  /** @default "apps/infra/environments" */
  readonly environments: string;
}

/** The layout of this workspace. */
export const DEFAULT_LAYOUT: RepositoryLayout = { app: "apps/infra", environments: "apps/infra/environments" };

/**
 * What a changed file (a path from the repository root) does to the
 * environments: `environments/<name>.json` of the app selects that
 * environment; a package, the app or the lock file selects every
 * environment; documentation and anything else (other apps, tools, tests of
 * the workspace, workflows) selects none.
 */
export function classifyChange(
  file: string,
  layout: RepositoryLayout = DEFAULT_LAYOUT,
): { kind: ChangeKind; environment?: string } {
  if (DOC.test(file)) return { kind: "none" };
  const envPrefix = `${layout.environments.replace(/\/$/, "")}/`;
  if (file.startsWith(envPrefix)) {
    const rest = file.slice(envPrefix.length);
    if (/^[a-z][a-z0-9-]*\.json$/.test(rest) && !rest.endsWith(".schema.json"))
      return { kind: "environment", environment: rest.slice(0, -".json".length) };
  }
  if (SHARED.test(file) || file.startsWith(`${layout.app.replace(/\/$/, "")}/`)) return { kind: "every" };
  return { kind: "none" };
}

/** The environments a set of changed files selects, among `known` (a deleted environment is not deployed). */
export function affectedEnvironments(
  files: readonly string[],
  known: readonly string[],
  layout: RepositoryLayout = DEFAULT_LAYOUT,
): string[] {
  const selected = new Set<string>();
  for (const file of files) {
    const change = classifyChange(file, layout);
    if (change.kind === "every") return [...known];
    if (change.kind === "environment" && change.environment !== undefined && known.includes(change.environment))
      selected.add(change.environment);
  }
  return known.filter((name) => selected.has(name));
}

/** The files changed between the merge base of `base` and HEAD, relative to the repository root. */
export function changedFiles(repoRoot: string, base: string): string[] {
  const r = spawnSync("git", ["diff", "--name-only", "--no-renames", `${base}...HEAD`], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  if (r.error !== undefined || r.status !== 0)
    throw new Error(`git diff ${base}...HEAD in ${repoRoot} failed: ${(r.stderr ?? "").trim() || r.error?.message}`);
  return r.stdout.split("\n").filter((line) => line.length > 0);
}

/** The `ci` section of one environment file, checked for what CI reads (the app validates it fully on synth). */
function ciSectionOf(file: string): {
  planRoleArn: string;
  applyRoleArn: string;
  deployAfter: string[];
  region: string;
  cloud?: { organization: string; workspace: string; host: string };
} {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: cannot read it: ${(e as Error).message}`);
  }
  if (!isRecord(json)) throw new Error(`${file}: must be a JSON object`);
  const ci = json.ci ?? {};
  if (!isRecord(ci)) throw new Error(`${file}: ci: must be an object`);
  const text = (field: string): string => {
    const value = ci[field];
    if (value === undefined) return "";
    if (typeof value !== "string" || !/^arn:[\w-]+:iam::\d{12}:role\/\S+$/.test(value))
      throw new Error(`${file}: ci.${field}: must be an IAM role ARN, got ${JSON.stringify(value)}`);
    return value;
  };
  const after = ci.deployAfter ?? [];
  if (!Array.isArray(after) || !after.every((name) => typeof name === "string"))
    throw new Error(`${file}: ci.deployAfter: must be a list of environment names`);
  if (typeof json.region !== "string") throw new Error(`${file}: region: must be a string`);
  const backend = isRecord(json.backend) ? json.backend : {};
  let cloud: { organization: string; workspace: string; host: string } | undefined;
  if (backend.type === "cloud") {
    const field = (name: string): string => {
      const value = backend[name];
      if (typeof value !== "string" || value === "")
        throw new Error(`${file}: backend.${name}: must be a non-empty string for the cloud backend`);
      return value;
    };
    const host = backend.hostname === undefined ? HCP_TERRAFORM_HOST : field("hostname");
    cloud = { organization: field("organization"), workspace: field("workspace"), host };
  }
  return {
    planRoleArn: text("planRoleArn"),
    applyRoleArn: text("applyRoleArn"),
    deployAfter: after as string[],
    region: json.region,
    ...(cloud !== undefined ? { cloud } : {}),
  };
}

/**
 * The environments of `environmentsDir` (or those of `only`) in deploy
 * order: every environment after those its `ci.deployAfter` names, ties by
 * name. An unknown name or a cycle is an error naming the file and field.
 */
export function ciEnvironments(environmentsDir: string, only?: readonly string[]): CiEnvironment[] {
  const names = environmentNames(environmentsDir);
  const sections = new Map(names.map((name) => [name, ciSectionOf(path.join(environmentsDir, `${name}.json`))]));
  // One HCP Terraform workspace per environment: two environments in one workspace would share one state.
  const workspaces = new Map<string, string>();
  for (const [name, section] of sections) {
    if (section.cloud === undefined) continue;
    const key = `${section.cloud.host}/${section.cloud.organization}/${section.cloud.workspace}`;
    const other = workspaces.get(key);
    if (other !== undefined)
      throw new Error(
        `${path.join(environmentsDir, `${name}.json`)}: backend.workspace: ${section.cloud.organization}/${section.cloud.workspace} is already the workspace of ${other}.json: each environment needs a workspace of its own (one state each)`,
      );
    workspaces.set(key, name);
  }
  for (const [name, section] of sections) {
    for (const other of section.deployAfter) {
      if (!sections.has(other))
        throw new Error(
          `${path.join(environmentsDir, `${name}.json`)}: ci.deployAfter: no environment "${other}" (there are ${names.join(", ")})`,
        );
    }
  }
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, chain: string[]) => {
    if (ordered.includes(name)) return;
    if (visiting.has(name))
      throw new Error(
        `${path.join(environmentsDir, `${name}.json`)}: ci.deployAfter: a cycle (${[...chain, name].join(" → ")})`,
      );
    visiting.add(name);
    for (const before of [...(sections.get(name)?.deployAfter ?? [])].sort()) visit(before, [...chain, name]);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  const wanted = only === undefined ? ordered : ordered.filter((name) => only.includes(name));
  return wanted.map((name) => {
    const section = sections.get(name) as NonNullable<ReturnType<typeof sections.get>>;
    const cloud = section.cloud;
    return {
      name,
      githubEnvironment: name,
      region: section.region,
      planRoleArn: section.planRoleArn,
      applyRoleArn: section.applyRoleArn,
      reviewAgainst: section.planRoleArn === "" && cloud === undefined ? "emulated-baseline" : "real-state",
      runsIn: cloud === undefined ? "github" : "hcp-terraform",
      hcpWorkspace: cloud === undefined ? "" : `${cloud.organization}/${cloud.workspace}`,
      hcpTokenVariable: cloud === undefined ? "" : tokenVariableOf(cloud.host),
    };
  });
}
