import { Lazy, TerraformProvider, Token } from "cdktf";
import { Construct } from "constructs";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import {
  PARTITION_PATTERN_SOURCE,
  PolicyGrantee,
  PolicyStatement,
  SsmAccessProps,
  Validator,
  awsManagedPolicyArn,
  checkSsmAccessProps,
  duplicates,
  partitionForRegion,
  resourceName,
} from "@ssm-access/core";
import { renderPolicy, validateStatements } from "./private/policy";
import { StatementList } from "./private/statement-list";

/** The AWS managed policy that lets the SSM Agent register the instance and carry sessions. */
export const SSM_MANAGED_INSTANCE_CORE = "AmazonSSMManagedInstanceCore";

/** The Sid of the explicit Deny on parameter reads outside {@link SsmInstanceRoleProps.parameterReadPaths}. */
export const DENY_OTHER_PARAMETERS_SID = "DenyParameterReadsOutsideOwnPaths";

const PARAMETER_PATH_PATTERN = /^\/(?:[a-zA-Z0-9_.-]+\/)+$/;

/** Longest IAM role name AWS accepts (the instance profile gets the same name). */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;

const IAM_NAME_PATTERN = /^[\w+=,.@-]+$/;
const IAM_PATH_PATTERN = /^\/(?:[\x21-\x7E]+\/)?$/;
const POLICY_ARN_PATTERN = new RegExp(`^arn:${PARTITION_PATTERN_SOURCE}:iam::(aws|\\d{12}):policy\\/[\\x21-\\x7E]+$`);

/** Properties of {@link SsmInstanceRole}. */
export interface SsmInstanceRoleProps extends SsmAccessProps {
  /**
   * Prefix of the role and instance profile names: `<namePrefix>-ssm-instance`.
   * Lower-case letters, digits and `-`, starting with a letter; the resulting
   * name must fit IAM's 64-character limit.
   */
  readonly namePrefix: string;

  /**
   * AWS Region of the stack, e.g. `eu-west-1`. Gives the partition of every
   * ARN (`aws`, `aws-cn`, `aws-us-gov`...), so no data source is read.
   */
  readonly region: string;

  /**
   * The only parameter paths (besides AWS's public `/aws/service/`) whose
   * values the role may read. Everything else is denied explicitly
   * (`ssm:GetParameter*` with `NotResource`): `AmazonSSMManagedInstanceCore`
   * allows `ssm:GetParameter` and `ssm:GetParameters` on every parameter of
   * the account, and anyone with a shell on the instance can use the role's
   * credentials from the instance metadata service. Each path starts and
   * ends with `/`.
   * With `accountId`, only this account's paths.
   * @default - `/<namePrefix>/` only
   */
  readonly parameterReadPaths?: readonly string[];

  /**
   * ARNs of further managed policies to attach, besides
   * `AmazonSSMManagedInstanceCore` (which is always attached). For
   * workload permissions the instance needs on top of Session Manager.
   * @default - none
   */
  readonly managedPolicyArns?: readonly string[];

  /**
   * Extra statements for the role's inline policy, e.g. read access to one
   * parameter path. Each needs Effect, Action and Resource; `Action: "*"` is
   * rejected so the role stays least-privilege.
   * @default - none
   */
  readonly inlineStatements?: readonly PolicyStatement[];

  /**
   * ARN of a permissions boundary for the role, where an organisation
   * requires one on every role it creates.
   * @default - no permissions boundary
   */
  readonly permissionsBoundaryArn?: string;

  /**
   * IAM path of the role and instance profile (`/` or `/segment/.../`), to
   * group roles for policies that match on path.
   * @default "/"
   */
  readonly path?: string;
}

/**
 * The IAM role an EC2 instance needs to be reachable through Session Manager:
 * trusted by `ec2.amazonaws.com`, with `AmazonSSMManagedInstanceCore`
 * attached (ARN in the Region's partition), held by an instance profile.
 * An explicit Deny keeps the role from reading parameters outside AWS's
 * public `/aws/service/` and its own paths (`parameterReadPaths`), which the
 * managed policy alone would allow on the whole account.
 *
 * Statements granted later ({@link SsmInstanceRole.addToPolicy}, e.g. by
 * `SessionLogging.grantWrite`) all go into one inline policy that is
 * rendered at synthesis, so the order in which constructs are created does
 * not matter.
 */
