import { Validator } from "@ssm-access/core";
import { Token } from "cdktf";
import {
  AMAZON_LINUX_2023_AMI_PARAMETER,
  AMAZON_LINUX_2_AMI_PARAMETER,
  InstanceOptions,
  resolveInstance,
  validateInstanceOptions,
} from "../src";

function problems(options: InstanceOptions): string[] {
  const v = new Validator("test", "defaults");
  validateInstanceOptions(v, options);
  return v.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("instance options", () => {
  describe("resolveInstance", () => {
    it("applies the built-in defaults", () => {
      expect(resolveInstance({ name: "web" })).toEqual({
        name: "web",
        instanceType: "t3.nano",
        tier: "isolated",
        availabilityZone: undefined,
        ami: { ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER },
        rootVolume: { sizeGiB: 8 },
        userData: undefined,
        detailedMonitoring: false,
        terminationProtection: false,
        metadataHopLimit: 1,
        tags: {},
      });
    });

    it("takes the defaults where the instance sets nothing", () => {
      const defaults: InstanceOptions = {
        instanceType: "t3.small",
        tier: "private",
        ami: { ssmParameter: AMAZON_LINUX_2_AMI_PARAMETER },
        terminationProtection: true,
        detailedMonitoring: true,
        metadataHopLimit: 2,
        userData: "#!/bin/sh",
      };
      const r = resolveInstance({ name: "web" }, defaults);
      expect(r).toMatchObject(defaults);
    });

    it("lets the instance's own values win over the defaults", () => {
      const r = resolveInstance(
        { name: "web", instanceType: "m7i.large", terminationProtection: false, ami: { id: "ami-1234abcd" } },
        { instanceType: "t3.small", terminationProtection: true },
      );
      expect(r.instanceType).toBe("m7i.large");
      expect(r.terminationProtection).toBe(false);
      expect(r.ami).toEqual({ id: "ami-1234abcd" });
    });

    it("merges tags and root volume settings key by key", () => {
      const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const r = resolveInstance(
        { name: "db", tags: { Role: "db" }, rootVolume: { sizeGiB: 50, kmsKeyArn: undefined } },
        { tags: { SessionAccess: "ops", Role: "any" }, rootVolume: { kmsKeyArn, sizeGiB: 10 } },
      );
      expect(r.tags).toEqual({ SessionAccess: "ops", Role: "db" });
      expect(r.rootVolume).toEqual({ sizeGiB: 50, kmsKeyArn });
    });
  });

  describe("validateInstanceOptions", () => {
    it("accepts a complete, valid set of options", () => {
      expect(
        problems({
          instanceType: "m7i-flex.large",
          tier: "private",
          availabilityZone: "eu-west-1a",
          ami: { id: "ami-0123456789abcdef0" },
          rootVolume: {
            sizeGiB: 16384,
            iops: 16000,
            throughput: 1000,
            kmsKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd",
          },
          userData: "#!/bin/bash\necho ${HOME}",
          metadataHopLimit: 64,
          tags: { SessionAccess: "ops" },
        }),
      ).toEqual([]);
    });

    it.each(["c7i.metal-24xl", "u-6tb1.112xlarge", "t4g.nano"])("accepts the instance type %p", (instanceType) => {
      expect(problems({ instanceType })).toEqual([]);
    });

    it("does not check values that are Terraform tokens", () => {
      expect(
        problems({
          instanceType: Token.asString({ Ref: "type" }),
          rootVolume: { sizeGiB: Token.asNumber({ Ref: "size" }), kmsKeyArn: Token.asString({ Ref: "key" }) },
        }),
      ).toEqual([]);
    });

    it("rejects iops and throughput outside the gp3 ranges", () => {
      expect(problems({ rootVolume: { iops: 2999, throughput: 1001 } })).toEqual([
        "defaults.rootVolume.iops: 2999 must be an integer from 3000 to 16000",
        "defaults.rootVolume.throughput: 1001 must be an integer from 125 to 1000",
      ]);
    });

    it("rejects a KMS key that is not a key ARN", () => {
      expect(problems({ rootVolume: { kmsKeyArn: "alias/aws/ebs" } })).toEqual([
        'defaults.rootVolume.kmsKeyArn: "alias/aws/ebs" must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)',
      ]);
    });

    it("rejects user data larger than 16 KB", () => {
      expect(problems({ userData: "x".repeat(16385) })).toEqual([
        "defaults.userData: is 16385 bytes; EC2 accepts at most 16384",
      ]);
    });

    it("rejects a Name tag, reserved aws: keys and over-long values", () => {
      expect(problems({ tags: { Name: "mine", "aws:owner": "me", Team: "x".repeat(257) } })).toEqual([
        "defaults.tags.Name: Name is set from namePrefix and the instance name",
        "defaults.tags.aws:owner: keys starting with aws: are reserved by AWS",
        "defaults.tags.Team: values must be at most 256 characters",
      ]);
    });

    it("rejects a fractional hop limit", () => {
      expect(problems({ metadataHopLimit: 1.5 })).toEqual(["defaults.metadataHopLimit: 1.5 must be an integer from 1 to 64"]);
    });
  });
});
