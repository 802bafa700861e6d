import * as path from "node:path";
import { namePrefixOf, parseEnvironment, partitionOf, readEnvironment } from "../src/environment";
import { DEV_JSON, devEnv } from "./support";

describe("environment files", () => {
  it("reads the fields connect and the doctor use, with the app's defaults", () => {
    const env = devEnv();
    expect(env).toMatchObject({
      name: "dev",
      project: "ssm-access",
      accountId: "111111111111",
      region: "eu-west-1",
      instanceNames: ["app-1"],
      operatorAccess: true,
      forwardedPorts: [8080],
      forwardedRemoteHosts: [],
      s3Gateway: true,
    });
    expect(env.deployProfile).toBeUndefined();
    expect(namePrefixOf(env)).toBe("ssm-access-dev");
  });

  it("takes deploy.profile as a hint and the S3 gateway setting", () => {
    const env = devEnv((j) => {
      j.deploy = { profile: "dev-admin" };
      (j.network as { endpoints: Record<string, unknown> }).endpoints.s3Gateway = false;
      delete j.project;
    });
    expect(env.deployProfile).toBe("dev-admin");
    expect(env.s3Gateway).toBe(false);
    expect(env.project).toBe("ssm-access");
  });

  it("forwards nothing when operator access is off", () => {
    const env = devEnv((j) => {
      j.operatorAccess = { enabled: false, portForwarding: { ports: [8080] } };
    });
    expect(env.forwardedPorts).toEqual([]);
    expect(env.operatorAccess).toBe(false);
  });

  it("names every missing field with its path", () => {
    expect(() => parseEnvironment("dev", "dev.json", { instances: [{}] })).toThrow(
      /dev\.json:\n {2}accountId: is missing\n {2}region: is missing\n {2}instances\[0\]\.name: is missing/,
    );
  });

  it("lists the environments when the file does not exist", () => {
    const dir = path.resolve(__dirname, "..", "..", "..", "apps", "infra", "environments");
    expect(() => readEnvironment(dir, "staging")).toThrow(/staging\.json does not exist; environments: .*dev/);
    expect(readEnvironment(dir, "dev").accountId).toBe(DEV_JSON.accountId);
  });

  it.each([
    ["eu-west-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
  ])("the partition of %s is %s", (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});
