export * from "./validation";
export * from "./naming";
export * from "./aws";
