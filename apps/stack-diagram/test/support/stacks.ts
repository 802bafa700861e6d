/**
 * Small hand-written synthesized stacks, shaped like cdktf's output
 * (`resource.<type>.<name>` with a `"//"` construct path), and a reader of
 * the Mermaid nesting for assertions.
 */

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** `${aws_subnet.a.id}`. */
export function ref(address: string, attribute = "id"): string {
  return `\${${address}.${attribute}}`;
}

/** Adds a resource with its construct path. */
function add(resources: Resources, type: string, name: string, path: string, body: Record<string, unknown>): void {
  resources[type] ??= {};
  resources[type][name] = { "//": { metadata: { path: `demo/${path}`, uniqueId: name } }, ...body };
}

/** What the isolated demo stack holds. */
export interface DemoOptions {
  /** A transcript bucket in the session preferences. */
  readonly bucket?: boolean;
  /** A VPC flow log to its own log group. */
  readonly flowLogs?: boolean;
  /** The VPC's `Name` tag. */
  readonly vpcName?: string;
  /** The instance's construct name. */
  readonly instanceName?: string;
}

/**
 * A VPC `10.0.0.0/16` with isolated subnets in eu-west-1a (`10.0.128.0/20`)
 * and eu-west-1b (`10.0.144.0/20`), interface endpoints (ssm, ssmmessages,
 * logs) in 1a only, the S3 gateway on the isolated route table; instance
 * `web-1` (t3.micro) in 1b, its subnet given through its launch template;
 * session preferences to a KMS-encrypted log group.
 */
export function demoStack(options: DemoOptions = {}): Record<string, unknown> {
  const r: Resources = {};
  addDemoNetwork(r, options);
  addDemoInstance(r, options);
  addDemoSessionLogging(r, options);
  if (options.bucket) addDemoTranscriptBucket(r);
  if (options.flowLogs) addDemoFlowLogs(r);
  return { provider: { aws: [{ region: "eu-west-1" }] }, resource: r };
}

/** The demo's VPC, isolated subnets, their route table and the VPC endpoints. */
function addDemoNetwork(r: Resources, options: DemoOptions): void {
  add(r, "aws_vpc", "network", "Network/Resource", {
    cidr_block: "10.0.0.0/16",
    tags: { Name: options.vpcName ?? "demo" },
  });
  for (const [zone, cidr] of [
    ["a", "10.0.128.0/20"],
    ["b", "10.0.144.0/20"],
  ]) {
    add(r, "aws_subnet", `network_isolated_subnet_${zone}`, `Network/IsolatedSubnet${zone.toUpperCase()}`, {
      availability_zone: `eu-west-1${zone}`,
      cidr_block: cidr,
      tags: { Name: `demo-isolated-${zone}` },
      vpc_id: ref("aws_vpc.network"),
    });
    add(
      r,
      "aws_route_table_association",
      `network_isolated_association_${zone}`,
      `Network/IsolatedRouteTableAssociation${zone.toUpperCase()}`,
      {
        route_table_id: ref("aws_route_table.network_isolated"),
        subnet_id: ref(`aws_subnet.network_isolated_subnet_${zone}`),
      },
    );
  }
  add(r, "aws_route_table", "network_isolated", "Network/IsolatedRouteTable", { vpc_id: ref("aws_vpc.network") });
  for (const service of ["ssmmessages", "ssm", "logs"]) {
    add(r, "aws_vpc_endpoint", `network_${service}`, `Network/Endpoints/${service}`, {
      service_name: `com.amazonaws.eu-west-1.${service}`,
      vpc_endpoint_type: "Interface",
      private_dns_enabled: true,
      subnet_ids: [ref("aws_subnet.network_isolated_subnet_a")],
      vpc_id: ref("aws_vpc.network"),
    });
  }
  add(r, "aws_vpc_endpoint", "network_s3", "Network/Endpoints/S3Gateway", {
    service_name: "com.amazonaws.eu-west-1.s3",
    vpc_endpoint_type: "Gateway",
    route_table_ids: [ref("aws_route_table.network_isolated")],
    vpc_id: ref("aws_vpc.network"),
  });
}

