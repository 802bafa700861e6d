import { FeatureOptions } from "@ssm-access/core";

/**
 * Name of the Session Manager preferences document. There is one per account
 * and Region; Session Manager reads it for every session started without an
 * explicit document.
 */
export const SESSION_PREFERENCES_DOCUMENT_NAME = "SSM-SessionManagerRunShell";

/** `Run As` support: which operating system user a session runs as on Linux. */
export interface SessionRunAsOptions extends FeatureOptions {
  /**
   * Whether sessions run as a named OS user instead of the generated
   * `ssm-user` (which has sudo rights).
   * @default true (the options are given)
   */
  readonly enabled?: boolean;

  /**
   * OS user sessions run as when the IAM principal has no `SSMSessionRunAs`
   * tag. Required unless `enabled` is false.
   * @default - none
   */
  readonly defaultUser?: string;
}

/** Session behaviour stored in the preferences document. */
export interface SessionPreferences {
  /**
   * Minutes without activity after which a session ends (1-60), so
   * forgotten shells don't stay open.
   * @default 20
   */
  readonly idleSessionTimeoutMinutes?: number;

  /**
   * Longest a session may last, in minutes (1-1440).
   * @default - no limit
   */
  readonly maxSessionDurationMinutes?: number;

  /**
   * Run sessions as a named OS user: given, sessions run as `defaultUser`
   * (or the principal's `SSMSessionRunAs` tag) unless `enabled: false`.
   * @default - sessions run as `ssm-user`
   */
  readonly runAs?: SessionRunAsOptions;

  /**
   * Commands run at the start of every Linux session, e.g. `exec /bin/bash`.
   * @default - none
   */
  readonly shellProfileLinux?: string;

  /**
   * Whether session output is streamed to CloudWatch Logs as it happens
   * (`true`) or uploaded when the session ends (`false`).
   * @default true
   */
  readonly cloudWatchStreaming?: boolean;
}

/** Idle timeout of sessions when the preferences set none, in minutes. */
export const DEFAULT_IDLE_TIMEOUT_MINUTES = 20;
