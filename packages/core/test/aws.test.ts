import {
  ACCOUNT_ID_PATTERN,
  KMS_KEY_ARN_PATTERN,
  LOG_RETENTION_DAYS,
  PARTITIONS,
  REGION_PATTERN,
  awsManagedPolicyArn,
  dnsSuffixForRegion,
  isZoneOfRegion,
  kmsKeyArnProblem,
  partitionForRegion,
} from "../src";

describe("partitionForRegion", () => {
  it.each([
    ["eu-west-1", "aws"],
    ["us-east-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
    ["us-iso-east-1", "aws-iso"],
    ["us-isob-east-1", "aws-iso-b"],
  ])("%p is in %p", (region, partition) => {
    expect(partitionForRegion(region)).toBe(partition);
  });

  it("builds managed policy ARNs in the Region's partition", () => {
    expect(awsManagedPolicyArn("cn-north-1", "AmazonSSMManagedInstanceCore")).toBe(
      "arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
    expect(awsManagedPolicyArn("eu-west-1", "AmazonSSMManagedInstanceCore")).toBe(
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    );
  });

  it("knows the China DNS suffix", () => {
    expect(dnsSuffixForRegion("cn-northwest-1")).toBe("amazonaws.com.cn");
    expect(dnsSuffixForRegion("eu-central-1")).toBe("amazonaws.com");
  });
});

describe("patterns", () => {
  it("accepts Region codes and rejects others", () => {
    expect(REGION_PATTERN.test("ap-southeast-2")).toBe(true);
    expect(REGION_PATTERN.test("us-gov-west-1")).toBe(true);
    expect(REGION_PATTERN.test("eu-west")).toBe(false);
    expect(REGION_PATTERN.test("EU-WEST-1")).toBe(false);
  });
  it("accepts 12-digit account ids only", () => {
    expect(ACCOUNT_ID_PATTERN.test("123456789012")).toBe(true);
    expect(ACCOUNT_ID_PATTERN.test("12345678901")).toBe(false);
    expect(ACCOUNT_ID_PATTERN.test("12345678901a")).toBe(false);
  });
});

describe("isZoneOfRegion", () => {
  it.each([
    ["eu-west-1a", "eu-west-1", true],
    ["eu-west-1c", "eu-west-1", true],
    ["us-east-1-bos-1a", "us-east-1", true],
    ["eu-west-2a", "eu-west-1", false],
    ["eu-west-1", "eu-west-1", false],
    ["eu-west-12a", "eu-west-1", false],
  ])("%p in %p: %p", (az, region, expected) => {
    expect(isZoneOfRegion(az, region)).toBe(expected);
  });
});

describe("kmsKeyArnProblem", () => {
  const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  it("accepts a key ARN of every partition", () => {
    expect(kmsKeyArnProblem(key)).toBeUndefined();
    expect(kmsKeyArnProblem("arn:aws-iso-b:kms:us-isob-east-1:123456789012:key/abc")).toBeUndefined();
    expect(KMS_KEY_ARN_PATTERN.exec(key)?.slice(1)).toEqual([
      "aws",
      "eu-west-1",
      "123456789012",
      "1234abcd-12ab-34cd-56ef-1234567890ab",
    ]);
  });

  it.each([
    ["an alias", "alias/aws/ebs"],
    ["an alias ARN", "arn:aws:kms:eu-west-1:123456789012:alias/logs"],
    ["a bare key id", "1234abcd-12ab-34cd-56ef-1234567890ab"],
    ["an unknown partition", "arn:aws-moon:kms:eu-west-1:123456789012:key/abc"],
  ])("rejects %s", (_, value) => {
    expect(kmsKeyArnProblem(value)).toBe(
      `"${value}" is not a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)`,
    );
  });

  it("rejects a key of another partition than the Region's", () => {
    expect(kmsKeyArnProblem(key, "cn-north-1")).toBe(`"${key}" is in partition aws, the Region is in aws-cn`);
    expect(kmsKeyArnProblem(key, "eu-central-1")).toBeUndefined();
  });
});

describe("LOG_RETENTION_DAYS", () => {
  it("holds the periods CloudWatch Logs offers, 0 (never expire) first", () => {
    expect(LOG_RETENTION_DAYS[0]).toBe(0);
    expect(LOG_RETENTION_DAYS).toContain(365);
    expect(LOG_RETENTION_DAYS).not.toContain(100);
  });
});

describe("PARTITIONS", () => {
  it("holds the partition of every Region partitionForRegion knows", () => {
    for (const region of ["eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1"]) {
      expect(PARTITIONS).toContain(partitionForRegion(region));
    }
  });
});
