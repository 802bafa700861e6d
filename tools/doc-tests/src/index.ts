export * from "./blocks";
export * from "./run-block";
export * from "./workspace-copy";
export * from "./emulator-blocks";
