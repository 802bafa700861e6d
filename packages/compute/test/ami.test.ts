import { Validator } from "@ssm-access/core";
import { Token } from "cdktf";
import { AMAZON_LINUX_2023_AMI_PARAMETER, AMAZON_LINUX_2_AMI_PARAMETER, AmiSource, DEFAULT_AMI } from "../src";
import { launchTemplateImageId, validateAmi } from "../src/private/ami";

function problems(ami: AmiSource): string[] {
  const v = new Validator("test", "instances[0]");
  validateAmi(v, ami);
  return v.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("AMI sources", () => {
  describe("launchTemplateImageId", () => {
    it("lets EC2 resolve an SSM parameter at launch", () => {
      expect(launchTemplateImageId({ ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER })).toBe(
        "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      );
    });

    it("uses a pinned AMI id as it is", () => {
      expect(launchTemplateImageId({ id: "ami-0123456789abcdef0" })).toBe("ami-0123456789abcdef0");
    });

    it("defaults to the Amazon Linux 2023 parameter", () => {
      expect(DEFAULT_AMI).toEqual({ ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER });
      expect(AMAZON_LINUX_2023_AMI_PARAMETER).toBe(
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      );
    });

    it("refuses a source with neither field", () => {
      expect(() => launchTemplateImageId({})).toThrow(/ssmParameter or id/);
    });
  });

  describe("validateAmi", () => {
    it.each<[string, AmiSource]>([
      ["the AL2023 parameter", { ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER }],
      ["a parameter pinned to a version", { ssmParameter: "/golden/ami:3" }],
      ["an 8-digit AMI id", { id: "ami-1234abcd" }],
      ["a 17-digit AMI id", { id: "ami-0123456789abcdef0" }],
      ["a token", { id: Token.asString({ Ref: "x" }) }],
    ])("accepts %s", (_label, ami) => {
      expect(problems(ami)).toEqual([]);
    });

    it("rejects both ssmParameter and id", () => {
      expect(problems({ ssmParameter: AMAZON_LINUX_2023_AMI_PARAMETER, id: "ami-1234abcd" })).toEqual([
        "instances[0].ami: set ssmParameter or id, not both",
      ]);
    });

    it("rejects a source with neither", () => {
      expect(problems({})).toEqual(["instances[0].ami: set ssmParameter or id"]);
    });

    it("rejects a parameter name that does not start with /", () => {
      expect(problems({ ssmParameter: "aws/service/ami" })).toEqual([
        expect.stringMatching(
          /^instances\[0\]\.ami\.ssmParameter: "aws\/service\/ami" must be an SSM parameter name starting with "\/"/,
        ),
      ]);
    });

    it.each([AMAZON_LINUX_2_AMI_PARAMETER, "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-arm64-gp2"])(
      "refuses the Amazon Linux 2 parameter %p: end of support, and yum over plain HTTP",
      (ssmParameter) => {
        expect(problems({ ssmParameter })).toEqual([
          expect.stringMatching(
            /^instances\[0\]\.ami\.ssmParameter: ".*" is Amazon Linux 2, which reached end of support on 2026-06-30.*plain HTTP.*443-only egress.*use Amazon Linux 2023: \/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-x86_64/,
          ),
        ]);
      },
    );

    it.each(["ami-123", "ami-0123456789ABCDEF0", "0123456789abcdef0", "ami-0123456789abcdef01"])(
      "rejects the malformed AMI id %p",
      (id) => {
        expect(problems({ id })).toEqual([`instances[0].ami.id: "${id}" must look like ami-0123456789abcdef0`]);
      },
    );
  });
});
