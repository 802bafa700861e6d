import {
  EMULATOR_CREDENTIALS,
  EmulatorOverrideError,
  emulatorAwsConfig,
  emulatorOverride,
  stackAccounts,
} from "../src/override";

const DEV = "111111111111";
const PROD = "222222222222";
const ENDPOINTS = { [DEV]: "http://127.0.0.1:4001", [PROD]: "http://127.0.0.1:4002" };
const ROUTES = { endpoints: ENDPOINTS, awsConfigFile: "/run/aws-config" };

function envStack(extraProvider: Record<string, unknown> = {}) {
  return {
    terraform: {
      backend: {
        s3: {
          bucket: "state-bucket",
          key: "p/dev/terraform.tfstate",
          region: "eu-west-1",
          encrypt: true,
          use_lockfile: true,
          profile: "dev-deploy",
        },
      },
    },
    provider: { aws: [{ region: "eu-west-1", allowed_account_ids: [DEV], ...extraProvider }] },
  };
}

describe("emulatorOverride", () => {
  it("creates no account-level S3 Block Public Access, whose S3 Control host the emulator cannot serve, and leaves other resources alone", () => {
    const stack = {
      ...envStack(),
      resource: {
        aws_s3_account_public_access_block: { account_public_access_block_111111111111: { account_id: DEV } },
        aws_ebs_encryption_by_default: { baseline: { enabled: true } },
      },
    };
    expect(emulatorOverride("state-bootstrap", stack, ROUTES).resource).toEqual({
      aws_s3_account_public_access_block: { account_public_access_block_111111111111: { count: 0 } },
    });
    expect(emulatorOverride("dev", envStack(), ROUTES)).not.toHaveProperty("resource");
  });

  it("points the provider at its account's emulator for every service through that account's profile, with static credentials and the account lock kept", () => {
    const override = emulatorOverride("dev", envStack(), ROUTES) as {
      provider: { aws: Array<Record<string, unknown>> };
    };
    const [provider] = override.provider.aws;
    expect(provider).toEqual({
      ...EMULATOR_CREDENTIALS,
      profile: `ssm-access-emulator-${DEV}`,
      shared_config_files: [ROUTES.awsConfigFile],
      s3_use_path_style: true,
      skip_metadata_api_check: true,
    });
    // No `endpoints` block: with one, the provider spends seconds of CPU configuring itself on every command.
    expect(provider).not.toHaveProperty("endpoints");
  });

  it("replaces a named profile, which does not exist where the emulator runs, with the account's emulator profile", () => {
    const override = emulatorOverride("dev", envStack({ profile: "dev-deploy" }), ROUTES) as {
      provider: { aws: Array<Record<string, unknown>> };
    };
    expect(override.provider.aws[0].profile).toBe(`ssm-access-emulator-${DEV}`);
  });

  it("writes the AWS configuration with one profile per account whose endpoint_url is that account's emulator", () => {
    expect(emulatorAwsConfig({ [PROD]: ENDPOINTS[PROD], [DEV]: ENDPOINTS[DEV] }).split("\n")).toEqual([
      expect.stringMatching(/^# /),
      "",
      `[profile ssm-access-emulator-${DEV}]`,
      `endpoint_url = ${ENDPOINTS[DEV]}`,
      "",
      `[profile ssm-access-emulator-${PROD}]`,
      `endpoint_url = ${ENDPOINTS[PROD]}`,
      "",
    ]);
  });

  it("declares the s3 backend again with the same bucket, key, encryption and lock file, pointed at the emulator", () => {
    const override = emulatorOverride("dev", envStack(), ROUTES) as {
      terraform: { backend: { s3: Record<string, unknown> } };
    };
    const s3 = override.terraform.backend.s3;
    expect(s3).toMatchObject({
      bucket: "state-bucket",
      key: "p/dev/terraform.tfstate",
      region: "eu-west-1",
      encrypt: true,
      use_lockfile: true,
      use_path_style: true,
      endpoints: { s3: ENDPOINTS[DEV], sts: ENDPOINTS[DEV], dynamodb: ENDPOINTS[DEV] },
    });
    expect(s3).not.toHaveProperty("profile");
  });

  it("routes each aliased provider of a multi-account stack to its own account's emulator, and leaves a local backend alone", () => {
    const json = {
      terraform: { backend: { local: { path: "x.tfstate" } } },
      provider: {
        aws: [
          { alias: "a111", region: "eu-west-1", allowed_account_ids: [DEV] },
          { alias: "a222", region: "eu-west-1", allowed_account_ids: [PROD] },
        ],
      },
    };
    const override = emulatorOverride("state-bootstrap", json, ROUTES) as Record<string, unknown> & {
      provider: { aws: Array<{ alias: string; profile: string }> };
    };
    expect(override.provider.aws.map((p) => [p.alias, p.profile])).toEqual([
      ["a111", `ssm-access-emulator-${DEV}`],
      ["a222", `ssm-access-emulator-${PROD}`],
    ]);
    expect(override).not.toHaveProperty("terraform");
    expect(stackAccounts("state-bootstrap", json)).toEqual([DEV, PROD]);
  });

  it("refuses a provider not locked to one account, and an account without an emulator", () => {
    const unlocked = { provider: { aws: [{ region: "eu-west-1" }] } };
    expect(() => emulatorOverride("qa", unlocked, ROUTES)).toThrow(EmulatorOverrideError);
    expect(() => emulatorOverride("qa", unlocked, ROUTES)).toThrow(
      /qa: provider aws must be locked to exactly one account/,
    );
    const other = { provider: { aws: [{ alias: "x", allowed_account_ids: ["333333333333"] }] } };
    expect(() => emulatorOverride("qa", other, ROUTES)).toThrow(
      /no emulator runs for account 333333333333 \(running: 111111111111, 222222222222\)/,
    );
  });
});