/** The demo's instance, its launch template, role and the operator policy. */
function addDemoInstance(r: Resources, options: DemoOptions): void {
  const instance = options.instanceName ?? "web-1";
  add(r, "aws_launch_template", "instances_web_lt", `Instances/${instance}/LaunchTemplate`, {
    instance_type: "t3.micro",
    network_interfaces: [{ subnet_id: ref("aws_subnet.network_isolated_subnet_b") }],
  });
  add(r, "aws_iam_role", "instance_role", "InstanceRole/Resource", { name: "demo-instance" });
  add(r, "aws_iam_instance_profile", "instance_profile", "InstanceRole/InstanceProfile", {
    name: "demo-instance",
    role: ref("aws_iam_role.instance_role", "name"),
  });
  add(r, "aws_instance", "instances_web", `Instances/${instance}/Resource`, {
    iam_instance_profile: ref("aws_iam_instance_profile.instance_profile", "name"),
    launch_template: {
      id: ref("aws_launch_template.instances_web_lt"),
      version: ref("aws_launch_template.instances_web_lt", "latest_version"),
    },
    tags: { Name: `demo-${instance}` },
  });
  add(r, "aws_iam_policy", "operator", "OperatorAccess/Resource", {
    name: "demo-operator",
    policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "ssm:StartSession", Resource: "*" }] }),
  });
}

/** The demo's session key, log group, session preferences and port-forwarding document. */
function addDemoSessionLogging(r: Resources, options: DemoOptions): void {
  add(r, "aws_kms_key", "session_key", "SessionLogging/Key", { enable_key_rotation: true });
  add(r, "aws_kms_alias", "session_alias", "SessionLogging/Alias", {
    name: "alias/demo-session",
    target_key_id: ref("aws_kms_key.session_key", "key_id"),
  });
  add(r, "aws_cloudwatch_log_group", "session_logs", "SessionLogging/LogGroup", {
    name: "/ssm/demo/sessions",
    retention_in_days: 30,
    kms_key_id: ref("aws_kms_key.session_key", "arn"),
  });
  add(r, "aws_ssm_document", "session_preferences", "SessionLogging/Preferences", {
    name: "SSM-SessionManagerRunShell",
    document_type: "Session",
    document_format: "JSON",
    content: JSON.stringify({
      schemaVersion: "1.0",
      sessionType: "Standard_Stream",
      inputs: {
        s3BucketName: options.bucket ? ref("aws_s3_bucket.transcripts", "bucket") : "",
        cloudWatchLogGroupName: ref("aws_cloudwatch_log_group.session_logs", "name"),
        kmsKeyId: ref("aws_kms_key.session_key", "key_id"),
      },
    }),
  });
  add(r, "aws_ssm_document", "port_8080", "OperatorAccess/PortForwarding-8080", {
    name: "demo-port-8080",
    document_type: "Session",
    content: JSON.stringify({
      schemaVersion: "1.0",
      sessionType: "Port",
      properties: { portNumber: "8080", type: "LocalPortForwarding" },
    }),
  });
}

/** A KMS-encrypted transcript bucket that expires objects after 90 days. */
function addDemoTranscriptBucket(r: Resources): void {
  add(r, "aws_s3_bucket", "transcripts", "SessionLogging/Bucket/Resource", { bucket: "demo-transcripts" });
  add(
    r,
    "aws_s3_bucket_server_side_encryption_configuration",
    "transcripts_encryption",
    "SessionLogging/Bucket/Encryption",
    {
      bucket: ref("aws_s3_bucket.transcripts"),
      rule: [
        {
          apply_server_side_encryption_by_default: {
            kms_master_key_id: ref("aws_kms_key.session_key", "arn"),
            sse_algorithm: "aws:kms",
          },
        },
      ],
    },
  );
  add(r, "aws_s3_bucket_lifecycle_configuration", "transcripts_lifecycle", "SessionLogging/Bucket/Lifecycle", {
    bucket: ref("aws_s3_bucket.transcripts"),
    rule: [{ id: "expire", status: "Enabled", filter: [{}], expiration: [{ days: 90 }] }],
  });
}

