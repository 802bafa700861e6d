import { stackDiagram } from "../src";
import { declaration, demoStack, edges, enclosing, reversedKeys, routedStack } from "./support/stacks";

const VPC = "vpc__network";
const ZONE_A = "az__network__eu_west_1a";
const ZONE_B = "az__network__eu_west_1b";
const SUBNET_A = "subnet__network_isolated_subnet_a";
const SUBNET_B = "subnet__network_isolated_subnet_b";
const ENDPOINTS_A = "vpce__network_isolated_subnet_a";
const INSTANCE = "instance__instances_web";
const S3_GATEWAY = "vpc_endpoint__network_s3";
const LOG_GROUP = "cloudwatch_log_group__session_logs";
const KMS_KEY = "kms_key__session_key";
const BUCKET = "s3_bucket__transcripts";

describe("stackDiagram", () => {
  const plain = stackDiagram(demoStack(), { name: "demo" });

  test("is a left-to-right flowchart with an accessible title naming the environment", () => {
    expect(plain.split("\n").slice(0, 2)).toEqual(["flowchart LR", "  accTitle: demo: architecture"]);
    expect(plain.endsWith("\n")).toBe(true);
  });

  describe("the network", () => {
    test("the VPC is a subgraph labelled with its name and CIDR, holding one subgraph per Availability Zone", () => {
      expect(declaration(plain, VPC)).toBe(`subgraph ${VPC}["VPC demo · 10.0.0.0/16"]`);
      expect(enclosing(plain, ZONE_A)).toEqual([VPC]);
      expect(enclosing(plain, ZONE_B)).toEqual([VPC]);
      expect(declaration(plain, ZONE_A)).toBe(`subgraph ${ZONE_A}["eu-west-1a"]`);
    });

    test("each subnet sits in its zone, labelled with its tier, CIDR and default route", () => {
      expect(enclosing(plain, SUBNET_A)).toEqual([VPC, ZONE_A]);
      expect(enclosing(plain, SUBNET_B)).toEqual([VPC, ZONE_B]);
      expect(declaration(plain, SUBNET_A)).toBe(`subgraph ${SUBNET_A}["isolated · 10.0.128.0/20 · no internet route"]`);
      expect(declaration(plain, SUBNET_B)).toContain('"isolated · 10.0.144.0/20 · no internet route"');
    });

    test("interface endpoints are drawn in the subnet they have network interfaces in, listed by service", () => {
      expect(enclosing(plain, ENDPOINTS_A)).toEqual([VPC, ZONE_A, SUBNET_A]);
      expect(declaration(plain, ENDPOINTS_A)).toBe(
        `${ENDPOINTS_A}("Interface endpoints<br/>logs · ssm · ssmmessages")`,
      );
      expect(declaration(plain, "vpce__network_isolated_subnet_b")).toBeUndefined();
    });

    test("an instance is drawn in its subnet (found through its launch template) with its name and type", () => {
      expect(enclosing(plain, INSTANCE)).toEqual([VPC, ZONE_B, SUBNET_B]);
      expect(declaration(plain, INSTANCE)).toBe(`${INSTANCE}["web-1<br/>t3.micro"]`);
    });

    test("the S3 gateway endpoint sits in the VPC, outside the zones, naming the tiers whose route tables carry it", () => {
      expect(enclosing(plain, S3_GATEWAY)).toEqual([VPC]);
      expect(declaration(plain, S3_GATEWAY)).toBe(`${S3_GATEWAY}("S3 gateway endpoint<br/>for the isolated subnets")`);
    });

    test("without construct paths, tiers come from routing; the NAT gateway sits in its public subnet, the internet gateway in the VPC", () => {
      const d = stackDiagram(routedStack(), { name: "routed" });
      expect(declaration(d, "subnet__pub")).toBe(
        'subgraph subnet__pub["public · 10.9.0.0/24 · 0.0.0.0/0 → internet gateway"]',
      );
      expect(declaration(d, "subnet__priv")).toBe(
        'subgraph subnet__priv["private · 10.9.1.0/24 · 0.0.0.0/0 → NAT gateway in us-east-1a"]',
      );
      expect(declaration(d, "subnet__iso")).toBe('subnet__iso["isolated · 10.9.2.0/24 · no internet route"]');
      expect(enclosing(d, "nat_gateway__nat")).toEqual(["vpc__main", "az__main__us_east_1a", "subnet__pub"]);
      expect(enclosing(d, "internet_gateway__igw")).toEqual(["vpc__main"]);
      expect(enclosing(d, "instance__box")).toEqual(["vpc__main", "az__main__us_east_1a", "subnet__priv"]);
    });

    test("within a zone, subnets are listed public, private, isolated", () => {
      const d = stackDiagram(routedStack(), { name: "routed" });
      const order = ["subnet__pub", "subnet__priv", "subnet__iso"].map((id) => d.indexOf(declaration(d, id) as string));
      expect([...order].sort((a, b) => a - b)).toEqual(order);
    });
  });

  describe("the Session Manager path", () => {
    test("operator → Session Manager → ssmmessages endpoint ↔ instance", () => {
      expect(edges(plain)).toEqual(
        expect.arrayContaining([
          'operator -->|"start-session"| session_manager',
          `session_manager <-->|"ssmmessages"| ${ENDPOINTS_A}`,
          `${ENDPOINTS_A} <-->|"agent channel"| ${INSTANCE}`,
        ]),
      );
    });

    test("the operator names the policy that allows start-session; Session Manager names port forwarding and session encryption", () => {
      expect(declaration(plain, "operator")).toBe('operator(["Operator<br/>IAM policy demo-operator"])');
      expect(declaration(plain, "session_manager")).toBe(
        'session_manager{{"Session Manager<br/>shell sessions · port forwarding to 8080<br/>sessions encrypted with KMS"}}',
      );
    });

    test("without an ssmmessages endpoint, the agent channel goes through the subnet's NAT gateway", () => {
      const d = stackDiagram(routedStack(), { name: "routed" });
      expect(edges(d)).toContain('session_manager <-->|"agent channel through the NAT gateway"| instance__box');
    });
  });

  describe("logging", () => {
    test("session logs go from the instance to the log group, which is encrypted with the KMS key", () => {
      expect(declaration(plain, LOG_GROUP)).toBe(
        `${LOG_GROUP}[("CloudWatch log group<br/>/ssm/demo/sessions<br/>kept 30 days")]`,
      );
      expect(declaration(plain, KMS_KEY)).toBe(`${KMS_KEY}{{"KMS key<br/>alias/demo-session"}}`);
      expect(edges(plain)).toEqual(
        expect.arrayContaining([
          `${INSTANCE} -.->|"session log, through the logs endpoint"| ${LOG_GROUP}`,
          `${LOG_GROUP} -.-|"encrypted with"| ${KMS_KEY}`,
        ]),
      );
    });

    test("without a transcript bucket there is no bucket node and nothing goes through the S3 gateway", () => {
      expect(plain).not.toContain("S3 bucket");
      expect(plain).not.toContain("session transcript");
      expect(edges(plain).filter((e) => e.includes(S3_GATEWAY))).toEqual([]);
    });

    test("with a bucket, transcripts go from the instance through the S3 gateway to the bucket, encrypted with the key", () => {
      const d = stackDiagram(demoStack({ bucket: true }), { name: "demo" });
      expect(enclosing(d, BUCKET)).toEqual([]);
      expect(declaration(d, BUCKET)).toBe(`${BUCKET}[("S3 bucket<br/>demo-transcripts<br/>kept 90 days")]`);
      expect(edges(d)).toEqual(
        expect.arrayContaining([
          `${INSTANCE} -.->|"session transcript"| ${S3_GATEWAY}`,
          `${S3_GATEWAY} -.->|"session transcripts"| ${BUCKET}`,
          `${BUCKET} -.-|"encrypted with"| ${KMS_KEY}`,
        ]),
      );
    });

    test("flow logs are drawn, in the VPC, only when the stack has them", () => {
      expect(plain).not.toContain("Flow log");
      const d = stackDiagram(demoStack({ flowLogs: true }), { name: "demo" });
      expect(enclosing(d, "flow_log__flow_log")).toEqual([VPC]);
      expect(declaration(d, "flow_log__flow_log")).toBe('flow_log__flow_log(["Flow log · REJECT traffic"])');
      expect(edges(d)).toContain('flow_log__flow_log -.->|"flow logs"| cloudwatch_log_group__flow_logs');
    });
  });

  describe("the text", () => {
    test("labels are quoted and escaped: nothing from the stack reaches the output as a raw quote, <, >, &, # or backtick", () => {
      const d = stackDiagram(demoStack({ vpcName: 'a "b" <i>&c #1 `x`', instanceName: "web<1>" }), { name: "demo" });
      expect(declaration(d, VPC)).toBe(
        `subgraph ${VPC}["VPC a #34;b#34; #60;i#62;#38;c #35;1 #96;x#96; · 10.0.0.0/16"]`,
      );
      expect(declaration(d, INSTANCE)).toBe(`${INSTANCE}["web#60;1#62;<br/>t3.micro"]`);
      for (const line of d.split("\n")) {
        const outsideLabels = line.replace(/"[^"]*"/g, "").replace(/<?-->|-\.->|-\.-/g, "");
        expect(outsideLabels).not.toMatch(/["<>&`#]/);
        const labels = line.match(/"[^"]*"/g) ?? [];
        for (const l of labels) expect(l.replace(/<br\/>/g, "")).not.toMatch(/[<>&`]/);
      }
    });

    test("node ids are made of letters, digits and underscores, and every edge joins declared nodes", () => {
      const d = stackDiagram(demoStack({ bucket: true, flowLogs: true }), { name: "demo" });
      for (const e of edges(d)) {
        const [from, , to] = e.replace(/\|"[^"]*"\|/, "").split(/\s+/);
        for (const id of [from, to]) {
          expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
          expect(declaration(d, id)).toBeDefined();
        }
      }
    });

    test("the same stack gives the same text, whatever the order of its keys", () => {
      const stack = demoStack({ bucket: true, flowLogs: true });
      const d = stackDiagram(stack, { name: "demo" });
      expect(stackDiagram(stack, { name: "demo" })).toBe(d);
      expect(stackDiagram(reversedKeys(stack) as Record<string, unknown>, { name: "demo" })).toBe(d);
    });

    test("a stack without network or instances gives a bare flowchart", () => {
      expect(stackDiagram({}, { name: "empty" }).trim().split("\n")).toEqual([
        "flowchart LR",
        "  accTitle: empty: architecture",
        "  accDescr: Network, instances, Session Manager access and logging of empty, drawn from its synthesized stack.",
      ]);
    });
  });
});
