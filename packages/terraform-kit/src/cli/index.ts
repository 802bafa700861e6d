export * from "./app-options";
export * from "./command-line";
export * from "./exit-codes";
export * from "./io";
export * from "./run";
export * from "./synth";
