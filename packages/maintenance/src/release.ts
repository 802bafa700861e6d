/**
 * Amazon Linux 2023 release versions, `2023.<minor>.<YYYYMMDD>` (e.g.
 * `2023.9.20251117`): parsing, checking and ordering. No constructs here.
 *
 * Each AL2023 AMI is locked to one release, and `dnf` only sees the frozen
 * package repository of that release (the `releasever` variable, from the
 * `system-release` package or `/etc/dnf/vars/releasever`). Security fixes
 * arrive in newer releases, so an instance only gets them by moving to one.
 */

/** A release version: `2023`, a minor number without leading zeros, and the release date as `YYYYMMDD`. */
export const AL2023_RELEASE_PATTERN = /^2023\.(0|[1-9][0-9]{0,3})\.([0-9]{4})([0-9]{2})([0-9]{2})$/;

/**
 * {@link AL2023_RELEASE_PATTERN} as the `allowedPattern` of a Systems Manager
 * document parameter: the document refuses any other value before it runs.
 * (A pattern cannot check the calendar; {@link al2023ReleaseProblem} does.)
 */
export const AL2023_RELEASE_ALLOWED_PATTERN = "^2023\\.(0|[1-9][0-9]{0,3})\\.[0-9]{8}$";

/** An example release, for messages and documentation. */
export const AL2023_RELEASE_EXAMPLE = "2023.9.20251117";

/** A parsed release version. */
export interface Al2023Release {
  /** The version as written, e.g. `2023.9.20251117`. */
  readonly version: string;
  /** The minor number, e.g. `9`. */
  readonly minor: number;
  /** The release date as a number `YYYYMMDD`, e.g. `20251117`. */
  readonly date: number;
}

/** Whether `year-month-day` is a day of the calendar (no 31 April, 29 February only in leap years). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/**
 * Why `value` is not an Amazon Linux 2023 release version, or `undefined`
 * when it is one: `2023.<minor>.<YYYYMMDD>` with a real calendar date.
 */
export function al2023ReleaseProblem(value: unknown): string | undefined {
  if (typeof value !== "string")
    return `${JSON.stringify(value)} is not a release version such as "${AL2023_RELEASE_EXAMPLE}"`;
  const m = AL2023_RELEASE_PATTERN.exec(value);
  if (!m) {
    return `"${value}" is not an Amazon Linux 2023 release version: 2023.<minor>.<YYYYMMDD>, e.g. "${AL2023_RELEASE_EXAMPLE}"`;
  }
  const [, , year, month, day] = m;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) {
    return `"${value}": ${year}${month}${day} is not a date (YYYYMMDD)`;
  }
  return undefined;
}

/** The parsed release, or `undefined` when `value` is not a release version (see {@link al2023ReleaseProblem}). */
export function parseAl2023Release(value: string): Al2023Release | undefined {
  if (al2023ReleaseProblem(value) !== undefined) return undefined;
  const m = AL2023_RELEASE_PATTERN.exec(value) as RegExpExecArray;
  return { version: value, minor: Number(m[1]), date: Number(`${m[2]}${m[3]}${m[4]}`) };
}

/**
 * Orders two release versions by minor number, then by date: negative when
 * `a` is older than `b`, 0 when they are the same release, positive when `a`
 * is newer. (`2023.10.20251201` is newer than `2023.9.20251117`: the
 * comparison is numeric, not textual.)
 *
 * @throws Error when either is not a release version
 */
export function compareAl2023Releases(a: string, b: string): number {
  const pa = parseAl2023Release(a);
  const pb = parseAl2023Release(b);
  if (!pa || !pb) throw new Error(al2023ReleaseProblem(pa ? b : a));
  return pa.minor !== pb.minor ? pa.minor - pb.minor : pa.date - pb.date;
}
