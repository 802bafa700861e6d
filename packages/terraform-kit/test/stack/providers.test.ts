import { awsProviderBlocks, defaultAwsProvider, stackBackend } from "../../src/stack/providers";
import { dataStack, vpcStack } from "../support/fixtures";

describe("providers and backend", () => {
  describe("awsProviderBlocks", () => {
    it("returns the default and aliased AWS providers in order", () => {
      expect(awsProviderBlocks(vpcStack()).map((b) => b.alias)).toEqual([undefined, "us_east_1"]);
    });

    it("reads the object form: a single provider object, other providers ignored", () => {
      const blocks = awsProviderBlocks({ provider: { aws: { region: "eu-west-1" }, random: [{}] } });
      expect(blocks).toEqual([{ config: { region: "eu-west-1" } }]);
    });

    it("reads the list form: a list of provider maps, each with one or more aws blocks", () => {
      const blocks = awsProviderBlocks({
        provider: [{ aws: { region: "eu-west-1" } }, { aws: [{ alias: "use1", region: "us-east-1" }] }],
      });
      expect(blocks).toEqual([
        { config: { region: "eu-west-1" } },
        { alias: "use1", config: { alias: "use1", region: "us-east-1" } },
      ]);
    });

    it("finds none in a stack on Terraform's built-in provider", () => {
      expect(awsProviderBlocks(dataStack())).toEqual([]);
    });
  });

  describe("defaultAwsProvider", () => {
    it("is the provider block without an alias", () => {
      expect(defaultAwsProvider(vpcStack())).toMatchObject({ region: "eu-west-1" });
      expect(defaultAwsProvider({ provider: { aws: [{ alias: "x" }] } })).toBeUndefined();
    });
  });

  describe("stackBackend", () => {
    it("reads the backend type and its arguments, of the object form and of the list form", () => {
      const expected = { type: "s3", config: expect.objectContaining({ bucket: "example-state" }) };
      expect(stackBackend(vpcStack())).toEqual(expected);
      const s3 = { bucket: "example-state" };
      expect(stackBackend({ terraform: [{ required_providers: {} }, { backend: [{ s3: [s3] }] }] })).toEqual(expected);
    });

    it("is undefined without a backend", () => {
      expect(stackBackend({ terraform: { required_providers: {} } })).toBeUndefined();
      expect(stackBackend({})).toBeUndefined();
    });
  });
});
