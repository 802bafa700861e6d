export * from "./schedule";
export {
  DEFAULT_OUTPUT_KEY_PREFIX,
  type InstanceTagTarget,
  OUTPUT_FOLDERS,
  type OutputWriteStatement,
  type S3OutputLocation,
  s3OutputWriteStatement,
} from "./inputs";
export {
  AGENT_UPDATE_DOCUMENT,
  COMPLIANCE_SEVERITIES,
  type ComplianceSeverity,
  DEFAULT_AGENT_UPDATE_MAX_CONCURRENCY,
  DEFAULT_AGENT_UPDATE_MAX_ERRORS,
  DEFAULT_AGENT_UPDATE_SCHEDULE,
  SsmAgentUpdate,
  type SsmAgentUpdateOptions,
  type SsmAgentUpdateProps,
} from "./agent-update";
export {
  DEFAULT_BETWEEN_WINDOWS_SCAN_SCHEDULE,
  DEFAULT_INSTALL_MAX_CONCURRENCY,
  DEFAULT_INSTALL_MAX_ERRORS,
  DEFAULT_PATCH_WINDOW_CUTOFF,
  DEFAULT_PATCH_WINDOW_DURATION,
  DEFAULT_PATCH_WINDOW_SCHEDULE,
  DEFAULT_SCAN_MAX_CONCURRENCY,
  DEFAULT_SCAN_MAX_ERRORS,
  DEFAULT_SCAN_SCHEDULE,
  PATCH_BASELINE_DOCUMENT,
  PATCH_MODES,
  PatchManagement,
  type PatchManagementProps,
  type PatchMode,
  type PatchOptions,
  type PatchWindowOptions,
  REBOOT_OPTIONS,
  type RebootOption,
} from "./patching";
export {
  type AgentUpdateSettings,
  InstanceMaintenance,
  type InstanceMaintenanceProps,
  PATCHING_MODES,
  type PatchingMode,
  type PatchingSettings,
} from "./maintenance";
