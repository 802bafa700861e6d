/**
 * Exit codes every program of the workspace shares. A program may add its
 * own codes between them (plan review: 2 changes, 3 a finding).
 */
export const EXIT_OK = 0;

/** An error: the program ran and failed, or could not run. */
export const EXIT_ERROR = 1;

/** A wrong command line (`EX_USAGE` of BSD's sysexits.h): nothing ran. */
export const EXIT_USAGE = 64;

/** A command line that cannot run; the message says what is wrong, the program adds its usage. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
