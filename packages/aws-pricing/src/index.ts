// The refresh script (./refresh) is left out: it loads the AWS SDK, which estimating never needs.
export * from "./families";
export * from "./snapshot";
export * from "./usage";
export * from "./estimate";
export * from "./delta";
export * from "./report";
export { main, writeStackEstimate } from "./cli";
export type { EstimateWritten } from "./cli";
