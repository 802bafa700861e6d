import { Testing, TerraformStack, TerraformVariable } from "cdktf";
import { SecurityGroup as TfSecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Vpc as TfVpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint as TfVpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupEgressRule as TfVpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule as TfVpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ValidationError } from "@ssm-access/core";
import { S3Bucket as TfS3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  TerraformJson,
  configsOf,
  onlyOf,
  parsePolicy,
  providersOf,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
  offProvider,
  warningsOf,
} from "@ssm-access/core/testing";
import { SsmVpcEndpoints, SsmVpcEndpointsProps, SubnetRef } from "../src";
import { s3GatewayEndpointPolicy } from "../src/private/endpoint-policy";
import { interfaceServiceName } from "../src/vpc-endpoints";

const SUBNETS: SubnetRef[] = [
  { id: "subnet-a1", tier: "isolated", availabilityZone: "eu-west-1a", cidr: "10.10.128.0/20" },
  { id: "subnet-a2", tier: "private", availabilityZone: "eu-west-1a", cidr: "10.10.64.0/20" },
  { id: "subnet-b", tier: "isolated", availabilityZone: "eu-west-1b", cidr: "10.10.144.0/20" },
  { id: "subnet-c", tier: "isolated", availabilityZone: "eu-west-1c", cidr: "10.10.160.0/20" },
];

const BASE: SsmVpcEndpointsProps = {
  namePrefix: "ssm-dev",
  region: "eu-west-1",
  accountId: "111122223333",
  vpcId: "vpc-123",
  vpcCidr: "10.10.0.0/16",
  subnets: SUBNETS,
  routeTableIds: ["rtb-private", "rtb-isolated"],
};

function synth(
  props: Partial<SsmVpcEndpointsProps> = {},
  region = "eu-west-1",
): { json: TerraformJson; endpoints: SsmVpcEndpoints } {
  let endpoints: SsmVpcEndpoints | undefined;
  const json = synthJson((scope) => {
    endpoints = new SsmVpcEndpoints(scope, "Endpoints", { ...BASE, ...props });
  }, region);
  return { json, endpoints: endpoints as SsmVpcEndpoints };
}

function build(props: Partial<SsmVpcEndpointsProps>): SsmVpcEndpoints {
  return new SsmVpcEndpoints(new TerraformStack(Testing.app(), "test"), "Endpoints", {
    ...BASE,
    ...props,
  } as SsmVpcEndpointsProps);
}

function interfaces(json: TerraformJson): Array<Record<string, unknown>> {
  return configsOf(json, TfVpcEndpoint).filter((e) => e.vpc_endpoint_type === "Interface");
}

function gateway(json: TerraformJson): Record<string, unknown> {
  const found = configsOf(json, TfVpcEndpoint).filter((e) => e.vpc_endpoint_type === "Gateway");
  if (found.length !== 1) throw new Error(`expected one gateway endpoint, found ${found.length}`);
  return found[0];
}

function interfaceOf(json: TerraformJson, service: string): Record<string, unknown> {
  const found = interfaces(json).find((e) => e.service_name === `com.amazonaws.eu-west-1.${service}`);
  if (!found) throw new Error(`no interface endpoint for ${service}`);
  return found;
}

const sgRef = (json: TerraformJson): string =>
  `\${aws_security_group.${Object.keys(resourcesOf(json, TfSecurityGroup))[0]}.id}`;

