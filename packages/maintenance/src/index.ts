export * from "./schedule";
export type { InstanceTagTarget } from "@ssm-access/core";
export { DEFAULT_OUTPUT_KEY_PREFIX, OUTPUT_FOLDERS, type S3OutputLocation } from "./inputs";
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
  type BetweenWindowsScanOptions,
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
  AL2023_RELEASE_ALLOWED_PATTERN,
  AL2023_RELEASE_EXAMPLE,
  AL2023_RELEASE_PATTERN,
  type Al2023Release,
  al2023ReleaseProblem,
  compareAl2023Releases,
  parseAl2023Release,
} from "./release";
export {
  DEFAULT_RELEASE_UPGRADE_MAX_CONCURRENCY,
  DEFAULT_RELEASE_UPGRADE_MAX_ERRORS,
  DEFAULT_RELEASE_WINDOW_CUTOFF,
  DEFAULT_RELEASE_WINDOW_DURATION,
  DEFAULT_RELEASE_WINDOW_SCHEDULE,
  RELEASE_PARAMETER,
  RELEASE_UPGRADE_TASK_PRIORITY,
  ReleaseUpgrade,
  type ReleaseUpgradeOptions,
  type ReleaseUpgradeProps,
  type ReleaseWindowOptions,
  releaseUpgradeDocumentContent,
} from "./release-upgrade";
export { SSM_REBOOT_AND_RERUN_EXIT_CODE, releaseUpgradeScript } from "./release-upgrade-script";
export {
  type AgentUpdateSettings,
  InstanceMaintenance,
  type InstanceMaintenanceProps,
  type PatchingSettings,
} from "./maintenance";
