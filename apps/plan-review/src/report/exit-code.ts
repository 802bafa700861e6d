import { Review } from "./types";

/** A kind of change that fails the review (exit code 3). */
export type FailOn = "destroy" | "replace" | "security" | "drift" | "change" | "apply-failure" | "data-loss";

/**
 * What fails a review unless told otherwise: destroys, replacements,
 * weakened security, a likely apply-time failure and data gone for good.
 */
export const DEFAULT_FAIL_ON: readonly FailOn[] = ["destroy", "replace", "security", "apply-failure", "data-loss"];

/** Whether the review holds something of the given kind. */
function present(review: Review, kind: FailOn): boolean {
  switch (kind) {
    case "destroy":
      return review.counts.delete > 0;
    case "replace":
      return review.counts.replace > 0;
    case "security":
      return review.security.some((finding) => finding.weakened);
    case "drift":
      return review.drift.length > 0;
    case "change":
      return hasChanges(review);
    case "apply-failure":
      return review.applyFailures.some((failure) => failure.likelihood !== "possible");
    case "data-loss":
      return review.dataLoss.length > 0;
  }
}

/** Whether the plan changes any resource or output. */
function hasChanges(review: Review): boolean {
  return review.changes.length > 0 || review.outputs.length > 0;
}

/**
 * The exit code of a review: 3 when any kind listed in `failOn` is present
 * (an empty list never fails), else 2 when the plan changes any resource or
 * output, else 0.
 */
export function exitCodeOf(review: Review, failOn: readonly FailOn[] = DEFAULT_FAIL_ON): 0 | 2 | 3 {
  if (failOn.some((kind) => present(review, kind))) return 3;
  return hasChanges(review) ? 2 : 0;
}
