export * from "./ami";
export * from "./placement";
export * from "./instance-options";
export * from "./private-instances";
