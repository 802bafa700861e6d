import { Token } from "cdktf";
import { ACCOUNT_ID_PATTERN, LOG_RETENTION_DAYS, REGION_PATTERN, kmsKeyArnProblem } from "./aws";
import { featureOptionsProblem } from "./feature";
import { NAME_PREFIX_PATTERN } from "./naming";

/**
 * One problem found in a construct's or a file's input: where (`path`) and why.
 */
export interface ValidationIssue {
  /** Field path, dotted with array indexes, e.g. `subnets[1].cidr`. */
  readonly path: string;
  /** Why the value is rejected, as a sentence fragment. */
  readonly message: string;
}

/**
 * Thrown once per construct (or input file) with every problem found, each on
 * its own line with its field path.
 */
export class ValidationError extends Error {
  /** Every problem found, in the order they were found. */
  public readonly issues: readonly ValidationIssue[];
  /** What was validated: a construct path or a file name. */
  public readonly subject: string;

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    super(ValidationError.format(subject, issues));
    this.name = "ValidationError";
    this.subject = subject;
    this.issues = issues;
  }

  /** Renders `subject: N problem(s)` followed by one `- path: message` line per issue. */
  public static format(subject: string, issues: readonly ValidationIssue[]): string {
    const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
    const lines = issues.map((i) => `  - ${i.path}: ${i.message}`);
    return [`${subject}: ${count}`, ...lines].join("\n");
  }
}

/**
 * Collects problems while checking input, then throws them all at once.
 *
 * @example
 * const v = new Validator("Network/Vpc", "network");
 * v.check(isPrivate(cidr), "cidr", `${cidr} is not in an RFC 1918 range`);
 * v.throwIfAny();
 */
export class Validator {
  /**
   * @param subject what is validated (construct path or file), shown first in the error
   * @param prefix field path prefix prepended to every issue, e.g. `network`
   * @param found where issues are recorded; shared between a validator and its children
   */
  constructor(
    private readonly subject: string,
    private readonly prefix = "",
    private readonly found: ValidationIssue[] = [],
  ) {}

  /** Joins the prefix and a relative path: `network` + `cidr` → `network.cidr`; `network` + `[0]` → `network[0]`. */
  public path(relative: string): string {
    return joinPath(this.prefix, relative);
  }

  /** Records a problem at `relative` (joined to the prefix). */
  public add(relative: string, message: string): void {
    this.found.push({ path: this.path(relative), message });
  }

  /** Records a problem when `ok` is false. Returns `ok`, so checks can guard later ones. */
  public check(ok: boolean, relative: string, message: string): boolean {
    if (!ok) this.add(relative, message);
    return ok;
  }

  /**
   * Checks a resource name prefix: lower-case letters, digits and `-`,
   * starting with a letter, at most `maxLength` characters.
   */
  public namePrefix(relative: string, value: unknown, maxLength: number): boolean {
    return this.check(
      typeof value === "string" && NAME_PREFIX_PATTERN.test(value) && value.length <= maxLength,
      relative,
      `${JSON.stringify(value)} must be lower-case letters, digits and "-", starting with a letter, at most ${maxLength} characters`,
    );
  }

  /** Checks an AWS Region code such as `eu-west-1`. */
  public region(relative: string, value: unknown): boolean {
    return this.check(
      typeof value === "string" && REGION_PATTERN.test(value),
      relative,
      `${JSON.stringify(value)} is not an AWS Region code such as eu-west-1`,
    );
  }

  /** Checks a 12-digit AWS account id. */
  public accountId(relative: string, value: unknown): boolean {
    return this.check(
      typeof value === "string" && ACCOUNT_ID_PATTERN.test(value),
      relative,
      `${JSON.stringify(value)} is not a 12-digit AWS account id`,
    );
  }

  /** Checks a CloudWatch Logs retention period in days: one of {@link LOG_RETENTION_DAYS}. */
  public logRetentionDays(relative: string, value: unknown): boolean {
    return this.check(
      LOG_RETENTION_DAYS.includes(value as number),
      relative,
      `${JSON.stringify(value)} is not a CloudWatch Logs retention period; use one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }

  /**
   * Checks a KMS key ARN (not an alias, not a key id), in the partition of
   * `region` when given. A token (a key of the same stack) is taken as it is.
   */
  public kmsKeyArn(relative: string, value: unknown, region?: string): boolean {
    if (typeof value === "string" && Token.isUnresolved(value)) return true;
    const problem =
      typeof value === "string" ? kmsKeyArnProblem(value, region) : `${JSON.stringify(value)} is not a KMS key ARN`;
    if (problem !== undefined) this.add(relative, problem);
    return problem === undefined;
  }

  /**
   * Checks an optional feature's options (see `FeatureOptions`): absent, or an
   * object whose `enabled` is absent, true or false. A bare `true` / `false`
   * is rejected with the spelling to write instead.
   */
  public featureOptions(relative: string, value: unknown): boolean {
    const problem = featureOptionsProblem(value);
    if (problem !== undefined) this.add(relative, problem);
    return problem === undefined;
  }

  /** Checks that `value` is one of `allowed`. */
  public oneOf<T>(relative: string, value: unknown, allowed: readonly T[]): value is T {
    return this.check(
      allowed.includes(value as T),
      relative,
      `${JSON.stringify(value)} is not one of ${allowed.join(", ")}`,
    );
  }

  /** A validator writing into this one, with `relative` appended to the prefix. */
  public child(relative: string): Validator {
    return new Validator(this.subject, this.path(relative), this.found);
  }

  /** Every problem recorded so far. */
  public get issues(): readonly ValidationIssue[] {
    return this.found;
  }

  /** Throws a {@link ValidationError} listing every recorded problem, if any. */
  public throwIfAny(): void {
    if (this.found.length > 0) throw new ValidationError(this.subject, [...this.found]);
  }
}

/** Joins two field path segments; an index segment (`[2]`) attaches without a dot. */
export function joinPath(prefix: string, relative: string): string {
  if (!prefix) return relative;
  if (!relative) return prefix;
  return relative.startsWith("[") ? `${prefix}${relative}` : `${prefix}.${relative}`;
}

/**
 * Returns the values that occur more than once, in first-seen order.
 */
export function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const dup = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) dup.add(v);
    seen.add(v);
  }
  return [...dup];
}
