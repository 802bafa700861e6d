import { TerraformStack, Testing, Token } from "cdktf";
import { Validator, ValidationIssue } from "@ssm-access/core";
import {
  DEFAULT_OUTPUT_KEY_PREFIX,
  MAX_SSM_DESCRIPTION_LENGTH,
  outputKeyPrefix,
  outputObjectsPattern,
  ssmDescription,
  tagTargets,
  validateMaintenanceAccess,
  validateOutputS3,
  validateRateControl,
} from "../src/inputs";
import { bucketRef } from "./fixtures";

/** Runs `check` against a fresh validator and returns what it found. */
function issuesOf(check: (v: Validator) => void): readonly ValidationIssue[] {
  const v = new Validator("Test");
  check(v);
  return v.issues;
}

describe("inputs", () => {
  describe("tagTargets", () => {
    it("selects instances by tag with the tag: prefix Systems Manager expects", () => {
      expect(tagTargets({ key: "Environment", value: "prod" })).toEqual([{ key: "tag:Environment", values: ["prod"] }]);
    });
  });

  describe("outputKeyPrefix", () => {
    it("puts each command in its own folder under the key prefix", () => {
      expect(outputKeyPrefix({ bucket: bucketRef("b"), keyPrefix: "ssm/maint" }, "patch-scan")).toBe(
        "ssm/maint/patch-scan",
      );
    });

    it("drops trailing slashes of the key prefix", () => {
      expect(outputKeyPrefix({ bucket: bucketRef("b"), keyPrefix: "maint//" }, "agent-update")).toBe(
        "maint/agent-update",
      );
    });

    it("uses the default key prefix when none is given", () => {
      expect(outputKeyPrefix({ bucket: bucketRef("b") }, "agent-update")).toBe(
        `${DEFAULT_OUTPUT_KEY_PREFIX}/agent-update`,
      );
    });

    it("writes the folder at the bucket root when the key prefix is empty", () => {
      expect(outputKeyPrefix({ bucket: bucketRef("b"), keyPrefix: "" }, "patch-install")).toBe("patch-install");
    });
  });

  describe("outputObjectsPattern", () => {
    it("covers the objects under the key prefix", () => {
      expect(outputObjectsPattern({ bucket: bucketRef("logs"), keyPrefix: "maint/" })).toBe("maint/*");
    });

    it("covers the default key prefix when none is given, and every object with an empty one", () => {
      expect(outputObjectsPattern({ bucket: bucketRef("logs") })).toBe("maintenance/*");
      expect(outputObjectsPattern({ bucket: bucketRef("logs"), keyPrefix: "" })).toBe("*");
    });
  });

  describe("ssmDescription", () => {
    it("keeps a short text as it is", () => {
      expect(ssmDescription("Instances tagged Environment=dev")).toBe("Instances tagged Environment=dev");
    });

    it("shortens a long text to the Systems Manager limit", () => {
      const text = ssmDescription("x".repeat(300));
      expect(text).toHaveLength(MAX_SSM_DESCRIPTION_LENGTH);
      expect(text.endsWith("...")).toBe(true);
    });
  });

  describe("validateMaintenanceAccess", () => {
    const check = (namePrefix: string, suffixes: string[]) => (v: Validator) =>
      validateMaintenanceAccess(v, new TerraformStack(Testing.app(), "s"), { namePrefix }, suffixes);

    it("accepts a kebab-case prefix, with no Region nor account", () => {
      expect(issuesOf(check("ssm-dev", ["patch-window"]))).toEqual([]);
    });

    it("requires a prefix", () => {
      expect(issuesOf(check("", ["x"]))).toEqual([{ path: "namePrefix", message: "is required" }]);
    });

    it("rejects upper case and leading digits", () => {
      expect(issuesOf(check("Ssm", ["x"]))[0].message).toMatch(/must be lower-case letters/);
      expect(issuesOf(check("1ssm", ["x"]))[0].message).toMatch(/starting with a letter/);
    });

    it("rejects a prefix whose derived names exceed 128 characters", () => {
      const issues = issuesOf(check(`a${"b".repeat(115)}`, ["patch-install", "x"]));
      expect(issues).toHaveLength(1);
      expect(issues[0].message).toMatch(/-patch-install" would exceed 128 characters/);
    });
  });

  describe("validateOutputS3", () => {
    it("accepts no location at all", () => {
      expect(issuesOf((v) => validateOutputS3(v.child("outputS3"), undefined))).toEqual([]);
    });

    it("reports an invalid bucket name at its path, with the reason", () => {
      expect(issuesOf((v) => validateOutputS3(v.child("outputS3"), { bucket: bucketRef("Bad_Bucket") }))).toEqual([
        {
          path: "outputS3.bucket.bucketName",
          message: expect.stringMatching(/^"Bad_Bucket" may hold only lower-case letters/),
        },
      ]);
    });

    it("accepts a bucket name that is still a token", () => {
      expect(
        issuesOf((v) =>
          validateOutputS3(v.child("outputS3"), { bucket: bucketRef(Token.asString({ Ref: "bucket" })) }),
        ),
      ).toEqual([]);
    });

    it("rejects a key prefix starting with a slash", () => {
      expect(
        issuesOf((v) => validateOutputS3(v.child("outputS3"), { bucket: bucketRef("logs"), keyPrefix: "/maint" })),
      ).toEqual([{ path: "outputS3.keyPrefix", message: '"/maint" must not start with "/"' }]);
    });

    it("rejects a key prefix too long for the command folders", () => {
      const issues = issuesOf((v) =>
        validateOutputS3(v.child("outputS3"), { bucket: bucketRef("logs"), keyPrefix: "p".repeat(490) }),
      );
      expect(issues[0].message).toMatch(/must be at most 484 characters/);
    });
  });

  describe("validateRateControl", () => {
    it.each(["1", "10", "1%", "50%", "100%"])("accepts %s as a maximum concurrency", (value) => {
      expect(issuesOf((v) => validateRateControl(v, "maxConcurrency", value, "maxConcurrency"))).toEqual([]);
    });

    it.each(["0", "0%", "101%", "05", "half", ""])("rejects %s as a maximum concurrency", (value) => {
      expect(issuesOf((v) => validateRateControl(v, "maxConcurrency", value, "maxConcurrency"))[0].message).toMatch(
        /is not a count of at least 1 or a percentage from 1% to 100%/,
      );
    });

    it.each(["0", "3", "0%", "10%", "100%"])("accepts %s as a maximum of errors", (value) => {
      expect(issuesOf((v) => validateRateControl(v, "maxErrors", value, "maxErrors"))).toEqual([]);
    });

    it.each(["-1", "150%", "some"])("rejects %s as a maximum of errors", (value) => {
      expect(issuesOf((v) => validateRateControl(v, "maxErrors", value, "maxErrors"))[0].message).toMatch(
        /is not a count of at least 0 or a percentage from 0% to 100%/,
      );
    });
  });
});
