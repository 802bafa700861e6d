import { dataSourceAddresses } from "../stack/blocks";
import { awsProviderBlocks } from "../stack/providers";
import { StackJson } from "../stack/stack-json";

/**
 * Override file written next to the stack in its working copy. Terraform merges
 * `*_override.tf.json` files last, in lexical order, so `zz_` puts it after any other.
 */
export const OFFLINE_OVERRIDE_FILE = "zz_offline_override.tf.json";

/** State file of the local backend the override selects, relative to the working copy. */
export const OFFLINE_STATE_FILE = "offline.tfstate";

/**
 * Override written into every working copy: the `local` backend. With it,
 * one `terraform init` serves validate, test and the offline plan alike;
 * initializing again for another backend would re-verify the installed
 * provider against the lock file (hashing the whole provider binary).
 */
export const BACKEND_OVERRIDE_FILE = "zz_backend_override.tf.json";

/** The `terraform` block of the overrides: an override's `backend` block replaces the stack's `backend` or `cloud` block. */
const LOCAL_BACKEND = { backend: { local: { path: OFFLINE_STATE_FILE } } };

/** The content of {@link BACKEND_OVERRIDE_FILE}. */
export function localBackendOverride(): Record<string, unknown> {
  return {
    "//": "Written by terraform-check: checks run against a local backend; the synthesized stack is unchanged.",
    terraform: LOCAL_BACKEND,
  };
}

/**
 * Provider arguments that let the AWS provider configure itself with no AWS
 * call: static fake credentials and every start-up check skipped.
 * `allowed_account_ids` must be nulled: with `skip_requesting_account_id` the
 * provider knows no account id, and Terraform 1.11 with provider 5.100.0 then
 * fails with "AWS account ID not allowed" (`forbidden_account_ids` passes, as
 * an unknown id is in no deny-list).
 */
export const OFFLINE_PROVIDER_SETTINGS: Readonly<Record<string, unknown>> = {
  access_key: "mock_access_key",
  secret_key: "mock_secret_key",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
  allowed_account_ids: null,
};

/** Raised when a stack cannot be planned without AWS. */
export class OfflinePlanError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "OfflinePlanError";
  }
}

/**
 * Throws {@link OfflinePlanError} naming every data source of the stack: data
 * sources are read from AWS while planning, so an offline plan cannot run them.
 */
export function assertNoDataSources(stack: string, json: StackJson): void {
  const addresses = dataSourceAddresses(json);
  if (addresses.length > 0) {
    throw new OfflinePlanError(
      `${stack}: data sources read AWS at plan time; stacks must not use them. Found: ${addresses.join(", ")}`,
    );
  }
}

/**
 * The override that makes a stack plan offline, unchanged otherwise: a `local`
 * backend (an override's `backend` block replaces the stack's `backend` or
 * `cloud` block), and {@link OFFLINE_PROVIDER_SETTINGS} on every AWS provider
 * block, matched by alias. A provider's `profile` is nulled (the fake static
 * credentials are used instead), and an `assume_role` block is replaced by one
 * with an empty `role_arn`, which the provider treats as "assume nothing"
 * (Terraform warns that `role_arn` is missing; the plan runs).
 */
export function offlineOverride(json: StackJson): Record<string, unknown> {
  const providers = awsProviderBlocks(json).map(({ alias, config }) => ({
    ...(alias === undefined ? {} : { alias }),
    ...OFFLINE_PROVIDER_SETTINGS,
    ...("profile" in config ? { profile: null } : {}),
    ...("assume_role" in config ? { assume_role: [{ role_arn: "" }] } : {}),
  }));
  return {
    "//": "Written by terraform-check for an offline plan of this working copy; the synthesized stack is unchanged.",
    terraform: LOCAL_BACKEND,
    ...(providers.length > 0 ? { provider: { aws: providers } } : {}),
  };
}
