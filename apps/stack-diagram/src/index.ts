export * from "./stack-model";
export * from "./stack-diagram";
export * from "./environment-page";
export * from "./environment-pages";
export { escapeLabel, LINE_BREAK } from "./mermaid";
export { main, parseCommand, regenerateCommandOf, USAGE } from "./cli";
export type { Command, MainOptions } from "./cli";
