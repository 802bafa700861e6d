import * as fs from "node:fs";
import { ACCOUNT_ID_PATTERN, REGION_PATTERN, partitionForRegion } from "@ssm-access/core";
import { StackJson, awsProviderBlocks, readStackJson } from "@ssm-access/terraform-kit";

/** A host reached through the instance, and the one port operators may forward to on it. */
export interface RemoteHostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * What connecting and diagnosing need from an environment, read from its
 * synthesized stack (`<app>/cdktf.out/stacks/<env>/cdk.tf.json`): what the
 * app built from the environment file, with its defaults applied, rather
 * than a second reading of the file.
 */
export interface StackView {
  /** Environment and stack name, e.g. `dev`. */
  readonly name: string;
  /** The synthesized stack it was read from (for messages). */
  readonly stackFile: string;
  /** The environment file the stack is built from: what to change, in messages. */
  readonly environmentFile: string;
  /** The `account_id` output: the only account the environment lives in. */
  readonly accountId: string;
  /** The `region` output. */
  readonly region: string;
  /** The Region's partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`), by `@ssm-access/core`'s rule. */
  readonly partition: string;
  /** The instances' names: the keys of the `instance_ids` output, in the order of the environment file. */
  readonly instanceNames: readonly string[];
  /** Whether the stack grants operator access (it has the `operator_policy_arn` output). */
  readonly operatorAccess: boolean;
  /** Ports of the instances operators may forward: the port keys of the `port_forwarding_documents` output. */
  readonly forwardedPorts: readonly number[];
  /** Remote hosts operators may forward to: the `host:port` keys of the `port_forwarding_documents` output. */
  readonly forwardedRemoteHosts: readonly RemoteHostPort[];
  /** The AWS CLI profile of the stack's default AWS provider (`deploy.profile`), a hint for credentials. */
  readonly deployProfile?: string;
  /** Whether the stack has an S3 gateway endpoint (`aws_vpc_endpoint` of type `Gateway` for `s3`). */
  readonly s3Gateway: boolean;
  /**
   * The Amazon Linux 2023 release the maintenance window's release upgrade
   * pins (`maintenance.osRelease`): the `Release` parameter of its Run Command
   * task; absent when the environment pins none.
   */
  readonly pinnedRelease?: string;
}

/**
 * Reads the view of stack `name` from its synthesized `stackFile`; throws with
 * the file and what is missing, saying to synthesize when there is no file.
 */
export function readStackView(name: string, stackFile: string, environmentFile: string): StackView {
  if (!fs.existsSync(stackFile)) {
    throw new Error(
      `${stackFile} is missing: synthesize the app (npm run synth) and deploy ${name} (npx nx run infra:deploy --stack=${name}) first`,
    );
  }
  return stackView(name, stackFile, environmentFile, readStackJson(stackFile));
}

/** The view of a parsed synthesized stack (see {@link readStackView}). */
export function stackView(name: string, stackFile: string, environmentFile: string, json: StackJson): StackView {
  const problems: string[] = [];
  const outputs = asObject(json.output) ?? {};
  const literal = (output: string, pattern: RegExp, what: string): string => {
    const value = asObject(outputs[output])?.value;
    if (value === undefined) problems.push(`output.${output}: is missing (synthesize the stack with the current app)`);
    else if (typeof value !== "string" || !pattern.test(value))
      problems.push(`output.${output}: ${JSON.stringify(value)} is not ${what}`);
    return typeof value === "string" ? value : "";
  };
  const region = literal("region", REGION_PATTERN, "an AWS Region");
  const accountId = literal("account_id", ACCOUNT_ID_PATTERN, "a 12-digit account id");
  const instanceIds = asObject(asObject(outputs.instance_ids)?.value);
  if (instanceIds === undefined) problems.push("output.instance_ids: is missing or not a map of instance names");
  if (problems.length > 0) throw new Error(`${stackFile}:\n  ${problems.join("\n  ")}`);

  const forwarding = Object.keys(asObject(asObject(outputs.port_forwarding_documents)?.value) ?? {});
  const forwardedPorts = forwarding.filter((k) => /^\d+$/.test(k)).map(Number);
  const forwardedRemoteHosts = forwarding.flatMap((k) => {
    const m = /^(.+):(\d+)$/.exec(k);
    return m ? [{ host: m[1], port: Number(m[2]) }] : [];
  });
  const defaultProvider = awsProviderBlocks(json).find((p) => p.alias === undefined)?.config ?? {};
  const deployProfile = typeof defaultProvider.profile === "string" ? defaultProvider.profile : undefined;
  const endpoints = Object.values(asObject(asObject(json.resource)?.aws_vpc_endpoint) ?? {}).map(asObject);
  const s3Gateway = endpoints.some(
    (e) => e?.vpc_endpoint_type === "Gateway" && typeof e.service_name === "string" && e.service_name.endsWith(".s3"),
  );
  const pinnedRelease = releaseParameter(asObject(asObject(json.resource)?.aws_ssm_maintenance_window_task) ?? {});
  return {
    name,
    stackFile,
    environmentFile,
    accountId,
    region,
    partition: partitionForRegion(region),
    instanceNames: Object.keys(instanceIds ?? {}),
    operatorAccess: asObject(outputs.operator_policy_arn) !== undefined,
    forwardedPorts,
    forwardedRemoteHosts,
    ...(deployProfile !== undefined ? { deployProfile } : {}),
    s3Gateway,
    ...(pinnedRelease !== undefined ? { pinnedRelease } : {}),
  };
}

/** The `Release` parameter of the first maintenance window task whose Run Command invocation has one. */
function releaseParameter(tasks: Record<string, unknown>): string | undefined {
  for (const task of Object.values(tasks)) {
    const invocation = firstBlock(asObject(task)?.task_invocation_parameters);
    const runCommand = firstBlock(invocation?.run_command_parameters);
    const parameters = runCommand?.parameter;
    for (const parameter of Array.isArray(parameters) ? parameters : []) {
      const p = asObject(parameter);
      const values = p?.values;
      if (p?.name === "Release" && Array.isArray(values) && typeof values[0] === "string") return values[0];
    }
  }
  return undefined;
}

/** A nested block as the stack JSON writes it: an object, or a list of one. */
function firstBlock(v: unknown): Record<string, unknown> | undefined {
  return Array.isArray(v) ? asObject(v[0]) : asObject(v);
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
