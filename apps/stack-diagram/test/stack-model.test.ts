import { serviceShortName, stackModel } from "../src";
import { demoStack, ref, routedStack } from "./support/stacks";

describe("stackModel", () => {
  test.each([
    ["com.amazonaws.eu-west-1.ssmmessages", "ssmmessages"],
    ["com.amazonaws.eu-west-1.ecr.api", "ecr.api"],
    ["com.amazonaws.vpce.eu-west-1.vpce-svc-0abc", "eu-west-1.vpce-svc-0abc"],
    ["aws.sagemaker.eu-west-1.notebook", "aws.sagemaker.eu-west-1.notebook"],
  ])("the short name of %j is %j", (service, short) => {
    expect(serviceShortName(service)).toBe(short);
  });

  describe("the network", () => {
    test("a subnet's tier comes from its construct path (IsolatedSubnetA), its default route from its route table", () => {
      const model = stackModel(demoStack());
      expect(model.subnets.map((s) => [s.address, s.tier, s.availabilityZone, s.cidr, s.defaultRoute.kind])).toEqual([
        ["aws_subnet.network_isolated_subnet_a", "isolated", "eu-west-1a", "10.0.128.0/20", "none"],
        ["aws_subnet.network_isolated_subnet_b", "isolated", "eu-west-1b", "10.0.144.0/20", "none"],
      ]);
      expect(model.region).toBe("eu-west-1");
    });

    test("without a construct path, the route decides: internet gateway → public, NAT gateway → private, none → isolated", () => {
      const model = stackModel(routedStack());
      expect(model.subnets.map((s) => [s.address, s.tier, s.defaultRoute])).toEqual([
        ["aws_subnet.iso", "isolated", { kind: "none" }],
        ["aws_subnet.priv", "private", { kind: "nat-gateway", target: "aws_nat_gateway.nat" }],
        ["aws_subnet.pub", "public", { kind: "internet-gateway", target: "aws_internet_gateway.igw" }],
      ]);
      expect(model.natGateways).toEqual([{ address: "aws_nat_gateway.nat", subnet: "aws_subnet.pub" }]);
      expect(model.sessionManager).toEqual({ forwardedPorts: [] });
    });

    test("interface endpoints keep their subnets, gateway endpoints their route tables", () => {
      const model = stackModel(demoStack());
      expect(model.interfaceEndpoints.map((e) => [e.service, e.subnets])).toEqual([
        ["logs", ["aws_subnet.network_isolated_subnet_a"]],
        ["ssm", ["aws_subnet.network_isolated_subnet_a"]],
        ["ssmmessages", ["aws_subnet.network_isolated_subnet_a"]],
      ]);
      expect(model.gatewayEndpoints).toEqual([
        {
          address: "aws_vpc_endpoint.network_s3",
          service: "s3",
          vpc: "aws_vpc.network",
          routeTables: ["aws_route_table.network_isolated"],
        },
      ]);
    });
  });

  describe("instances", () => {
    test("the subnet comes from subnet_id, else a network interface, else the launch template; the type likewise", () => {
      const stack = {
        resource: {
          aws_subnet: { s: { cidr_block: "10.0.0.0/24" } },
          aws_network_interface: { eni: { subnet_id: ref("aws_subnet.s") } },
          aws_launch_template: {
            lt: { instance_type: "c7i.large", network_interfaces: [{ subnet_id: ref("aws_subnet.s") }] },
          },
          aws_instance: {
            direct: { instance_type: "t3.nano", subnet_id: ref("aws_subnet.s"), tags: { Name: "direct-box" } },
            eni: {
              instance_type: "t3.nano",
              network_interface: [{ network_interface_id: ref("aws_network_interface.eni"), device_index: 0 }],
            },
            templated: { launch_template: { id: ref("aws_launch_template.lt") } },
            nowhere: {},
          },
        },
      };
      expect(stackModel(stack).instances).toEqual([
        { address: "aws_instance.direct", name: "direct-box", instanceType: "t3.nano", subnet: "aws_subnet.s" },
        { address: "aws_instance.eni", name: "eni", instanceType: "t3.nano", subnet: "aws_subnet.s" },
        { address: "aws_instance.nowhere", name: "nowhere" },
        { address: "aws_instance.templated", name: "templated", instanceType: "c7i.large", subnet: "aws_subnet.s" },
      ]);
    });

    test("an instance's name is its construct name (app-1 of Instances/app-1/Resource); its role that of its instance profile", () => {
      expect(stackModel(demoStack()).instances.map((i) => [i.name, i.role])).toEqual([["web-1", "demo-instance"]]);
    });
  });

  describe("sessions and logs", () => {
    test("the preferences document names the log group, bucket and key; port documents the forwarded ports", () => {
      expect(stackModel(demoStack({ bucket: true })).sessionManager).toEqual({
        preferencesDocument: "SSM-SessionManagerRunShell",
        logGroup: "aws_cloudwatch_log_group.session_logs",
        bucket: "aws_s3_bucket.transcripts",
        kmsKey: "aws_kms_key.session_key",
        forwardedPorts: [8080],
      });
      expect(stackModel(demoStack()).sessionManager?.bucket).toBeUndefined();
    });

    test("a stack with no instance, no ssmmessages endpoint and no Session document has no Session Manager", () => {
      expect(
        stackModel({ resource: { aws_vpc: { v: { cidr_block: "10.0.0.0/16" } } } }).sessionManager,
      ).toBeUndefined();
    });

    test("log groups, buckets and keys carry retention, expiry, encryption and alias", () => {
      const model = stackModel(demoStack({ bucket: true, flowLogs: true }));
      expect(model.logGroups).toEqual([
        { address: "aws_cloudwatch_log_group.flow_logs", name: "/vpc-flow-logs/demo", retentionInDays: 14 },
        {
          address: "aws_cloudwatch_log_group.session_logs",
          name: "/ssm/demo/sessions",
          retentionInDays: 30,
          kmsKey: "aws_kms_key.session_key",
        },
      ]);
      expect(model.buckets).toEqual([
        {
          address: "aws_s3_bucket.transcripts",
          name: "demo-transcripts",
          kmsKey: "aws_kms_key.session_key",
          expirationInDays: 90,
        },
      ]);
      expect(model.kmsKeys).toEqual([
        { address: "aws_kms_key.session_key", name: "alias/demo-session", rotation: true },
      ]);
      expect(model.flowLogs).toEqual([
        {
          address: "aws_flow_log.flow_log",
          vpc: "aws_vpc.network",
          trafficType: "REJECT",
          destination: "aws_cloudwatch_log_group.flow_logs",
        },
      ]);
    });

    test("only a policy that allows ssm:StartSession is an operator policy", () => {
      const stack = demoStack() as { resource: Record<string, Record<string, unknown>> };
      stack.resource.aws_iam_policy.other = { name: "read-only", policy: '{"Statement":[{"Action":"s3:GetObject"}]}' };
      expect(stackModel(stack).operatorPolicies).toEqual([
        { address: "aws_iam_policy.operator", name: "demo-operator" },
      ]);
    });
  });
});
