import * as fs from "node:fs";
import * as path from "node:path";

/** A host reached through the instance, and the one port operators may forward to on it. */
export interface RemoteHostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * What connecting and diagnosing need from an environment file
 * (`apps/infra/environments/<name>.json`). The app validates the whole file
 * when it synthesizes; this reads the few fields used here, with the app's
 * defaults, and names the field of anything it cannot use.
 */
export interface EnvironmentView {
  /** Environment and stack name, e.g. `dev`. */
  readonly name: string;
  /** The file it was read from, as given (for messages). */
  readonly file: string;
  /** `project`; default `ssm-access`. */
  readonly project: string;
  /** `accountId`: the only account the environment lives in. */
  readonly accountId: string;
  /** `region`. */
  readonly region: string;
  /** `instances[].name`, in file order. */
  readonly instanceNames: readonly string[];
  /** `operatorAccess.enabled`; default true. */
  readonly operatorAccess: boolean;
  /** `operatorAccess.portForwarding.ports`; empty without port forwarding. */
  readonly forwardedPorts: readonly number[];
  /** `operatorAccess.portForwarding.remoteHosts`; empty without them. */
  readonly forwardedRemoteHosts: readonly RemoteHostPort[];
  /** `deploy.profile`: the AWS CLI profile the environment is deployed with, a hint for credentials. */
  readonly deployProfile?: string;
  /** Whether the file wants the S3 gateway endpoint (`network.endpoints.s3Gateway`, default true, and endpoints not turned off). */
  readonly s3Gateway: boolean;
}

/** The AWS partition of a Region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The name prefix of the environment's resources: `<project>-<environment>`. */
export function namePrefixOf(env: Pick<EnvironmentView, "project" | "name">): string {
  return `${env.project}-${env.name}`;
}

/** Reads `<environmentsDir>/<name>.json`; throws with the file and the field of what is missing. */
export function readEnvironment(environmentsDir: string, name: string): EnvironmentView {
  const file = path.join(environmentsDir, `${name}.json`);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(environmentsDir)
      ? fs
          .readdirSync(environmentsDir)
          .filter((f) => f.endsWith(".json") && !f.includes("schema"))
          .map((f) => f.replace(/\.json$/, ""))
      : [];
    throw new Error(`${file} does not exist${known.length > 0 ? `; environments: ${known.join(", ")}` : ""}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
  return parseEnvironment(name, file, json);
}

/** The view of a parsed environment file (see {@link readEnvironment}). */
export function parseEnvironment(name: string, file: string, json: unknown): EnvironmentView {
  const problems: string[] = [];
  const root = asObject(json) ?? {};
  if (asObject(json) === undefined) problems.push("the file is not a JSON object");
  const str = (o: Record<string, unknown>, key: string, at: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") problems.push(`${at}${key}: must be a string`);
    return typeof v === "string" ? v : undefined;
  };
  const accountId = str(root, "accountId", "");
  const region = str(root, "region", "");
  if (accountId === undefined) problems.push("accountId: is missing");
  if (region === undefined) problems.push("region: is missing");
  const instances = Array.isArray(root.instances) ? root.instances : [];
  if (!Array.isArray(root.instances)) problems.push("instances: is missing");
  const instanceNames = instances.map((i, n) => {
    const name = asObject(i)?.name;
    if (typeof name !== "string") problems.push(`instances[${n}].name: is missing`);
    return String(name);
  });
  const access = asObject(root.operatorAccess) ?? {};
  const forwarding = asObject(access.portForwarding) ?? {};
  const ports = Array.isArray(forwarding.ports) ? forwarding.ports.filter((p): p is number => Number.isInteger(p)) : [];
  const remoteHosts = Array.isArray(forwarding.remoteHosts)
    ? forwarding.remoteHosts.flatMap((r) => {
        const o = asObject(r);
        return o && typeof o.host === "string" && Number.isInteger(o.port)
          ? [{ host: o.host, port: o.port as number }]
          : [];
      })
    : [];
  const endpoints = asObject(asObject(root.network)?.endpoints) ?? {};
  const deployProfile = str(asObject(root.deploy) ?? {}, "profile", "deploy.");
  if (problems.length > 0) throw new Error(`${file}:\n  ${problems.join("\n  ")}`);
  const operatorAccess = access.enabled !== false;
  return {
    name,
    file,
    project: str(root, "project", "") ?? "ssm-access",
    accountId: accountId as string,
    region: region as string,
    instanceNames,
    operatorAccess,
    forwardedPorts: operatorAccess ? ports : [],
    forwardedRemoteHosts: operatorAccess ? remoteHosts : [],
    ...(deployProfile !== undefined ? { deployProfile } : {}),
    s3Gateway: endpoints.enabled !== false && endpoints.s3Gateway !== false,
  };
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
