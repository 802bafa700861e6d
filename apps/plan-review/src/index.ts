export * from "./report";
export * from "./baseline/base-checkout";
export * from "./baseline/emulated-baseline";
export * from "./saved-plan";
export { main, parseCommand, parseFailOn, USAGE } from "./cli";
export type { Command } from "./cli";
export * from "./managed-drift";
