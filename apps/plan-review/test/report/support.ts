import * as fs from "node:fs";
import * as path from "node:path";
import { ReviewInput } from "../../src/report";

/** Reads a JSON fixture of this folder. */
export function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8"));
}

export const ENV_FILE = "apps/infra/environments/prod.json";

/**
 * A review input of the prod stack from the trimmed real plans:
 * `<scenario>.plan.json`, `<scenario>.cdk.tf.json` and `prod.<scenario>.json`
 * against `base.cdk.tf.json` and `prod.base.json`.
 */
export function scenarioInput(scenario: "cidr" | "mixed" | "drift"): ReviewInput {
  const head = scenario === "drift" ? "base" : scenario;
  return {
    stack: "prod",
    plan: fixture(`${scenario}.plan.json`),
    stackJson: fixture(`${head}.cdk.tf.json`),
    baseStackJson: fixture("base.cdk.tf.json"),
    environment: { file: ENV_FILE, json: fixture(`prod.${head}.json`) },
    baseEnvironment: { file: ENV_FILE, json: fixture("prod.base.json") },
    provenance: { kind: "emulated-baseline", base: "main (1a2b3c4)" },
  };
}

/**
 * A review input of the prod stack from real plans against the shipped prod
 * as deployed (Object Lock, three zones), trimmed: `<scenario>.plan.json`,
 * `<scenario>.cdk.tf.json` and `prod.<scenario>.json` against
 * `deployed.cdk.tf.json` and `prod.deployed.json`.
 */
export function deployedInput(scenario: "s3off" | "az" | "encoff", extra: Partial<ReviewInput> = {}): ReviewInput {
  return {
    stack: "prod",
    plan: fixture(`${scenario}.plan.json`),
    stackJson: fixture(`${scenario}.cdk.tf.json`),
    baseStackJson: fixture("deployed.cdk.tf.json"),
    environment: { file: ENV_FILE, json: fixture(`prod.${scenario}.json`) },
    baseEnvironment: { file: ENV_FILE, json: fixture("prod.deployed.json") },
    provenance: { kind: "saved-plan", planFile: "apps/infra/cdktf.out/stacks/prod/prod.tfplan" },
    ...extra,
  };
}

/** One hand-written resource change. */
export interface ChangeSpec {
  readonly address: string;
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly afterUnknown?: unknown;
  readonly beforeSensitive?: unknown;
  readonly afterSensitive?: unknown;
  readonly replacePaths?: readonly (readonly (string | number)[])[];
  readonly actionReason?: string;
}

/** A `resource_changes` entry in Terraform's format. */
export function change(spec: ChangeSpec): Record<string, unknown> {
  const [type, name] = spec.address.replace(/\[[^\]]*\]$/, "").split(".");
  return {
    address: spec.address,
    mode: "managed",
    type,
    name,
    change: {
      actions: spec.actions,
      before: spec.before ?? null,
      after: spec.after ?? null,
      after_unknown: spec.afterUnknown ?? {},
      before_sensitive: spec.beforeSensitive ?? {},
      after_sensitive: spec.afterSensitive ?? {},
      ...(spec.replacePaths ? { replace_paths: spec.replacePaths } : {}),
    },
    ...(spec.actionReason ? { action_reason: spec.actionReason } : {}),
  };
}

/** A plan in Terraform's JSON format from hand-written parts. */
export function planOf(parts: {
  changes?: readonly Record<string, unknown>[];
  drift?: readonly Record<string, unknown>[];
  outputs?: Record<string, unknown>;
  configResources?: readonly Record<string, unknown>[];
  configOutputs?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: parts.changes ?? [],
    ...(parts.drift ? { resource_drift: parts.drift } : {}),
    ...(parts.outputs ? { output_changes: parts.outputs } : {}),
    configuration: { root_module: { resources: parts.configResources ?? [], outputs: parts.configOutputs ?? {} } },
  };
}

/** A `cdk.tf.json` with construct paths only: `{ "aws_vpc.network": "Network/Resource" }`. */
export function stackOf(paths: Readonly<Record<string, string>>, stack = "prod"): Record<string, unknown> {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const [address, constructPath] of Object.entries(paths)) {
    const [type, name] = address.split(".");
    resource[type] = { ...resource[type], [name]: { "//": { metadata: { path: `${stack}/${constructPath}` } } } };
  }
  return { resource };
}

/** A review input around a hand-written plan, as a saved plan unless base files are given. */
export function inputOf(plan: unknown, extra: Partial<ReviewInput> = {}): ReviewInput {
  return {
    stack: "prod",
    plan,
    stackJson: { resource: {} },
    environment: { file: ENV_FILE, json: fixture("prod.base.json") },
    provenance: { kind: "saved-plan", planFile: "prod.tfplan" },
    ...extra,
  };
}

/** A policy document as the JSON string Terraform holds. */
export function policy(...statements: unknown[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}
