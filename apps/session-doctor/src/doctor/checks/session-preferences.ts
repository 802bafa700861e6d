import { errorCode } from "../../api-error";
import { SHELL_DOCUMENT } from "../../start-session";
import { fail, pass } from "../check";
import { Check, redeploy } from "../context";
import { unansweredCall } from "../lookups";

/**
 * The preferences document exists, and the log group and KMS key it names
 * exist and can be used: a session whose transcript cannot be written or
 * encrypted as the preferences demand does not start.
 */
export const sessionPreferencesCheck: Check = {
  id: "session-preferences",
  title: "Session preferences' log group and KMS key exist",
  async run(ctx) {
    const { id, title } = sessionPreferencesCheck;
    const region = ctx.env.region;
    const p = await ctx.lookups.preferences();
    if (!p.found) {
      return fail(
        id,
        title,
        `${SHELL_DOCUMENT} does not exist in ${region}: sessions would be neither logged nor encrypted as the stack defines`,
        redeploy(ctx),
      );
    }
    const problems: string[] = [];
    const fixes: string[] = [];
    const facts: { key?: string; logGroup?: string } = {};
    let keyArn: string | undefined;
    if (p.kmsKeyId !== "") {
      let key;
      try {
        key = (await ctx.clients.describeKey({ KeyId: p.kmsKeyId })).KeyMetadata;
      } catch (e) {
        if (errorCode(e) !== "NotFoundException") throw unansweredCall("kms:DescribeKey", e);
      }
      keyArn = key?.Arn;
      if (key === undefined) {
        problems.push(`the KMS key ${p.kmsKeyId} does not exist`);
      } else if (key.KeyState !== "Enabled") {
        problems.push(
          `the KMS key ${p.kmsKeyId} is ${key.KeyState}${key.DeletionDate ? ` (deleted on ${new Date(key.DeletionDate).toISOString().slice(0, 10)})` : ""}`,
        );
        fixes.push(
          key.KeyState === "PendingDeletion"
            ? `aws kms cancel-key-deletion --key-id ${p.kmsKeyId} --region ${region} && aws kms enable-key --key-id ${p.kmsKeyId} --region ${region}`
            : `aws kms enable-key --key-id ${p.kmsKeyId} --region ${region}`,
        );
      } else {
        facts.key = `encrypts with the KMS key ${p.kmsKeyId} (Enabled)`;
      }
    }
    if (p.logGroupName !== "") {
      let groups;
      try {
        groups = (await ctx.clients.describeLogGroups({ logGroupNamePrefix: p.logGroupName })).logGroups ?? [];
      } catch (e) {
        throw unansweredCall("logs:DescribeLogGroups", e);
      }
      const group = groups.find((g) => g.logGroupName === p.logGroupName);
      if (group === undefined) {
        problems.push(`the log group ${p.logGroupName} does not exist`);
      } else if (p.logGroupEncryption && !group.kmsKeyId) {
        problems.push(
          `the log group ${p.logGroupName} is not encrypted with KMS, but cloudWatchEncryptionEnabled is true`,
        );
        if (keyArn)
          fixes.push(
            `aws logs associate-kms-key --log-group-name ${p.logGroupName} --kms-key-id ${keyArn} --region ${region}`,
          );
      } else {
        facts.logGroup = `logs to ${p.logGroupName}${group.kmsKeyId ? " (KMS-encrypted)" : ""}`;
      }
    }
    if (problems.length > 0)
      return fail(
        id,
        title,
        `${SHELL_DOCUMENT} names ${problems.join("; ")}: sessions fail to start`,
        [...fixes, redeploy(ctx)].join("; or "),
      );
    const uses = [facts.logGroup, facts.key].filter((f): f is string => f !== undefined);
    if (uses.length === 0) return pass(id, title, `${SHELL_DOCUMENT} exists and names no log group or KMS key`);
    return pass(
      id,
      title,
      `${SHELL_DOCUMENT} ${uses.join(" and ")}: ${uses.length === 1 ? "it exists" : "both exist"}`,
    );
  },
};
