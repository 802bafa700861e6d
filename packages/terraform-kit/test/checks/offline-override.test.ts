import { assertNoDataSources, OfflinePlanError, offlineOverride } from "../../src/checks/offline-override";
import { vpcStack } from "../support/fixtures";

describe("offline override", () => {
  describe("offlineOverride", () => {
    const override = offlineOverride(vpcStack()) as {
      terraform: unknown;
      provider: { aws: Record<string, unknown>[] };
    };

    it("replaces the backend with a local one inside the working copy", () => {
      expect(override.terraform).toEqual({ backend: { local: { path: "offline.tfstate" } } });
    });

    it("sets fake credentials and every skip flag on the default and each aliased provider, and nulls allowed_account_ids", () => {
      const settings = {
        access_key: "mock_access_key",
        secret_key: "mock_secret_key",
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        allowed_account_ids: null,
      };
      expect(override.provider.aws).toEqual([settings, { alias: "us_east_1", ...settings }]);
    });

    it("nulls a profile and neutralizes assume_role only on the providers that set them", () => {
      const json = {
        provider: {
          aws: [
            { region: "eu-west-1", profile: "deploy" },
            { alias: "audit", region: "eu-west-1", assume_role: [{ role_arn: "arn:aws:iam::123456789012:role/x" }] },
          ],
        },
      };
      const aws = (offlineOverride(json) as { provider: { aws: Record<string, unknown>[] } }).provider.aws;
      expect(aws[0]).toMatchObject({ profile: null });
      expect(aws[0]).not.toHaveProperty("assume_role");
      expect(aws[1]).toMatchObject({ alias: "audit", assume_role: [{ role_arn: "" }] });
      expect(aws[1]).not.toHaveProperty("profile");
    });

    it("has no provider section when the stack configures no AWS provider", () => {
      expect(offlineOverride({ resource: {} })).not.toHaveProperty("provider");
    });
  });

  describe("assertNoDataSources", () => {
    it("accepts a stack without data sources", () => {
      expect(() => assertNoDataSources("dev", vpcStack())).not.toThrow();
    });

    it("names every data source address of the stack", () => {
      const json = vpcStack({
        extra: {
          data: {
            aws_ami: { base: { most_recent: true } },
            aws_availability_zones: { zones: {} },
          },
        },
      });
      expect(() => assertNoDataSources("dev", json)).toThrow(OfflinePlanError);
      expect(() => assertNoDataSources("dev", json)).toThrow(
        "dev: data sources read AWS at plan time; stacks must not use them. Found: data.aws_ami.base, data.aws_availability_zones.zones",
      );
    });
  });
});
