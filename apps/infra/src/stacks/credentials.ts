import type { AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { S3BackendConfig } from "cdktf";
import type { BackendConfig, DeployConfig } from "../config/schema";

/**
 * How Terraform gets credentials for one account: an AWS CLI profile, a role
 * assumed from it (or from the default chain), both, or neither (the default
 * credential chain: `AWS_PROFILE`, environment variables, SSO, instance role).
 */
export interface AwsCredentials {
  /** AWS CLI profile. @default - the default credential chain */
  readonly profile?: string;
  /** Role assumed with the profile's (or the default chain's) credentials. @default - none */
  readonly assumeRole?: {
    readonly roleArn: string;
    readonly externalId?: string;
    readonly sessionName?: string;
  };
}

/** The credentials of an environment's AWS provider: its `deploy` section as given. */
export function deployCredentials(deploy: DeployConfig | undefined): AwsCredentials {
  if (!deploy) return {};
  const { profile, assumeRoleArn, externalId, sessionName } = deploy;
  return {
    profile,
    assumeRole: assumeRoleArn === undefined ? undefined : { roleArn: assumeRoleArn, externalId, sessionName },
  };
}

/**
 * The credentials that reach an environment's S3 state bucket, and with which
 * the state-bootstrap stack creates it: `backend.profile` when set, else
 * `deploy.profile`; the role of `deploy` in either case (the bucket lives in the
 * environment's account). Empty for other backends.
 */
export function stateCredentials(backend: BackendConfig, deploy: DeployConfig | undefined): AwsCredentials {
  if (backend.type !== "s3") return {};
  const { assumeRole, profile } = deployCredentials(deploy);
  const stateProfile = backend.profile ?? profile;
  return { profile: stateProfile, assumeRole };
}

/** `profile` and `assume_role` arguments of an `AwsProvider`. */
export function providerCredentials(credentials: AwsCredentials): Pick<AwsProviderConfig, "profile" | "assumeRole"> {
  return {
    profile: credentials.profile,
    assumeRole: credentials.assumeRole ? [{ ...credentials.assumeRole }] : undefined,
  };
}

/** `profile` and `assume_role` arguments of an `S3Backend`. */
export function s3BackendCredentials(credentials: AwsCredentials): Pick<S3BackendConfig, "profile" | "assumeRole"> {
  return {
    profile: credentials.profile,
    assumeRole: credentials.assumeRole ? { ...credentials.assumeRole } : undefined,
  };
}

/** Whether `a` and `b` are the same credentials (same profile, same role, external id and session name). */
export function sameCredentials(a: AwsCredentials, b: AwsCredentials): boolean {
  return describeCredentials(a) === describeCredentials(b);
}

/** `profile ops, role arn:aws:iam::111111111111:role/deploy (external id, session name deploy)`, or `the default credential chain`. */
export function describeCredentials(c: AwsCredentials): string {
  const parts: string[] = [];
  if (c.profile !== undefined) parts.push(`profile ${c.profile}`);
  if (c.assumeRole) {
    const extras = [
      c.assumeRole.externalId === undefined ? undefined : `external id ${c.assumeRole.externalId}`,
      c.assumeRole.sessionName === undefined ? undefined : `session name ${c.assumeRole.sessionName}`,
    ].filter((part): part is string => part !== undefined);
    parts.push(`role ${c.assumeRole.roleArn}${extras.length > 0 ? ` (${extras.join(", ")})` : ""}`);
  }
  return parts.length > 0 ? parts.join(", ") : "the default credential chain";
}
