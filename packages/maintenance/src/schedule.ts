import { Token } from "cdktf";

/**
 * What a schedule expression is for. State Manager associations and
 * maintenance windows accept slightly different expressions:
 * - `association`: cron with 5 to 7 fields, rate of at least 30 minutes;
 * - `maintenanceWindow`: cron with 6 or 7 fields, any positive rate.
 */
export type ScheduleUse = "association" | "maintenanceWindow";

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const CRON_FIELD = /^[A-Za-z0-9*?,/#-]+$/;

/** Shortest interval, in minutes, a State Manager association may run at. */
export const MIN_ASSOCIATION_RATE_MINUTES = 30;

/**
 * Why `expression` is not a Systems Manager schedule for `use`, or `undefined`
 * when it is one. Accepts `rate(<n> minute[s]|hour[s]|day[s])` and
 * `cron(<fields>)`; unresolved tokens are accepted as they are.
 *
 * @example
 * scheduleProblem("rate(14 days)", "association");     // undefined
 * scheduleProblem("cron(0 3 ? * SUN *)", "maintenanceWindow"); // undefined
 * scheduleProblem("weekly", "association");            // '"weekly" is not a rate(...) or cron(...) expression'
 */
export function scheduleProblem(expression: string, use: ScheduleUse): string | undefined {
  if (typeof expression !== "string") return `${JSON.stringify(expression)} is not a rate(...) or cron(...) expression`;
  if (Token.isUnresolved(expression)) return undefined;

  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return `"${expression}": the rate must be a whole number of at least 1`;
    if (use === "association" && rate[2].startsWith("minute") && value < MIN_ASSOCIATION_RATE_MINUTES) {
      return `"${expression}": associations run at most every ${MIN_ASSOCIATION_RATE_MINUTES} minutes`;
    }
    return undefined;
  }

  const cron = CRON.exec(expression);
  if (cron) {
    const body = cron[1].trim();
    const fields = body.length === 0 ? [] : body.split(/\s+/);
    const min = use === "association" ? 5 : 6;
    if (fields.length < min || fields.length > 7) {
      return `"${expression}" has ${fields.length} field${fields.length === 1 ? "" : "s"}; ${
        use === "association" ? "an association" : "a maintenance window"
      } cron expression has ${min} to 7`;
    }
    const bad = fields.find((f) => !CRON_FIELD.test(f));
    if (bad !== undefined) return `"${expression}": "${bad}" is not a cron field`;
    return undefined;
  }

  return `"${expression}" is not a rate(...) or cron(...) expression`;
}
