import { Validator } from "@ssm-access/core";
import { Token } from "cdktf";
import { AMAZON_LINUX_2023_AMI_PARAMETER, InstanceOptions, isBurstableInstanceType } from "../src";
import { resolveInstance, validateInstanceOptions } from "../src/private/instance-options";

function problems(options: InstanceOptions, inherited?: InstanceOptions): string[] {
  const v = new Validator("test", "defaults");
  validateInstanceOptions(v, options, inherited);
  return v.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("instance options", () => {
  describe("resolveInstance", () => {
    it("applies the built-in defaults", () => {
      expect(resolveInstance({ name: "web" })).toEqual({
        name: "web",
        instanceType: "t3.micro",
        tier: "isolated",
        availabilityZone: undefined,
        ami: { ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER },
        rootVolume: { sizeGiB: 8, deviceName: "/dev/xvda" },
        userData: undefined,
        detailedMonitoring: false,
        terminationProtection: false,
        metadataHopLimit: 1,
        cpuCredits: "standard",
        replacementGeneration: 0,
        tags: {},
      });
    });

    it("takes the defaults where the instance sets nothing", () => {
      const defaults: InstanceOptions = {
        instanceType: "t3.small",
        tier: "private",
        ami: { ssmParameter: "/golden/ami" },
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
      expect(r.rootVolume).toEqual({ sizeGiB: 50, kmsKeyArn, deviceName: "/dev/xvda" });
    });

    it("takes the root device name of the defaults unless the instance names its own", () => {
      expect(resolveInstance({ name: "a" }, { rootVolume: { deviceName: "/dev/sda1" } }).rootVolume.deviceName).toBe(
        "/dev/sda1",
      );
      expect(
        resolveInstance(
          { name: "a", rootVolume: { deviceName: "/dev/xvda" } },
          { rootVolume: { deviceName: "/dev/sda1" } },
        ).rootVolume.deviceName,
      ).toBe("/dev/xvda");
    });

    it.each([
      ["t3.nano", {}, {}, "standard"],
      ["t3.nano", { cpuCredits: "unlimited" }, {}, "unlimited"],
      ["t3.nano", {}, { cpuCredits: "unlimited" }, "unlimited"],
      ["t3.nano", { cpuCredits: "standard" }, { cpuCredits: "unlimited" }, "standard"],
      ["m7i.large", {}, { cpuCredits: "unlimited" }, undefined],
      ["m7i.large", {}, {}, undefined],
    ] as const)(
      "resolves the CPU credits of %p (own %j, defaults %j) to %p",
      (instanceType, own, defaults, expected) => {
        expect(resolveInstance({ name: "a", instanceType, ...own }, defaults).cpuCredits).toBe(expected);
      },
    );

    it("keeps only an explicit CPU credit option when the instance type is a token", () => {
      const instanceType = Token.asString({ Ref: "type" });
      expect(resolveInstance({ name: "a", instanceType }).cpuCredits).toBeUndefined();
      expect(resolveInstance({ name: "a", instanceType }, { cpuCredits: "unlimited" }).cpuCredits).toBe("unlimited");
    });

    it("takes the replacement generation of the instance, else of the defaults, else 0", () => {
      expect(resolveInstance({ name: "a" }).replacementGeneration).toBe(0);
      expect(resolveInstance({ name: "a" }, { replacementGeneration: 2 }).replacementGeneration).toBe(2);
      expect(
        resolveInstance({ name: "a", replacementGeneration: 0 }, { replacementGeneration: 2 }).replacementGeneration,
      ).toBe(0);
    });
  });

  describe("isBurstableInstanceType", () => {
    it.each(["t2.micro", "t3.nano", "t3a.large", "t4g.small"])("is true for %p", (type) => {
      expect(isBurstableInstanceType(type)).toBe(true);
    });

    it.each(["m7i.large", "c7i.metal-24xl", "t3", "x2iedn.xlarge", "u-6tb1.112xlarge"])("is false for %p", (type) => {
      expect(isBurstableInstanceType(type)).toBe(false);
    });

    it("is false for a token", () => {
      expect(isBurstableInstanceType(Token.asString({ Ref: "type" }))).toBe(false);
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
          replacementGeneration: 7,
          tags: { SessionAccess: "ops" },
        }),
      ).toEqual([]);
    });

    it.each(["/dev/xvda", "/dev/sda1", "/dev/sda", "/dev/sdf", "/dev/sdp15", "/dev/xvdz", "/dev/xvdba", "/dev/xvddz"])(
      "accepts the root device name %p",
      (deviceName) => {
        expect(problems({ rootVolume: { deviceName } })).toEqual([]);
      },
    );

    it("accepts CPU credits on a burstable type, its own or inherited", () => {
      expect(problems({ cpuCredits: "unlimited" })).toEqual([]);
      expect(
        problems({
          instanceType: "t4g.micro",
          cpuCredits: "standard",
          ami: { ssmParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" },
        }),
      ).toEqual([]);
      expect(problems({ cpuCredits: "standard" }, { instanceType: "t3a.small" })).toEqual([]);
      expect(problems({ instanceType: "t3.small", cpuCredits: "standard" }, { instanceType: "m7i.large" })).toEqual([]);
    });

    it("rejects CPU credits on a type without them, own or inherited", () => {
      expect(problems({ instanceType: "m7i.large", cpuCredits: "standard" })).toEqual([
        "defaults.cpuCredits: applies to burstable instance types only (t2, t3, t3a, t4g); m7i.large has no CPU credits, remove cpuCredits",
      ]);
      expect(problems({ cpuCredits: "unlimited" }, { instanceType: "c7g.medium" })).toEqual([
        "defaults.cpuCredits: applies to burstable instance types only (t2, t3, t3a, t4g); c7g.medium has no CPU credits, remove cpuCredits",
      ]);
    });

    it("does not judge CPU credits against a malformed or token instance type", () => {
      expect(problems({ instanceType: "m7i", cpuCredits: "standard" })).toEqual([
        'defaults.instanceType: "m7i" must be an instance type such as t3.micro (family.size)',
      ]);
      expect(problems({ instanceType: Token.asString({ Ref: "type" }), cpuCredits: "standard" })).toEqual([]);
    });

    it("reserves the ReplacementGeneration tag", () => {
      expect(problems({ tags: { ReplacementGeneration: "1" } })).toEqual([
        "defaults.tags.ReplacementGeneration: ReplacementGeneration is set from replacementGeneration",
      ]);
    });

    it.each(["c7i.metal-24xl", "m7i-flex.large", "t3a.2xlarge", "c5.9xlarge", "r6i.32xlarge"])(
      "accepts the instance type %p",
      (instanceType) => {
        expect(problems({ instanceType })).toEqual([]);
      },
    );

    it.each([
      ["t3.nanno", /"t3\.nanno" is not an EC2 instance type \(did you mean t3\.nano\?\); t3 has nano, micro, small/],
      ["t3.mirco", /"t3\.mirco" is not an EC2 instance type \(did you mean t3\.micro\?\)/],
      ["m5.medium", /"m5\.medium" is not an EC2 instance type.*; m5 has large, xlarge/],
      [
        "m7.large",
        /"m7\.large" is not an EC2 instance type of the supported families \(did you mean m(5|7i)\.large\?\): t2, t3/,
      ],
      ["zz9.large", /"zz9\.large" is not an EC2 instance type of the supported families: t2, t3, t3a/],
    ])("rejects the instance type %p, which EC2 does not have, with the nearest one", (instanceType, reason) => {
      const found = problems({ instanceType });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(new RegExp(`^defaults\\.instanceType: ${reason.source}`));
    });

    it("rejects an arm64 instance type with the x86_64 image parameter, naming the parameter to use", () => {
      expect(problems({ instanceType: "t4g.small" })).toEqual([
        "defaults.instanceType: t4g.small runs arm64 images, but ami.ssmParameter /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 holds x86_64 images; EC2 refuses the launch: use the arm64 parameter (/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64) or an x86_64 instance type",
      ]);
      expect(
        problems({
          instanceType: "t4g.small",
          ami: { ssmParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" },
        }),
      ).toEqual([]);
      expect(
        problems(
          { ami: { ssmParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" } },
          { instanceType: "m7i.large" },
        ),
      ).toEqual([expect.stringMatching(/^defaults\.ami\.ssmParameter: m7i\.large runs x86_64 images/)]);
    });

    it("does not check values that are Terraform tokens", () => {
      expect(
        problems({
          instanceType: Token.asString({ Ref: "type" }),
          rootVolume: {
            sizeGiB: Token.asNumber({ Ref: "size" }),
            kmsKeyArn: Token.asString({ Ref: "key" }),
            deviceName: Token.asString({ Ref: "device" }),
          },
          replacementGeneration: Token.asNumber({ Ref: "generation" }),
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
        'defaults.rootVolume.kmsKeyArn: "alias/aws/ebs" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)',
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
        `defaults.tags.Team: "${"x".repeat(257)}" is not a tag value AWS accepts: at most 256 letters, digits, spaces and _ . : / = + - @`,
      ]);
    });

    it("rejects tag keys and values with characters AWS refuses, and over-long keys", () => {
      expect(problems({ tags: { "a#b": "x", Team: "a,b", ["k".repeat(129)]: "x" } })).toEqual([
        'defaults.tags.a#b: "a#b" is not a tag key AWS accepts: 1 to 128 letters, digits, spaces and _ . : / = + - @',
        'defaults.tags.Team: "a,b" is not a tag value AWS accepts: at most 256 letters, digits, spaces and _ . : / = + - @',
        `defaults.tags.${"k".repeat(129)}: "${"k".repeat(129)}" is not a tag key AWS accepts: 1 to 128 letters, digits, spaces and _ . : / = + - @`,
      ]);
    });

    it("rejects a fractional hop limit", () => {
      expect(problems({ metadataHopLimit: 1.5 })).toEqual([
        "defaults.metadataHopLimit: 1.5 must be an integer from 1 to 64",
      ]);
    });
  });
});