describe("SsmVpcEndpoints", () => {
  describe("interface endpoints", () => {
    const { json, endpoints } = synth();

    it("creates ssm, ssmmessages and ec2messages with private DNS, in the VPC", () => {
      expect(
        interfaces(json)
          .map((e) => e.service_name)
          .sort(),
      ).toEqual([
        "com.amazonaws.eu-west-1.ec2messages",
        "com.amazonaws.eu-west-1.ssm",
        "com.amazonaws.eu-west-1.ssmmessages",
      ]);
      for (const e of interfaces(json)) {
        expect(e).toMatchObject({ vpc_id: "vpc-123", private_dns_enabled: true, security_group_ids: [sgRef(json)] });
      }
    });

    it("uses at most one subnet per zone, the first of each zone", () => {
      for (const e of interfaces(json)) expect(e.subnet_ids).toEqual(["subnet-a1", "subnet-b", "subnet-c"]);
      expect(endpoints.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    });

    it("names each endpoint after its service", () => {
      const ssm = interfaces(json).find((e) => e.service_name === "com.amazonaws.eu-west-1.ssm");
      expect(ssm?.tags).toEqual({ Name: "ssm-dev-ssm-endpoint" });
    });

    it("lists its services", () => {
      expect(endpoints.services).toEqual(["ssm", "ssmmessages", "ec2messages"]);
      expect(endpoints.endpoint("ssm")).toBeDefined();
      expect(endpoints.endpoint("kms")).toBeUndefined();
    });

    it("builds service names from the region", () => {
      expect(interfaceServiceName("ap-southeast-2", "ssm")).toBe("com.amazonaws.ap-southeast-2.ssm");
    });

    it("uses the first availabilityZoneCount zones", () => {
      const one = synth({ availabilityZoneCount: 1 }).json;
      for (const e of interfaces(one)) expect(e.subnet_ids).toEqual(["subnet-a1"]);
      const two = synth({ availabilityZoneCount: 2 }).json;
      for (const e of interfaces(two)) expect(e.subnet_ids).toEqual(["subnet-a1", "subnet-b"]);
    });

    it("adds extra services, ignoring those already present", () => {
      const { json: extra, endpoints: e } = synth({ extraServices: ["kms", "logs", "ssm", "ecr.api"] });
      expect(e.services).toEqual(["ssm", "ssmmessages", "ec2messages", "kms", "logs", "ecr.api"]);
      expect(interfaces(extra)).toHaveLength(6);
      expect(interfaces(extra).find((x) => x.service_name === "com.amazonaws.eu-west-1.ecr.api")?.tags).toEqual({
        Name: "ssm-dev-ecr-api-endpoint",
      });
    });
  });

  describe("security group", () => {
    const { json } = synth();

    it("has no inline rules", () => {
      const sg = onlyOf(json, TfSecurityGroup);
      expect(sg).toMatchObject({ vpc_id: "vpc-123", name: "ssm-dev-vpc-endpoints" });
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
    });

    it("allows only TCP 443 from the VPC CIDR", () => {
      expect(configsOf(json, TfVpcSecurityGroupIngressRule)).toEqual([
        expect.objectContaining({
          security_group_id: sgRef(json),
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_ipv4: "10.10.0.0/16",
        }),
      ]);
    });

    it("has no egress rule", () => {
      expect(configsOf(json, TfVpcSecurityGroupEgressRule)).toEqual([]);
    });
  });

  describe("S3 gateway endpoint", () => {
    it("is attached to the given route tables", () => {
      const { json, endpoints } = synth();
      const gateway = configsOf(json, TfVpcEndpoint).filter((e) => e.vpc_endpoint_type === "Gateway");
      expect(gateway).toEqual([
        expect.objectContaining({
          vpc_id: "vpc-123",
          service_name: "com.amazonaws.eu-west-1.s3",
          route_table_ids: ["rtb-private", "rtb-isolated"],
        }),
      ]);
      expect(gateway[0].subnet_ids).toBeUndefined();
      expect(endpoints.s3GatewayEndpoint).toBeDefined();
    });

    it("is left out with s3Gateway: { enabled: false }, which needs no route table", () => {
      const { json, endpoints } = synth({ s3Gateway: { enabled: false }, routeTableIds: undefined });
      expect(configsOf(json, TfVpcEndpoint).filter((e) => e.vpc_endpoint_type === "Gateway")).toEqual([]);
      expect(endpoints.s3GatewayEndpoint).toBeUndefined();
    });
  });

  describe("endpoint policies", () => {
    const { json, endpoints } = synth();
    const ACCOUNT_SCOPED = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowPrincipalsOfThisAccount",
          Effect: "Allow",
          Principal: "*",
          Action: "*",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalAccount": "111122223333" } },
        },
      ],
    };

    it("gives the S3 gateway a policy", () => {
      expect(typeof gateway(json).policy).toBe("string");
    });

    it("lets the S3 gateway reach every bucket of the account, by resource account", () => {
      const [own] = parsePolicy(gateway(json).policy).Statement;
      expect(own).toEqual({
        Sid: "OwnAccountBuckets",
        Effect: "Allow",
        Principal: "*",
        Action: "s3:*",
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceAccount": "111122223333" } },
      });
    });

    it("carries exactly the S3 gateway policy of its account and Region (the AWS-owned buckets are listed in the policy's own tests)", () => {
      const statements = parsePolicy(gateway(json).policy).Statement;
      expect(statements.map((s) => s.Sid)).toEqual(["OwnAccountBuckets", "AwsManagedBucketsReadOnly"]);
      expect(JSON.parse(gateway(json).policy as string)).toEqual(
        JSON.parse(s3GatewayEndpointPolicy({ region: "eu-west-1", accountId: "111122223333" })),
      );
      expect(warningsOf(endpoints)).toEqual([]);
    });

    it("accepts a bucket name that is a reference to another resource", () => {
      const json = synthJson((scope) => {
        const bucket = new TfS3Bucket(scope, "Archive", { bucket: "org-session-archive" });
        new SsmVpcEndpoints(scope, "Endpoints", { ...BASE, s3Gateway: { allowedBuckets: [bucket.bucket] } });
      });
      expect(gateway(json).policy).toContain('"arn:aws:s3:::${aws_s3_bucket.Archive.bucket}/*"');
    });

    it("writes deterministic JSON", () => {
      expect(gateway(synth().json).policy).toBe(gateway(json).policy);
      expect(interfaceOf(synth().json, "ssm").policy).toBe(interfaceOf(json, "ssm").policy);
    });

    it("scopes the ssm endpoint to the account's principals", () => {
      expect(parsePolicy(interfaceOf(json, "ssm").policy)).toEqual(ACCOUNT_SCOPED);
    });

    it("leaves ssmmessages and ec2messages without a policy, since they do not support one", () => {
      expect(interfaceOf(json, "ssmmessages").policy).toBeUndefined();
      expect(interfaceOf(json, "ec2messages").policy).toBeUndefined();
    });

    it("scopes logs and kms, added later, to the account's principals too, but not other services", () => {
      const json = synthJson((scope) => {
        new SsmVpcEndpoints(scope, "Endpoints", { ...BASE, extraServices: ["logs", "ecr.api"] }).addInterfaceEndpoints(
          "kms",
        );
      });
      expect(parsePolicy(interfaceOf(json, "logs").policy)).toEqual(ACCOUNT_SCOPED);
      expect(parsePolicy(interfaceOf(json, "kms").policy)).toEqual(ACCOUNT_SCOPED);
      expect(interfaceOf(json, "ecr.api").policy).toBeUndefined();
    });

    it("warns when the Region's Patch Manager bucket is not documented", () => {
      const { endpoints: unknown } = synth({ region: "ap-southeast-7" }, "ap-southeast-7");
      expect(warningsOf(unknown)).toEqual([
        expect.stringMatching(
          /cannot name the Patch Manager document bucket \(aws-patch-manager-ap-southeast-7-<suffix>\)/,
        ),
      ]);
    });

    it("does not warn without an S3 gateway", () => {
      const { endpoints: none } = synth(
        { region: "ap-southeast-7", s3Gateway: { enabled: false }, routeTableIds: undefined },
        "ap-southeast-7",
      );
      expect(warningsOf(none)).toEqual([]);
    });
  });

  describe("addInterfaceEndpoints", () => {
    it("adds missing services once and returns what it created", () => {
      let first = 0;
      let second = 0;
      const json = synthJson((scope) => {
        const endpoints = new SsmVpcEndpoints(scope, "Endpoints", BASE);
        first = endpoints.addInterfaceEndpoints("logs", "kms", "ssm").length;
        second = endpoints.addInterfaceEndpoints("kms", "logs").length;
      });
      expect(first).toBe(2);
      expect(second).toBe(0);
      const kms = interfaces(json).filter((e) => e.service_name === "com.amazonaws.eu-west-1.kms");
      expect(kms).toEqual([
        expect.objectContaining({ private_dns_enabled: true, subnet_ids: ["subnet-a1", "subnet-b", "subnet-c"] }),
      ]);
    });

    it("rejects bad names with their position", () => {
      const endpoints = build({});
      expect(() => endpoints.addInterfaceEndpoints("logs", "s3")).toThrow(
        /addInterfaceEndpoints\[1\]: s3 is served by the gateway endpoint/,
      );
    });
  });

  describe("validation", () => {
    it.each<[string, Partial<SsmVpcEndpointsProps>, RegExp]>([
      ["a bad name prefix", { namePrefix: "sg-" + "x".repeat(40) }, /namePrefix: .* at most 32 characters/],
      ["no name prefix", { namePrefix: undefined }, /namePrefix: is required/],
      ["a bad region", { region: "mars-1" }, /region: "mars-1" is not an AWS Region code/],
      ["a bad VPC CIDR", { vpcCidr: "10.10.0.0/33" }, /vpcCidr: 10.10.0.0\/33 is not a valid IPv4 CIDR block/],
      ["no subnets", { subnets: [] }, /subnets: at least one subnet is needed/],
      [
        "a zone count below 1",
        { availabilityZoneCount: 0 },
        /availabilityZoneCount: 0 must be an integer of at least 1/,
      ],
      [
        "a fractional zone count",
        { availabilityZoneCount: 1.5 },
        /availabilityZoneCount: 1.5 must be an integer of at least 1/,
      ],
      [
        "a zone count above the zones",
        { availabilityZoneCount: 4 },
        /availabilityZoneCount: 4 is more than the 3 Availability Zone\(s\) available/,
      ],
      ["a bad extra service", { extraServices: ["KMS"] }, /extraServices\[0\]: "KMS" is not a service short name/],
      [
        "s3 as an interface service",
        { extraServices: ["s3"] },
        /extraServices\[0\]: s3 is served by the gateway endpoint/,
      ],
      [
        "a full service name",
        { extraServices: ["com.amazonaws.eu-west-1.logs"] },
        /extraServices\[0\]: com.amazonaws.eu-west-1.logs is a full service name/,
      ],
      [
        "an S3 gateway without route tables",
        { routeTableIds: [] },
        /routeTableIds: the S3 gateway endpoint needs at least one route table/,
      ],
      ["no account id", { accountId: undefined }, /accountId: is required to scope the endpoint policies/],
      ["a short account id", { accountId: "1234" }, /accountId: "1234" is not a 12-digit AWS account id/],
      [
        "an invalid allowed bucket name",
        { s3Gateway: { allowedBuckets: ["ok-bucket", "Bad_Bucket"] } },
        /s3Gateway.allowedBuckets\[1\]: "Bad_Bucket" may hold only lower-case letters/,
      ],
      [
        "a too short allowed bucket name",
        { s3Gateway: { allowedBuckets: ["ab/logs/*"] } },
        /s3Gateway.allowedBuckets\[0\]: "ab" is 2 characters; S3 allows 3 to 63/,
      ],
      [
        "a wildcard in an allowed bucket name",
        { s3Gateway: { allowedBuckets: ["org-*"] } },
        /s3Gateway.allowedBuckets\[0\]: "org-\*": no wildcard in bucket names/,
      ],
      [
        "an ARN as allowed bucket",
        { s3Gateway: { allowedBuckets: ["arn:aws:s3:::org-logs"] } },
        /s3Gateway.allowedBuckets\[0\]: arn:aws:s3:::org-logs is an ARN or URL/,
      ],
      [
        "an empty key pattern",
        { s3Gateway: { allowedBuckets: ["org-logs/"] } },
        /s3Gateway.allowedBuckets\[0\]: "org-logs\/" has an empty key pattern/,
      ],
      [
        "an empty allowed bucket",
        { s3Gateway: { allowedBuckets: [""] } },
        /s3Gateway.allowedBuckets\[0\]: "" is not a bucket name or bucket\/key-pattern/,
      ],
      [
        "a duplicate allowed bucket",
        { s3Gateway: { allowedBuckets: ["org-logs", "org-logs"] } },
        /s3Gateway.allowedBuckets: org-logs is listed more than once/,
      ],
      [
        "a bare boolean for the S3 gateway",
        { s3Gateway: true as never },
        /s3Gateway: true is not accepted here: write \{ "enabled": true \}/,
      ],
    ])("rejects %s", (_label, props, expected) => {
      expect(() => build(props)).toThrow(expected);
    });

    it("lists every endpoint policy problem in one error, with field paths", () => {
      let error: unknown;
      try {
        build({ accountId: "12345678901x", s3Gateway: { allowedBuckets: ["org-*", "Org"] } });
      } catch (e) {
        error = e;
      }
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        "accountId",
        "s3Gateway.allowedBuckets[0]",
        "s3Gateway.allowedBuckets[1]",
      ]);
    });

    it("accepts an account id that is a token", () => {
      const json = synthJson((scope) => {
        const account = new TerraformVariable(scope, "account_id", { type: "string" });
        new SsmVpcEndpoints(scope, "Endpoints", { ...BASE, accountId: account.stringValue });
      });
      expect(gateway(json).policy).toContain('"aws:ResourceAccount":"${var.account_id}"');
    });

    it("accepts a VPC id and CIDR that are tokens", () => {
      const json = synthJson((scope) => {
        const vpc = new TfVpc(scope, "Vpc", { cidrBlock: "10.10.0.0/16" });
        new SsmVpcEndpoints(scope, "Endpoints", { ...BASE, vpcId: vpc.id, vpcCidr: vpc.cidrBlock });
      });
      expect(onlyOf(json, TfVpcSecurityGroupIngressRule).cidr_ipv4).toMatch(/^\$\{aws_vpc\.Vpc\.cidr_block\}$/);
    });
  });

  describe("with a provider", () => {
    it("creates every resource, endpoints added later included, with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        const endpoints = new SsmVpcEndpoints(scope, "Endpoints", { ...BASE, provider });
        endpoints.addInterfaceEndpoints("logs");
      });
      const providers = providersOf(json);
      expect(Object.keys(providers)).toHaveLength(7);
      expect(offProvider(json)).toEqual({});
    });
  });
});
