import { Lazy, Token } from "cdktf";
import { Construct } from "constructs";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import {
  InstanceTagTarget,
  PARTITION_PATTERN_SOURCE,
  PolicyGrantee,
  PolicyStatement,
  SsmAccessProps,
  ValidationError,
  Validator,
  checkSsmAccessProps,
  duplicates,
  escapeTerraformTemplate,
  partitionForRegion,
  resourceName,
  validateTagTarget,
} from "@ssm-access/core";
import { IAM_ROLE_NAME_MAX_LENGTH } from "./instance-role";
import { policyDocument, renderPolicy } from "./private/policy";
import {
  AWS_PORT_FORWARDING_DOCUMENTS,
  PortForwardingDocument,
  PortForwardingOptions,
  SSH_SESSION_DOCUMENT,
} from "./port-forwarding";
import {
  portForwardingDocumentName,
  portForwardingDocuments,
  portSessionDocumentContent,
  reservedDocumentNamePrefix,
  validatePortForwarding,
} from "./private/port-forwarding";
import { StatementList } from "./private/statement-list";
import { SESSION_PREFERENCES_DOCUMENT_NAME } from "./session-preferences";

const PRINCIPAL_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION_PATTERN_SOURCE}:iam::\\d{12}:(root|user\\/[\\x21-\\x7E]+|role\\/[\\x21-\\x7E]+)$`,
);

/** A role operators assume to get the access policy. */
export interface OperatorAssumeRoleOptions {
  /**
   * IAM users, roles or accounts (`arn:<partition>:iam::<account>:root`)
   * allowed to assume the role.
   */
  readonly trustedPrincipalArns: readonly string[];

  /**
   * Allow assuming the role only with multi-factor authentication, so a leaked
   * access key alone gives no shell.
   * @default true
   */
  readonly requireMfa?: boolean;

  /**
   * Longest lifetime of the role's credentials, in seconds (3600-43200).
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
}

/** Properties of {@link OperatorAccess}. */
export interface OperatorAccessProps extends SsmAccessProps {
  /** Prefix of the policy and role names: `<namePrefix>-ssm-operator`. */
  readonly namePrefix: string;

  /** AWS Region of the instances; sessions may be started there only. */
  readonly region: string;

  /** The 12-digit AWS account id of the instances. */
  readonly accountId: string;

  /**
   * Sessions may be started only on instances carrying this tag, so access
   * follows tagging and not instance ids.
   */
  readonly targetTag: InstanceTagTarget;

  /**
   * The ports (of the instance) and host:port pairs (reached through it)
   * operators may forward a local port to, e.g. to reach a database. Each is
   * served by a Session document of this construct that pins the port (and
   * host); operators may start port forwarding sessions with those documents
   * only, never with the AWS-managed ones, which forward to any port or host.
   * @default - no port forwarding
   */
  readonly portForwarding?: PortForwardingOptions;

  /**
   * Also create a role with the policy that the listed principals assume.
   * @default - policy only; attach it to users or groups yourself
   */
  readonly assumeRole?: OperatorAssumeRoleOptions;
}

const DEFAULT_MAX_SESSION_DURATION_SECONDS = 3600;

/** The longest customer managed policy document IAM accepts, in characters without whitespace. */
const MANAGED_POLICY_MAX_LENGTH = 6144;

/**
 * Least-privilege access for the people who connect: a customer managed
 * policy that starts sessions only on tagged instances and with the
 * preferences document (so every session is logged), never over SSH nor with
 * the AWS port forwarding documents, and denies explicitly every other
 * `ssm:StartSession` resource (other documents, Regions and accounts), so a
 * broader policy of the same person cannot re-open them, lets people end and resume only their
 * own sessions (IAM users, roles and IAM Identity Center users alike), and
 * optionally a role (MFA required by default) holding it. With
 * `portForwarding`, one Session document per allowed port (and host), pinned
 * to it, and permission to start sessions with those documents only.
 *
 * Other constructs grant more through {@link OperatorAccess.addToPolicy}, e.g.
 * `sessionLogging.grantStartSession(operatorAccess)` for the key of encrypted sessions.
 */
export class OperatorAccess extends Construct implements PolicyGrantee {
  /** The access policy. */
  public readonly policy: IamPolicy;
  /** The role holding the policy, when `assumeRole` is set. */
  public readonly role?: IamRole;
  /** ARN of the access policy. */
  public readonly policyArn: string;
  /** Name of the access policy. */
  public readonly policyName: string;
  /** ARN of the role, when `assumeRole` is set. */
  public readonly roleArn?: string;
  /** Name of the role, when `assumeRole` is set. */
  public readonly roleName?: string;
  /**
   * One entry per allowed forwarding (`portForwarding.ports` first, then
   * `portForwarding.remoteHosts`, in the order given): the port, the host
   * when remote, and the name of the Session document to start the session
   * with. Empty without `portForwarding`.
   */
  public readonly portForwardingDocuments: readonly PortForwardingDocument[];
  /** The Session documents of {@link OperatorAccess.portForwardingDocuments}, in the same order. */
  public readonly portForwardingDocumentResources: readonly SsmDocument[];

  private readonly policyStatements: StatementList;
  private readonly measure: PolicySizeContext;

  constructor(scope: Construct, id: string, props: OperatorAccessProps) {
    super(scope, id);
    validateProps(this, props);

    const name = operatorName(props.namePrefix);

    const forwarding = props.portForwarding ? portForwardingDocuments(props.namePrefix, props.portForwarding) : [];
    this.portForwardingDocuments = forwarding;
    this.portForwardingDocumentResources = forwarding.map(
      ({ port, host, documentName }) =>
        new SsmDocument(
          this,
          host === undefined ? `PortForwarding-${port}` : `PortForwarding-${host.toLowerCase()}-${port}`,
          {
            provider: props.provider,
            name: documentName,
            documentType: "Session",
            documentFormat: "JSON",
            content: escapeTerraformTemplate(JSON.stringify(portSessionDocumentContent(port, host), undefined, 2)),
          },
        ),
    );

    this.policyStatements = new StatementList(this.node.path);
    this.policyStatements.add(operatorStatements(props, forwarding));
    this.measure = {
      partition: partitionForRegion(props.region),
      region: props.region,
      accountId: props.accountId,
      forwarding: forwarding.length,
    };

    this.policy = new IamPolicy(this, "Resource", {
      provider: props.provider,
      name,
      description: "Session Manager access to tagged instances, logged sessions only, no SSH.",
      policy: Lazy.stringValue({ produce: () => renderPolicy(this.policyStatements.all) }),
    });
    this.policyArn = this.policy.arn;
    this.policyName = this.policy.name;

    if (props.assumeRole) {
      const { trustedPrincipalArns, requireMfa = true } = props.assumeRole;
      this.role = new IamRole(this, "Role", {
        provider: props.provider,
        name,
        description: "Assumed by operators to open Session Manager sessions.",
        maxSessionDuration: props.assumeRole.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS,
        assumeRolePolicy: renderPolicy([
          {
            Effect: "Allow",
            Principal: { AWS: [...trustedPrincipalArns] },
            Action: "sts:AssumeRole",
            Condition: requireMfa ? { Bool: { "aws:MultiFactorAuthPresent": "true" } } : undefined,
          },
        ]),
      });
      new IamRolePolicyAttachment(this, "RolePolicy", {
        provider: props.provider,
        role: this.role.name,
        policyArn: this.policy.arn,
      });
      this.roleArn = this.role.arn;
      this.roleName = this.role.name;
    }
  }

  /** The statements of the access policy, as written to it: its own, then those granted. */
  public get statements(): readonly PolicyStatement[] {
    return this.policyStatements.all;
  }

  /**
   * Adds statements to the access policy, checked like `SsmInstanceRole`'s:
   * identical statements are kept once, a `Sid` may be used by one statement
   * only, and the policy must stay within IAM's 6,144 characters.
   */
  public addToPolicy(...statements: PolicyStatement[]): void {
    const added = this.policyStatements.add(statements);
    const size = policySize(this.policyStatements.all, this.measure);
    if (size > MANAGED_POLICY_MAX_LENGTH) {
      this.policyStatements.remove(added);
      throw new ValidationError(this.node.path, [policySizeIssue(size, this.measure.forwarding)]);
    }
  }
}

/** What measuring the access policy needs: where references point, and how many forwarding documents it lists. */
interface PolicySizeContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly forwarding: number;
}

/**
 * The length of the access policy IAM counts (JSON without whitespace). A
 * reference (a token, such as the ARN of a key of the same stack) is counted
 * at the length of a KMS key ARN, the longest reference granted to operators.
 */
function policySize(statements: readonly PolicyStatement[], where: PolicySizeContext): number {
  const keyArn = `arn:${where.partition}:kms:${where.region}:${where.accountId}:key/${"0".repeat(36)}`;
  return JSON.stringify(policyDocument(statements)).replace(/\$\{TfToken\[[^\]]*\]\}/g, keyArn).length;
}

function policySizeIssue(size: number, forwarding: number): { path: string; message: string } {
  return forwarding > 0
    ? {
        path: "portForwarding",
        message: `the access policy would be ${size} characters with ${forwarding} port forwarding documents; IAM allows ${MANAGED_POLICY_MAX_LENGTH}: allow fewer ports and hosts`,
      }
    : {
        path: "statements",
        message: `the access policy would be ${size} characters; IAM allows ${MANAGED_POLICY_MAX_LENGTH}`,
      };
}

/**
 * The statements of the access policy for `props`, with the port forwarding
 * documents `forwarding` (pure: validation measures the policy with it before
 * anything is created).
 */
function operatorStatements(
  props: OperatorAccessProps,
  forwarding: readonly PortForwardingDocument[],
): PolicyStatement[] {
  const { region, accountId, targetTag } = props;
  const p = partitionForRegion(region);
  // "To ensure the condition element is enforced, it must be included in
  // all policy statements which allow the ssm:StartSession action": AWS
  // Systems Manager User Guide, "Start a session with a document by
  // specifying the session documents in IAM policies", section "Enforce a
  // session document permission check when starting a session".
  const documentAccessCheck = { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } } as const;
  const statements: PolicyStatement[] = [
    {
      Sid: "StartSessionOnTaggedInstances",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: `arn:${p}:ec2:${region}:${accountId}:instance/*`,
      Condition: { StringEquals: { [`ssm:resourceTag/${targetTag.key}`]: targetTag.value }, ...documentAccessCheck },
    },
    {
      // With the access check, a session needs explicit permission on its
      // document: the default shell uses the logging preferences document.
      Sid: "StartSessionWithPreferencesDocument",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: `arn:${p}:ssm:${region}:${accountId}:document/${SESSION_PREFERENCES_DOCUMENT_NAME}`,
      Condition: documentAccessCheck,
    },
  ];
  if (forwarding.length > 0) {
    statements.push({
      // Only the documents of this construct, each pinned to one port (and
      // host): the client can choose nothing but its local port.
      Sid: "StartSessionWithPortForwardingDocuments",
      Effect: "Allow",
      Action: "ssm:StartSession",
      Resource: forwarding.map((f) => `arn:${p}:ssm:${region}:${accountId}:document/${f.documentName}`),
      Condition: documentAccessCheck,
    });
  }
  statements.push(
    {
      // Explicit, so no other policy of the same person can allow them:
      // SSH tunnelled through Session Manager and the AWS forwarding
      // documents (any port, any host) open channels no session log
      // records. AWS-owned document ARNs have an empty account field,
      // which `*` matches too.
      Sid: "DenySshAndAwsPortForwarding",
      Effect: "Deny",
      Action: "ssm:StartSession",
      Resource: [SSH_SESSION_DOCUMENT, ...AWS_PORT_FORWARDING_DOCUMENTS].map(
        (doc) => `arn:${p}:ssm:*:*:document/${doc}`,
      ),
    },
    {
      // Explicit too: nothing but this environment's instances, the
      // preferences document and its own port documents, so a broader policy
      // of the same person (AmazonSSMFullAccess, `ssm:*` on `*`) cannot open
      // AWS-StartInteractiveCommand, AWS-StartNonInteractiveCommand or any
      // other Session document, nor instances of other Regions and accounts.
      // Which instances stays with the tag condition of the Allow above.
      Sid: "DenyStartSessionOutsideThisEnvironment",
      Effect: "Deny",
      Action: "ssm:StartSession",
      NotResource: [
        `arn:${p}:ec2:${region}:${accountId}:instance/*`,
        `arn:${p}:ssm:${region}:${accountId}:document/${SESSION_PREFERENCES_DOCUMENT_NAME}`,
        // The environment's port documents by their name prefix, so the deny
        // does not double the policy's size per forwarding; the Allow above
        // still names each document.
        ...(forwarding.length > 0
          ? [
              `arn:${p}:ssm:${region}:${accountId}:document/${portForwardingDocumentName(props.namePrefix, 0).slice(0, -1)}*`,
            ]
          : []),
      ],
    },
    {
      // Session Manager tags every session with
      // aws:ssmmessages:session-id = the caller's aws:userid: the IAM user
      // id (AIDA...) for users, <role id>:<role session name> for assumed
      // roles and IAM Identity Center users. Matching it ends and resumes
      // only one's own sessions for every kind of principal; a session-id
      // prefix such as `${aws:username}-*` fails for roles (no
      // aws:username) and lets "bob" match "bob-admin-...". AWS Systems
      // Manager User Guide, "Additional sample IAM policies for Session
      // Manager", example 4 "Allow a user to end only sessions they
      // started" (tags supplied by AWS; operator and key as given there).
      Sid: "ManageOwnSessions",
      Effect: "Allow",
      Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
      Resource: `arn:${p}:ssm:${region}:${accountId}:session/*`,
      Condition: { StringLike: { "ssm:resourceTag/aws:ssmmessages:session-id": "${aws:userid}" } },
    },
    {
      // The client opens the session's data channel itself. Resource as in
      // AWS Systems Manager User Guide, "Sample IAM policies for Session
      // Manager", "Quickstart end user policies for Session Manager"
      // (`arn:aws:ssm:*:*:session/${aws:userid}-*`), narrowed to this
      // Region and account.
      Sid: "OpenOwnSessionDataChannels",
      Effect: "Allow",
      Action: "ssmmessages:OpenDataChannel",
      Resource: `arn:${p}:ssm:${region}:${accountId}:session/\${aws:userid}-*`,
    },
    {
      // These read-only calls support no resource-level permissions: IAM
      // accepts only "*" for them.
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
  );
  return statements;
}

function operatorName(namePrefix: string): string {
  return resourceName(namePrefix, "ssm-operator");
}

function validateProps(scope: Construct, props: OperatorAccessProps): void {
  const v = new Validator(scope.node.path);
  const access = checkSsmAccessProps(v, scope, props, {
    maxNamePrefixLength: IAM_ROLE_NAME_MAX_LENGTH,
    region: "for the ARNs of the instances, documents and sessions operators may use",
    accountId: "for the ARNs of the instances, documents and sessions operators may use",
  });
  const prefixOk = access.namePrefixOk;
  if (prefixOk) {
    const name = operatorName(props.namePrefix);
    // Policy names may have 128 characters, role names 64: one name fits both.
    v.check(
      name.length <= IAM_ROLE_NAME_MAX_LENGTH,
      "namePrefix",
      `the policy and role name "${name}" is ${name.length} characters; IAM allows at most ${IAM_ROLE_NAME_MAX_LENGTH}`,
    );
  }
  const partition = access.regionOk ? access.partition : undefined;

  if (props.portForwarding !== undefined) {
    validatePortForwarding(v.child("portForwarding"), props.portForwarding, props.namePrefix, prefixOk);
    const reserved = prefixOk ? reservedDocumentNamePrefix(props.namePrefix) : undefined;
    if (reserved !== undefined) {
      v.add(
        "namePrefix",
        `the port forwarding document names would start with "${reserved}", a prefix AWS reserves for its documents; choose another namePrefix`,
      );
    }
  }

  validateTagTarget(v.child("targetTag"), props.targetTag);

  const role = props.assumeRole;
  if (role) {
    const rv = v.child("assumeRole");
    const arns = role.trustedPrincipalArns ?? [];
    rv.check(arns.length > 0, "trustedPrincipalArns", "must list at least one principal allowed to assume the role");
    arns.forEach((arn, i) => {
      if (Token.isUnresolved(arn)) return;
      const m = PRINCIPAL_ARN_PATTERN.exec(arn);
      const path = `trustedPrincipalArns[${i}]`;
      if (
        rv.check(
          m !== null,
          path,
          `"${arn}" is not an IAM user, role or account root ARN (arn:<partition>:iam::<account>:user/<name>)`,
        )
      ) {
        if (partition && m)
          rv.check(m[1] === partition, path, `"${arn}" is in partition ${m[1]}, the Region is in ${partition}`);
      }
    });
    for (const dup of duplicates(arns)) rv.add("trustedPrincipalArns", `${dup} is listed more than once`);
    const max = role.maxSessionDurationSeconds;
    if (max !== undefined) {
      rv.check(
        Number.isInteger(max) && max >= 3600 && max <= 43200,
        "maxSessionDurationSeconds",
        `${max} must be a whole number of seconds from 3600 to 43200`,
      );
    }
  }

  if (v.issues.length === 0 && props.portForwarding !== undefined) {
    // Every allowed forwarding adds its document ARN to the policy; IAM caps a
    // managed policy at 6,144 characters without whitespace.
    const forwarding = portForwardingDocuments(props.namePrefix, props.portForwarding);
    const where = {
      partition: partition ?? "aws",
      region: props.region,
      accountId: props.accountId,
      forwarding: forwarding.length,
    };
    const size = policySize(operatorStatements(props, forwarding), where);
    if (size > MANAGED_POLICY_MAX_LENGTH) {
      const issue = policySizeIssue(size, forwarding.length);
      v.add(issue.path, issue.message);
    }
  }
  v.throwIfAny();
}
