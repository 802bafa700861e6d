import {
  ACCOUNT_ID_PATTERN,
  REGION_PATTERN,
  awsManagedPolicyArn,
  dnsSuffixForRegion,
  isZoneOfRegion,
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
