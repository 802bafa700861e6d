export * from "./policy";
export * from "./instance-role";
export * from "./session-logging";
export * from "./session-preferences";
export * from "./port-forwarding";
export * from "./operator-access";
