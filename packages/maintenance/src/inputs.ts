import { Token } from "cdktf";
import { IConstruct } from "constructs";
import {
  IBucket,
  InstanceTagTarget,
  SsmAccessProps,
  Validator,
  bucketNameProblems,
  checkSsmAccessProps,
  resourceName,
} from "@ssm-access/core";

/**
 * Where Run Command output of the maintenance commands goes.
 * The agent on each instance uploads it with the instance's own role, which
 * therefore needs `s3:PutObject` there: the bucket's owner grants it
 * (`InstanceMaintenance.grantOutputWrite`).
 */
export interface S3OutputLocation {
  /**
   * The bucket, as a reference to it (`IBucket` of `@ssm-access/core`): for
   * example `SessionLogging.transcriptBucket`, to keep command output beside
   * the session transcripts, or `SecureBucket.fromBucketName(...)` for a bucket
   * of another stack.
   */
  readonly bucket: IBucket;
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

/** The objects the maintenance commands write under `location`: `<keyPrefix>/*`. */
export function outputObjectsPattern(location: S3OutputLocation): string {
  const base = (location.keyPrefix ?? DEFAULT_OUTPUT_KEY_PREFIX).replace(/\/+$/, "");
  return base.length > 0 ? `${base}/*` : "*";
}

/**
 * Checks the base props of a maintenance construct (which needs no Region nor
 * account), and that every name derived from its prefix
 * (`<namePrefix>-<suffix>`) fits Systems Manager's length limit.
 */
export function validateMaintenanceAccess(
  v: Validator,
  scope: IConstruct,
  props: SsmAccessProps,
  suffixes: readonly string[],
): void {
  const { namePrefixOk } = checkSsmAccessProps(v, scope, props, { maxNamePrefixLength: MAX_SSM_NAME_LENGTH });
  if (!namePrefixOk) return;
  const namePrefix = props.namePrefix;
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
    v.add("", "must be an object with a bucket");
    return;
  }
  const bucket: unknown = location.bucket;
  if (bucket === null || typeof bucket !== "object") {
    v.add(
      "bucket",
      "is required: a reference to the bucket (IBucket), such as SessionLogging.transcriptBucket or SecureBucket.fromBucketName(name, region)",
    );
    return;
  }
  const bucketName: unknown = (bucket as IBucket).bucketName;
  if (typeof bucketName !== "string") {
    v.add("bucket.bucketName", `${JSON.stringify(bucketName)} is not a bucket name`);
  } else if (!Token.isUnresolved(bucketName)) {
    for (const problem of bucketNameProblems(bucketName)) v.add("bucket.bucketName", `"${bucketName}" ${problem}`);
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
