import { ValidationError } from "@ssm-access/core";
import {
  AggregateValidationError,
  listEnvironments,
  loadEnvironmentFile,
  loadEnvironments,
} from "../../src/config/load";
import type { EnvironmentInput } from "../../src/config/schema";
import { SHIPPED_ENVIRONMENTS, environmentsDir, removeTempDirs, validEnvironment } from "../fixtures";
import * as path from "node:path";
import { compareAl2023Releases } from "@ssm-access/maintenance";

afterAll(removeTempDirs);

function problemsOf(files: Record<string, unknown>, only?: string[]): string {
  const dir = environmentsDir(files);
  try {
    loadEnvironments(dir, only);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the environments to be rejected");
}

describe("loadEnvironments", () => {
  describe("with the shipped files", () => {
    const envs = loadEnvironments(SHIPPED_ENVIRONMENTS);

    it("finds dev and prod and skips the JSON Schema", () => {
      expect(listEnvironments(SHIPPED_ENVIRONMENTS)).toEqual(["dev", "prod"]);
      expect(envs.map((e) => e.name)).toEqual(["dev", "prod"]);
    });

    it("gives dev two AZs, the isolated tier, endpoints in one AZ and one t3.micro", () => {
      const dev = envs[0].config;
      expect(dev.network.availabilityZones).toHaveLength(2);
      expect(dev.network.subnets).toEqual({ isolated: {} });
      expect(dev.network.endpoints?.availabilityZoneCount).toBe(1);
      expect(dev.instances).toEqual([expect.objectContaining({ name: "app-1", instanceType: "t3.micro" })]);
    });

    it("gives prod three AZs, endpoints in each, flow logs, termination protection and two instances", () => {
      const prod = envs[1].config;
      expect(prod.network.availabilityZones).toHaveLength(3);
      expect(prod.network.endpoints?.availabilityZoneCount).toBe(3);
      expect(prod.network.flowLogs?.enabled).toBe(true);
      expect(prod.terminationProtection).toBe(true);
      expect(prod.instances).toHaveLength(2);
    });

    it("keeps dev and prod in different accounts", () => {
      expect(envs[0].config.accountId).not.toBe(envs[1].config.accountId);
    });

    it("pins dev to an Amazon Linux 2023 release and promotes prod from dev, at most on dev's release", () => {
      const [dev, prod] = envs.map((e) => e.config.maintenance);
      expect(dev.osRelease).toMatch(/^2023\.\d+\.\d{8}$/);
      expect(dev.osReleaseFrom).toBeUndefined();
      expect(prod.osReleaseFrom).toBe("dev");
      expect(compareAl2023Releases(prod.osRelease as string, dev.osRelease as string)).toBeLessThanOrEqual(0);
    });
  });

  it("applies defaults to a minimal file", () => {
    const dir = environmentsDir({ "qa.json": validEnvironment() });
    const [qa] = loadEnvironments(dir);
    expect(qa.name).toBe("qa");
    expect(qa.config.project).toBe("ssm-access");
    expect(qa.config.network.subnets).toBeUndefined();
    expect(qa.config.network.natGateways).toBe("none");
    expect(qa.config.terminationProtection).toBe(false);
    expect(qa.config.sessionLogging.managePreferencesDocument).toBe(true);
    expect(qa.config.operatorAccess).toEqual({});
    expect(qa.config.network.flowLogs).toBeUndefined();
    expect(qa.config.maintenance.patching).toBeUndefined();
  });

  it("reads only the selected environments, so a broken file elsewhere does not block them", () => {
    const dir = environmentsDir({ "qa.json": validEnvironment(), "broken.json": "{ not json" });
    expect(loadEnvironments(dir, ["qa"]).map((e) => e.name)).toEqual(["qa"]);
    expect(() => loadEnvironments(dir)).toThrow(/broken\.json/);
  });

  it("rejects an unknown environment name, listing the ones there are", () => {
    expect(problemsOf({ "qa.json": validEnvironment() }, ["staging"])).toMatch(
      /unknown environment staging: .* has qa/,
    );
  });

  describe("rejects a bad file, naming the file, the field path and the reason", () => {
    it.each<[string, Record<string, unknown>, RegExp]>([
      [
        "an unknown field",
        { ...validEnvironment(), colour: "blue" },
        /qa\.json: 1 problem\n {2}- colour: unknown field/,
      ],
      [
        "an unknown nested field",
        validEnvironment({
          network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a"], natgateways: "none" } as never,
        }),
        /network\.natgateways: unknown field/,
      ],
      [
        "an account id that is not 12 digits",
        validEnvironment({ accountId: "12345" }),
        /accountId: must be a 12-digit AWS account id/,
      ],
      ["a malformed region", validEnvironment({ region: "Ireland" }), /region: must be an AWS Region code/],
      [
        "an AZ not in the region",
        validEnvironment({ network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "us-east-1b"] } }),
        /network\.availabilityZones\[1\]: us-east-1b is not an Availability Zone of eu-west-1/,
      ],
      [
        "a duplicate AZ",
        validEnvironment({ network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1a"] } }),
        /network\.availabilityZones: eu-west-1a is listed more than once/,
      ],
      [
        "an empty AZ list",
        validEnvironment({ network: { cidr: "10.0.0.0/16", availabilityZones: [] } }),
        /network\.availabilityZones: must list at least one Availability Zone/,
      ],
      [
        "an s3 backend without its bucket",
        validEnvironment({ backend: { type: "s3" } as never }),
        /backend\.bucket: is required/,
      ],
      [
        "an unknown backend type",
        validEnvironment({ backend: { type: "consul" } as never }),
        /backend\.type: Invalid discriminator value/,
      ],
      [
        "a bad bucket name",
        validEnvironment({ backend: { type: "s3", bucket: "Bad_Bucket" } }),
        /backend\.bucket: must be a valid S3 bucket name/,
      ],
      [
        "a bucket name S3 reserves",
        validEnvironment({ backend: { type: "s3", bucket: "state..bucket-s3alias" } }),
        /backend\.bucket: "state\.\.bucket-s3alias" must not contain two adjacent periods\n {2}- backend\.bucket: "state\.\.bucket-s3alias" must not end with a suffix S3 reserves/,
      ],
      [
        "duplicate instance names",
        validEnvironment({ instances: [{ name: "web" }, { name: "db" }, { name: "web" }] }),
        /instances\[2\]\.name: duplicate instance name "web"/,
      ],
      ["no instances", validEnvironment({ instances: [] }), /instances: must define at least one instance/],
      [
        "a public instance tier",
        validEnvironment({ instances: [{ name: "web", tier: "public" as never }] }),
        /instances\[0\]\.tier: /,
      ],
      [
        "an AMI with both a parameter and an id",
        validEnvironment({
          instances: [{ name: "web", ami: { ssmParameter: "/x", id: "ami-0123456789abcdef0" } as never }],
        }),
        /instances\[0\]\.ami: /,
      ],
      [
        "a reserved tag",
        validEnvironment({ tags: { Environment: "x" } }),
        /tags\.Environment: Environment is set for every resource/,
      ],
      [
        "a missing region",
        (() => {
          const e: Record<string, unknown> = { ...validEnvironment() };
          delete e.region;
          return e;
        })(),
        /region: is required/,
      ],
      [
        "an unknown patching mode",
        validEnvironment({ maintenance: { patching: { mode: "sometimes" as never } } }),
        /maintenance\.patching\.mode: /,
      ],
      [
        "the former patching mode off, naming the new spelling",
        validEnvironment({ maintenance: { patching: { mode: "off" as never } } }),
        /maintenance\.patching\.mode: is no longer a patching mode: turn patching off with "patching": \{ "enabled": false \}/,
      ],
      [
        "a feature turned off with a bare false, naming the new spelling",
        validEnvironment({
          network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a"], endpoints: false as never },
        }),
        /network\.endpoints: false is not accepted here: write \{ "enabled": false \}/,
      ],
      [
        "a flowLogs section without enabled, whose meaning changed",
        validEnvironment({
          network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a"], flowLogs: { retentionInDays: 30 } },
        }),
        /network\.flowLogs\.enabled: is required in this release: a flowLogs section without "enabled" used to mean off and now means on/,
      ],
      [
        "a field unknown to portForwarding",
        validEnvironment({ operatorAccess: { portForwarding: { port: 8080 } as never } }),
        /operatorAccess\.portForwarding\.port: unknown field/,
      ],
      [
        "a port that is not a whole number",
        validEnvironment({ operatorAccess: { portForwarding: { ports: [80.5] } } }),
        /operatorAccess\.portForwarding\.ports\[0\]: /,
      ],
      [
        "a remote host without its port",
        validEnvironment({ operatorAccess: { portForwarding: { remoteHosts: [{ host: "db.internal" } as never] } } }),
        /operatorAccess\.portForwarding\.remoteHosts\[0\]\.port: is required/,
      ],
      [
        "port forwarding with operator access turned off",
        validEnvironment({ operatorAccess: { enabled: false, portForwarding: { ports: [8080] } } }),
        /operatorAccess\.portForwarding: only applies when operator access is on/,
      ],
      [
        "adopting the preferences document without managing it",
        validEnvironment({
          sessionLogging: {
            managePreferencesDocument: false,
            preferencesOwner: "dev",
            adoptExistingPreferencesDocument: true,
          },
        }),
        /sessionLogging\.adoptExistingPreferencesDocument: only applies when managePreferencesDocument is true; set it in the file of dev/,
      ],
      [
        "an S3 gateway allow-list that is not a list",
        validEnvironment({
          network: {
            cidr: "10.0.0.0/16",
            availabilityZones: ["eu-west-1a"],
            endpoints: { s3Gateway: { allowedBuckets: "shared" as never } },
          },
        }),
        /network\.endpoints\.s3Gateway\.allowedBuckets: /,
      ],
      [
        "an unknown CPU credit option",
        validEnvironment({ instances: [{ name: "web", cpuCredits: "burst" as never }] }),
        /instances\[0\]\.cpuCredits: /,
      ],
      [
        "a negative replacement generation",
        validEnvironment({ instances: [{ name: "web", replacementGeneration: -1 }] }),
        /instances\[0\]\.replacementGeneration: must be 0 or more; bump it by one/,
      ],
      [
        "a fractional replacement generation",
        validEnvironment({ instances: [{ name: "web", replacementGeneration: 1.5 }] }),
        /instances\[0\]\.replacementGeneration: /,
      ],
      [
        "a root device name that is not a string",
        validEnvironment({ instances: [{ name: "web", rootVolume: { deviceName: 1 as never } }] }),
        /instances\[0\]\.rootVolume\.deviceName: /,
      ],
      [
        "a tag key with the prefix AWS reserves, in any case",
        validEnvironment({ tags: { "AWS:team": "x" } }),
        /qa\.json: 1 problem\n {2}- tags\.AWS:team: "AWS:team": keys starting with aws: are reserved by AWS/,
      ],
      [
        "a tag key longer than 128 characters",
        validEnvironment({ tags: { ["k".repeat(129)]: "x" } }),
        /- tags\.k{129}: "k{129}" is not a tag key AWS accepts: 1-128 letters/,
      ],
      [
        "a tag key with a character AWS refuses",
        validEnvironment({ tags: { "cost#center": "x" } }),
        /- tags\.cost#center: "cost#center" is not a tag key AWS accepts: 1-128 letters, digits, spaces and _ \. : \/ = \+ - @/,
      ],
      [
        "a tag value longer than 256 characters",
        validEnvironment({ tags: { Owner: "v".repeat(257) } }),
        /- tags\.Owner: "v{257}" is not a tag value AWS accepts: at most 256/,
      ],
      [
        "a tag value with a character AWS refuses",
        validEnvironment({ tags: { Owner: "team<a>" } }),
        /- tags\.Owner: "team<a>" is not a tag value AWS accepts/,
      ],
      [
        "more tags than AWS allows on one resource, with the stack's",
        validEnvironment({ tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, "v"])) }),
        /- tags: 48 tags and the stack's 3 make 51; AWS allows 50 per resource/,
      ],
      [
        "an instance whose tags and the stack's exceed the limit",
        validEnvironment({
          tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "v"])),
          instances: [{ name: "web", tags: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`i${i}`, "v"])) }],
        }),
        /- instances\[0\]\.tags: the instance would carry 51 tags .* AWS allows 50 per resource/,
      ],
      [
        "a DynamoDB lock table name DynamoDB refuses",
        validEnvironment({ backend: { type: "s3", bucket: "qa-tfstate", dynamodbTable: "locks table" } }),
        /- backend\.dynamodbTable: must be a DynamoDB table name: 3-255 letters, digits, '_', '\.', '-'/,
      ],
    ])("%s", (_what, content, expected) => {
      expect(problemsOf({ "qa.json": content })).toMatch(expected);
    });

    it.each([
      ["a file tag", { tags: { Owner: "platform-team", "cost:center": "a/b=c+d@e.f_g -h" } }],
      ["an instance tag", { instances: [{ name: "web", tags: { "Ünïcode Key": "välue" } }] }],
    ])("accepts %s of letters, digits, spaces and the allowed symbols", (_what, overrides) => {
      const dir = environmentsDir({ "qa.json": validEnvironment(overrides as never) });
      expect(() => loadEnvironments(dir)).not.toThrow();
    });

    it("invalid JSON, with the parser's reason", () => {
      expect(problemsOf({ "qa.json": '{ "region": ' })).toMatch(/qa\.json: 1 problem\n {2}- \(file\): .*JSON/);
    });

    it("a file name that cannot be a stack name", () => {
      expect(problemsOf({ "Prod_EU.json": validEnvironment() })).toMatch(/\(file name\): "Prod_EU" must be/);
    });

    it("every problem of every file at once", () => {
      const dir = environmentsDir({
        "a.json": validEnvironment({ accountId: "1", region: "x" }),
        "b.json": validEnvironment({ instances: [] }),
      });
      let err: unknown;
      try {
        loadEnvironments(dir);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AggregateValidationError);
      const message = (err as Error).message;
      expect(message).toMatch(/a\.json: 2 problems\n {2}- accountId: .*\n {2}- region: /);
      expect(message).toMatch(/b\.json: 1 problem\n {2}- instances: /);
    });
  });

  describe("the legacy operatorAccess.allowPortForwarding", () => {
    it.each([true, false])("(%s) is rejected with what replaced it, not as an unknown field", (value) => {
      const message = problemsOf({
        "qa.json": validEnvironment({ operatorAccess: { enabled: true, allowPortForwarding: value } as never }),
      });
      expect(message).toMatch(
        /^.*qa\.json: 1 problem\n {2}- operatorAccess\.allowPortForwarding: was replaced by portForwarding: /,
      );
      expect(message).toContain("portForwarding.ports");
      expect(message).toContain("portForwarding.remoteHosts");
      expect(message).not.toContain("unknown field");
    });
  });

  describe("former spellings of optional features", () => {
    const network = (endpoints: Record<string, unknown>) => ({
      network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-1a"], endpoints },
    });
    it.each<[string, Record<string, unknown>, string]>([
      [
        "a bare true for the S3 gateway",
        network({ s3Gateway: true }),
        'network.endpoints.s3Gateway: true is not accepted here: write { "enabled": true }',
      ],
      [
        "a bare false for the S3 gateway",
        network({ s3Gateway: false }),
        'network.endpoints.s3Gateway: false is not accepted here: write { "enabled": false }',
      ],
      [
        "s3GatewayAllowedBuckets beside the S3 gateway",
        network({ s3GatewayAllowedBuckets: ["shared-artifacts"] }),
        'network.endpoints.s3GatewayAllowedBuckets: moved into the S3 gateway\'s options: write "s3Gateway": { "allowedBuckets": [...] }',
      ],
      [
        "scanBetweenWindows",
        { maintenance: { patching: { mode: "install", scanBetweenWindows: false } } },
        'maintenance.patching.scanBetweenWindows: was replaced by betweenWindowsScan: write "betweenWindowsScan": { "enabled": false }',
      ],
      [
        "betweenWindowsScanSchedule",
        { maintenance: { patching: { mode: "install", betweenWindowsScanSchedule: "cron(0 12 ? * * *)" } } },
        'maintenance.patching.betweenWindowsScanSchedule: was replaced by betweenWindowsScan: write "betweenWindowsScan": { "schedule": "cron(...)" }',
      ],
    ])("reject %s, naming the file, the field and the form to write", (_what, fields, expected) => {
      const message = problemsOf({ "qa.json": validEnvironment(fields as never) });
      expect(message).toMatch(/^.*qa\.json: 1 problem\n/);
      expect(message).toContain(`  - ${expected}`);
      expect(message).not.toContain("unknown field");
    });

    it("take the new spellings", () => {
      const dir = environmentsDir({
        "qa.json": validEnvironment({
          ...network({ s3Gateway: { enabled: true, allowedBuckets: ["shared-artifacts"] } }),
          maintenance: { patching: { mode: "install", betweenWindowsScan: { enabled: false } } },
        } as never),
      });
      const [qa] = loadEnvironments(dir);
      expect(qa.config.network.endpoints?.s3Gateway).toEqual({ enabled: true, allowedBuckets: ["shared-artifacts"] });
      expect(qa.config.maintenance.patching?.betweenWindowsScan).toEqual({ enabled: false });
    });
  });

  describe("port forwarding", () => {
    it("keeps the ports and remote hosts as written", () => {
      const dir = environmentsDir({
        "qa.json": validEnvironment({
          operatorAccess: { portForwarding: { ports: [8080], remoteHosts: [{ host: "db.internal", port: 5432 }] } },
        }),
      });
      expect(loadEnvironments(dir)[0].config.operatorAccess.portForwarding).toEqual({
        ports: [8080],
        remoteHosts: [{ host: "db.internal", port: 5432 }],
      });
    });

    it("is off when the file says nothing", () => {
      const [qa] = loadEnvironments(environmentsDir({ "qa.json": validEnvironment() }));
      expect(qa.config.operatorAccess.portForwarding).toBeUndefined();
    });

    it("lets the shipped dev file forward port 8080 and the shipped prod file nothing", () => {
      const [dev, prod] = loadEnvironments(SHIPPED_ENVIRONMENTS);
      expect(dev.config.operatorAccess.portForwarding).toEqual({ ports: [8080] });
      expect(prod.config.operatorAccess.portForwarding).toBeUndefined();
    });
  });

  describe("deploy", () => {
    const ROLE = "arn:aws:iam::123456789012:role/terraform-deploy";

    it.each<[string, EnvironmentInput["deploy"]]>([
      ["a profile", { profile: "qa-admin" }],
      ["a role", { assumeRoleArn: ROLE }],
      ["a role with a path", { assumeRoleArn: "arn:aws:iam::123456789012:role/deploy/terraform" }],
      [
        "a profile, a role, an external id and a session name",
        { profile: "org", assumeRoleArn: ROLE, externalId: "ssm-access-qa", sessionName: "ssm-access-qa" },
      ],
    ])("accepts %s", (_what, deploy) => {
      const [qa] = loadEnvironments(environmentsDir({ "qa.json": validEnvironment({ deploy }) }));
      expect(qa.config.deploy).toEqual(deploy);
    });

    it("is absent by default (the default credential chain); the shipped files name a placeholder profile each", () => {
      expect(loadEnvironments(environmentsDir({ "qa.json": validEnvironment() }))[0].config.deploy).toBeUndefined();
      expect(loadEnvironments(SHIPPED_ENVIRONMENTS).map((env) => [env.name, env.config.deploy])).toEqual([
        ["dev", { profile: "ssm-access-dev" }],
        ["prod", { profile: "ssm-access-prod" }],
      ]);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ["an empty section", {}, /qa\.json: 1 problem\n {2}- deploy: set profile or assumeRoleArn/],
      [
        "a role of another account",
        { assumeRoleArn: "arn:aws:iam::999999999999:role/deploy" },
        /deploy\.assumeRoleArn: is a role of account 999999999999, but accountId is 123456789012/,
      ],
      [
        "a role of another partition",
        { assumeRoleArn: "arn:aws-cn:iam::123456789012:role/deploy" },
        /deploy\.assumeRoleArn: is in partition aws-cn, but eu-west-1 is in aws/,
      ],
      [
        "a user ARN instead of a role",
        { assumeRoleArn: "arn:aws:iam::123456789012:user/alice" },
        /deploy\.assumeRoleArn: must be an IAM role ARN/,
      ],
      [
        "a role name instead of its ARN",
        { assumeRoleArn: "terraform-deploy" },
        /deploy\.assumeRoleArn: must be an IAM role ARN/,
      ],
      [
        "an external id without a role",
        { profile: "qa", externalId: "abc123" },
        /qa\.json: 1 problem\n {2}- deploy\.externalId: only applies with assumeRoleArn/,
      ],
      [
        "a session name without a role",
        { profile: "qa", sessionName: "me" },
        /deploy\.sessionName: only applies with assumeRoleArn/,
      ],
      [
        "an external id STS refuses",
        { assumeRoleArn: ROLE, externalId: "has spaces" },
        /deploy\.externalId: must be 2-1224/,
      ],
      [
        "a session name STS refuses",
        { assumeRoleArn: ROLE, sessionName: "x".repeat(65) },
        /deploy\.sessionName: must be 2-64/,
      ],
      ["an empty profile", { profile: "" }, /deploy\.profile: /],
      ["an unknown field", { profile: "qa", roleArn: ROLE }, /deploy\.roleArn: unknown field/],
    ])("rejects %s at its field", (_what, deploy, expected) => {
      expect(problemsOf({ "qa.json": { ...validEnvironment(), deploy } })).toMatch(expected);
    });

    it("rejects a profile on a local backend as an unknown field: only s3 has one", () => {
      expect(
        problemsOf({ "qa.json": validEnvironment({ backend: { type: "local", profile: "qa" } as never }) }),
      ).toMatch(/backend\.profile: unknown field/);
    });

    it("accepts deploy credentials with a local backend: they are the provider's", () => {
      const [qa] = loadEnvironments(
        environmentsDir({ "qa.json": validEnvironment({ deploy: { profile: "qa" }, backend: { type: "local" } }) }),
      );
      expect(qa.config.deploy).toEqual({ profile: "qa" });
    });
  });

  it("refuses two owners of the Session Manager preferences document in one account and region", () => {
    const message = problemsOf({ "a.json": validEnvironment(), "b.json": validEnvironment() });
    expect(message).toMatch(
      /b\.json: 1 problem\n {2}- sessionLogging\.managePreferencesDocument: account 123456789012 in eu-west-1 already has .* owned by .*a\.json; set this to false and preferencesOwner to "a"/,
    );
  });

  it("allows one owner per account and region", () => {
    const dir = environmentsDir({
      "a.json": validEnvironment(),
      "b.json": validEnvironment({ sessionLogging: { managePreferencesDocument: false, preferencesOwner: "a" } }),
      "c.json": validEnvironment({
        region: "eu-west-2",
        network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-2a"] },
      }),
    });
    expect(loadEnvironments(dir).map((e) => e.name)).toEqual(["a", "b", "c"]);
  });

  describe("an environment that does not own the preferences document", () => {
    const notOwner = (owner: string | undefined, extra: Partial<EnvironmentInput> = {}) =>
      validEnvironment({
        sessionLogging: { managePreferencesDocument: false, ...(owner ? { preferencesOwner: owner } : {}) },
        ...extra,
      });

    it("gets its owner resolved, even when the owner was not selected", () => {
      const dir = environmentsDir({ "a.json": validEnvironment(), "b.json": notOwner("a") });
      const [b] = loadEnvironments(dir, ["b"]);
      expect(b.preferencesOwner?.name).toBe("a");
      expect(b.preferencesOwner?.config.sessionLogging.managePreferencesDocument).toBe(true);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      [
        "without naming its owner",
        { "b.json": notOwner(undefined) },
        /sessionLogging\.preferencesOwner: is required when managePreferencesDocument is false/,
      ],
      [
        "naming an owner that does not exist",
        { "b.json": notOwner("zz") },
        /sessionLogging\.preferencesOwner: no environment "zz" in/,
      ],
      ["naming itself", { "b.json": notOwner("b") }, /sessionLogging\.preferencesOwner: "b" is this environment/],
      [
        "naming an environment that does not own it either",
        { "a.json": notOwner("b"), "b.json": notOwner("a") },
        /sessionLogging\.preferencesOwner: .*a\.json does not manage the preferences document either/,
      ],
      [
        "naming an owner in another account",
        { "a.json": validEnvironment({ accountId: "999999999999" }), "b.json": notOwner("a") },
        /sessionLogging\.preferencesOwner: .*a\.json is in account 999999999999 eu-west-1, this environment in 123456789012 eu-west-1/,
      ],
      [
        "naming an owner while owning it",
        {
          "a.json": validEnvironment(),
          "b.json": validEnvironment({
            region: "eu-west-2",
            network: { cidr: "10.0.0.0/16", availabilityZones: ["eu-west-2a"] },
            sessionLogging: { preferencesOwner: "a" },
          }),
        },
        /sessionLogging\.preferencesOwner: only applies when managePreferencesDocument is false/,
      ],
    ])("is rejected %s", (_what, files, expected) => {
      expect(problemsOf(files, ["b"])).toMatch(expected);
    });
  });

  describe("maintenance.osRelease", () => {
    const withRelease = (osRelease: string, extra: Partial<EnvironmentInput> = {}) =>
      validEnvironment({ maintenance: { osRelease }, ...extra });

    it("accepts a dated Amazon Linux 2023 release", () => {
      const [qa] = loadEnvironments(environmentsDir({ "qa.json": withRelease("2023.9.20251117") }));
      expect(qa.config.maintenance.osRelease).toBe("2023.9.20251117");
    });

    it("is absent by default: no release upgrade", () => {
      const [qa] = loadEnvironments(environmentsDir({ "qa.json": validEnvironment() }));
      expect(qa.config.maintenance.osRelease).toBeUndefined();
    });

    it.each<[string, string, RegExp]>([
      [
        "not a release version",
        "latest",
        /"latest" is not an Amazon Linux 2023 release version: 2023\.<minor>\.<YYYYMMDD>/,
      ],
      ["another major version", "2022.0.20221101", /"2022\.0\.20221101" is not an Amazon Linux 2023 release version/],
      [
        "a minor number with a leading zero",
        "2023.09.20251117",
        /"2023\.09\.20251117" is not an Amazon Linux 2023 release version/,
      ],
      [
        "a date that is no day of the calendar",
        "2023.9.20250431",
        /"2023\.9\.20250431": 20250431 is not a date \(YYYYMMDD\)/,
      ],
    ])("rejects %s, naming the file and the field", (_what, osRelease, expected) => {
      const message = problemsOf({ "qa.json": withRelease(osRelease) });
      expect(message).toMatch(/qa\.json: 1 problem\n {2}- maintenance\.osRelease: /);
      expect(message).toMatch(expected);
    });

    it("accepts instances on any Amazon Linux 2023 parameter, or the default image", () => {
      const instances = [
        { name: "default" },
        { name: "arm", ami: { ssmParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.12-arm64" } },
        {
          name: "versioned",
          ami: { ssmParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64:42" },
        },
      ];
      expect(
        loadEnvironments(environmentsDir({ "qa.json": withRelease("2023.9.20251117", { instances }) })),
      ).toHaveLength(1);
    });

    it("refuses the release upgrade for instances not recognisably on Amazon Linux 2023, naming each", () => {
      const message = problemsOf({
        "qa.json": withRelease("2023.9.20251117", {
          instances: [
            { name: "ok" },
            { name: "pinned", ami: { id: "ami-0123456789abcdef0" } },
            { name: "al2", ami: { ssmParameter: "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2" } },
          ],
        }),
      });
      expect(message).toMatch(/qa\.json: 2 problems/);
      expect(message).toMatch(
        /- maintenance\.osRelease: upgrades Amazon Linux 2023 only, but instances\[1\] \("pinned"\) uses ami\.id ami-0123456789abcdef0, which is not recognisably Amazon Linux 2023/,
      );
      expect(message).toMatch(
        /- maintenance\.osRelease: upgrades Amazon Linux 2023 only, but instances\[2\] \("al2"\) uses ami\.ssmParameter \/aws\/service\/ami-amazon-linux-latest\/amzn2-ami-hvm-x86_64-gp2/,
      );
      expect(message).toMatch(/leave osRelease out \(patching is then what AWS-RunPatchBaseline does\)/);
    });

    it("lets instances use any image without osRelease", () => {
      const file = validEnvironment({ instances: [{ name: "pinned", ami: { id: "ami-0123456789abcdef0" } }] });
      expect(loadEnvironments(environmentsDir({ "qa.json": file }))).toHaveLength(1);
    });
  });

  describe("maintenance.osReleaseFrom, the promotion rule", () => {
    const dev = (osRelease?: string) =>
      validEnvironment({ accountId: "111111111111", maintenance: osRelease ? { osRelease } : {} });
    const prod = (osRelease: string, from = "dev") =>
      validEnvironment({ accountId: "222222222222", maintenance: { osRelease, osReleaseFrom: from } });

    it.each<[string, string]>([
      ["the same release as its source", "2023.9.20251117"],
      ["an older release of the same minor version", "2023.9.20251110"],
      ["an older minor version with a later date", "2023.8.20251201"],
    ])("accepts a promoted environment on %s", (_what, prodRelease) => {
      const dir = environmentsDir({ "dev.json": dev("2023.9.20251117"), "prod.json": prod(prodRelease) });
      expect(loadEnvironments(dir).map((e) => e.config.maintenance.osRelease)).toEqual([
        "2023.9.20251117",
        prodRelease,
      ]);
    });

    it.each<[string, string]>([
      ["a later date of the same minor version", "2023.9.20251208"],
      ["a higher minor version, compared as a number", "2023.10.20251101"],
    ])(
      "refuses a promoted environment on a newer release than its source (%s), naming both files and both releases",
      (_what, prodRelease) => {
        const message = problemsOf({ "dev.json": dev("2023.9.20251117"), "prod.json": prod(prodRelease) });
        expect(message).toMatch(/prod\.json: 1 problem\n {2}- maintenance\.osRelease: /);
        expect(message).toContain(`${prodRelease} is newer than 2023.9.20251117, the release of `);
        expect(message).toMatch(
          /dev\.json this environment is promoted from \(osReleaseFrom "dev"\); upgrade dev to \S+ first, or pin 2023\.9\.20251117 or an older release here/,
        );
      },
    );

    it("enforces the rule when only the promoted environment is synthesized, reading its source's file", () => {
      const dir = environmentsDir({ "dev.json": dev("2023.9.20251117"), "prod.json": prod("2023.10.20251201") });
      expect(
        problemsOf({ "dev.json": dev("2023.9.20251117"), "prod.json": prod("2023.10.20251201") }, ["prod"]),
      ).toMatch(
        /prod\.json: 1 problem\n {2}- maintenance\.osRelease: 2023\.10\.20251201 is newer than 2023\.9\.20251117, the release of \S*dev\.json/,
      );
      expect(loadEnvironments(dir, ["dev"]).map((e) => e.name)).toEqual(["dev"]);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      [
        "whose source does not exist",
        { "prod.json": prod("2023.9.20251117", "staging") },
        /maintenance\.osReleaseFrom: no environment "staging" in \S+ to take the release from/,
      ],
      [
        "whose source pins no release",
        { "dev.json": dev(), "prod.json": prod("2023.9.20251117") },
        /maintenance\.osReleaseFrom: \S*dev\.json pins no maintenance\.osRelease, so it has no tested release to promote; pin one there first/,
      ],
      [
        "promoted from itself",
        { "prod.json": prod("2023.9.20251117", "prod") },
        /maintenance\.osReleaseFrom: "prod" is this environment/,
      ],
      [
        "without a release of its own",
        {
          "dev.json": dev("2023.9.20251117"),
          "prod.json": validEnvironment({ maintenance: { osReleaseFrom: "dev" } }),
        },
        /maintenance\.osReleaseFrom: only applies with osRelease/,
      ],
    ])("refuses an environment %s", (_what, files, expected) => {
      expect(problemsOf(files, ["prod"])).toMatch(expected);
      expect(problemsOf(files)).toMatch(expected);
    });

    it("reports every promoted environment that is ahead of its source", () => {
      const message = problemsOf({
        "dev.json": dev("2023.9.20251117"),
        "prod.json": prod("2023.9.20251208"),
        "stage.json": validEnvironment({
          accountId: "333333333333",
          maintenance: { osRelease: "2023.10.20251201", osReleaseFrom: "dev" },
        }),
      });
      expect(message).toMatch(/prod\.json: 1 problem[\s\S]*stage\.json: 1 problem/);
    });
  });

  it("loadEnvironmentFile throws a ValidationError carrying the issues", () => {
    const dir = environmentsDir({ "qa.json": validEnvironment({ accountId: "x" }) });
    try {
      loadEnvironmentFile(path.join(dir, "qa.json"), "environments/qa.json");
      throw new Error("not rejected");
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).subject).toBe("environments/qa.json");
      expect((e as ValidationError).issues).toEqual([
        { path: "accountId", message: "must be a 12-digit AWS account id" },
      ]);
    }
  });
});
