import {
  ENDPOINT_POLICY_SERVICES,
  allowedBucketResources,
  interfaceEndpointPolicy,
  renderEndpointPolicy,
  s3GatewayEndpointPolicy,
  supportsEndpointPolicy,
} from "../src/private/endpoint-policy";

const ACCOUNT = "111122223333";

describe("endpoint policies", () => {
  describe("renderEndpointPolicy", () => {
    it("writes keys in a fixed order, lists sorted and deduplicated, single values as strings", () => {
      const policy = renderEndpointPolicy([
        {
          Condition: { StringEquals: { "aws:ResourceAccount": [ACCOUNT] } },
          Resource: ["arn:aws:s3:::b/*", "arn:aws:s3:::a/*", "arn:aws:s3:::b/*"],
          Action: ["s3:GetObject"],
          Principal: "*",
          Effect: "Allow",
          Sid: "Example",
        } as never,
      ]);
      expect(policy).toBe(
        '{"Version":"2012-10-17","Statement":[{"Sid":"Example","Effect":"Allow","Principal":"*","Action":"s3:GetObject",' +
          '"Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"],"Condition":{"StringEquals":{"aws:ResourceAccount":"111122223333"}}}]}',
      );
    });

    it("drops statements without resources and empty condition blocks", () => {
      const policy = JSON.parse(
        renderEndpointPolicy([
          {
            Sid: "Kept",
            Effect: "Allow",
            Principal: "*",
            Action: "s3:*",
            Resource: "*",
            Condition: { StringEquals: {} },
          },
          { Sid: "Empty", Effect: "Allow", Principal: "*", Action: "s3:*", Resource: [] },
        ]),
      );
      expect(policy.Statement).toEqual([
        { Sid: "Kept", Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" },
      ]);
    });

    it("escapes IAM policy variables for Terraform", () => {
      const policy = renderEndpointPolicy([
        { Sid: "Own", Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/${aws:userid}/*" },
      ]);
      expect(policy).toContain("arn:aws:s3:::b/$${aws:userid}/*");
    });
  });

  describe("interfaceEndpointPolicy", () => {
    it("allows everything to principals of the account only", () => {
      expect(interfaceEndpointPolicy(ACCOUNT)).toBe(
        '{"Version":"2012-10-17","Statement":[{"Sid":"AllowPrincipalsOfThisAccount","Effect":"Allow","Principal":"*",' +
          '"Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}',
      );
    });

    it("is attached to ssm, logs and kms, not to ssmmessages or ec2messages", () => {
      expect(ENDPOINT_POLICY_SERVICES).toEqual(["ssm", "logs", "kms"]);
      expect(["ssm", "ssmmessages", "ec2messages", "logs", "kms", "ecr.api"].filter(supportsEndpointPolicy)).toEqual([
        "ssm",
        "logs",
        "kms",
      ]);
    });
  });

  describe("s3GatewayEndpointPolicy", () => {
    const statements = (allowedBuckets?: string[], region = "eu-west-1"): Array<Record<string, unknown>> =>
      JSON.parse(s3GatewayEndpointPolicy({ region, accountId: ACCOUNT, allowedBuckets })).Statement;

    it("allows the account's own buckets by resource account", () => {
      expect(statements()[0]).toEqual({
        Sid: "OwnAccountBuckets",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:*",
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceAccount": ACCOUNT } },
      });
    });

    it("allows reading the AWS-owned buckets of the Region, without a principal condition", () => {
      const [, aws] = statements();
      expect(aws).toEqual({
        Sid: "AwsManagedBucketsReadOnly",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: [
          "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*",
          "arn:aws:s3:::amazon-ssm-eu-west-1/*",
          "arn:aws:s3:::amazon-ssm-packages-eu-west-1/*",
          "arn:aws:s3:::aws-patch-manager-eu-west-1-5522fb710/*",
          "arn:aws:s3:::aws-ssm-document-attachments-eu-west-1/*",
          "arn:aws:s3:::aws-ssm-eu-west-1/*",
          "arn:aws:s3:::eu-west-1-birdwatcher-prod/*",
          "arn:aws:s3:::patch-baseline-snapshot-eu-west-1/*",
        ],
      });
    });

    it("has no third statement without allowed buckets", () => {
      expect(statements().map((s) => s.Sid)).toEqual(["OwnAccountBuckets", "AwsManagedBucketsReadOnly"]);
    });

    it("allows the listed buckets and object patterns", () => {
      const [, , extra] = statements(["shared-artifacts", "org-logs/ssm/*", "shared-artifacts"]);
      expect(extra).toEqual({
        Sid: "AllowedBuckets",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::org-logs/ssm/*", "arn:aws:s3:::shared-artifacts", "arn:aws:s3:::shared-artifacts/*"],
      });
    });

    it("uses the Region's partition in every ARN", () => {
      const all = statements(["shared-artifacts"], "cn-north-1").flatMap((s) => [s.Resource].flat() as string[]);
      for (const arn of all.filter((r) => r !== "*")) expect(arn).toMatch(/^arn:aws-cn:s3:::/);
    });

    it("is the same text every time", () => {
      expect(s3GatewayEndpointPolicy({ region: "eu-west-1", accountId: ACCOUNT, allowedBuckets: ["b", "a"] })).toBe(
        s3GatewayEndpointPolicy({ region: "eu-west-1", accountId: ACCOUNT, allowedBuckets: ["a", "b"] }),
      );
    });
  });

  describe("allowedBucketResources", () => {
    it("gives a bucket name its bucket and objects, a key pattern its objects only", () => {
      expect(allowedBucketResources("aws", "logs")).toEqual(["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]);
      expect(allowedBucketResources("aws", "logs/ssm/*")).toEqual(["arn:aws:s3:::logs/ssm/*"]);
    });
  });
});
