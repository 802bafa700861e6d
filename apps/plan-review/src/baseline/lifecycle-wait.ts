/**
 * The base of `review --base` without the AWS provider's fixed wait after it
 * creates an S3 lifecycle configuration.
 *
 * After `PutBucketLifecycleConfiguration`, `aws_s3_bucket_lifecycle_configuration`
 * (hashicorp/aws 5.100.0) reads the configuration back until it has read the
 * same rules ten times: 10 s, then every 5 s, about 55 s whatever the answer.
 * Measured against the emulator with the provider's debug log, the answer was
 * the same on every read and equal to what was put. In a base deploy that wait
 * is most of the time: the rest of prod is applied in about 25 s.
 *
 * The base is therefore applied with a create timeout of one second on each
 * lifecycle configuration: the provider puts the configuration, stops
 * waiting, and reports the timeout; the configuration, which exists, is then
 * brought into the state with `terraform import`, which reads it as a refresh
 * does. The state is the one a completed create leaves (the head's plan of an
 * unchanged stack is empty), and the head is planned without the override.
 */
import { StackJson } from "@ssm-access/terraform-kit";

/** The override file, in the base's stack folder only. */
export const LIFECYCLE_WAIT_OVERRIDE_FILE = "zz_review_lifecycle_wait_override.tf.json";

const LIFECYCLE_TYPE = "aws_s3_bucket_lifecycle_configuration";

/** The stack's `aws_s3_bucket_lifecycle_configuration` resources, by name. */
export function lifecycleConfigurations(json: StackJson): string[] {
  const resources = json.resource as Record<string, Record<string, unknown>> | undefined;
  return Object.keys(resources?.[LIFECYCLE_TYPE] ?? {}).sort();
}

/**
 * The override giving each lifecycle configuration of the stack a create
 * timeout of one second; `undefined` when the stack has none.
 */
export function lifecycleWaitOverride(json: StackJson): Record<string, unknown> | undefined {
  const names = lifecycleConfigurations(json);
  if (names.length === 0) return undefined;
  return {
    resource: {
      [LIFECYCLE_TYPE]: Object.fromEntries(names.map((name) => [name, { timeouts: { create: "1s" } }])),
    },
  };
}

/** A lifecycle configuration put by the apply whose wait timed out: what to import. */
export interface UnrecordedLifecycle {
  /** Its resource address, e.g. `aws_s3_bucket_lifecycle_configuration.session_logging_bucket_lifecycle`. */
  readonly address: string;
  /** Its bucket: the import ID. */
  readonly bucket: string;
}

/**
 * Reads Terraform's error boxes in an apply's output: the lifecycle
 * configurations whose create stopped at the wait's timeout (`creating S3
 * Bucket (<bucket>) Lifecycle Configuration` ... `While waiting: timeout
 * while waiting`), and every other error, as `Error: ...` lines.
 */
export function lifecycleWaitTimeouts(output: string): { timedOut: UnrecordedLifecycle[]; otherErrors: string[] } {
  const timedOut: UnrecordedLifecycle[] = [];
  const otherErrors: string[] = [];
  const lines = output.split("\n").map((l) => l.replace(/^[│|]\s?/, "").trim());
  for (let i = 0; i < lines.length; i++) {
    const start = /^Error: (.*)$/.exec(lines[i]);
    if (!start) continue;
    let end = i + 1;
    while (end < lines.length && !/^╵/.test(lines[end]) && !/^Error: /.test(lines[end])) end++;
    const box = lines.slice(i, end).filter(Boolean);
    // Terraform wraps its messages at 78 columns, between words: read the box as one line.
    const text = box.join(" ");
    const bucket = /^Error: creating S3 Bucket \((\S+)\) Lifecycle Configuration\b/.exec(text)?.[1];
    const address = new RegExp(`\\bwith (${LIFECYCLE_TYPE}\\.[\\w-]+),`).exec(text)?.[1];
    const waited = /\bWhile waiting: timeout while waiting for state\b/.test(text);
    if (bucket !== undefined && address !== undefined && waited) {
      if (!timedOut.some((t) => t.address === address)) timedOut.push({ address, bucket });
    } else otherErrors.push(box.join("\n"));
    i = end - 1;
  }
  return { timedOut, otherErrors };
}

/**
 * Whether anything else in the stack refers to a lifecycle configuration
 * (`depends_on` or an expression): such resources wait for it, so an apply
 * that stopped at its timeout left them out.
 */
export function dependsOnLifecycle(json: StackJson): boolean {
  const { resource, ...rest } = json as { resource?: Record<string, Record<string, unknown>> };
  const others = Object.entries(resource ?? {}).filter(([type]) => type !== LIFECYCLE_TYPE);
  return JSON.stringify([others, rest]).includes(`${LIFECYCLE_TYPE}.`);
}
