import { ValidationIssue, Validator } from "@ssm-access/core";
import { DEFAULT_IDLE_TIMEOUT_MINUTES, SessionPreferences } from "../src";
import { sessionPreferencesDocumentContent, validateSessionPreferences } from "../src/private/session-preferences";

const target = { logGroupName: "/ssm/ssm-dev/sessions" };

/** The `inputs` of the document rendered for `preferences`, parsed back (Terraform escapes undone). */
function inputsOf(
  preferences?: SessionPreferences,
  t: Parameters<typeof sessionPreferencesDocumentContent>[0] = target,
): Record<string, unknown> {
  const content = sessionPreferencesDocumentContent(t, preferences);
  return (JSON.parse(content.replace(/\$\$\{/g, "${")) as { inputs: Record<string, unknown> }).inputs;
}

function issuesOf(preferences: SessionPreferences): readonly ValidationIssue[] {
  const v = new Validator("Test");
  validateSessionPreferences(v.child("preferences"), preferences);
  return v.issues;
}

describe("sessionPreferencesDocumentContent", () => {
  it("is a Session document of schema 1.0 for shell sessions", () => {
    expect(JSON.parse(sessionPreferencesDocumentContent(target))).toMatchObject({
      schemaVersion: "1.0",
      sessionType: "Standard_Stream",
    });
  });

  it("logs encrypted to the log group, streams, times out after 20 idle minutes and runs as ssm-user by default", () => {
    expect(inputsOf()).toEqual({
      s3BucketName: "",
      s3KeyPrefix: "",
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: "/ssm/ssm-dev/sessions",
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: true,
      kmsKeyId: "",
      runAsEnabled: false,
      runAsDefaultUser: "",
      idleSessionTimeout: String(DEFAULT_IDLE_TIMEOUT_MINUTES),
      maxSessionDuration: "",
      shellProfile: { windows: "", linux: "" },
    });
  });

  it("names the bucket, key prefix and session key of its target", () => {
    expect(
      inputsOf(undefined, { ...target, bucketName: "audit", s3KeyPrefix: "sessions/", sessionKmsKeyId: "key-1" }),
    ).toMatchObject({
      s3BucketName: "audit",
      s3KeyPrefix: "sessions/",
      kmsKeyId: "key-1",
    });
  });

  it("carries the preferences", () => {
    const inputs = inputsOf({
      idleSessionTimeoutMinutes: 60,
      maxSessionDurationMinutes: 1440,
      runAs: { defaultUser: "ec2-user" },
      shellProfileLinux: "exec /bin/bash",
      cloudWatchStreaming: false,
    });
    expect(inputs).toMatchObject({
      idleSessionTimeout: "60",
      maxSessionDuration: "1440",
      runAsEnabled: true,
      runAsDefaultUser: "ec2-user",
      shellProfile: { windows: "", linux: "exec /bin/bash" },
      cloudWatchStreamingEnabled: false,
    });
  });

  it("runs as ssm-user with runAs turned off, whatever its default user", () => {
    expect(inputsOf({ runAs: { enabled: false, defaultUser: "ec2-user" } })).toMatchObject({
      runAsEnabled: false,
      runAsDefaultUser: "",
    });
  });

  it("escapes ${...} in the shell profile so Terraform passes it on literally", () => {
    expect(sessionPreferencesDocumentContent(target, { shellProfileLinux: "cd ${HOME}" })).toContain(
      '"linux": "cd $${HOME}"',
    );
  });
});

describe("validateSessionPreferences", () => {
  it("accepts the defaults and a full set", () => {
    expect(issuesOf({})).toEqual([]);
    expect(
      issuesOf({ idleSessionTimeoutMinutes: 1, maxSessionDurationMinutes: 1440, runAs: { defaultUser: "ops_user" } }),
    ).toEqual([]);
  });

  it.each<[string, SessionPreferences, string, RegExp]>([
    [
      "an idle timeout over 60 minutes",
      { idleSessionTimeoutMinutes: 61 },
      "preferences.idleSessionTimeoutMinutes",
      /61 must be a whole number of minutes from 1 to 60/,
    ],
    [
      "a maximum duration of 0",
      { maxSessionDurationMinutes: 0 },
      "preferences.maxSessionDurationMinutes",
      /from 1 to 1440/,
    ],
    [
      "Run As without a user",
      { runAs: {} },
      "preferences.runAs.defaultUser",
      /is required when sessions run as a named user/,
    ],
    [
      "a user that is no Linux user name",
      { runAs: { defaultUser: "Root User" } },
      "preferences.runAs.defaultUser",
      /"Root User" is not a valid Linux user name/,
    ],
    [
      "runAs as a bare boolean",
      { runAs: true as never },
      "preferences.runAs",
      /true is not accepted here: write \{ "enabled": true \}/,
    ],
  ])("rejects %s at its field", (_, preferences, path, message) => {
    expect(issuesOf(preferences)).toEqual([{ path, message: expect.stringMatching(message) }]);
  });
});