export class SsmInstanceRole extends Construct implements PolicyGrantee {
  /** The IAM role. */
  public readonly role: IamRole;
  /** The instance profile holding the role; give its name to the instance or launch template. */
  public readonly instanceProfile: IamInstanceProfile;
  /** Attachment of `AmazonSSMManagedInstanceCore`. */
  public readonly managedInstanceCoreAttachment: IamRolePolicyAttachment;
  /** Name of the role. */
  public readonly roleName: string;
  /** ARN of the role. */
  public readonly roleArn: string;
  /** Name of the instance profile. */
  public readonly instanceProfileName: string;
  /** ARN of the instance profile. */
  public readonly instanceProfileArn: string;

  private readonly statements: StatementList;
  private readonly policyName: string;
  private inlinePolicy?: IamRolePolicy;
  private readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: SsmInstanceRoleProps) {
    super(scope, id);
    validateProps(this, props);
    this.statements = new StatementList(this.node.path);

    const name = roleNameFor(props.namePrefix);
    const path = props.path ?? "/";
    this.policyName = name;
    this.provider = props.provider;

    this.role = new IamRole(this, "Resource", {
      provider: props.provider,
      name,
      path,
      description: "Lets EC2 instances register with Systems Manager and carry Session Manager sessions.",
      assumeRolePolicy: renderPolicy([
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]),
      permissionsBoundary: props.permissionsBoundaryArn,
    });

    this.managedInstanceCoreAttachment = new IamRolePolicyAttachment(this, "ManagedInstanceCore", {
      provider: props.provider,
      role: this.role.name,
      policyArn: awsManagedPolicyArn(props.region, SSM_MANAGED_INSTANCE_CORE),
    });

    (props.managedPolicyArns ?? []).forEach((policyArn, i) => {
      new IamRolePolicyAttachment(this, `ManagedPolicy${i}`, {
        provider: props.provider,
        role: this.role.name,
        policyArn,
      });
    });

    this.instanceProfile = new IamInstanceProfile(this, "InstanceProfile", {
      provider: props.provider,
      name,
      path,
      role: this.role.name,
    });

    this.roleName = this.role.name;
    this.roleArn = this.role.arn;
    this.instanceProfileName = this.instanceProfile.name;
    this.instanceProfileArn = this.instanceProfile.arn;

    this.addToPolicy(denyOtherParameters(props));
    if (props.inlineStatements && props.inlineStatements.length > 0) this.addToPolicy(...props.inlineStatements);
  }

  /**
   * Adds statements to the role's inline policy (created on first use).
   * Identical statements are kept once; statements are checked like
   * `inlineStatements` and a `Sid` may be used by one statement only.
   */
  public addToPolicy(...statements: PolicyStatement[]): void {
    this.statements.add(statements);
    if (!this.inlinePolicy && this.statements.length > 0) {
      this.inlinePolicy = new IamRolePolicy(this, "Policy", {
        provider: this.provider,
        name: this.policyName,
        role: this.role.id,
        policy: Lazy.stringValue({ produce: () => renderPolicy(this.statements.all) }),
      });
    }
  }

  /** The inline policy holding every added statement, once there is one. */
  public get policy(): IamRolePolicy | undefined {
    return this.inlinePolicy;
  }
}

/**
 * The Deny on reading parameters outside the public `/aws/service/` paths and
 * `parameterReadPaths`. Anyone with a shell on the instance (the default
 * `ssm-user` has sudo) can take the role's credentials from IMDS, so the
 * role must not read what the environment does not own.
 */
