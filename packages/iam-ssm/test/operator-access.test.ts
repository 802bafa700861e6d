import { IamPolicy as TfIamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole as TfIamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment as TfIamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SsmDocument as TfSsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { TerraformOutput } from "cdktf";
import { unescapeTerraformTemplate } from "@ssm-access/core";
import {
  TerraformJson,
  configsOf,
  onlyOf,
  parsePolicy,
  providersOf,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
  offProvider,
} from "@ssm-access/core/testing";
import { OperatorAccess, OperatorAccessProps, SessionLogging } from "../src";
import { AMAZON_SSM_FULL_ACCESS } from "./aws-managed-policies";
import { IamRequest, evaluate } from "./iam-evaluator";

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
        Condition: {
          StringEquals: { "ssm:resourceTag/SessionAccess": "operators" },
          BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" },
        },
      });
    });

    it("puts the document access check on every statement allowing ssm:StartSession, as AWS requires for it to be enforced", () => {
      const starts = statements(synth({ portForwarding: { ports: [5432] } })).filter(
        (s) => s.Effect === "Allow" && [s.Action].flat().includes("ssm:StartSession"),
      );
      expect(starts.map((s) => s.Sid)).toEqual([
        "StartSessionOnTaggedInstances",
        "StartSessionWithPreferencesDocument",
        "StartSessionWithPortForwardingDocuments",
      ]);
      for (const s of starts) {
        expect(s.Condition).toMatchObject({ BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } });
      }
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

    it("denies SSH tunnelled through Session Manager and the AWS port forwarding documents explicitly", () => {
      expect(bySid(json, "DenySshAndAwsPortForwarding")).toEqual({
        Sid: "DenySshAndAwsPortForwarding",
        Effect: "Deny",
        Action: "ssm:StartSession",
        Resource: [
          "arn:aws:ssm:*:*:document/AWS-StartSSHSession",
          "arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession",
          "arn:aws:ssm:*:*:document/AWS-StartPortForwardingSessionToRemoteHost",
        ],
      });
    });

    it("allows no port forwarding and creates no document by default", () => {
      expect(bySid(json, "StartSessionWithPortForwardingDocuments")).toBeUndefined();
      expect(configsOf(json, TfSsmDocument)).toEqual([]);
    });

    it("lets people end and resume only sessions tagged with their own user id, whatever kind of principal they are", () => {
      expect(bySid(json, "ManageOwnSessions")).toEqual({
        Sid: "ManageOwnSessions",
        Effect: "Allow",
        Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
        Resource: "arn:aws:ssm:eu-west-1:111122223333:session/*",
        Condition: { StringLike: { "ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}" } },
      });
    });

    it("lets clients open the data channel of their own sessions only, as AWS's quick-start end user policy does", () => {
      expect(bySid(json, "OpenOwnSessionDataChannels")).toEqual({
        Sid: "OpenOwnSessionDataChannels",
        Effect: "Allow",
        Action: "ssmmessages:OpenDataChannel",
        Resource: "arn:aws:ssm:eu-west-1:111122223333:session/${aws:userid}-*",
      });
    });

    it("writes ${aws:userid} escaped for Terraform, so AWS receives it intact", () => {
      const raw = onlyOf(json, TfIamPolicy).policy as string;
      expect(raw).toContain('"ssm:resourceTag/aws:ssmmessages:session-id":"$${aws:userid}"');
      expect(raw).toContain('"arn:aws:ssm:eu-west-1:111122223333:session/$${aws:userid}-*"');
      expect(raw).not.toMatch(/(^|[^$])\$\{aws:/);
    });

    it("names no user name anywhere: aws:username does not exist for roles", () => {
      expect(onlyOf(json, TfIamPolicy).policy as string).not.toContain("aws:username");
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

    it("has no key permission and no port forwarding statement without a key or port forwarding", () => {
      expect(statements(json).map((s) => s.Sid)).toEqual([
        "StartSessionOnTaggedInstances",
        "StartSessionWithPreferencesDocument",
        "DenySshAndAwsPortForwarding",
        "DenyStartSessionOutsideThisEnvironment",
        "ManageOwnSessions",
        "OpenOwnSessionDataChannels",
        "DescribeSessionsAndInstances",
      ]);
    });

    it("is the same policy with a role: one statement serves users and roles alike", () => {
      const withRole = statements(synth({ assumeRole: { trustedPrincipalArns: [ALICE] } }));
      expect(withRole).toEqual(statements(json));
    });

    it("uses the partition of the Region in every ARN", () => {
      const gov = statements(synth({ region: "us-gov-west-1" }));
      expect(gov.find((s) => s.Sid === "StartSessionOnTaggedInstances")?.Resource).toBe(
        "arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/*",
      );
      expect(gov.find((s) => s.Sid === "ManageOwnSessions")?.Resource).toBe(
        "arn:aws-us-gov:ssm:us-gov-west-1:111122223333:session/*",
      );
      expect(gov.find((s) => s.Sid === "DenySshAndAwsPortForwarding")?.Resource).toContain(
        "arn:aws-us-gov:ssm:*:*:document/AWS-StartSSHSession",
      );
    });
  });

  describe("with portForwarding", () => {
    const props: Partial<OperatorAccessProps> = {
      portForwarding: {
        ports: [5432, 8080],
        remoteHosts: [
          { host: "db.internal.example.com", port: 5432 },
          { host: "10.10.1.25", port: 6379 },
        ],
      },
    };
    const json = synth(props);
    const documents = resourcesOf(json, TfSsmDocument);
    const byName = (name: string) => Object.values(documents).find((d) => d.name === name);

    it("creates one Session document per allowed port and host:port, named from namePrefix", () => {
      const all = Object.values(documents).map((d) => [d.name, d.document_type, d.document_format]);
      expect(all.sort()).toEqual([
        ["ssm-dev-forward-10.10.1.25-6379", "Session", "JSON"],
        ["ssm-dev-forward-5432", "Session", "JSON"],
        ["ssm-dev-forward-8080", "Session", "JSON"],
        ["ssm-dev-forward-db.internal.example.com-5432", "Session", "JSON"],
      ]);
    });

    it("pins the port in the document and leaves only localPortNumber to the client", () => {
      expect(JSON.parse(byName("ssm-dev-forward-5432")?.content as string)).toEqual({
        schemaVersion: "1.0",
        description: "Forwards a local port to port 5432 of the instance; only the local port can be chosen.",
        sessionType: "Port",
        parameters: {
          localPortNumber: {
            type: "String",
            description:
              "(Optional) Port number on local machine to forward traffic to. An open port is chosen at run-time if not provided",
            allowedPattern:
              "^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$",
            default: "0",
          },
        },
        properties: { portNumber: "5432", type: "LocalPortForwarding", localPortNumber: "{{ localPortNumber }}" },
      });
    });

    it("pins host and port for a remote host", () => {
      const content = JSON.parse(byName("ssm-dev-forward-db.internal.example.com-5432")?.content as string);
      expect(Object.keys(content.parameters)).toEqual(["localPortNumber"]);
      expect(content.properties).toEqual({
        portNumber: "5432",
        type: "LocalPortForwarding",
        localPortNumber: "{{ localPortNumber }}",
        host: "db.internal.example.com",
      });
    });

    it("allows starting sessions with exactly these documents, under the document access check", () => {
      expect(bySid(json, "StartSessionWithPortForwardingDocuments")).toEqual({
        Sid: "StartSessionWithPortForwardingDocuments",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: [
          "arn:aws:ssm:eu-west-1:111122223333:document/ssm-dev-forward-5432",
          "arn:aws:ssm:eu-west-1:111122223333:document/ssm-dev-forward-8080",
          "arn:aws:ssm:eu-west-1:111122223333:document/ssm-dev-forward-db.internal.example.com-5432",
          "arn:aws:ssm:eu-west-1:111122223333:document/ssm-dev-forward-10.10.1.25-6379",
        ],
        Condition: { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } },
      });
    });

    describe("evaluated as IAM would", () => {
      const policy = statements(json);
      const start = (document: string, documentArn?: string): string =>
        evaluate(policy, {
          action: "ssm:StartSession",
          resource: documentArn ?? `arn:aws:ssm:eu-west-1:111122223333:document/${document}`,
          context: { "aws:userid": "AIDAEXAMPLEALICE", "ssm:SessionDocumentAccessCheck": "true" },
        });

      it("allows the pinned documents", () => {
        expect(start("ssm-dev-forward-5432")).toBe("Allow");
        expect(start("ssm-dev-forward-db.internal.example.com-5432")).toBe("Allow");
      });

      it("denies the AWS port forwarding and SSH documents explicitly, so no other policy can allow them", () => {
        for (const doc of [
          "AWS-StartPortForwardingSession",
          "AWS-StartPortForwardingSessionToRemoteHost",
          "AWS-StartSSHSession",
        ]) {
          expect(start(doc, `arn:aws:ssm:eu-west-1::document/${doc}`)).toBe("ExplicitDeny");
          expect(start(doc, `arn:aws:ssm:eu-west-1:111122223333:document/${doc}`)).toBe("ExplicitDeny");
        }
      });

      it("allows no other document of the account", () => {
        expect(start("ssm-dev-forward-22")).toBe("ImplicitDeny");
        expect(start("ssm-dev-forward-5433")).toBe("ImplicitDeny");
      });
    });

    it("exposes the document of every allowed forwarding for clients", () => {
      const out = synthJson((scope) => {
        const access = new OperatorAccess(scope, "Operators", { ...base, ...props });
        expect(access.portForwardingDocuments).toEqual([
          { port: 5432, documentName: "ssm-dev-forward-5432" },
          { port: 8080, documentName: "ssm-dev-forward-8080" },
          { port: 5432, host: "db.internal.example.com", documentName: "ssm-dev-forward-db.internal.example.com-5432" },
          { port: 6379, host: "10.10.1.25", documentName: "ssm-dev-forward-10.10.1.25-6379" },
        ]);
        expect(access.portForwardingDocumentResources).toHaveLength(4);
        for (const [i, d] of access.portForwardingDocumentResources.entries()) {
          new TerraformOutput(scope, `document${i}`, { value: d.name });
        }
      });
      const nameRefs = [0, 1, 2, 3].map((i) => out.output?.[`document${i}`].value);
      const idsInOrder = nameRefs.map((r) => /^\$\{aws_ssm_document\.(.+)\.name\}$/.exec(String(r))?.[1]);
      expect(idsInOrder.map((id) => resourcesOf(out, TfSsmDocument)[id ?? ""]?.name)).toEqual([
        "ssm-dev-forward-5432",
        "ssm-dev-forward-8080",
        "ssm-dev-forward-db.internal.example.com-5432",
        "ssm-dev-forward-10.10.1.25-6379",
      ]);
    });

    it("keeps each document's logical id when the lists are reordered", () => {
      const reordered = synth({
        portForwarding: {
          ports: [8080, 5432],
          remoteHosts: [
            { host: "10.10.1.25", port: 6379 },
            { host: "db.internal.example.com", port: 5432 },
          ],
        },
      });
      const idsByName = (j: TerraformJson) =>
        Object.fromEntries(Object.entries(resourcesOf(j, TfSsmDocument)).map(([id, d]) => [d.name as string, id]));
      expect(idsByName(reordered)).toEqual(idsByName(json));
    });

    it("exposes no document without portForwarding", () => {
      synthJson((scope) => {
        const access = new OperatorAccess(scope, "Operators", base);
        expect(access.portForwardingDocuments).toEqual([]);
        expect(access.portForwardingDocumentResources).toEqual([]);
      });
    });
  });

  describe("for a principal that also holds AmazonSSMFullAccess, evaluated as IAM would", () => {
    const json = synth({ portForwarding: { ports: [5432] } });
    const ours = statements(json);
    const doc = (name: string, account = "111122223333", region = "eu-west-1") =>
      `arn:aws:ssm:${region}:${account}:document/${name}`;
    const start = (policies: ReadonlyArray<Record<string, unknown>>, resource: string, tag = "operators") =>
      evaluate(policies, {
        action: "ssm:StartSession",
        resource,
        context: {
          "aws:userid": "AIDAEXAMPLEALICE",
          "ssm:SessionDocumentAccessCheck": "true",
          "ssm:resourceTag/SessionAccess": tag,
        },
      });
    const both = [...AMAZON_SSM_FULL_ACCESS, ...ours];

    it("denies explicitly every other Session document, AWS-owned or the account's", () => {
      for (const name of ["AWS-StartInteractiveCommand", "AWS-StartNonInteractiveCommand"]) {
        // AmazonSSMFullAccess alone would allow them: the deny is what closes them.
        expect(start(AMAZON_SSM_FULL_ACCESS, doc(name, ""))).toBe("Allow");
        expect(start(both, doc(name, ""))).toBe("ExplicitDeny");
        expect(start(both, doc(name))).toBe("ExplicitDeny");
      }
      expect(start(both, doc("team-debug-shell"))).toBe("ExplicitDeny");
      // Documents named like the port documents are exempt from the deny: whoever may
      // create them (ssm:CreateDocument) may as well rewrite the port documents themselves.
      expect(start(both, doc("ssm-prod-forward-5432"))).toBe("ExplicitDeny");
    });

    it("denies explicitly instances and documents of other Regions and accounts", () => {
      expect(start(both, "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0")).toBe("ExplicitDeny");
      expect(start(both, "arn:aws:ec2:eu-west-1:444455556666:instance/i-0123456789abcdef0")).toBe("ExplicitDeny");
      expect(start(both, doc("SSM-SessionManagerRunShell", "111122223333", "us-east-1"))).toBe("ExplicitDeny");
    });

    it("still allows the environment's instances, the preferences document and its own port documents", () => {
      expect(start(both, "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0")).toBe("Allow");
      expect(start(both, doc("SSM-SessionManagerRunShell"))).toBe("Allow");
      expect(start(both, doc("ssm-dev-forward-5432"))).toBe("Allow");
      // Our policy alone: the same three, still under the tag condition.
      expect(start(ours, "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0")).toBe("Allow");
      expect(start(ours, "arn:aws:ec2:eu-west-1:111122223333:instance/i-0123456789abcdef0", "other")).toBe(
        "ImplicitDeny",
      );
    });

    it("names exactly those resources in the deny", () => {
      expect(bySid(json, "DenyStartSessionOutsideThisEnvironment")).toEqual({
        Sid: "DenyStartSessionOutsideThisEnvironment",
        Effect: "Deny",
        Action: "ssm:StartSession",
        NotResource: [
          "arn:aws:ec2:eu-west-1:111122223333:instance/*",
          "arn:aws:ssm:eu-west-1:111122223333:document/SSM-SessionManagerRunShell",
          "arn:aws:ssm:eu-west-1:111122223333:document/ssm-dev-forward-*",
        ],
      });
      expect(bySid(synth(), "DenyStartSessionOutsideThisEnvironment")?.NotResource).toEqual([
        "arn:aws:ec2:eu-west-1:111122223333:instance/*",
        "arn:aws:ssm:eu-west-1:111122223333:document/SSM-SessionManagerRunShell",
      ]);
    });
  });

  describe("statements granted by other constructs (addToPolicy)", () => {
    const keyUse = { Sid: "SessionKeyUse", Effect: "Allow" as const, Action: "kms:GenerateDataKey", Resource: KEY_ARN };

    it("are appended to the access policy, after its own", () => {
      const json = synthJson((scope) => new OperatorAccess(scope, "Operators", base).addToPolicy(keyUse));
      expect(statements(json).at(-1)).toEqual(keyUse);
      expect(statements(json)).toHaveLength(statements(synth()).length + 1);
    });

    it("carry the session key of SessionLogging, by reference, through its grantStartSession", () => {
      const json = synthJson((scope) => {
        const logging = new SessionLogging(scope, "Logging", {
          namePrefix: "ssm-dev",
          region: "eu-west-1",
          accountId: "111122223333",
        });
        logging.grantStartSession(new OperatorAccess(scope, "Operators", base));
      });
      const keyId = Object.keys(resourcesOf(json, "aws_kms_key"))[0];
      expect(bySid(json, "SessionKeyUse")).toEqual({ ...keyUse, Resource: `\${aws_kms_key.${keyId}.arn}` });
    });

    it("are kept once when granted twice", () => {
      const json = synthJson((scope) => {
        const access = new OperatorAccess(scope, "Operators", base);
        access.addToPolicy(keyUse);
        access.addToPolicy(keyUse);
      });
      expect(statements(json).filter((st) => st.Sid === "SessionKeyUse")).toHaveLength(1);
    });

    it("are checked: a bare * action and a Sid of the policy's own are rejected", () => {
      synthJson((scope) => {
        const access = new OperatorAccess(scope, "Operators", base);
        expect(() => access.addToPolicy({ Effect: "Allow", Action: "*", Resource: "*" })).toThrow(
          /statements\[0\]\.Action: "\*" grants every action/,
        );
        expect(() => access.addToPolicy({ ...keyUse, Sid: "ManageOwnSessions" })).toThrow(
          /Sid "ManageOwnSessions" is used by more than one statement/,
        );
      });
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
        const access = new OperatorAccess(scope, "Operators", {
          ...base,
          assumeRole: { trustedPrincipalArns: [ALICE] },
        });
        const out = {
          policyArn: access.policyArn,
          policyName: access.policyName,
          roleArn: access.roleArn,
          roleName: access.roleName,
        };
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

  describe("ending, resuming and attaching to sessions, evaluated as IAM would on the rendered policy", () => {
    const policy = statements(synth());

    /** A caller, by the request context keys IAM gives it. */
    interface Principal {
      readonly context: Readonly<Record<string, string>>;
    }
    // aws:userid: the unique id for IAM users (who also have aws:username);
    // <role id>:<role session name> for assumed roles and for IAM Identity
    // Center users (whose session name is their user name); no aws:username.
    const user = (name: string, id: string): Principal => ({ context: { "aws:userid": id, "aws:username": name } });
    const role = (userid: string): Principal => ({ context: { "aws:userid": userid } });
    const alice = user("alice", "AIDAEXAMPLEALICE00001");
    const bob = user("bob", "AIDAEXAMPLEBOB0000001");
    const bobAdmin = user("bob-admin", "AIDAEXAMPLEBOBADMIN01");
    const aliceRole = role("AROAEXAMPLEOPERATOR01:alice");
    const aliceAdminRole = role("AROAEXAMPLEOPERATOR01:alice-admin");
    const bobRole = role("AROAEXAMPLEOPERATOR01:bob");
    const aliceSso = role("AROAEXAMPLEPERMSET001:alice@example.com");
    const bobSso = role("AROAEXAMPLEPERMSET001:bob@example.com");

    /** A session as Session Manager creates it: id `<prefix>-<random>`, tagged with its starter's aws:userid. */
    interface Session {
      readonly id: string;
      readonly owner: string;
      readonly arn?: string;
    }
    const sessionOf = (starter: Principal, idPrefix: string): Session => ({
      id: `${idPrefix}-0a1b2c3d4e5f6a7b8`,
      owner: starter.context["aws:userid"],
    });
    const on = (action: string, who: Principal, session: Session): string => {
      const request: IamRequest = {
        action,
        resource: session.arn ?? `arn:aws:ssm:eu-west-1:111122223333:session/${session.id}`,
        context: { ...who.context, "ssm:resourceTag/aws:ssmmessages:session-id": session.owner },
      };
      return evaluate(policy, request);
    };
    const manage = ["ssm:TerminateSession", "ssm:ResumeSession"];

    describe.each(manage)("%s", (action) => {
      it("an IAM user may act on their own session (aws:userid AIDA...)", () => {
        expect(on(action, alice, sessionOf(alice, "alice"))).toBe("Allow");
      });

      it("an assumed-role principal may act on their own session (aws:userid AROA...:session-name), though it has no aws:username", () => {
        expect(on(action, aliceRole, sessionOf(aliceRole, "alice"))).toBe("Allow");
      });

      it("an IAM Identity Center user may act on their own session (aws:userid AROA...:user@example.com)", () => {
        expect(on(action, aliceSso, sessionOf(aliceSso, "alice@example.com"))).toBe("Allow");
      });

      it("bob may not act on bob-admin's session, though its id starts with bob-, nor bob-admin on bob's", () => {
        expect(on(action, bob, sessionOf(bobAdmin, "bob-admin"))).toBe("ImplicitDeny");
        expect(on(action, bobAdmin, sessionOf(bob, "bob"))).toBe("ImplicitDeny");
      });

      it("nobody may act on another person's session, through the same role or Identity Center permission set", () => {
        expect(on(action, bob, sessionOf(alice, "alice"))).toBe("ImplicitDeny");
        expect(on(action, bobRole, sessionOf(aliceRole, "alice"))).toBe("ImplicitDeny");
        expect(on(action, aliceRole, sessionOf(aliceAdminRole, "alice-admin"))).toBe("ImplicitDeny");
        expect(on(action, bobSso, sessionOf(aliceSso, "alice@example.com"))).toBe("ImplicitDeny");
        expect(on(action, aliceRole, sessionOf(alice, "alice"))).toBe("ImplicitDeny");
      });

      it("a session without the tag, or in another Region or account, is nobody's here", () => {
        const untagged = evaluate(policy, {
          action,
          resource: "arn:aws:ssm:eu-west-1:111122223333:session/alice-0a1b2c3d4e5f6a7b8",
          context: alice.context,
        });
        expect(untagged).toBe("ImplicitDeny");
        const own = sessionOf(alice, "alice");
        expect(on(action, alice, { ...own, arn: `arn:aws:ssm:eu-west-2:111122223333:session/${own.id}` })).toBe(
          "ImplicitDeny",
        );
        expect(on(action, alice, { ...own, arn: `arn:aws:ssm:eu-west-1:444455556666:session/${own.id}` })).toBe(
          "ImplicitDeny",
        );
      });
    });

    it("the former statement, judged the same way, let bob resume bob-admin's session and locked roles out (why it was replaced)", () => {
      const former = [{ Effect: "Allow", Action: manage, Resource: "arn:aws:ssm:*:*:session/${aws:username}-*" }];
      const formerOn = (who: Principal, session: Session) =>
        evaluate(former, {
          action: "ssm:ResumeSession",
          resource: `arn:aws:ssm:eu-west-1:111122223333:session/${session.id}`,
          context: { ...who.context, "ssm:resourceTag/aws:ssmmessages:session-id": session.owner },
        });
      expect(formerOn(bob, sessionOf(bobAdmin, "bob-admin"))).toBe("Allow");
      expect(formerOn(aliceRole, sessionOf(aliceRole, "alice"))).toBe("ImplicitDeny");
      expect(formerOn(aliceSso, sessionOf(aliceSso, "alice@example.com"))).toBe("ImplicitDeny");
    });

    describe("ssmmessages:OpenDataChannel (session ids starting with the caller's aws:userid, as AWS's quick-start policy assumes)", () => {
      const open = (who: Principal, session: Session) => on("ssmmessages:OpenDataChannel", who, session);
      const own = (who: Principal) => sessionOf(who, who.context["aws:userid"]);

      it("is allowed on one's own sessions, for every kind of principal", () => {
        for (const who of [alice, aliceRole, aliceSso]) expect(open(who, own(who))).toBe("Allow");
      });

      it("is denied on other people's sessions", () => {
        expect(open(bob, own(alice))).toBe("ImplicitDeny");
        expect(open(bob, own(bobAdmin))).toBe("ImplicitDeny");
        expect(open(bobSso, own(aliceSso))).toBe("ImplicitDeny");
      });

      it('matches by prefix, as AWS\'s pattern does: role session "alice" also matches "alice-admin"; taking a session over needs ssm:ResumeSession, which matches exactly', () => {
        expect(open(aliceRole, own(aliceAdminRole))).toBe("Allow");
        expect(on("ssm:ResumeSession", aliceRole, own(aliceAdminRole))).toBe("ImplicitDeny");
      });
    });
  });

  describe("validation", () => {
    it("rejects an invalid namePrefix", () => {
      expect(build({ namePrefix: "ssm dev" })).toThrow(
        /namePrefix: "ssm dev" must be lower-case letters, digits and "-", starting with a letter, at most 64 characters/,
      );
    });

    it("rejects a namePrefix whose policy and role name exceeds 64 characters", () => {
      expect(build({ namePrefix: "a".repeat(52) })).toThrow(
        /namePrefix: the policy and role name "a{52}-ssm-operator" is 65 characters/,
      );
      expect(build({ namePrefix: "a".repeat(51) })).not.toThrow();
    });

    it("rejects a region that is not a Region code", () => {
      expect(build({ region: "eu-west" })).toThrow(/region: "eu-west" is not an AWS Region code/);
    });

    it("rejects an account id that is not 12 digits", () => {
      expect(build({ accountId: "1111-2222-3333" })).toThrow(
        /accountId: "1111-2222-3333" is not a 12-digit AWS account id/,
      );
    });

    it("rejects an empty tag key", () => {
      expect(build({ targetTag: { key: "", value: "operators" } })).toThrow(/targetTag.key: must not be empty/);
    });

    it("rejects a tag key reserved by AWS or with invalid characters", () => {
      expect(build({ targetTag: { key: "aws:team", value: "x" } })).toThrow(
        /targetTag.key: "aws:team" is not a tag key/,
      );
      expect(build({ targetTag: { key: "team*", value: "x" } })).toThrow(/targetTag.key: "team\*" is not a tag key/);
    });

    it("rejects a tag value with invalid characters or over 256 characters", () => {
      expect(build({ targetTag: { key: "team", value: "a*" } })).toThrow(/targetTag.value: "a\*" is not a tag value/);
      expect(build({ targetTag: { key: "team", value: "a".repeat(257) } })).toThrow(
        /targetTag.value: "a{257}" is not a tag value/,
      );
      expect(build({ targetTag: { key: "team", value: "" } })).toThrow(/targetTag.value: must not be empty/);
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

    describe("of portForwarding", () => {
      it.each<[string, OperatorAccessProps["portForwarding"], RegExp]>([
        [
          "port 22 (SSH)",
          { ports: [5432, 22] },
          /portForwarding\.ports\[1\]: 22 is SSH: a forwarded SSH port is a shell that no session log records/,
        ],
        [
          "port 22 of a remote host",
          { remoteHosts: [{ host: "bastion.internal", port: 22 }] },
          /portForwarding\.remoteHosts\[0\]\.port: 22 is SSH/,
        ],
        [
          "port 0",
          { ports: [0] },
          /portForwarding\.ports\[0\]: 0 is not a TCP port \(a whole number from 1 to 65535\)/,
        ],
        ["port 65536", { ports: [65536] }, /portForwarding\.ports\[0\]: 65536 is not a TCP port/],
        ["a fractional port", { ports: [80.5] }, /portForwarding\.ports\[0\]: 80\.5 is not a TCP port/],
        [
          "a remote port outside 1-65535",
          { remoteHosts: [{ host: "db.internal", port: -1 }] },
          /portForwarding\.remoteHosts\[0\]\.port: -1 is not a TCP port/,
        ],
        ["a port listed twice", { ports: [5432, 8080, 5432] }, /portForwarding\.ports: 5432 is listed more than once/],
        [
          "a host:port listed twice (hosts compared without case)",
          {
            remoteHosts: [
              { host: "db.internal", port: 5432 },
              { host: "DB.internal", port: 5432 },
            ],
          },
          /portForwarding\.remoteHosts: db\.internal:5432 is listed more than once/,
        ],
        [
          "a host with a scheme",
          { remoteHosts: [{ host: "https://db.internal", port: 443 }] },
          /portForwarding\.remoteHosts\[0\]\.host: "https:\/\/db\.internal" is not a DNS name .* or an IPv4 address/,
        ],
        [
          "a host with a port",
          { remoteHosts: [{ host: "db.internal:5432", port: 5432 }] },
          /portForwarding\.remoteHosts\[0\]\.host: "db\.internal:5432" is not a DNS name/,
        ],
        [
          "an IPv4 address out of range",
          { remoteHosts: [{ host: "10.0.0.256", port: 5432 }] },
          /portForwarding\.remoteHosts\[0\]\.host: "10\.0\.0\.256" is not a DNS name/,
        ],
        [
          "a label starting with -",
          { remoteHosts: [{ host: "-db.internal", port: 5432 }] },
          /portForwarding\.remoteHosts\[0\]\.host: "-db\.internal" is not a DNS name/,
        ],
        [
          "an empty host",
          { remoteHosts: [{ host: "", port: 5432 }] },
          /portForwarding\.remoteHosts\[0\]\.host: "" is not a DNS name/,
        ],
        [
          "nothing to forward",
          {},
          /portForwarding: lists no port and no remote host; leave portForwarding out to turn port forwarding off/,
        ],
        ["empty lists", { ports: [], remoteHosts: [] }, /portForwarding: lists no port and no remote host/],
      ])("rejects %s", (_what, portForwarding, expected) => {
        expect(build({ portForwarding })).toThrow(expected);
      });

      it("accepts DNS names and IPv4 addresses", () => {
        const remoteHosts = [
          "db",
          "db.internal.example.com",
          "my-db-1.cluster-abc.eu-west-1.rds.amazonaws.com",
          "10.10.1.25",
          "192.168.0.1",
        ].map((host) => ({ host, port: 5432 }));
        expect(build({ portForwarding: { ports: [1, 65535], remoteHosts } })).not.toThrow();
      });

      it("rejects a document name over 128 characters, with the field that makes it long", () => {
        const host = `${"a".repeat(60)}.${"b".repeat(50)}.example.com`;
        expect(build({ portForwarding: { remoteHosts: [{ host, port: 5432 }] } })).toThrow(
          /portForwarding\.remoteHosts\[0\]\.host: the Session document name "ssm-dev-forward-a+\.b+\.example\.com-5432" is 144 characters; SSM allows at most 128/,
        );
      });

      it("rejects a namePrefix that would give document names a prefix AWS reserves", () => {
        for (const namePrefix of ["aws-dev", "amazon-tools", "amzn"]) {
          expect(build({ namePrefix, portForwarding: { ports: [5432] } })).toThrow(
            /namePrefix: the port forwarding document names would start with "(aws|amazon|amzn)", a prefix AWS reserves/,
          );
          expect(build({ namePrefix })).not.toThrow();
        }
      });

      it("rejects more forwardings than the 6,144-character managed policy can name, counting a referenced key at full length", () => {
        const hosts = (n: number) =>
          Array.from({ length: n }, (_, i) => ({ host: `db-${i}.internal.example.com`, port: 5432 }));
        expect(build({ portForwarding: { remoteHosts: hosts(40) } })).not.toThrow();
        expect(build({ portForwarding: { remoteHosts: hosts(60) } })).toThrow(
          /portForwarding: the access policy would be \d+ characters with 60 port forwarding documents; IAM allows 6144: allow fewer ports and hosts/,
        );
        const fits = synthJson((scope) => {
          const logging = new SessionLogging(scope, "Logging", {
            namePrefix: "ssm-dev",
            region: "eu-west-1",
            accountId: "111122223333",
          });
          logging.grantStartSession(
            new OperatorAccess(scope, "Operators", { ...base, portForwarding: { remoteHosts: hosts(40) } }),
          );
        });
        expect(
          JSON.stringify(parsePolicy(unescapeTerraformTemplate(onlyOf(fits, TfIamPolicy).policy as string))).length,
        ).toBeLessThanOrEqual(6144);
      });

      it("rejects a grant that would take the policy over 6,144 characters, and keeps the policy as it was", () => {
        const hosts = Array.from({ length: 40 }, (_, i) => ({ host: `db-${i}.internal.example.com`, port: 5432 }));
        synthJson((scope) => {
          const access = new OperatorAccess(scope, "Operators", { ...base, portForwarding: { remoteHosts: hosts } });
          const before = access.statements.length;
          const large = {
            Sid: "Large",
            Effect: "Allow" as const,
            Action: "s3:GetObject",
            Resource: Array.from({ length: 20 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`),
          };
          expect(() => access.addToPolicy(large)).toThrow(
            /portForwarding: the access policy would be \d+ characters with 40 port forwarding documents; IAM allows 6144/,
          );
          expect(access.statements).toHaveLength(before);
        });
      });

      it("reports every port forwarding problem at once, each with its path", () => {
        expect(build({ portForwarding: { ports: [22, 0], remoteHosts: [{ host: "x y", port: 22 }] } })).toThrow(
          /4 problems\n {2}- portForwarding\.ports\[0\]: 22 is SSH.*\n {2}- portForwarding\.ports\[1\]: 0 is not a TCP port.*\n {2}- portForwarding\.remoteHosts\[0\]\.host: "x y" is not a DNS name.*\n {2}- portForwarding\.remoteHosts\[0\]\.port: 22 is SSH/,
        );
      });
    });

    it("reports every problem at once", () => {
      expect(build({ accountId: "1", region: "x", targetTag: { key: "", value: "" } })).toThrow(/4 problems/);
    });
  });
});

describe("OperatorAccess", () => {
  describe("with a provider", () => {
    it("creates every resource, port forwarding documents and role included, with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        new OperatorAccess(scope, "Access", {
          ...base,
          portForwarding: { ports: [5432], remoteHosts: [{ host: "10.10.1.25", port: 6379 }] },
          assumeRole: { trustedPrincipalArns: [ALICE] },
          provider,
        });
      });
      expect(Object.keys(providersOf(json))).toHaveLength(5);
      expect(offProvider(json)).toEqual({});
    });
  });
});
