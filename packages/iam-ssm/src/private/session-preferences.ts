import { Validator, escapeTerraformTemplate, isEnabled } from "@ssm-access/core";
import { DEFAULT_IDLE_TIMEOUT_MINUTES, SessionPreferences } from "../session-preferences";

const LINUX_USER_PATTERN = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Where the preferences document sends transcripts, and the key sessions are encrypted with. */
export interface SessionPreferencesTarget {
  /** The transcript log group. */
  readonly logGroupName: string;
  /** The transcript bucket, when transcripts also go to S3. */
  readonly bucketName?: string;
  /** The key prefix of transcripts in the bucket. */
  readonly s3KeyPrefix?: string;
  /** The id of the key sessions are encrypted with; absent: sessions are not KMS-encrypted. */
  readonly sessionKmsKeyId?: string;
}

/**
 * The content of the `SSM-SessionManagerRunShell` document (`Session`
 * document, schema 1.0, `Standard_Stream`) for `target` and `preferences`,
 * as the string a Terraform `content` argument takes (`${` escaped).
 */
export function sessionPreferencesDocumentContent(
  target: SessionPreferencesTarget,
  preferences: SessionPreferences = {},
): string {
  const runAsEnabled = isEnabled(preferences.runAs, false);
  return escapeTerraformTemplate(
    JSON.stringify(
      {
        schemaVersion: "1.0",
        description: "Session Manager preferences: transcripts to CloudWatch Logs (and S3), encrypted with KMS.",
        sessionType: "Standard_Stream",
        inputs: {
          s3BucketName: target.bucketName ?? "",
          s3KeyPrefix: target.s3KeyPrefix ?? "",
          s3EncryptionEnabled: true,
          cloudWatchLogGroupName: target.logGroupName,
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: preferences.cloudWatchStreaming ?? true,
          kmsKeyId: target.sessionKmsKeyId ?? "",
          runAsEnabled,
          runAsDefaultUser: runAsEnabled ? (preferences.runAs?.defaultUser ?? "") : "",
          idleSessionTimeout: String(preferences.idleSessionTimeoutMinutes ?? DEFAULT_IDLE_TIMEOUT_MINUTES),
          maxSessionDuration:
            preferences.maxSessionDurationMinutes === undefined ? "" : String(preferences.maxSessionDurationMinutes),
          shellProfile: { windows: "", linux: preferences.shellProfileLinux ?? "" },
        },
      },
      undefined,
      2,
    ),
  );
}

/** Checks session preferences; `v` is positioned at them (e.g. `v.child("preferences")`). */
export function validateSessionPreferences(v: Validator, preferences: SessionPreferences): void {
  const idle = preferences.idleSessionTimeoutMinutes;
  if (idle !== undefined) {
    v.check(
      Number.isInteger(idle) && idle >= 1 && idle <= 60,
      "idleSessionTimeoutMinutes",
      `${idle} must be a whole number of minutes from 1 to 60`,
    );
  }
  const max = preferences.maxSessionDurationMinutes;
  if (max !== undefined) {
    v.check(
      Number.isInteger(max) && max >= 1 && max <= 1440,
      "maxSessionDurationMinutes",
      `${max} must be a whole number of minutes from 1 to 1440`,
    );
  }
  if (v.featureOptions("runAs", preferences.runAs) && isEnabled(preferences.runAs, false)) {
    const user = preferences.runAs?.defaultUser;
    if (
      v.check(
        user !== undefined && user.length > 0,
        "runAs.defaultUser",
        "is required when sessions run as a named user (runAs)",
      )
    ) {
      v.check(LINUX_USER_PATTERN.test(user ?? ""), "runAs.defaultUser", `"${user}" is not a valid Linux user name`);
    }
  }
}
