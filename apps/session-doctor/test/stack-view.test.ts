import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStackView, stackView } from "../src/stack-view";
import { DEV_ENVIRONMENT_FILE, DEV_STACK, DEV_STACK_FILE, devEnv } from "./support";

describe("the stack as the session doctor reads it", () => {
  it("reads the Region, the account, the instances and the forwarding from the synthesized stack", () => {
    const env = devEnv();
    expect(env).toEqual({
      name: "dev",
      stackFile: DEV_STACK_FILE,
      environmentFile: DEV_ENVIRONMENT_FILE,
      accountId: "111111111111",
      region: "eu-west-1",
      partition: "aws",
      pinnedRelease: "2023.9.20251117",
      instanceNames: ["app-1"],
      operatorAccess: true,
      forwardedPorts: [8080],
      forwardedRemoteHosts: [],
      s3Gateway: true,
    });
  });

  it("takes the default provider's profile as a hint, remote hosts, and no S3 gateway when the stack has none", () => {
    const env = devEnv((j) => {
      j.provider.aws = [
        { region: "eu-west-1", profile: "dev-admin" },
        { alias: "state", region: "eu-west-1", profile: "state-admin" },
      ];
      delete j.resource.aws_vpc_endpoint.network_endpoints_s3_gateway;
      j.output.port_forwarding_documents.value = { "8080": "d-8080", "db.internal:5432": "d-db" };
    });
    expect(env.deployProfile).toBe("dev-admin");
    expect(env.s3Gateway).toBe(false);
    expect(env.forwardedPorts).toEqual([8080]);
    expect(env.forwardedRemoteHosts).toEqual([{ host: "db.internal", port: 5432 }]);
  });

  it("has no operator access and forwards nothing when the stack has no operator policy", () => {
    const env = devEnv((j) => {
      delete j.output.operator_policy_arn;
      delete j.output.port_forwarding_documents;
    });
    expect(env.operatorAccess).toBe(false);
    expect(env.forwardedPorts).toEqual([]);
  });

  it.each([
    ["eu-west-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
  ])("the partition of %s is %s", (region, partition) => {
    expect(devEnv((j) => (j.output.region.value = region)).partition).toBe(partition);
  });

  it("names the file and every output it cannot use", () => {
    expect(() =>
      stackView("dev", "dev/cdk.tf.json", DEV_ENVIRONMENT_FILE, {
        output: { region: { value: "Ireland" }, instance_ids: { value: ["app-1"] } },
      }),
    ).toThrow(
      /^dev\/cdk\.tf\.json:\n {2}output\.region: "Ireland" is not an AWS Region\n {2}output\.account_id: is missing \(synthesize the stack with the current app\)\n {2}output\.instance_ids: is missing or not a map of instance names$/,
    );
  });

  it("reads the file, and says to synthesize and deploy when there is none", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "session-doctor-stack-"));
    try {
      const file = path.join(dir, "cdk.tf.json");
      expect(() => readStackView("dev", file, DEV_ENVIRONMENT_FILE)).toThrow(
        /cdk\.tf\.json is missing: synthesize the app \(npm run synth\) and deploy dev/,
      );
      fs.writeFileSync(file, JSON.stringify(DEV_STACK));
      expect(readStackView("dev", file, DEV_ENVIRONMENT_FILE).accountId).toBe("111111111111");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
