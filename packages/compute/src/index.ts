export * from "./ami";
export * from "./instance-options";
export * from "./private-instances";
