import {
  PATCH_MANAGER_BUCKET_SUFFIXES,
  awsManagedS3Buckets,
  unknownAwsManagedS3Buckets,
} from "../src/private/aws-managed-buckets";

describe("awsManagedS3Buckets", () => {
  it("names the SSM Agent, Patch Manager and Amazon Linux 2023 buckets of eu-west-1 exactly", () => {
    expect(awsManagedS3Buckets("eu-west-1")).toEqual([
      "amazon-ssm-eu-west-1",
      "amazon-ssm-packages-eu-west-1",
      "eu-west-1-birdwatcher-prod",
      "aws-ssm-document-attachments-eu-west-1",
      "aws-ssm-eu-west-1",
      "aws-patch-manager-eu-west-1-5522fb710",
      "patch-baseline-snapshot-eu-west-1",
      "al2023-repos-eu-west-1-de612dc2",
    ]);
  });

  it("leaves out the Amazon Linux 2 repositories: end of support, and reached over plain HTTP", () => {
    for (const region of Object.keys(PATCH_MANAGER_BUCKET_SUFFIXES)) {
      expect(awsManagedS3Buckets(region).filter((b) => /amazonlinux/.test(b))).toEqual([]);
    }
  });

  it("uses no wildcard in any bucket name", () => {
    for (const region of Object.keys(PATCH_MANAGER_BUCKET_SUFFIXES)) {
      for (const bucket of awsManagedS3Buckets(region)) expect(bucket).not.toMatch(/[*?]/);
    }
  });

  it("leaves out the Windows-only and macOS-only buckets", () => {
    const buckets = awsManagedS3Buckets("us-east-1");
    expect(
      buckets.filter((b) => b.startsWith("aws-windows-downloads-") || b.startsWith("aws-patchmanager-macos-")),
    ).toEqual([]);
  });

  it("reads Distributor packages from aws-ssm-distributor-file in af-south-1 and eu-south-1 only", () => {
    for (const region of ["af-south-1", "eu-south-1"]) {
      const buckets = awsManagedS3Buckets(region);
      expect(buckets).toContain(`aws-ssm-distributor-file-${region}`);
      expect(buckets).not.toContain(`${region}-birdwatcher-prod`);
    }
    expect(awsManagedS3Buckets("eu-west-1")).not.toContain("aws-ssm-distributor-file-eu-west-1");
  });

  it.each([
    ["me-south-1", "patch-baseline-snapshot-me-south-1-uduvl7q8", "aws-patch-manager-me-south-1-a53fc9dce"],
    ["af-south-1", "patch-baseline-snapshot-af-south-1-tbxdb5b9", "aws-patch-manager-af-south-1-bdd5f65a9"],
    ["ap-southeast-3", "patch-baseline-snapshot-ap-southeast-3-be0a3174", "aws-patch-manager-ap-southeast-3-aa48fc462"],
  ])("uses the documented suffixed patching buckets in %s", (region, snapshot, patchManager) => {
    const buckets = awsManagedS3Buckets(region);
    expect(buckets).toEqual(expect.arrayContaining([snapshot, patchManager]));
    expect(buckets).not.toContain(`patch-baseline-snapshot-${region}`);
  });

  it("knows every bucket of a documented commercial Region", () => {
    expect(unknownAwsManagedS3Buckets("eu-west-1")).toEqual([]);
  });

  it("reports the Patch Manager bucket of a Region the documentation does not list", () => {
    expect(awsManagedS3Buckets("ap-southeast-7").some((b) => b.startsWith("aws-patch-manager-"))).toBe(false);
    expect(unknownAwsManagedS3Buckets("ap-southeast-7")).toEqual([
      "the Patch Manager document bucket (aws-patch-manager-ap-southeast-7-<suffix>)",
    ]);
  });

  it("names the Amazon Linux repositories in the aws partition only", () => {
    const buckets = awsManagedS3Buckets("cn-north-1");
    expect(buckets).toContain("amazon-ssm-cn-north-1");
    expect(buckets.filter((b) => b.includes("al2023") || b.includes("amazonlinux"))).toEqual([]);
    expect(unknownAwsManagedS3Buckets("cn-north-1")).toContain(
      "the Amazon Linux repository buckets of the aws-cn partition",
    );
  });
});
