import { SecurityFinding, buildReview, exitCodeOf } from "../../src/report";
import { change, inputOf, planOf, policy } from "./support";

function findings(...changes: Record<string, unknown>[]): readonly SecurityFinding[] {
  return buildReview(inputOf(planOf({ changes }))).security;
}

function only(list: readonly SecurityFinding[], aspect: SecurityFinding["aspect"]): SecurityFinding {
  const found = list.filter((f) => f.aspect === aspect);
  expect(found).toHaveLength(1);
  return found[0];
}

const BUCKET = "arn:aws:s3:::logs-bucket";

describe("policy documents, statement by statement", () => {
  const read = { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET}/*` };
  const denyHttp = {
    Sid: "DenyHttp",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: `${BUCKET}/*`,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
  const logs = { Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" };

  it("matches by Sid, else by content, and says what is added, removed and changed", () => {
    const widened = { ...read, Action: "s3:*" };
    const describe = { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" };
    const finding = only(
      findings(
        change({
          address: "aws_iam_policy.app",
          actions: ["update"],
          before: { policy: policy(read, denyHttp, logs) },
          after: { policy: policy(logs, widened, describe) },
        }),
      ),
      "iam-policy",
    );
    expect(finding.address).toBe("aws_iam_policy.app");
    expect(finding.statements).toEqual({
      added: [describe],
      removed: [denyHttp],
      changed: [{ sid: "Read", before: read, after: widened }],
    });
    expect(finding.weakened).toBe(true);
    expect(finding.detail).toContain("adds Allow statement (ec2:Describe*)");
    expect(finding.detail).toContain("removes Deny statement `DenyHttp`");
    expect(finding.detail).toContain("widens Allow statement `Read` (Action)");
    expect(finding.before).toBe("3 statements");
    expect(finding.after).toBe("3 statements (1 added, 1 removed, 1 changed)");
  });

  it("a removed Allow, an added Deny and a narrowed Allow are not weakened", () => {
    const narrowed = { ...read, Resource: `${BUCKET}/reports/*` };
    const finding = only(
      findings(
        change({
          address: "aws_iam_role_policy.app",
          actions: ["update"],
          before: { policy: policy(read, logs) },
          after: { policy: policy(narrowed, denyHttp) },
        }),
      ),
      "iam-policy",
    );
    expect(finding.statements?.removed).toEqual([logs]);
    expect(finding.statements?.added).toEqual([denyHttp]);
    expect(finding.statements?.changed).toHaveLength(1);
    expect(finding.weakened).toBe(false);
  });

  it("an Allow that loses its condition is widened; a Deny that gains one is narrowed", () => {
    const conditioned = { ...read, Condition: { StringEquals: { "aws:PrincipalAccount": "222222222222" } } };
    const allow = only(
      findings(
        change({
          address: "aws_iam_policy.a",
          actions: ["update"],
          before: { policy: policy(conditioned) },
          after: { policy: policy(read) },
        }),
      ),
      "iam-policy",
    );
    expect(allow.weakened).toBe(true);
    expect(allow.detail).toContain("(Condition)");
    const denyNoCondition = { ...denyHttp, Condition: undefined };
    const deny = only(
      findings(
        change({
          address: "aws_s3_bucket_policy.logs",
          actions: ["update"],
          before: { policy: policy(denyNoCondition) },
          after: { policy: policy(denyHttp) },
        }),
      ),
      "bucket-policy",
    );
    expect(deny.weakened).toBe(true);
    expect(deny.detail).toContain("narrows Deny statement `DenyHttp`");
  });

  it("a deleted bucket policy removes its Deny: weakened", () => {
    const finding = only(
      findings(
        change({ address: "aws_s3_bucket_policy.logs", actions: ["delete"], before: { policy: policy(denyHttp) } }),
      ),
      "bucket-policy",
    );
    expect(finding).toMatchObject({ before: "1 statement", after: "(none)", weakened: true });
  });

  it("compares KMS key policies and role trust policies too", () => {
    const root = {
      Sid: "Root",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::222222222222:root" },
      Action: "kms:*",
      Resource: "*",
    };
    const anyone = { ...root, Principal: { AWS: "*" } };
    const kms = only(
      findings(
        change({
          address: "aws_kms_key.k",
          actions: ["update"],
          before: { policy: policy(root) },
          after: { policy: policy(anyone) },
        }),
      ),
      "kms-policy",
    );
    expect(kms.weakened).toBe(true);
    expect(kms.detail).toContain("(Principal)");
    const trust = { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };
    const otherAccount = {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::999999999999:root" },
      Action: "sts:AssumeRole",
    };
    const role = only(
      findings(
        change({
          address: "aws_iam_role.r",
          actions: ["update"],
          before: { assume_role_policy: policy(trust) },
          after: { assume_role_policy: policy(trust, otherAccount) },
        }),
      ),
      "iam-policy",
    );
    expect(role).toMatchObject({ address: "aws_iam_role.r", weakened: true });
    expect(role.detail).toMatch(/^assume_role_policy: adds Allow/);
  });

  it("an endpoint policy known only after apply counts only when the configuration sets it", () => {
    const endpoint = (address: string) =>
      change({
        address,
        actions: ["delete", "create"],
        before: { policy: policy(logs), vpc_endpoint_type: "Interface" },
        after: { vpc_endpoint_type: "Interface" },
        afterUnknown: { policy: true },
      });
    const plan = planOf({
      changes: [endpoint("aws_vpc_endpoint.computed"), endpoint("aws_vpc_endpoint.configured")],
      configResources: [
        { address: "aws_vpc_endpoint.computed", expressions: { vpc_id: { references: ["aws_vpc.network.id"] } } },
        { address: "aws_vpc_endpoint.configured", expressions: { policy: { references: ["aws_s3_bucket.b.arn"] } } },
      ],
    });
    const list = buildReview(inputOf(plan)).security;
    expect(list).toEqual([
      expect.objectContaining({
        aspect: "endpoint-policy",
        address: "aws_vpc_endpoint.configured",
        after: "(known after apply)",
        weakened: false,
      }),
    ]);
  });

  it("a new policy attachment grants permissions: weakened", () => {
    const finding = only(
      findings(
        change({
          address: "aws_iam_role_policy_attachment.admin",
          actions: ["create"],
          after: { role: "app", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        }),
      ),
      "iam-policy",
    );
    expect(finding).toMatchObject({
      before: "(not attached)",
      after: "arn:aws:iam::aws:policy/AdministratorAccess attached to app",
      weakened: true,
    });
  });
});

describe("port forwarding", () => {
  const forwardDoc = "arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession";
  const start = (resource: string | string[]) => ({ Effect: "Allow", Action: "ssm:StartSession", Resource: resource });

  it("allowing the AWS port forwarding document opens any port: weakened", () => {
    const finding = only(
      findings(
        change({
          address: "aws_iam_policy.operator",
          actions: ["update"],
          before: { policy: policy(start("arn:aws:ec2:*:*:instance/*")) },
          after: { policy: policy(start(["arn:aws:ec2:*:*:instance/*", forwardDoc])) },
        }),
      ),
      "port-forwarding",
    );
    expect(finding.before).toBe("off");
    expect(finding.after).toContain("any port of the instance (AWS-StartPortForwardingSession)");
    expect(finding.weakened).toBe(true);
  });

  it("an unconditional Deny of the AWS documents keeps it off, even under a wildcard Allow", () => {
    const deny = { Effect: "Deny", Action: "ssm:StartSession", Resource: [forwardDoc, `${forwardDoc}ToRemoteHost`] };
    const list = findings(
      change({
        address: "aws_iam_policy.operator",
        actions: ["update"],
        before: { policy: policy(deny) },
        after: { policy: policy(start("*"), deny) },
      }),
    );
    expect(list.filter((f) => f.aspect === "port-forwarding")).toEqual([]);
  });

  it("a pinned Port document is reported with its host and port", () => {
    const document = {
      name: "p-forward-db.internal-5432",
      document_type: "Session",
      content: JSON.stringify({
        schemaVersion: "1.0",
        sessionType: "Port",
        properties: { portNumber: "5432", host: "db.internal", type: "LocalPortForwarding" },
      }),
    };
    const finding = only(
      findings(
        change({ address: "aws_ssm_document.forward", actions: ["create"], after: document }),
        change({
          address: "aws_iam_policy.operator",
          actions: ["update"],
          before: { policy: policy() },
          after: { policy: policy(start("arn:aws:ssm:eu-west-1:222222222222:document/p-forward-db.internal-5432")) },
        }),
      ),
      "port-forwarding",
    );
    expect(finding.after).toBe("db.internal:5432 (document p-forward-db.internal-5432)");
    expect(finding.weakened).toBe(true);
  });

  it("a Deny with NotResource denies only what it does not list: the pinned document it lists stays allowed", () => {
    const name = "p-forward-db.internal-5432";
    const documentArn = `arn:aws:ssm:eu-west-1:222222222222:document/${name}`;
    const document = {
      name,
      document_type: "Session",
      content: JSON.stringify({
        schemaVersion: "1.0",
        sessionType: "Port",
        properties: { portNumber: "5432", host: "db.internal", type: "LocalPortForwarding" },
      }),
    };
    const denyOutside = (listed: string) => ({
      Effect: "Deny",
      Action: "ssm:StartSession",
      NotResource: ["arn:aws:ec2:*:*:instance/*", listed],
    });
    const allowed = only(
      findings(
        change({ address: "aws_ssm_document.forward", actions: ["create"], after: document }),
        change({
          address: "aws_iam_policy.operator",
          actions: ["update"],
          before: { policy: policy() },
          after: {
            policy: policy(start(documentArn), denyOutside("arn:aws:ssm:eu-west-1:222222222222:document/p-forward-*")),
          },
        }),
      ),
      "port-forwarding",
    );
    expect(allowed.after).toBe("db.internal:5432 (document p-forward-db.internal-5432)");
    const deniedElsewhere = findings(
      change({ address: "aws_ssm_document.forward", actions: ["create"], after: document }),
      change({
        address: "aws_iam_policy.operator",
        actions: ["update"],
        before: { policy: policy() },
        after: { policy: policy(start(documentArn), denyOutside("arn:aws:ssm:eu-west-1:222222222222:document/other")) },
      }),
    );
    expect(deniedElsewhere.filter((f) => f.aspect === "port-forwarding")).toEqual([]);
  });
});

describe("session preferences", () => {
  const preferences = (inputs: Record<string, unknown>) => ({
    name: "SSM-SessionManagerRunShell",
    document_type: "Session",
    content: JSON.stringify({ schemaVersion: "1.0", sessionType: "Standard_Stream", inputs }),
  });
  const logged = {
    cloudWatchLogGroupName: "/ssm/sessions",
    s3BucketName: "transcripts",
    s3KeyPrefix: "sessions/",
    kmsKeyId: "key-1",
    cloudWatchEncryptionEnabled: true,
    s3EncryptionEnabled: true,
  };

  it("turning logging destinations off is weakened", () => {
    const list = findings(
      change({
        address: "aws_ssm_document.prefs",
        actions: ["update"],
        before: preferences(logged),
        after: preferences({ ...logged, cloudWatchLogGroupName: "", s3BucketName: "" }),
      }),
    );
    const logging = only(list, "session-logging");
    expect(logging).toMatchObject({
      before: "CloudWatch Logs /ssm/sessions; S3 transcripts/sessions/",
      after: "sessions not logged",
      weakened: true,
    });
    expect(list.filter((f) => f.aspect === "session-encryption")).toEqual([]);
  });

  it("turning encryption flags off is weakened; turning them on is not", () => {
    const off = only(
      findings(
        change({
          address: "aws_ssm_document.prefs",
          actions: ["update"],
          before: preferences(logged),
          after: preferences({ ...logged, cloudWatchEncryptionEnabled: false }),
        }),
      ),
      "session-encryption",
    );
    expect(off.weakened).toBe(true);
    expect(off.detail).toContain("encrypted log group");
    const on = only(
      findings(
        change({
          address: "aws_ssm_document.prefs",
          actions: ["update"],
          before: preferences({ ...logged, kmsKeyId: "" }),
          after: preferences(logged),
        }),
      ),
      "session-encryption",
    );
    expect(on.weakened).toBe(false);
  });

  it("deleting the preferences document is weakened", () => {
    const list = findings(
      change({ address: "aws_ssm_document.prefs", actions: ["delete"], before: preferences(logged) }),
    );
    expect(only(list, "session-logging").weakened).toBe(true);
    expect(only(list, "session-encryption").weakened).toBe(true);
  });
});

describe("instances and network", () => {
  it("IMDSv1 allowed is weakened; a new instance that requires IMDSv2 is no finding", () => {
    const list = findings(
      change({
        address: "aws_launch_template.app",
        actions: ["update"],
        before: { metadata_options: [{ http_tokens: "required" }] },
        after: { metadata_options: [{ http_tokens: "optional" }] },
      }),
      change({
        address: "aws_instance.new_ok",
        actions: ["create"],
        after: { metadata_options: [{ http_tokens: "required" }] },
      }),
      change({
        address: "aws_instance.new_weak",
        actions: ["create"],
        after: { metadata_options: [{ http_tokens: "optional" }] },
      }),
    );
    const imds = list.filter((f) => f.aspect === "imds");
    expect(imds.map((f) => [f.address, f.weakened])).toEqual([
      ["aws_launch_template.app", true],
      ["aws_instance.new_weak", true],
    ]);
    expect(imds[0]).toMatchObject({
      before: "IMDSv2 required (http_tokens required)",
      after: "IMDSv1 allowed (http_tokens optional)",
    });
  });

  it("public IPs on subnets and new instances are weakened", () => {
    const list = findings(
      change({
        address: "aws_subnet.a",
        actions: ["update"],
        before: { map_public_ip_on_launch: false },
        after: { map_public_ip_on_launch: true },
      }),
      change({ address: "aws_instance.public", actions: ["create"], after: { associate_public_ip_address: true } }),
      change({ address: "aws_instance.private", actions: ["create"], after: { associate_public_ip_address: false } }),
    );
    expect(list.filter((f) => f.aspect === "public-ip").map((f) => [f.address, f.weakened])).toEqual([
      ["aws_subnet.a", true],
      ["aws_instance.public", true],
    ]);
  });

  it("an added ingress rule is weakened and port 22 is called out", () => {
    const finding = only(
      findings(
        change({
          address: "aws_vpc_security_group_ingress_rule.ssh",
          actions: ["create"],
          after: { ip_protocol: "tcp", from_port: 22, to_port: 22, cidr_ipv4: "0.0.0.0/0", security_group_id: "sg-1" },
        }),
      ),
      "ingress",
    );
    expect(finding).toMatchObject({ before: "no ingress", after: "tcp 22 from 0.0.0.0/0 (anywhere)", weakened: true });
    expect(finding.detail).toContain("opens port 22 (SSH)");
  });

  it("inline ingress of a security group: widened is weakened", () => {
    const rule = (cidr: string) => ({
      protocol: "tcp",
      from_port: 443,
      to_port: 443,
      cidr_blocks: [cidr],
      ipv6_cidr_blocks: [],
      prefix_list_ids: [],
      security_groups: [],
      self: false,
    });
    const finding = only(
      findings(
        change({
          address: "aws_security_group.endpoints",
          actions: ["update"],
          before: { ingress: [rule("10.0.0.0/16")] },
          after: { ingress: [rule("10.0.0.0/16"), rule("0.0.0.0/0")] },
        }),
      ),
      "ingress",
    );
    expect(finding.weakened).toBe(true);
    expect(finding.detail).toBe("adds ingress: tcp 443 from 0.0.0.0/0 (anywhere)");
  });

  it("deleting a flow log is weakened", () => {
    const finding = only(
      findings(
        change({
          address: "aws_flow_log.vpc",
          actions: ["delete"],
          before: { traffic_type: "ALL", log_destination_type: "cloud-watch-logs" },
        }),
      ),
      "flow-logs",
    );
    expect(finding).toMatchObject({ before: "on: ALL traffic to cloud-watch-logs", after: "off", weakened: true });
  });

  it("reports only aspects that change: a no-op and a replacement with the same values give no finding", () => {
    const values = { metadata_options: [{ http_tokens: "required" }], associate_public_ip_address: false };
    const list = findings(
      change({ address: "aws_instance.same", actions: ["no-op"], before: values, after: values }),
      change({
        address: "aws_instance.replaced",
        actions: ["delete", "create"],
        before: values,
        after: values,
        replacePaths: [["subnet_id"]],
      }),
    );
    expect(list).toEqual([]);
  });

  it("a weakened finding fails the default review", () => {
    const review = buildReview(
      inputOf(
        planOf({
          changes: [
            change({
              address: "aws_subnet.a",
              actions: ["update"],
              before: { map_public_ip_on_launch: false },
              after: { map_public_ip_on_launch: true },
            }),
          ],
        }),
      ),
    );
    expect(exitCodeOf(review)).toBe(3);
    expect(exitCodeOf(review, ["destroy", "replace"])).toBe(2);
  });
});
