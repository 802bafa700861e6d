import { IamInstanceProfile as TfIamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamPolicy as TfIamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole as TfIamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy as TfIamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment as TfIamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { ValidationError } from "@ssm-access/core";
import {
  configsOf,
  onlyOf,
  parsePolicy,
  providersOf,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
  offProvider,
} from "@ssm-access/core/testing";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { PolicyStatement, SsmInstanceRole, SsmInstanceRoleProps } from "../src";
import { evaluate } from "./iam-evaluator";

const base: SsmInstanceRoleProps = { namePrefix: "ssm-dev", region: "eu-west-1" };
const readParam: PolicyStatement = {
  Effect: "Allow",
  Action: "ssm:GetParameter",
  Resource: "arn:aws:ssm:eu-west-1:111122223333:parameter/app/config",
};

/** The Deny every role carries: parameter reads outside /aws/service/ and /ssm-dev/. */
const denyOtherParameters = {
  Sid: "DenyParameterReadsOutsideOwnPaths",
  Effect: "Deny",
  Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"],
  NotResource: [
    "arn:aws:ssm:*:*:parameter/aws/service/*",
    "arn:aws:ssm:eu-west-1:*:parameter/ssm-dev",
    "arn:aws:ssm:eu-west-1:*:parameter/ssm-dev/*",
  ],
};

function synth(props: Partial<SsmInstanceRoleProps> = {}, after?: (role: SsmInstanceRole, scope: Construct) => void) {
  return synthJson((scope) => {
    const role = new SsmInstanceRole(scope, "InstanceRole", { ...base, ...props });
    after?.(role, scope);
  }, props.region ?? base.region);
}

function build(props: Partial<SsmInstanceRoleProps>): () => void {
  return () => synth(props);
}

function attachedArns(json: ReturnType<typeof synth>): unknown[] {
  return configsOf(json, TfIamRolePolicyAttachment).map((a) => a.policy_arn);
}

describe("SsmInstanceRole", () => {
  describe("with only the required props", () => {
    const json = synth();
    const role = onlyOf(json, TfIamRole);

    it("is trusted by ec2.amazonaws.com for sts:AssumeRole and nothing else", () => {
      expect(parsePolicy(role.assume_role_policy)).toEqual({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
    });

    it("is named <namePrefix>-ssm-instance at path /, without a permissions boundary", () => {
      expect(role.name).toBe("ssm-dev-ssm-instance");
      expect(role.path).toBe("/");
      expect(role.permissions_boundary).toBeUndefined();
    });

    it("has AmazonSSMManagedInstanceCore attached and no other managed policy", () => {
      expect(configsOf(json, TfIamRolePolicyAttachment)).toEqual([
        {
          policy_arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
          role: `\${aws_iam_role.${Object.keys(resourcesOf(json, TfIamRole))[0]}.name}`,
        },
      ]);
    });

    it("has an instance profile of the same name holding the role", () => {
      const profile = onlyOf(json, TfIamInstanceProfile);
      expect(profile.name).toBe("ssm-dev-ssm-instance");
      expect(profile.role).toBe(`\${aws_iam_role.${Object.keys(resourcesOf(json, TfIamRole))[0]}.name}`);
    });

    it("has an inline policy with only the Deny on parameter reads outside /aws/service/ and its own path", () => {
      expect(parsePolicy(onlyOf(json, TfIamRolePolicy).policy).Statement).toEqual([denyOtherParameters]);
    });
  });

  describe("the managed policy ARN follows the Region's partition", () => {
    it.each([
      ["eu-west-1", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
      ["cn-north-1", "arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore"],
      ["us-gov-west-1", "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    ])("in %s it is %s", (region, arn) => {
      expect(attachedArns(synth({ region }))).toEqual([arn]);
    });
  });

  describe("with optional props", () => {
    it("attaches each extra managed policy besides AmazonSSMManagedInstanceCore", () => {
      const extra = ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", "arn:aws:iam::111122223333:policy/app"];
      expect(attachedArns(synth({ managedPolicyArns: extra }))).toEqual([
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ...extra,
      ]);
    });

    it("accepts a managed policy ARN that is a reference to another resource", () => {
      const json = synthJson((scope) => {
        const policy = new TfIamPolicy(scope, "AppPolicy", { policy: "{}" });
        new SsmInstanceRole(scope, "InstanceRole", { ...base, managedPolicyArns: [policy.arn] });
      });
      expect(attachedArns(json)).toContain(`\${aws_iam_policy.AppPolicy.arn}`);
    });

    it("sets the permissions boundary and the path on the role and the profile", () => {
      const json = synth({ permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/boundary", path: "/ssm/" });
      expect(onlyOf(json, TfIamRole).permissions_boundary).toBe("arn:aws:iam::111122223333:policy/boundary");
      expect(onlyOf(json, TfIamRole).path).toBe("/ssm/");
      expect(onlyOf(json, TfIamInstanceProfile).path).toBe("/ssm/");
    });
  });

  describe("inline policy", () => {
    it("holds the inline statements in one policy named like the role", () => {
      const other: PolicyStatement = { ...readParam, Resource: "arn:aws:ssm:eu-west-1:111122223333:parameter/app/db" };
      const policy = onlyOf(synth({ inlineStatements: [readParam, other] }), TfIamRolePolicy);
      expect(policy.name).toBe("ssm-dev-ssm-instance");
      expect(parsePolicy(policy.policy).Statement).toEqual([denyOtherParameters, readParam, other]);
    });

    it("also receives statements added after other constructs were created", () => {
      const later: PolicyStatement = {
        Sid: "Later",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::b/*",
      };
      const json = synth({ inlineStatements: [readParam] }, (role, scope) => {
        new TfIamPolicy(scope, "Unrelated", { policy: "{}" });
        role.addToPolicy(later);
      });
      expect(parsePolicy(onlyOf(json, TfIamRolePolicy).policy).Statement).toEqual([
        denyOtherParameters,
        readParam,
        later,
      ]);
    });

    it("keeps identical statements once", () => {
      const json = synth({}, (role) => {
        role.addToPolicy(readParam);
        role.addToPolicy(readParam, { ...readParam });
      });
      expect(parsePolicy(onlyOf(json, TfIamRolePolicy).policy).Statement).toEqual([denyOtherParameters, readParam]);
    });

    it("exposes the inline policy", () => {
      synthJson((scope) => {
        const role = new SsmInstanceRole(scope, "InstanceRole", base);
        expect(role.policy).toBeInstanceOf(TfIamRolePolicy);
      });
    });
  });

  describe("parameter reads, evaluated as IAM would with AmazonSSMManagedInstanceCore's GetParameter* on *", () => {
    const managedCore = { Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: "*" };
    const read = (json: ReturnType<typeof synth>, resource: string, action = "ssm:GetParameter") =>
      evaluate([managedCore, ...parsePolicy(onlyOf(json, TfIamRolePolicy).policy).Statement], {
        action,
        resource,
        context: {},
      });

    it("reads AWS's public parameters and the environment's own path, nothing else", () => {
      const json = synth({ accountId: "111122223333" });
      expect(
        read(
          json,
          "arn:aws:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        ),
      ).toBe("Allow");
      expect(read(json, "arn:aws:ssm:eu-west-1:111122223333:parameter/ssm-dev/app/db-url")).toBe("Allow");
      expect(read(json, "arn:aws:ssm:eu-west-1:111122223333:parameter/ssm-prod/app/db-url")).toBe("ExplicitDeny");
      expect(read(json, "arn:aws:ssm:eu-west-1:111122223333:parameter/ssm-dev-other/x")).toBe("ExplicitDeny");
      expect(read(json, "arn:aws:ssm:eu-west-1:444455556666:parameter/ssm-dev/x")).toBe("ExplicitDeny");
      expect(read(json, "arn:aws:ssm:eu-west-1:111122223333:parameter/ssm-prod", "ssm:GetParametersByPath")).toBe(
        "ExplicitDeny",
      );
    });

    it("reads the paths of parameterReadPaths instead of /<namePrefix>/", () => {
      const json = synth({ accountId: "111122223333", parameterReadPaths: ["/app/", "/shared/config/"] });
      expect(read(json, "arn:aws:ssm:eu-west-1:111122223333:parameter/app/config")).toBe("Allow");
      expect(read(json, "arn:aws:ssm:eu-west-1:111122223333:parameter/shared/config/x")).toBe("Allow");
      expect(read(json, "arn:aws:ssm:eu-west-1:111122223333:parameter/shared/secret")).toBe("ExplicitDeny");
      expect(read(json, "arn:aws:ssm:eu-west-1:111122223333:parameter/ssm-dev/x")).toBe("ExplicitDeny");
    });

    it("rejects parameter paths that are not /path/ or lie under /aws/", () => {
      expect(build({ parameterReadPaths: ["app"] })).toThrow(/parameterReadPaths\[0\]: "app" must be a parameter path/);
      expect(build({ parameterReadPaths: ["/aws/service/"] })).toThrow(/parameterReadPaths\[0\]: .*not under \/aws\//);
      expect(build({ parameterReadPaths: ["/a/", "/a/"] })).toThrow(
        /parameterReadPaths: \/a\/ is listed more than once/,
      );
    });

    it("passes IAM policy variables to AWS unchanged (escaped for Terraform)", () => {
      const own: PolicyStatement = {
        ...readParam,
        Resource: "arn:aws:ssm:eu-west-1:111122223333:parameter/home/${aws:username}",
      };
      const raw = onlyOf(synth({ inlineStatements: [own] }), TfIamRolePolicy).policy as string;
      expect(raw).toContain("parameter/home/$${aws:username}");
    });

    it("rejects a Sid used by two different statements", () => {
      expect(() =>
        synth({}, (role) => {
          role.addToPolicy({ ...readParam, Sid: "Read" });
          role.addToPolicy({ ...readParam, Sid: "Read", Action: "ssm:GetParameters" });
        }),
      ).toThrow('statements: Sid "Read" is used by more than one statement');
    });

    it("rejects an added statement with a wildcard action", () => {
      expect(() => synth({}, (role) => role.addToPolicy({ ...readParam, Action: "*" }))).toThrow(
        /statements\[0\]\.Action: "\*" grants every action/,
      );
    });
  });

  describe("public properties", () => {
    it("reference the role and the instance profile", () => {
      const json = synthJson((scope) => {
        const role = new SsmInstanceRole(scope, "InstanceRole", base);
        new TerraformOutput(scope, "role_name", { value: role.roleName });
        new TerraformOutput(scope, "role_arn", { value: role.roleArn });
        new TerraformOutput(scope, "profile_name", { value: role.instanceProfileName });
        new TerraformOutput(scope, "profile_arn", { value: role.instanceProfileArn });
      });
      const roleId = Object.keys(resourcesOf(json, TfIamRole))[0];
      const profileId = Object.keys(resourcesOf(json, TfIamInstanceProfile))[0];
      expect(json.output?.role_name.value).toBe(`\${aws_iam_role.${roleId}.name}`);
      expect(json.output?.role_arn.value).toBe(`\${aws_iam_role.${roleId}.arn}`);
      expect(json.output?.profile_name.value).toBe(`\${aws_iam_instance_profile.${profileId}.name}`);
      expect(json.output?.profile_arn.value).toBe(`\${aws_iam_instance_profile.${profileId}.arn}`);
    });
  });

  describe("validation", () => {
    it("rejects a namePrefix that is not lower-case kebab-case", () => {
      expect(build({ namePrefix: "Ssm_Dev" })).toThrow(
        /namePrefix: "Ssm_Dev" must be lower-case letters, digits and "-", starting with a letter, at most 64 characters/,
      );
    });

    it("rejects a namePrefix whose role name exceeds 64 characters", () => {
      const namePrefix = "a".repeat(52);
      expect(build({ namePrefix })).toThrow(
        new RegExp(
          `namePrefix: the role and instance profile name "${namePrefix}-ssm-instance" is 65 characters; IAM allows at most 64`,
        ),
      );
      expect(build({ namePrefix: "a".repeat(51) })).not.toThrow();
    });

    it("rejects a region that is not a Region code", () => {
      expect(build({ region: "Europe" })).toThrow(/region: "Europe" is not an AWS Region code/);
    });

    it("rejects a managed policy ARN of the wrong shape", () => {
      expect(build({ managedPolicyArns: ["AmazonS3ReadOnlyAccess"] })).toThrow(
        /managedPolicyArns\[0\]: "AmazonS3ReadOnlyAccess" is not an IAM policy ARN/,
      );
    });

    it("rejects a managed policy ARN of another partition", () => {
      expect(build({ region: "cn-north-1", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] })).toThrow(
        /managedPolicyArns\[0\]: "arn:aws:iam::aws:policy\/ReadOnlyAccess" is in partition aws, the Region is in aws-cn/,
      );
    });

    it("rejects a managed policy listed twice", () => {
      const arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
      expect(build({ managedPolicyArns: [arn, arn] })).toThrow(
        /managedPolicyArns: arn:aws:iam::aws:policy\/ReadOnlyAccess is listed more than once/,
      );
    });

    it("rejects listing AmazonSSMManagedInstanceCore, which is always attached", () => {
      expect(build({ managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"] })).toThrow(
        /managedPolicyArns: AmazonSSMManagedInstanceCore is always attached/,
      );
    });

    it("rejects an inline statement without Effect, Action or Resource", () => {
      const bad = { Sid: "Bad" } as unknown as PolicyStatement;
      const error = (() => {
        try {
          synth({ inlineStatements: [readParam, bad] });
        } catch (e) {
          return e as ValidationError;
        }
        throw new Error("no error");
      })();
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.issues.map((i) => i.path)).toEqual([
        "inlineStatements[1].Effect",
        "inlineStatements[1].Action",
        "inlineStatements[1].Resource",
      ]);
    });

    it('rejects an inline statement with Action "*"', () => {
      expect(build({ inlineStatements: [{ ...readParam, Action: "*" }] })).toThrow(
        /inlineStatements\[0\]\.Action: "\*" grants every action of every service/,
      );
    });

    it("rejects a permissions boundary that is not a policy ARN", () => {
      expect(build({ permissionsBoundaryArn: "boundary" })).toThrow(
        /permissionsBoundaryArn: "boundary" is not an IAM policy ARN/,
      );
    });

    it("rejects a path that does not start and end with /", () => {
      expect(build({ path: "ssm" })).toThrow(/path: "ssm" must be "\/" or start and end with "\/"/);
      expect(build({ path: "/ssm" })).toThrow(/path: "\/ssm" must be/);
    });

    it("reports every problem at once, before creating anything", () => {
      expect(build({ namePrefix: "X", region: "nowhere", path: "x" })).toThrow(/3 problems/);
    });
  });

  describe("with a provider", () => {
    it("creates every resource, the policy added later included, with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        const role = new SsmInstanceRole(scope, "Role", {
          ...base,
          managedPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
          provider,
        });
        role.addToPolicy(readParam);
      });
      expect(Object.keys(providersOf(json))).toHaveLength(5);
      expect(offProvider(json)).toEqual({});
    });
  });
});