/** A VPC flow log of rejected traffic to its own log group. */
function addDemoFlowLogs(r: Resources): void {
  add(r, "aws_cloudwatch_log_group", "flow_logs", "Network/FlowLogs/LogGroup", {
    name: "/vpc-flow-logs/demo",
    retention_in_days: 14,
  });
  add(r, "aws_flow_log", "flow_log", "Network/FlowLogs/Resource", {
    log_destination: ref("aws_cloudwatch_log_group.flow_logs", "arn"),
    log_destination_type: "cloud-watch-logs",
    traffic_type: "REJECT",
    vpc_id: ref("aws_vpc.network"),
  });
}

/**
 * A stack without construct paths whose tiers come from routing: `pub`
 * routes to an internet gateway, `priv` to a NAT gateway in `pub`, `iso`
 * nowhere; one instance (by `subnet_id`) in `priv`, no VPC endpoint.
 */
export function routedStack(): Record<string, unknown> {
  const resource: Resources = {
    aws_vpc: { main: { cidr_block: "10.9.0.0/16" } },
    aws_subnet: {
      pub: { availability_zone: "us-east-1a", cidr_block: "10.9.0.0/24", vpc_id: ref("aws_vpc.main") },
      priv: { availability_zone: "us-east-1a", cidr_block: "10.9.1.0/24", vpc_id: ref("aws_vpc.main") },
      iso: { availability_zone: "us-east-1a", cidr_block: "10.9.2.0/24", vpc_id: ref("aws_vpc.main") },
    },
    aws_internet_gateway: { igw: { vpc_id: ref("aws_vpc.main") } },
    aws_nat_gateway: { nat: { subnet_id: ref("aws_subnet.pub") } },
    aws_route_table: {
      pub: {
        vpc_id: ref("aws_vpc.main"),
        route: [{ cidr_block: "0.0.0.0/0", gateway_id: ref("aws_internet_gateway.igw") }],
      },
      priv: { vpc_id: ref("aws_vpc.main") },
      iso: { vpc_id: ref("aws_vpc.main") },
    },
    aws_route: {
      priv_default: {
        route_table_id: ref("aws_route_table.priv"),
        destination_cidr_block: "0.0.0.0/0",
        nat_gateway_id: ref("aws_nat_gateway.nat"),
      },
    },
    aws_route_table_association: {
      pub: { subnet_id: ref("aws_subnet.pub"), route_table_id: ref("aws_route_table.pub") },
      priv: { subnet_id: ref("aws_subnet.priv"), route_table_id: ref("aws_route_table.priv") },
      iso: { subnet_id: ref("aws_subnet.iso"), route_table_id: ref("aws_route_table.iso") },
    },
    aws_instance: { box: { instance_type: "m7g.large", subnet_id: ref("aws_subnet.priv"), tags: { Name: "box" } } },
  };
  return { resource };
}

/** The same stack with every object's keys in reverse order: JSON key order must not matter. */
export function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

/**
 * The subgraph ids enclosing the node or subgraph `id` in a Mermaid
 * flowchart, outermost first; `undefined` when `id` is not declared.
 */
export function enclosing(mermaid: string, id: string): string[] | undefined {
  const stack: string[] = [];
  for (const raw of mermaid.split("\n")) {
    const line = raw.trim();
    const sub = /^subgraph ([A-Za-z0-9_]+)/.exec(line);
    if (sub) {
      if (sub[1] === id) return [...stack];
      stack.push(sub[1]);
    } else if (line === "end") {
      stack.pop();
    } else if (new RegExp(`^${id}[[({]`).test(line)) {
      return [...stack];
    }
  }
  return undefined;
}

/** The declaration line of node `id`. */
export function declaration(mermaid: string, id: string): string | undefined {
  return mermaid
    .split("\n")
    .map((l) => l.trim())
    .find((l) => new RegExp(`^(subgraph )?${id}[[({]`).test(l));
}

/** The edge lines of a flowchart. */
export function edges(mermaid: string): string[] {
  return mermaid
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^\S+ (-->|<-->|-\.->|-\.-)/.test(l));
}
