export type {
  Action,
  ApplyFailure,
  BucketContents,
  DataLoss,
  PartialApply,
  ActionCounts,
  DriftEntry,
  EnvironmentSide,
  OutputChange,
  PolicyStatementDiff,
  Provenance,
  ResourceReview,
  Review,
  ReviewInput,
  SecurityFinding,
  Source,
} from "./types";
export { buildReview } from "./review";
export { renderMarkdown, DEFAULT_MAX_CHARS } from "./markdown";
export type { MarkdownOptions } from "./markdown";
export { exitCodeOf, DEFAULT_FAIL_ON } from "./exit-code";
export type { FailOn } from "./exit-code";
export { SOURCE_RULES } from "./sources";
export type { SourceRule } from "./sources";
export { reviewCost, splitCostIncrease, costIncreaseExceeds, costMarkdownSection, COST_ROWS_SHOWN } from "./cost";
export type { ReviewCost, CostTotals } from "./cost";
