import { IamPolicy as TfIamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole as TfIamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment as TfIamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { TerraformOutput } from "cdktf";
import { unescapeTerraformTemplate } from "@ssm-access/core";
import { configsOf, onlyOf, parsePolicy, resourcesOf, synthJson, TerraformJson } from "@ssm-access/core/testing";
import { OperatorAccess, OperatorAccessProps, SessionLogging } from "../src";

const base: OperatorAccessProps = {
  namePrefix: "ssm-dev",
  region: "eu-west-1",
  accountId: "111122223333",
  targetTag: { key: "SessionAccess", value: "operators" },
};
const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ALICE = "arn:aws:iam::111122223333:user/alice";

function synth(props: Partial<OperatorAccessProps> = {}): TerraformJson {
  return synthJson((scope) => {
    new OperatorAccess(scope, "Operators", { ...base, ...props });
  }, props.region ?? base.region);
}

function build(props: Partial<OperatorAccessProps>): () => void {
  return () => synth(props);
}

function statements(json: TerraformJson): Array<Record<string, unknown>> {
  return parsePolicy(unescapeTerraformTemplate(onlyOf(json, TfIamPolicy).policy as string)).Statement;
}

function bySid(json: TerraformJson, sid: string): Record<string, unknown> | undefined {
  return statements(json).find((s) => s.Sid === sid);
}

describe("OperatorAccess", () => {
  describe("access policy", () => {
    const json = synth();

    it("is a customer managed policy named <namePrefix>-ssm-operator", () => {
      expect(onlyOf(json, TfIamPolicy).name).toBe("ssm-dev-ssm-operator");
    });

    it("starts sessions only on instances carrying the target tag", () => {
      expect(bySid(json, "StartSessionOnTaggedInstances")).toEqual({
        Sid: "StartSessionOnTaggedInstances",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: "arn:aws:ec2:eu-west-1:111122223333:instance/*",
        Condition: { StringEquals: { "ssm:resourceTag/SessionAccess": "operators" } },
      });
    });

    it("starts sessions with the preferences document under the document access check", () => {
      expect(bySid(json, "StartSessionWithPreferencesDocument")).toEqual({
        Sid: "StartSessionWithPreferencesDocument",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: "arn:aws:ssm:eu-west-1:111122223333:document/SSM-SessionManagerRunShell",
        Condition: { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } },
      });
    });

    it("denies SSH tunnelled through Session Manager", () => {
      expect(bySid(json, "DenySshOverSessionManager")).toEqual({
        Sid: "DenySshOverSessionManager",
        Effect: "Deny",
        Action: "ssm:StartSession",
        Resource: "arn:aws:ssm:*::document/AWS-StartSSHSession",
      });
    });

    it("allows no port forwarding by default", () => {
      expect(bySid(json, "StartPortForwardingSessions")).toBeUndefined();
      expect(JSON.stringify(statements(json))).not.toContain("PortForwarding");
    });

    it("lets people end and resume only sessions named after their user", () => {
      expect(bySid(json, "ManageOwnSessions")).toEqual({
        Sid: "ManageOwnSessions",
        Effect: "Allow",
        Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
        Resource: "arn:aws:ssm:*:*:session/${aws:username}-*",
      });
    });

    it("writes ${aws:username} escaped for Terraform, so AWS receives it intact", () => {
      const raw = onlyOf(json, TfIamPolicy).policy as string;
      expect(raw).toContain('"arn:aws:ssm:*:*:session/$${aws:username}-*"');
      expect(raw).not.toMatch(/(^|[^$])\$\{aws:/);
    });

    it("allows read-only describe calls on * and nothing else on *", () => {
      const onStar = statements(json).filter((s) => [s.Resource].flat().includes("*"));
      expect(onStar).toEqual([
        {
          Sid: "DescribeSessionsAndInstances",
          Effect: "Allow",
          Action: [
            "ssm:DescribeSessions",
            "ssm:GetConnectionStatus",
            "ssm:DescribeInstanceInformation",
            "ssm:DescribeInstanceProperties",
            "ec2:DescribeInstances",
          ],
          Resource: "*",
        },
      ]);
    });

    it("has no wildcard action", () => {
      for (const s of statements(json)) expect([s.Action].flat().some((a) => String(a).includes("*"))).toBe(false);
    });

    it("has no key permission and no role-session statement without a key or role", () => {
      expect(statements(json).map((s) => s.Sid)).toEqual([
        "StartSessionOnTaggedInstances",
        "StartSessionWithPreferencesDocument",
        "DenySshOverSessionManager",
        "ManageOwnSessions",
        "DescribeSessionsAndInstances",
      ]);
    });

    it("uses the partition of the Region in every ARN", () => {
      const gov = statements(synth({ region: "us-gov-west-1" }));
      expect(gov.find((s) => s.Sid === "StartSessionOnTaggedInstances")?.Resource).toBe(
        "arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/*",
      );
      expect(gov.find((s) => s.Sid === "ManageOwnSessions")?.Resource).toBe("arn:aws-us-gov:ssm:*:*:session/${aws:username}-*");
    });
  });

  describe("with allowPortForwarding", () => {
    it("allows the two port forwarding documents", () => {
      expect(bySid(synth({ allowPortForwarding: true }), "StartPortForwardingSessions")).toEqual({
        Sid: "StartPortForwardingSessions",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: [
          "arn:aws:ssm:eu-west-1::document/AWS-StartPortForwardingSession",
          "arn:aws:ssm:eu-west-1::document/AWS-StartPortForwardingSessionToRemoteHost",
        ],
      });
    });

    it("still denies SSH", () => {
      expect(bySid(synth({ allowPortForwarding: true }), "DenySshOverSessionManager")?.Effect).toBe("Deny");
    });
  });

  describe("with sessionKmsKeyArn", () => {
    it("allows kms:GenerateDataKey on that key only", () => {
      expect(bySid(synth({ sessionKmsKeyArn: KEY_ARN }), "SessionKeyUse")).toEqual({
        Sid: "SessionKeyUse",
        Effect: "Allow",
        Action: "kms:GenerateDataKey",
        Resource: KEY_ARN,
      });
    });

    it("accepts the key of SessionLogging as a reference", () => {
      const json = synthJson((scope) => {
        const logging = new SessionLogging(scope, "Logging", { namePrefix: "ssm-dev", region: "eu-west-1", accountId: "111122223333" });
        new OperatorAccess(scope, "Operators", { ...base, sessionKmsKeyArn: logging.kmsKeyArn });
      });
      const keyId = Object.keys(resourcesOf(json, "aws_kms_key"))[0];
      expect(bySid(json, "SessionKeyUse")?.Resource).toBe(`\${aws_kms_key.${keyId}.arn}`);
    });
  });

  describe("without assumeRole", () => {
    it("creates no role", () => {
      const json = synth();
      expect(configsOf(json, TfIamRole)).toEqual([]);
      expect(configsOf(json, TfIamRolePolicyAttachment)).toEqual([]);
    });
  });

  describe("with assumeRole", () => {
    const json = synth({ assumeRole: { trustedPrincipalArns: [ALICE, "arn:aws:iam::444455556666:root"] } });
    const role = onlyOf(json, TfIamRole);

    it("trusts the listed principals only with MFA by default", () => {
      expect(parsePolicy(role.assume_role_policy).Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { AWS: [ALICE, "arn:aws:iam::444455556666:root"] },
          Action: "sts:AssumeRole",
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } },
        },
      ]);
    });

    it("is named like the policy, with one-hour credentials by default", () => {
      expect(role.name).toBe("ssm-dev-ssm-operator");
      expect(role.max_session_duration).toBe(3600);
    });

    it("has the access policy attached", () => {
      const policyId = Object.keys(resourcesOf(json, TfIamPolicy))[0];
      const roleId = Object.keys(resourcesOf(json, TfIamRole))[0];
      expect(onlyOf(json, TfIamRolePolicyAttachment)).toEqual({
        policy_arn: `\${aws_iam_policy.${policyId}.arn}`,
        role: `\${aws_iam_role.${roleId}.name}`,
      });
    });

    it("lets role sessions end and resume only sessions tagged with their user id", () => {
      expect(bySid(json, "ManageOwnRoleSessions")).toEqual({
        Sid: "ManageOwnRoleSessions",
        Effect: "Allow",
        Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
        Resource: "arn:aws:ssm:*:*:session/*",
        Condition: { StringLike: { "ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}" } },
      });
    });

    it("drops the MFA condition when requireMfa is false and takes maxSessionDurationSeconds", () => {
      const other = onlyOf(
        synth({ assumeRole: { trustedPrincipalArns: [ALICE], requireMfa: false, maxSessionDurationSeconds: 7200 } }),
        TfIamRole,
      );
      expect(parsePolicy(other.assume_role_policy).Statement[0].Condition).toBeUndefined();
      expect(other.max_session_duration).toBe(7200);
    });
  });

  describe("public properties", () => {
    it("reference the policy and the role", () => {
      const json = synthJson((scope) => {
        const access = new OperatorAccess(scope, "Operators", { ...base, assumeRole: { trustedPrincipalArns: [ALICE] } });
        const out = { policyArn: access.policyArn, policyName: access.policyName, roleArn: access.roleArn, roleName: access.roleName };
        for (const [k, value] of Object.entries(out)) new TerraformOutput(scope, k, { value });
      });
      const policyId = Object.keys(resourcesOf(json, TfIamPolicy))[0];
      const roleId = Object.keys(resourcesOf(json, TfIamRole))[0];
      expect(Object.fromEntries(Object.entries(json.output ?? {}).map(([k, o]) => [k, o.value]))).toEqual({
        policyArn: `\${aws_iam_policy.${policyId}.arn}`,
        policyName: `\${aws_iam_policy.${policyId}.name}`,
        roleArn: `\${aws_iam_role.${roleId}.arn}`,
        roleName: `\${aws_iam_role.${roleId}.name}`,
      });
    });

    it("leave the role properties undefined without assumeRole", () => {
      synthJson((scope) => {
        const access = new OperatorAccess(scope, "Operators", base);
        expect(access.role).toBeUndefined();
        expect(access.roleArn).toBeUndefined();
        expect(access.roleName).toBeUndefined();
      });
    });
  });

  describe("validation", () => {
    it("rejects an invalid namePrefix", () => {
      expect(build({ namePrefix: "ssm dev" })).toThrow(/namePrefix: "ssm dev" must be lower-case letters, digits and "-", starting with a letter, at most 64 characters/);
    });

    it("rejects a namePrefix whose policy and role name exceeds 64 characters", () => {
      expect(build({ namePrefix: "a".repeat(52) })).toThrow(/namePrefix: the policy and role name "a{52}-ssm-operator" is 65 characters/);
      expect(build({ namePrefix: "a".repeat(51) })).not.toThrow();
    });

    it("rejects a region that is not a Region code", () => {
      expect(build({ region: "eu-west" })).toThrow(/region: "eu-west" is not an AWS Region code/);
    });

    it("rejects an account id that is not 12 digits", () => {
      expect(build({ accountId: "1111-2222-3333" })).toThrow(/accountId: "1111-2222-3333" is not a 12-digit AWS account id/);
    });

    it("rejects an empty tag key", () => {
      expect(build({ targetTag: { key: "", value: "operators" } })).toThrow(/targetTag.key: must not be empty/);
    });

    it("rejects a tag key reserved by AWS or with invalid characters", () => {
      expect(build({ targetTag: { key: "aws:team", value: "x" } })).toThrow(/targetTag.key: "aws:team" is not a tag key/);
      expect(build({ targetTag: { key: "team*", value: "x" } })).toThrow(/targetTag.key: "team\*" is not a tag key/);
    });

    it("rejects a tag value with invalid characters or over 256 characters", () => {
      expect(build({ targetTag: { key: "team", value: "a*" } })).toThrow(/targetTag.value: "a\*" is not a tag value/);
      expect(build({ targetTag: { key: "team", value: "a".repeat(257) } })).toThrow(/targetTag.value: "a{257}" is not a tag value/);
    });

    it("rejects a session key that is not a KMS key ARN", () => {
      expect(build({ sessionKmsKeyArn: "alias/ssm-dev-session" })).toThrow(
        /sessionKmsKeyArn: "alias\/ssm-dev-session" is not a KMS key ARN/,
      );
    });

    it("rejects a session key of another partition", () => {
      expect(build({ region: "cn-north-1", sessionKmsKeyArn: KEY_ARN })).toThrow(/sessionKmsKeyArn: ".*" is in partition aws, the Region is in aws-cn/);
    });

    it("rejects an empty list of trusted principals", () => {
      expect(build({ assumeRole: { trustedPrincipalArns: [] } })).toThrow(
        /assumeRole.trustedPrincipalArns: must list at least one principal allowed to assume the role/,
      );
    });

    it("rejects a trusted principal that is not a user, role or account root ARN", () => {
      expect(build({ assumeRole: { trustedPrincipalArns: [ALICE, "alice"] } })).toThrow(
        /assumeRole.trustedPrincipalArns\[1\]: "alice" is not an IAM user, role or account root ARN/,
      );
      expect(build({ assumeRole: { trustedPrincipalArns: ["arn:aws:iam::111122223333:group/ops"] } })).toThrow(
        /assumeRole.trustedPrincipalArns\[0\]: .* is not an IAM user, role or account root ARN/,
      );
    });

    it("rejects a trusted principal of another partition", () => {
      expect(build({ region: "us-gov-west-1", assumeRole: { trustedPrincipalArns: [ALICE] } })).toThrow(
        /assumeRole.trustedPrincipalArns\[0\]: ".*" is in partition aws, the Region is in aws-us-gov/,
      );
    });

    it("rejects a trusted principal listed twice", () => {
      expect(build({ assumeRole: { trustedPrincipalArns: [ALICE, ALICE] } })).toThrow(
        /assumeRole.trustedPrincipalArns: arn:aws:iam::111122223333:user\/alice is listed more than once/,
      );
    });

    it("rejects a maximum credential lifetime outside 3600-43200 seconds", () => {
      expect(build({ assumeRole: { trustedPrincipalArns: [ALICE], maxSessionDurationSeconds: 900 } })).toThrow(
        /assumeRole.maxSessionDurationSeconds: 900 must be a whole number of seconds from 3600 to 43200/,
      );
      expect(build({ assumeRole: { trustedPrincipalArns: [ALICE], maxSessionDurationSeconds: 43201 } })).toThrow(
        /assumeRole.maxSessionDurationSeconds: 43201/,
      );
    });

    it("reports every problem at once", () => {
      expect(build({ accountId: "1", region: "x", targetTag: { key: "", value: "" } })).toThrow(/3 problems/);
    });
  });
});

