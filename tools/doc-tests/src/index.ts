export * from "./blocks";
