import { Token } from "cdktf";
import { InstanceTagTarget, PolicyStatement, Validator, bucketNameProblems, resourceName } from "@ssm-access/core";

/**
 * Where Run Command output of the maintenance commands goes.
 * The agent on each instance uploads it with the instance's own role, which
 * therefore needs `s3:PutObject` there (see {@link s3OutputWriteStatement}).
 */
export interface S3OutputLocation {
  /**
   * Name of an existing S3 bucket (a literal or a token of the bucket resource).
   */
  readonly bucketName: string;
  /**
   * Key prefix under which each command writes its own folder
   * (`<keyPrefix>/agent-update`, `<keyPrefix>/patch-scan`, `<keyPrefix>/patch-install`,
   * `<keyPrefix>/release-upgrade`).
   * Keeps command output apart from session transcripts in a shared bucket.
   * @default "maintenance"
   */
  readonly keyPrefix?: string;
}

/** Key prefix used when {@link S3OutputLocation.keyPrefix} is not set. */
export const DEFAULT_OUTPUT_KEY_PREFIX = "maintenance";

/** Longest name Systems Manager accepts for associations, windows, window targets and tasks. */
export const MAX_SSM_NAME_LENGTH = 128;

/** Longest S3 key prefix Systems Manager accepts for command output. */
export const MAX_OUTPUT_KEY_PREFIX_LENGTH = 500;

/** The folder each command writes its output to, under the location's key prefix. */
export const OUTPUT_FOLDERS = {
  agentUpdate: "agent-update",
  patchScan: "patch-scan",
  patchInstall: "patch-install",
  releaseUpgrade: "release-upgrade",
} as const;

const LONGEST_FOLDER = Math.max(...Object.values(OUTPUT_FOLDERS).map((f) => f.length));
const MAX_KEY_PREFIX = MAX_OUTPUT_KEY_PREFIX_LENGTH - LONGEST_FOLDER - 1;
const MAX_CONCURRENCY_PATTERN = /^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS_PATTERN = /^([1-9][0-9]*|0|[1-9][0-9]%|[0-9]%|100%)$/;

/** The Systems Manager `targets` block selecting the instances tagged `key=value`. */
export function tagTargets(target: InstanceTagTarget): Array<{ key: string; values: string[] }> {
  return [{ key: `tag:${target.key}`, values: [target.value] }];
}

/** Longest description Systems Manager accepts for windows, window targets and tasks. */
export const MAX_SSM_DESCRIPTION_LENGTH = 128;

/** `text`, shortened with "..." to fit {@link MAX_SSM_DESCRIPTION_LENGTH} (text holding tokens is left whole). */
export function ssmDescription(text: string): string {
  return Token.isUnresolved(text) || text.length <= MAX_SSM_DESCRIPTION_LENGTH
    ? text
    : `${text.slice(0, MAX_SSM_DESCRIPTION_LENGTH - 3)}...`;
}

/** The key prefix one command writes under: `<keyPrefix>/<leaf>`, without stray slashes. */
export function outputKeyPrefix(location: S3OutputLocation, leaf: string): string {
  const base = (location.keyPrefix ?? DEFAULT_OUTPUT_KEY_PREFIX).replace(/\/+$/, "");
  return base.length > 0 ? `${base}/${leaf}` : leaf;
}

/**
 * The statement {@link s3OutputWriteStatement} returns.
 * @deprecated use `PolicyStatement` of `@ssm-access/core`; this alias goes in the next minor version.
 */
export type OutputWriteStatement = PolicyStatement;

/**
 * The IAM statement the instance role needs so the agent can upload command
 * output to `location`: `s3:PutObject` on `<bucket>/<keyPrefix>/*`.
 * Add it to the instance role's inline policy (`JSON.stringify` a policy holding it).
 */
export function s3OutputWriteStatement(location: S3OutputLocation, partition: string): PolicyStatement {
  const base = (location.keyPrefix ?? DEFAULT_OUTPUT_KEY_PREFIX).replace(/\/+$/, "");
  const objects = base.length > 0 ? `${base}/*` : "*";
  return {
    Sid: "WriteMaintenanceOutput",
    Effect: "Allow",
    Action: ["s3:PutObject"],
    Resource: [`arn:${partition}:s3:::${location.bucketName}/${objects}`],
  };
}

/**
 * Checks a name prefix, and that every name derived from it
 * (`<namePrefix>-<suffix>`) fits Systems Manager's length limit.
 */
export function validateNamePrefix(v: Validator, namePrefix: string, suffixes: readonly string[]): void {
  if (typeof namePrefix !== "string" || namePrefix.length === 0) {
    v.add("namePrefix", "is required");
    return;
  }
  if (!v.namePrefix("namePrefix", namePrefix, MAX_SSM_NAME_LENGTH)) {
    return;
  }
  const longest = suffixes.map((s) => resourceName(namePrefix, s)).sort((a, b) => b.length - a.length)[0];
  if (longest !== undefined) {
    v.check(
      longest.length <= MAX_SSM_NAME_LENGTH,
      "namePrefix",
      `is too long: the name "${longest}" would exceed ${MAX_SSM_NAME_LENGTH} characters`,
    );
  }
}

/** Checks an optional S3 output location; `v` is positioned at it (e.g. `v.child("outputS3")`). */
export function validateOutputS3(v: Validator, location: S3OutputLocation | undefined): void {
  if (location === undefined) return;
  if (location === null || typeof location !== "object") {
    v.add("", "must be an object with a bucketName");
    return;
  }
  const bucketName: unknown = location.bucketName;
  if (typeof bucketName !== "string") {
    v.add("bucketName", `${JSON.stringify(bucketName)} is not a bucket name`);
  } else if (!Token.isUnresolved(bucketName)) {
    for (const problem of bucketNameProblems(bucketName)) v.add("bucketName", `"${bucketName}" ${problem}`);
  }
  const prefix = location.keyPrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix)) {
    v.check(!prefix.startsWith("/"), "keyPrefix", `"${prefix}" must not start with "/"`);
    v.check(
      prefix.length <= MAX_KEY_PREFIX,
      "keyPrefix",
      `must be at most ${MAX_KEY_PREFIX} characters (${MAX_OUTPUT_KEY_PREFIX_LENGTH} with the command folder)`,
    );
  }
}

/**
 * Checks a Systems Manager rate control: `maxConcurrency` is a count of at least 1
 * or a percentage from 1% to 100%; `maxErrors` is a count (0 allowed) or a percentage
 * from 0% to 100%.
 */
export function validateRateControl(
  v: Validator,
  path: string,
  value: string | undefined,
  kind: "maxConcurrency" | "maxErrors",
): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (kind === "maxConcurrency") {
    v.check(
      typeof value === "string" && MAX_CONCURRENCY_PATTERN.test(value),
      path,
      `"${value}" is not a count of at least 1 or a percentage from 1% to 100%`,
    );
  } else {
    v.check(
      typeof value === "string" && MAX_ERRORS_PATTERN.test(value),
      path,
      `"${value}" is not a count of at least 0 or a percentage from 0% to 100%`,
    );
  }
}
