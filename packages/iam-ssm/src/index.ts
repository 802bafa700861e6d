export type { PolicyConditions, PolicyGrantee, PolicyStatement } from "@ssm-access/core";
export { SSM_MANAGED_INSTANCE_CORE, SsmInstanceRole } from "./instance-role";
export type { SsmInstanceRoleProps } from "./instance-role";
export { SESSION_LOGGING_ENDPOINT_SERVICES, SessionLogging } from "./session-logging";
export type {
  ISessionLogging,
  SessionLoggingProps,
  SessionLoggingS3Options,
  SessionTranscriptObjectLockOptions,
} from "./session-logging";
export { DEFAULT_IDLE_TIMEOUT_MINUTES, SESSION_PREFERENCES_DOCUMENT_NAME } from "./session-preferences";
export type { SessionPreferences, SessionRunAsOptions } from "./session-preferences";
export { AWS_PORT_FORWARDING_DOCUMENTS, SSH_PORT, SSH_SESSION_DOCUMENT } from "./port-forwarding";
export type { PortForwardingDocument, PortForwardingOptions, RemoteHostPort } from "./port-forwarding";
export { OperatorAccess } from "./operator-access";
export type { OperatorAccessProps, OperatorAssumeRoleOptions } from "./operator-access";
