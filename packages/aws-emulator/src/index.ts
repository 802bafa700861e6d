export * from "./allowlist";
export * from "./moto";
export * from "./override";
export * from "./plan";
export * from "./stack-run";
export * from "./lifecycle";
export * from "./sdk";
export { parseUp } from "./cli";
