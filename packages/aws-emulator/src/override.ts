import { StackJson, awsProviderBlocks, defaultAwsProvider, stackBackend } from "@ssm-access/terraform-kit";

/** File name of the override that points a stack at the emulators (Terraform merges `*_override.tf.json` last). */
export const EMULATOR_OVERRIDE_FILE = "zz_emulator_override.tf.json";

/** Static credentials the emulator accepts; never valid anywhere else. */
export const EMULATOR_CREDENTIALS = { access_key: "emulator-access-key", secret_key: "emulator-secret-key" } as const;

/** The emulator endpoint of each account, `http://127.0.0.1:<port>` by account id. */
export type EndpointsByAccount = Readonly<Record<string, string>>;

/** Where the overrides send each account's calls. */
export interface EmulatorRoutes {
  /** Emulator endpoint by account id. */
  readonly endpoints: EndpointsByAccount;
  /**
   * The AWS shared configuration file of {@link emulatorAwsConfig}: a profile
   * per account ({@link emulatorProfile}) whose `endpoint_url` is that
   * account's emulator. An absolute path: the overrides name it.
   */
  readonly awsConfigFile: string;
}

/** The profile of {@link emulatorAwsConfig} that routes `accountId`'s calls to its emulator. */
export function emulatorProfile(accountId: string): string {
  return `ssm-access-emulator-${accountId}`;
}

/**
 * The AWS shared configuration file the overrides point every provider at:
 * one profile per account, its `endpoint_url` that account's emulator, which
 * the AWS SDK then uses for every service (the "endpoint_url" setting of the
 * shared configuration file, read by the SDK the provider is built on; see
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 *
 * Not the provider's `endpoints` block, which would do the same: with it,
 * AWS provider 5.100.0 spends about 5 CPU-seconds configuring itself on each
 * command (measured: a `terraform plan` of two resources against the
 * emulator, 8.9 CPU-seconds with the block and 3.4 with this profile), and an
 * emulated lifecycle runs a few hundred such commands.
 */
export function emulatorAwsConfig(endpoints: EndpointsByAccount): string {
  return [
    "# Routes each account's AWS calls to its local emulator (written for an emulated run; removed with it).",
    ...Object.entries(endpoints)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([accountId, endpoint]) => [
        "",
        `[profile ${emulatorProfile(accountId)}]`,
        `endpoint_url = ${endpoint}`,
      ]),
    "",
  ].join("\n");
}

/** Raised when a stack cannot be pointed at the emulators. */
export class EmulatorOverrideError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "EmulatorOverrideError";
  }
}

/** The account a provider block is locked to: its only `allowed_account_ids` entry. */
export function providerAccount(
  stack: string,
  alias: string | undefined,
  config: Readonly<Record<string, unknown>>,
): string {
  const ids = config.allowed_account_ids;
  if (!Array.isArray(ids) || ids.length !== 1 || typeof ids[0] !== "string") {
    throw new EmulatorOverrideError(
      `${stack}: provider aws${alias ? `.${alias}` : ""} must be locked to exactly one account (allowed_account_ids) to be routed to that account's emulator`,
    );
  }
  return ids[0];
}

function endpointFor(stack: string, accountId: string, endpoints: EndpointsByAccount): string {
  const endpoint = endpoints[accountId];
  if (endpoint === undefined) {
    throw new EmulatorOverrideError(
      `${stack}: no emulator runs for account ${accountId} (running: ${Object.keys(endpoints).join(", ") || "none"})`,
    );
  }
  return endpoint;
}

/**
 * The override that sends every call of a stack to the emulators, leaving the
 * stack itself as it deploys:
 * - each AWS provider block (matched by alias) talks to the emulator of the
 *   account it is locked to, through that account's profile of
 *   {@link EmulatorRoutes.awsConfigFile} (in place of the stack's own profile),
 *   with static emulator credentials, path-style S3, and no instance-metadata
 *   lookup; `allowed_account_ids` stays, and the emulator's STS answers with that
 *   account, so the account lock is really exercised;
 * - an `s3` backend is declared again (an override's backend block replaces the
 *   original whole) with the same bucket, key, Region, encryption and
 *   `use_lockfile`, pointed at the emulator of the default provider's account;
 * - resources of {@link UNEMULATED_RESOURCE_TYPE} get `count = 0`.
 */
export function emulatorOverride(stack: string, json: StackJson, routes: EmulatorRoutes): Record<string, unknown> {
  const { endpoints } = routes;
  const blocks = awsProviderBlocks(json);
  const providers = blocks.map(({ alias, config }) => {
    const accountId = providerAccount(stack, alias, config);
    endpointFor(stack, accountId, endpoints); // throws, naming the account, when no emulator serves it
    return {
      ...(alias === undefined ? {} : { alias }),
      ...EMULATOR_CREDENTIALS,
      profile: emulatorProfile(accountId),
      shared_config_files: [routes.awsConfigFile],
      skip_metadata_api_check: true,
      s3_use_path_style: true,
    };
  });
  const override: Record<string, unknown> = {
    "//": "Points this stack at a local AWS API emulator; the synthesized cdk.tf.json is unchanged.",
  };
  const backend = s3Backend(json);
  if (backend !== undefined) {
    const main = defaultAwsProvider(json);
    if (main === undefined)
      throw new EmulatorOverrideError(`${stack}: an s3 backend needs a default aws provider to tell its account`);
    const endpoint = endpointFor(stack, providerAccount(stack, undefined, main), endpoints);
    const kept = Object.fromEntries(
      Object.entries(backend).filter(
        ([key]) => !["profile", "assume_role", "shared_credentials_files", "shared_config_files"].includes(key),
      ),
    );
    override.terraform = {
      backend: {
        s3: {
          ...kept,
          ...EMULATOR_CREDENTIALS,
          endpoints: { s3: endpoint, sts: endpoint, dynamodb: endpoint },
          use_path_style: true,
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
        },
      },
    };
  }
  if (providers.length > 0) override.provider = { aws: providers };
  const skipped = Object.keys(stackResources(json, UNEMULATED_RESOURCE_TYPE));
  if (skipped.length > 0) {
    override.resource = {
      [UNEMULATED_RESOURCE_TYPE]: Object.fromEntries(skipped.map((name) => [name, { count: 0 }])),
    };
  }
  return override;
}

/**
 * The one resource type of the stacks the emulator cannot serve: S3 Control
 * calls go to `<account id>.s3-control.<region>.amazonaws.com`, and the AWS SDK
 * puts the account id in front of a custom endpoint's host too
 * (`<account id>.127.0.0.1`), which resolves nowhere. The override creates
 * none of them (`count = 0`); unit tests check the synthesized resource.
 */
export const UNEMULATED_RESOURCE_TYPE = "aws_s3_account_public_access_block";

function stackResources(json: StackJson, type: string): Readonly<Record<string, unknown>> {
  const resources = (json as { resource?: Record<string, Record<string, unknown>> }).resource;
  return resources?.[type] ?? {};
}

/** The stack's `terraform.backend.s3` block, if it has one. */
export function s3Backend(json: StackJson): Readonly<Record<string, unknown>> | undefined {
  const backend = stackBackend(json);
  return backend?.type === "s3" ? backend.config : undefined;
}

/** The accounts a stack's AWS providers are locked to, sorted. */
export function stackAccounts(stack: string, json: StackJson): string[] {
  return [...new Set(awsProviderBlocks(json).map(({ alias, config }) => providerAccount(stack, alias, config)))].sort();
}
