export * from "./ami";
export * from "./instance-options";
export * from "./instance-types";
export * from "./private-instances";
