export * from "./stack-model";
export * from "./stack-diagram";
export * from "./environment-page";
export * from "./environment-pages";
export { escapeLabel, LINE_BREAK } from "./mermaid";
export { main, parseCommand, regenerateCommandOf, USAGE, UsageError } from "./cli";
export type { CliIo, Command } from "./cli";