function denyOtherParameters(props: SsmInstanceRoleProps): PolicyStatement {
  const p = partitionForRegion(props.region);
  const account = props.accountId ?? "*";
  const paths = props.parameterReadPaths ?? [`/${props.namePrefix}/`];
  return {
    Sid: DENY_OTHER_PARAMETERS_SID,
    Effect: "Deny",
    Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"],
    NotResource: [
      // Public parameters have an empty account field, which `*` matches.
      `arn:${p}:ssm:*:*:parameter/aws/service/*`,
      // A parameter ARN drops the name's leading `/`; the path itself is
      // the resource of GetParametersByPath.
      ...paths.flatMap((path) => {
        const name = path.slice(1, -1);
        return [
          `arn:${p}:ssm:${props.region}:${account}:parameter/${name}`,
          `arn:${p}:ssm:${props.region}:${account}:parameter/${name}/*`,
        ];
      }),
    ],
  };
}

/** The role (and instance profile) name for a prefix. */
function roleNameFor(namePrefix: string): string {
  return resourceName(namePrefix, "ssm-instance");
}

function validateProps(scope: Construct, props: SsmInstanceRoleProps): void {
  const v = new Validator(scope.node.path);
  const access = checkSsmAccessProps(v, scope, props, {
    maxNamePrefixLength: IAM_ROLE_NAME_MAX_LENGTH,
    region: "for the partition of the managed policy ARNs",
  });
  if (access.namePrefixOk) {
    const name = roleNameFor(props.namePrefix);
    v.check(
      name.length <= IAM_ROLE_NAME_MAX_LENGTH && IAM_NAME_PATTERN.test(name),
      "namePrefix",
      `the role and instance profile name "${name}" is ${name.length} characters; IAM allows at most ${IAM_ROLE_NAME_MAX_LENGTH}`,
    );
  }
  const regionOk = access.regionOk;
  const partition = regionOk ? access.partition : undefined;

  const arns = props.managedPolicyArns ?? [];
  arns.forEach((arn, i) => checkPolicyArn(v, `managedPolicyArns[${i}]`, arn, partition));
  for (const dup of duplicates(arns.filter((a) => !Token.isUnresolved(a)))) {
    v.add("managedPolicyArns", `${dup} is listed more than once`);
  }
  if (regionOk && arns.includes(awsManagedPolicyArn(props.region, SSM_MANAGED_INSTANCE_CORE))) {
    v.add("managedPolicyArns", `${SSM_MANAGED_INSTANCE_CORE} is always attached; do not list it`);
  }
  validateStatements(v.child("inlineStatements"), props.inlineStatements ?? []);
  const paths = props.parameterReadPaths;
  if (paths !== undefined) {
    paths.forEach((path, i) =>
      v.check(
        path.length <= 1011 && PARAMETER_PATH_PATTERN.test(path) && !/^\/aws\//i.test(path),
        `parameterReadPaths[${i}]`,
        `"${path}" must be a parameter path that starts and ends with "/" (letters, digits, "_", ".", "-"), not under /aws/`,
      ),
    );
    for (const dup of duplicates(paths)) v.add("parameterReadPaths", `${dup} is listed more than once`);
  }
  if (props.permissionsBoundaryArn !== undefined) {
    checkPolicyArn(v, "permissionsBoundaryArn", props.permissionsBoundaryArn, partition);
  }
  if (props.path !== undefined) {
    v.check(
      props.path.length <= 512 && IAM_PATH_PATTERN.test(props.path),
      "path",
      `"${props.path}" must be "/" or start and end with "/" (printable ASCII, at most 512 characters)`,
    );
  }
  v.throwIfAny();
}

function checkPolicyArn(v: Validator, path: string, arn: string, partition: string | undefined): void {
  if (Token.isUnresolved(arn)) return;
  const m = POLICY_ARN_PATTERN.exec(arn);
  if (
    !v.check(m !== null, path, `"${arn}" is not an IAM policy ARN (arn:<partition>:iam::<account|aws>:policy/<name>)`)
  )
    return;
  if (partition && m)
    v.check(m[1] === partition, path, `"${arn}" is in partition ${m[1]}, the Region is in ${partition}`);
}
