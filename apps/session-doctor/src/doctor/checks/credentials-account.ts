import { unansweredReason } from "../../api-error";
import type { StackView } from "../../stack-view";
import { CheckResult, fail, pass } from "../check";
import type { CallerIdentity } from "../lookups";

const ID = "credentials-account";
const TITLE = "Credentials are for the environment's account";

function signIn(env: StackView): string {
  return env.deployProfile !== undefined
    ? `use credentials of ${env.accountId}: ${env.name} is deployed with the profile ${env.deployProfile} (deploy.profile), e.g. AWS_PROFILE=${env.deployProfile} (aws sso login --profile ${env.deployProfile} first if it is an SSO profile)`
    : `use credentials of ${env.accountId}: choose its profile with AWS_PROFILE=<profile> (aws sso login --profile <profile> first if it is an SSO profile)`;
}

/**
 * STS GetCallerIdentity against the stack's `account_id` output: on a
 * mismatch, which account was expected and which one the credentials point
 * at, with the environment's deploy profile as a hint.
 */
export function credentialsAccountResult(caller: CallerIdentity, env: StackView): CheckResult {
  if (!caller.ok) {
    return fail(
      ID,
      TITLE,
      `no usable AWS credentials: ${unansweredReason("sts:GetCallerIdentity", caller.error)}`,
      signIn(env),
    );
  }
  const { Account: account, Arn: arn } = caller.identity;
  if (account !== env.accountId) {
    return fail(
      ID,
      TITLE,
      `${env.name} lives in account ${env.accountId} (the account_id output of ${env.stackFile}), but the credentials are for account ${account ?? "?"} (${arn ?? "unknown caller"})`,
      signIn(env),
    );
  }
  return pass(ID, TITLE, `${arn} in account ${account}`);
}

export const CREDENTIALS_ACCOUNT = { id: ID, title: TITLE } as const;
