export * from "./validation";
export * from "./naming";
export * from "./aws";
export * from "./readable-stack";
export * from "./terraform-string";
export * from "./secure-bucket";