describe("OperatorAccess with the session key of another stack", () => {
  it("allows GenerateDataKey on the key carrying the alias", () => {
    const json = synth({ sessionKmsKeyAlias: "alias/ssm-shared-session" });
    expect(bySid(json, "SessionKeyUse")).toEqual({
      Sid: "SessionKeyUse",
      Effect: "Allow",
      Action: "kms:GenerateDataKey",
      Resource: "arn:aws:kms:eu-west-1:111122223333:key/*",
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/ssm-shared-session" } },
    });
  });

  it.each<[string, Partial<OperatorAccessProps>, RegExp]>([
    ["both an ARN and an alias", { sessionKmsKeyArn: KEY_ARN, sessionKmsKeyAlias: "alias/x" }, /sessionKmsKeyAlias: set sessionKmsKeyArn or sessionKmsKeyAlias, not both/],
    ["an alias without the alias/ prefix", { sessionKmsKeyAlias: "ssm-session" }, /sessionKmsKeyAlias: "ssm-session" is not a customer managed key alias/],
    ["an AWS managed key alias", { sessionKmsKeyAlias: "alias/aws/ssm" }, /sessionKmsKeyAlias: "alias\/aws\/ssm" is not a customer managed key alias/],
  ])("rejects %s", (_what, props, expected) => {
    expect(build(props)).toThrow(expected);
  });
});
