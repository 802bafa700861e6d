import { Testing, TerraformOutput, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { DefaultSecurityGroup as TfDefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip as TfEip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog as TfFlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway as TfInternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway as TfNatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route as TfRoute } from "@cdktf/provider-aws/lib/route";
import { RouteTable as TfRouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation as TfRouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet as TfSubnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc as TfVpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint as TfVpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { CloudwatchLogGroup as TfCloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole as TfIamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ValidationError } from "@ssm-access/core";
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
import { PrivateNetwork, PrivateNetworkProps } from "../src";

const BASE: PrivateNetworkProps = {
  namePrefix: "ssm-dev",
  region: "eu-west-1",
  accountId: "111122223333",
  cidr: "10.10.0.0/16",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
};

/** Synthesizes one network; returns the JSON and the construct. */
function synth(props: Partial<PrivateNetworkProps> = {}): { json: TerraformJson; network: PrivateNetwork } {
  let network: PrivateNetwork | undefined;
  const json = synthJson((scope) => {
    network = new PrivateNetwork(scope, "Network", { ...BASE, ...props });
  }, props.region ?? BASE.region);
  return { json, network: network as PrivateNetwork };
}

/** Builds a network in a fresh stack (no synthesis), for validation tests. */
function build(props: Partial<PrivateNetworkProps>): PrivateNetwork {
  const stack = new TerraformStack(Testing.app(), "test");
  return new PrivateNetwork(stack, "Network", { ...BASE, ...props } as PrivateNetworkProps);
}

/** `${aws_<type>.<logical id>.<attr>}` of the resource of `type` whose config matches `pick`. */
function refTo(
  json: TerraformJson,
  type: { tfResourceType: string },
  pick: (c: Record<string, unknown>) => boolean,
  attr = "id",
): string {
  const entry = Object.entries(resourcesOf(json, type)).find(([, c]) => pick(c));
  if (!entry) throw new Error(`no ${type.tfResourceType} matches`);
  return `\${${type.tfResourceType}.${entry[0]}.${attr}}`;
}

function subnetByName(json: TerraformJson, name: string): Record<string, unknown> {
  const s = configsOf(json, TfSubnet).find((c) => (c.tags as Record<string, string>).Name === name);
  if (!s) throw new Error(`no subnet ${name}`);
  return s;
}

const nameIs = (name: string) => (c: Record<string, unknown>) =>
  (c.tags as Record<string, string> | undefined)?.Name === name;

describe("PrivateNetwork", () => {
  describe("with the defaults", () => {
    const { json, network } = synth();

    it("creates a VPC with DNS support and DNS hostnames on", () => {
      expect(onlyOf(json, TfVpc)).toMatchObject({
        cidr_block: "10.10.0.0/16",
        enable_dns_support: true,
        enable_dns_hostnames: true,
        tags: { Name: "ssm-dev" },
      });
    });

    it("creates only isolated subnets, one per zone, numbered by zone letter", () => {
      const subnets = configsOf(json, TfSubnet);
      expect(subnets).toHaveLength(2);
      expect(subnetByName(json, "ssm-dev-isolated-a")).toMatchObject({
        availability_zone: "eu-west-1a",
        cidr_block: "10.10.128.0/20",
        map_public_ip_on_launch: false,
      });
      expect(subnetByName(json, "ssm-dev-isolated-b")).toMatchObject({
        availability_zone: "eu-west-1b",
        cidr_block: "10.10.144.0/20",
      });
    });

    it("has no internet gateway, NAT gateway, elastic IP or route", () => {
      expect(configsOf(json, TfInternetGateway)).toEqual([]);
      expect(configsOf(json, TfNatGateway)).toEqual([]);
      expect(configsOf(json, TfEip)).toEqual([]);
      expect(configsOf(json, TfRoute)).toEqual([]);
    });

    it("gives the isolated tier one route table with no routes, associated with each isolated subnet", () => {
      const table = onlyOf(json, TfRouteTable);
      expect(table.route).toBeUndefined();
      expect(table.tags).toEqual({ Name: "ssm-dev-isolated" });
      const tableRef = refTo(json, TfRouteTable, () => true);
      const associations = configsOf(json, TfRouteTableAssociation);
      expect(associations).toHaveLength(2);
      expect(associations.map((a) => a.route_table_id)).toEqual([tableRef, tableRef]);
      expect(associations.map((a) => a.subnet_id).sort()).toEqual(
        [
          refTo(json, TfSubnet, nameIs("ssm-dev-isolated-a")),
          refTo(json, TfSubnet, nameIs("ssm-dev-isolated-b")),
        ].sort(),
      );
    });

    it("locks the default security group down with no ingress or egress rule", () => {
      const sg = onlyOf(json, TfDefaultSecurityGroup);
      expect(sg.vpc_id).toBe(refTo(json, TfVpc, () => true));
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
    });

    it("creates the Session Manager endpoints in the isolated subnets", () => {
      const interfaces = configsOf(json, TfVpcEndpoint).filter((e) => e.vpc_endpoint_type === "Interface");
      expect(interfaces.map((e) => e.service_name).sort()).toEqual([
        "com.amazonaws.eu-west-1.ec2messages",
        "com.amazonaws.eu-west-1.ssm",
        "com.amazonaws.eu-west-1.ssmmessages",
      ]);
      for (const e of interfaces) {
        expect(e.subnet_ids).toEqual([
          refTo(json, TfSubnet, nameIs("ssm-dev-isolated-a")),
          refTo(json, TfSubnet, nameIs("ssm-dev-isolated-b")),
        ]);
      }
    });

    it("attaches the S3 gateway endpoint to the isolated route table", () => {
      const gateway = configsOf(json, TfVpcEndpoint).find((e) => e.vpc_endpoint_type === "Gateway");
      expect(gateway?.route_table_ids).toEqual([refTo(json, TfRouteTable, nameIs("ssm-dev-isolated"))]);
    });

    it("has no flow logs", () => {
      expect(configsOf(json, TfFlowLog)).toEqual([]);
    });

    it("exposes the VPC, zones, subnets and endpoint services", () => {
      expect(network.vpcCidr).toBe("10.10.0.0/16");
      expect(network.availabilityZones).toEqual(["eu-west-1a", "eu-west-1b"]);
      expect(network.subnets("isolated").map((s) => [s.tier, s.availabilityZone, s.cidr])).toEqual([
        ["isolated", "eu-west-1a", "10.10.128.0/20"],
        ["isolated", "eu-west-1b", "10.10.144.0/20"],
      ]);
      expect(network.subnets("public")).toEqual([]);
      expect(network.subnets("private")).toEqual([]);
      expect(network.routeTableIds("isolated")).toHaveLength(1);
      expect(network.routeTableIds("private")).toEqual([]);
      expect(network.interfaceEndpointServices).toEqual(["ssm", "ssmmessages", "ec2messages"]);
      expect(network.endpointSecurityGroupId).toBeDefined();
      expect(network.internetGateway).toBeUndefined();
      expect(network.natGateways).toEqual([]);
      expect(network.flowLogs).toBeUndefined();
    });
  });

  describe("subnet tiers", () => {
    it("with a public tier, routes 0.0.0.0/0 of the public route table to a new internet gateway", () => {
      const { json } = synth({ subnets: { public: {} } });
      expect(onlyOf(json, TfInternetGateway)).toMatchObject({ vpc_id: refTo(json, TfVpc, () => true) });
      const routes = configsOf(json, TfRoute);
      expect(routes).toEqual([
        {
          route_table_id: refTo(json, TfRouteTable, nameIs("ssm-dev-public")),
          destination_cidr_block: "0.0.0.0/0",
          gateway_id: refTo(json, TfInternetGateway, () => true),
        },
      ]);
      expect(subnetByName(json, "ssm-dev-public-a")).toMatchObject({
        cidr_block: "10.10.0.0/20",
        map_public_ip_on_launch: false,
      });
    });

    it("keeps the isolated tier when another tier is added", () => {
      const { network } = synth({ subnets: { public: {} } });
      expect(network.subnets("isolated")).toHaveLength(2);
    });

    it("maps public IPs on launch only when the public tier asks for it", () => {
      const { json } = synth({ subnets: { public: { mapPublicIpOnLaunch: true } } });
      expect(subnetByName(json, "ssm-dev-public-a").map_public_ip_on_launch).toBe(true);
      expect(subnetByName(json, "ssm-dev-isolated-a").map_public_ip_on_launch).toBe(false);
    });

    it("drops the isolated tier with enabled: false", () => {
      const { json } = synth({ subnets: { private: {}, isolated: { enabled: false } } });
      expect(configsOf(json, TfSubnet).map((s) => (s.tags as Record<string, string>).Name)).toEqual([
        "ssm-dev-private-a",
        "ssm-dev-private-b",
      ]);
    });

    it("uses explicit CIDRs and prefix lengths", () => {
      const { json } = synth({
        subnets: { isolated: { prefixLength: 24, cidrs: { "eu-west-1b": "10.10.250.0/24" } } },
      });
      expect(subnetByName(json, "ssm-dev-isolated-a").cidr_block).toBe("10.10.128.0/24");
      expect(subnetByName(json, "ssm-dev-isolated-b").cidr_block).toBe("10.10.250.0/24");
    });

    it("numbers a Local Zone by zoneSlots and names it by its suffix", () => {
      const { json } = synth({
        region: "us-east-1",
        availabilityZones: ["us-east-1a", "us-east-1-bos-1a"],
        zoneSlots: { "us-east-1-bos-1a": 3 },
        endpoints: { availabilityZoneCount: 1 },
      });
      expect(subnetByName(json, "ssm-dev-isolated-bos-1a")).toMatchObject({
        availability_zone: "us-east-1-bos-1a",
        cidr_block: "10.10.176.0/20",
      });
    });

    it("gives subnets larger slots with fewer azSlotsPerTier", () => {
      const { json } = synth({ azSlotsPerTier: 2 });
      expect(subnetByName(json, "ssm-dev-isolated-b").cidr_block).toBe("10.10.160.0/19");
    });

    it("keeps every subnet's CIDR and logical id when a zone is added", () => {
      const two = synth().json;
      const three = synth({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }).json;
      const before = resourcesOf(two, TfSubnet);
      const after = resourcesOf(three, TfSubnet);
      for (const [id, config] of Object.entries(before)) {
        expect(after[id]?.cidr_block).toBe(config.cidr_block);
      }
      expect(Object.keys(after)).toHaveLength(3);
    });

    it("warns that a private tier without NAT has no default route", () => {
      const network = build({ subnets: { private: {} } });
      const warnings = warningsOf(network);
      expect(warnings).toEqual([expect.stringMatching(/private tier has no NAT gateway/)]);
    });
  });

  describe("NAT gateways", () => {
    it("with natGateways single, creates one NAT and EIP in the first public subnet and one private route table to it", () => {
      const { json, network } = synth({ subnets: { public: {}, private: {} }, natGateways: "single" });
      expect(configsOf(json, TfEip)).toEqual([expect.objectContaining({ domain: "vpc" })]);
      const nat = onlyOf(json, TfNatGateway);
      expect(nat).toMatchObject({
        subnet_id: refTo(json, TfSubnet, nameIs("ssm-dev-public-a")),
        allocation_id: refTo(json, TfEip, () => true, "allocation_id"),
        connectivity_type: "public",
      });
      expect(nat.depends_on).toEqual([expect.stringMatching(/^aws_internet_gateway\./)]);
      const privateTables = configsOf(json, TfRouteTable).filter((t) =>
        String((t.tags as Record<string, string>).Name).includes("private"),
      );
      expect(privateTables).toHaveLength(1);
      const natRoutes = configsOf(json, TfRoute).filter((r) => r.nat_gateway_id);
      expect(natRoutes).toEqual([
        {
          route_table_id: refTo(json, TfRouteTable, nameIs("ssm-dev-private")),
          destination_cidr_block: "0.0.0.0/0",
          nat_gateway_id: refTo(json, TfNatGateway, () => true),
        },
      ]);
      expect(network.natGateways).toHaveLength(1);
      expect(network.routeTableIds("private")).toHaveLength(1);
    });

    it("with natGateways perAz, creates one NAT and EIP per zone and routes each private subnet to the NAT of its zone", () => {
      const { json, network } = synth({
        availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        subnets: { public: {}, private: {} },
        natGateways: "perAz",
      });
      expect(configsOf(json, TfEip)).toHaveLength(3);
      expect(configsOf(json, TfNatGateway)).toHaveLength(3);
      expect(network.routeTableIds("private")).toHaveLength(3);
      for (const zone of ["a", "b", "c"]) {
        const natRef = refTo(json, TfNatGateway, nameIs(`ssm-dev-nat-${zone}`));
        const tableRef = refTo(json, TfRouteTable, nameIs(`ssm-dev-private-${zone}`));
        expect(configsOf(json, TfNatGateway).find(nameIs(`ssm-dev-nat-${zone}`))?.subnet_id).toBe(
          refTo(json, TfSubnet, nameIs(`ssm-dev-public-${zone}`)),
        );
        expect(configsOf(json, TfRoute).filter((r) => r.route_table_id === tableRef)).toEqual([
          { route_table_id: tableRef, destination_cidr_block: "0.0.0.0/0", nat_gateway_id: natRef },
        ]);
        const association = configsOf(json, TfRouteTableAssociation).find(
          (a) => a.subnet_id === refTo(json, TfSubnet, nameIs(`ssm-dev-private-${zone}`)),
        );
        expect(association?.route_table_id).toBe(tableRef);
      }
    });

    it("with perAz NAT, attaches the S3 gateway to every private route table and the isolated one", () => {
      const { json } = synth({ subnets: { public: {}, private: {} }, natGateways: "perAz" });
      const gateway = configsOf(json, TfVpcEndpoint).find((e) => e.vpc_endpoint_type === "Gateway");
      expect(gateway?.route_table_ids).toEqual([
        refTo(json, TfRouteTable, nameIs("ssm-dev-private-a")),
        refTo(json, TfRouteTable, nameIs("ssm-dev-private-b")),
        refTo(json, TfRouteTable, nameIs("ssm-dev-isolated")),
      ]);
    });

    it("keeps the first zone's NAT gateway logical id when going from single to perAz", () => {
      const single = synth({ subnets: { public: {}, private: {} }, natGateways: "single" }).json;
      const perAz = synth({ subnets: { public: {}, private: {} }, natGateways: "perAz" }).json;
      const [singleId] = Object.keys(resourcesOf(single, TfNatGateway));
      expect(Object.keys(resourcesOf(perAz, TfNatGateway))).toContain(singleId);
    });
  });

  describe("endpoints", () => {
    it("places the endpoints in the private tier when there is no isolated tier", () => {
      const { json } = synth({ subnets: { private: {}, isolated: { enabled: false } } });
      const ssm = configsOf(json, TfVpcEndpoint).find((e) => e.service_name === "com.amazonaws.eu-west-1.ssm");
      expect(ssm?.subnet_ids).toEqual([
        refTo(json, TfSubnet, nameIs("ssm-dev-private-a")),
        refTo(json, TfSubnet, nameIs("ssm-dev-private-b")),
      ]);
    });

    it("places the endpoints in the chosen tier and number of zones", () => {
      const { json } = synth({
        subnets: { private: {} },
        endpoints: { subnetTier: "private", availabilityZoneCount: 1 },
      });
      const ssm = configsOf(json, TfVpcEndpoint).find((e) => e.service_name === "com.amazonaws.eu-west-1.ssm");
      expect(ssm?.subnet_ids).toEqual([refTo(json, TfSubnet, nameIs("ssm-dev-private-a"))]);
    });

    it("adds extra interface services", () => {
      const { network } = synth({ endpoints: { extraServices: ["kms"] } });
      expect(network.interfaceEndpointServices).toEqual(["ssm", "ssmmessages", "ec2messages", "kms"]);
    });

    it("scopes the endpoint policies to the network's account", () => {
      const { json } = synth();
      const byService = (service: string) =>
        configsOf(json, TfVpcEndpoint).find((e) => e.service_name === `com.amazonaws.eu-west-1.${service}`);
      const [own] = parsePolicy(byService("s3")?.policy).Statement;
      expect(own.Condition).toEqual({ StringEquals: { "aws:ResourceAccount": "111122223333" } });
      expect(parsePolicy(byService("ssm")?.policy).Statement[0].Condition).toEqual({
        StringEquals: { "aws:PrincipalAccount": "111122223333" },
      });
      expect(byService("ssmmessages")?.policy).toBeUndefined();
      expect(byService("ec2messages")?.policy).toBeUndefined();
    });

    it("passes s3GatewayAllowedBuckets on to the S3 gateway policy", () => {
      const { json } = synth({ endpoints: { s3Gateway: { allowedBuckets: ["org-session-archive"] } } });
      const s3 = configsOf(json, TfVpcEndpoint).find((e) => e.vpc_endpoint_type === "Gateway");
      const extra = parsePolicy(s3?.policy).Statement.find((st) => st.Sid === "AllowedBuckets");
      expect(extra?.Resource).toEqual(["arn:aws:s3:::org-session-archive", "arn:aws:s3:::org-session-archive/*"]);
    });

    it("keeps the endpoints' logical ids", () => {
      const { json } = synth();
      expect(Object.keys(resourcesOf(json, TfVpcEndpoint)).sort()).toEqual([
        "Network_Endpoints_Ec2messagesEndpoint_253C06C2",
        "Network_Endpoints_S3Gateway_8444D5AC",
        "Network_Endpoints_SsmEndpoint_95F7A3E8",
        "Network_Endpoints_SsmmessagesEndpoint_DD31C0F3",
      ]);
    });

    it("leaves the S3 gateway out with s3Gateway: { enabled: false }", () => {
      const { json, network } = synth({ endpoints: { s3Gateway: { enabled: false } } });
      expect(configsOf(json, TfVpcEndpoint).filter((e) => e.vpc_endpoint_type === "Gateway")).toEqual([]);
      expect(network.s3GatewayPrefixListId).toBeUndefined();
    });

    it("exposes the S3 gateway's prefix list for instance egress", () => {
      const json = synthJson((scope) => {
        const network = new PrivateNetwork(scope, "Network", BASE);
        new TerraformOutput(scope, "PrefixList", { value: network.s3GatewayPrefixListId });
      });
      const gateway = refTo(json, TfVpcEndpoint, (e) => e.vpc_endpoint_type === "Gateway", "prefix_list_id");
      expect(json.output?.PrefixList.value).toBe(gateway);
    });

    it("creates no endpoint with enabled: false", () => {
      const { json, network } = synth({ endpoints: { enabled: false, availabilityZoneCount: 1 } });
      expect(configsOf(json, TfVpcEndpoint)).toEqual([]);
      expect(network.endpointSecurityGroupId).toBeUndefined();
      expect(network.interfaceEndpointServices).toEqual([]);
      expect(network.outputs.endpointSecurityGroupId).toBeUndefined();
    });

    describe("addInterfaceEndpoints", () => {
      it("adds the services not present yet and reports them", () => {
        let added: string[] = [];
        let again: string[] = [];
        const json = synthJson((scope) => {
          const network = new PrivateNetwork(scope, "Network", { ...BASE, endpoints: { extraServices: ["kms"] } });
          added = network.addInterfaceEndpoints("logs", "kms");
          again = network.addInterfaceEndpoints("logs", "kms");
        });
        expect(added).toEqual(["logs"]);
        expect(again).toEqual([]);
        const names = configsOf(json, TfVpcEndpoint).map((e) => e.service_name);
        expect(names.filter((n) => n === "com.amazonaws.eu-west-1.logs")).toHaveLength(1);
        expect(names.filter((n) => n === "com.amazonaws.eu-west-1.kms")).toHaveLength(1);
      });

      it("creates nothing and warns when the endpoints are off", () => {
        const network = build({ endpoints: { enabled: false } });
        expect(network.addInterfaceEndpoints("logs")).toEqual([]);
        const warnings = warningsOf(network);
        expect(warnings).toEqual([expect.stringMatching(/logs were requested but the VPC endpoints are turned off/)]);
      });

      it("rejects a bad service name", () => {
        const network = build({});
        expect(() => network.addInterfaceEndpoints("Logs!")).toThrow(
          /addInterfaceEndpoints\[0\]: "Logs!" is not a service short name/,
        );
      });
    });

    describe("requireInterfaceEndpoints (INetwork)", () => {
      it("adds each missing service once, however often and by whomever it is asked for", () => {
        const json = synthJson((scope) => {
          const network = new PrivateNetwork(scope, "Network", BASE);
          network.requireInterfaceEndpoints("logs", "kms");
          network.requireInterfaceEndpoints("kms");
          network.requireInterfaceEndpoints("ssm", "logs");
        });
        const names = configsOf(json, TfVpcEndpoint).map((e) =>
          String(e.service_name).replace("com.amazonaws.eu-west-1.", ""),
        );
        expect(names.sort()).toEqual(["ec2messages", "kms", "logs", "s3", "ssm", "ssmmessages"]);
      });

      it("warns instead when the endpoints are off", () => {
        const network = build({ endpoints: { enabled: false } });
        network.requireInterfaceEndpoints("logs", "kms");
        const warnings = warningsOf(network);
        expect(warnings).toEqual([
          expect.stringMatching(/logs, kms were requested but the VPC endpoints are turned off/),
        ]);
      });
    });

    describe("s3GatewayPrefixListId (INetwork)", () => {
      it("is the S3 gateway endpoint's prefix list", () => {
        const network = build({});
        expect(Token.isUnresolved(network.s3GatewayPrefixListId)).toBe(true);
        const json = synthJson((scope) => {
          const net = new PrivateNetwork(scope, "Network", BASE);
          new TerraformOutput(scope, "pl", { value: net.s3GatewayPrefixListId });
        });
        const gatewayId = Object.entries(resourcesOf(json, TfVpcEndpoint)).find(
          ([, c]) => c.vpc_endpoint_type === "Gateway",
        )?.[0];
        expect(json.output?.pl.value).toBe(`\${aws_vpc_endpoint.${gatewayId}.prefix_list_id}`);
      });

      it("is undefined without an S3 gateway", () => {
        expect(build({ endpoints: { s3Gateway: { enabled: false } } }).s3GatewayPrefixListId).toBeUndefined();
        expect(build({ endpoints: { enabled: false } }).s3GatewayPrefixListId).toBeUndefined();
      });
    });
  });

  describe("tierHasInternetRoute (INetwork)", () => {
    it("is false for every tier of the default, isolated-only network", () => {
      const network = build({});
      expect(["public", "private", "isolated"].map((t) => network.tierHasInternetRoute(t as never))).toEqual([
        false,
        false,
        false,
      ]);
    });

    it("is true for the public tier and for the private tier routed through NAT", () => {
      const network = build({ subnets: { public: {}, private: {}, isolated: {} }, natGateways: "single" });
      expect(network.tierHasInternetRoute("public")).toBe(true);
      expect(network.tierHasInternetRoute("private")).toBe(true);
      expect(network.tierHasInternetRoute("isolated")).toBe(false);
    });

    it("is false for a private tier without NAT, which routes like an isolated one", () => {
      const network = build({ subnets: { public: {}, private: {} }, natGateways: "none" });
      expect(network.tierHasInternetRoute("public")).toBe(true);
      expect(network.tierHasInternetRoute("private")).toBe(false);
    });
  });

  describe("naming", () => {
    it("leaves no warning with namePrefix", () => {
      const network = build({ flowLogs: {} });
      expect(warningsOf(network)).toEqual([]);
    });
  });

  describe("with a provider", () => {
    it("creates every resource, the endpoints' and flow logs' included, with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        const network = new PrivateNetwork(scope, "Network", {
          ...BASE,
          subnets: { public: {}, private: {}, isolated: {} },
          natGateways: "perAz",
          flowLogs: {},
          provider,
        });
        network.requireInterfaceEndpoints("logs");
      });
      const providers = providersOf(json);
      expect(Object.keys(providers).length).toBeGreaterThan(30);
      expect(Object.keys(providers).filter((k) => k.startsWith("aws_vpc_endpoint.")).length).toBe(5);
      expect(offProvider(json)).toEqual({});
    });
  });

  describe("flow logs", () => {
    it("records the VPC's traffic with flowLogs: {} (the options given, enabled by default)", () => {
      const { json, network } = synth({ flowLogs: {} });
      expect(onlyOf(json, TfFlowLog)).toMatchObject({ vpc_id: refTo(json, TfVpc, () => true), traffic_type: "ALL" });
      expect(onlyOf(json, TfCloudwatchLogGroup)).toMatchObject({ retention_in_days: 365 });
      expect(network.outputs.flowLogGroupName).toBe("/vpc-flow-logs/ssm-dev");
    });

    it("lets only this account's flow logs assume the role", () => {
      const { json } = synth({ flowLogs: {} });
      const [statement] = parsePolicy(onlyOf(json, TfIamRole).assume_role_policy).Statement;
      expect(statement.Condition).toEqual({
        StringEquals: { "aws:SourceAccount": "111122223333" },
        ArnLike: { "aws:SourceArn": "arn:aws:ec2:eu-west-1:111122223333:vpc-flow-log/*" },
      });
    });

    it("passes the options on", () => {
      const { json } = synth({ flowLogs: { retentionInDays: 30, trafficType: "REJECT" } });
      expect(onlyOf(json, TfFlowLog).traffic_type).toBe("REJECT");
      expect(onlyOf(json, TfCloudwatchLogGroup).retention_in_days).toBe(30);
    });

    it("creates none with enabled: false", () => {
      const { json } = synth({ flowLogs: { enabled: false, retentionInDays: 30 } });
      expect(configsOf(json, TfFlowLog)).toEqual([]);
    });
  });

  describe("outputs", () => {
    it("lists the VPC, subnet ids per tier and per zone, and the endpoint security group", () => {
      const { json, network } = synth({ subnets: { public: {} } });
      const outputs = network.outputs;
      expect(outputs.vpcCidr).toBe("10.10.0.0/16");
      expect(outputs.subnetIds.public).toHaveLength(2);
      expect(outputs.subnetIds.private).toEqual([]);
      expect(outputs.subnetIds.isolated).toEqual(network.subnets("isolated").map((s) => s.id));
      expect(Object.keys(outputs.subnetIdsByAz.isolated)).toEqual(["eu-west-1a", "eu-west-1b"]);
      expect(outputs.endpointSecurityGroupId).toBe(network.endpointSecurityGroupId);
      expect(outputs.flowLogGroupName).toBeUndefined();
      expect(configsOf(json, TfSubnet)).toHaveLength(4);
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<PrivateNetworkProps>, RegExp]> = [
      ["a bad name prefix", { namePrefix: "Bad_Name" }, /namePrefix: "Bad_Name" must be lower-case letters/],
      ["no name prefix", { namePrefix: undefined }, /namePrefix: is required/],
      ["a bad region", { region: "europe" }, /region: "europe" is not an AWS Region code/],
      ["a public VPC CIDR", { cidr: "52.10.0.0/16" }, /cidr: 52.10.0.0\/16 is not in a private range/],
      ["a malformed VPC CIDR", { cidr: "10.10.0.0/" }, /cidr: 10.10.0.0\/ is not a valid IPv4 CIDR block/],
      [
        "a VPC CIDR with host bits set",
        { cidr: "10.10.0.1/16" },
        /cidr: 10.10.0.1\/16 has host bits set; the network address is 10.10.0.0\/16/,
      ],
      [
        "a VPC prefix out of range",
        { cidr: "10.0.0.0/8" },
        /cidr: 10.0.0.0\/8 has prefix \/8; AWS allows \/16 to \/28/,
      ],
      [
        "a VPC too small for the plan",
        { cidr: "10.10.0.0/26" },
        /cidr: 10.10.0.0\/26 is too small for 4 tier blocks of 4 AZ slots/,
      ],
      [
        "an explicit subnet outside the VPC",
        { subnets: { isolated: { cidrs: { "eu-west-1a": "10.20.0.0/24" } } } },
        /subnets.isolated.cidrs.eu-west-1a: 10.20.0.0\/24 is outside the VPC 10.10.0.0\/16/,
      ],
      [
        "an explicit subnet overlapping another",
        { subnets: { private: {}, isolated: { cidrs: { "eu-west-1a": "10.10.80.0/24" } } } },
        /subnets.isolated.cidrs.eu-west-1a: 10.10.80.0\/24 overlaps the planned private subnet of eu-west-1b/,
      ],
      ["an empty zone list", { availabilityZones: [] }, /availabilityZones: at least one Availability Zone is needed/],
      [
        "a duplicate zone",
        { availabilityZones: ["eu-west-1a", "eu-west-1a"] },
        /availabilityZones: eu-west-1a is listed more than once/,
      ],
      [
        "a zone of another region",
        { availabilityZones: ["eu-west-1a", "us-east-1b"] },
        /availabilityZones\[1\]: us-east-1b is not a zone of eu-west-1/,
      ],
      [
        "a Local Zone without a slot",
        { region: "us-east-1", availabilityZones: ["us-east-1-bos-1a"] },
        /availabilityZones\[0\]: us-east-1-bos-1a has no zone letter/,
      ],
      ["a bad azSlotsPerTier", { azSlotsPerTier: 5 }, /azSlotsPerTier: 5 is not one of 1, 2, 4, 8, 16/],
      ["no tier at all", { subnets: { isolated: { enabled: false } } }, /subnets: at least one tier must be enabled/],
      [
        "endpoints turned off with a bare false",
        { endpoints: false as never },
        /endpoints: false is not accepted here: write \{ "enabled": false \}/,
      ],
      [
        "flow logs turned on with a bare true",
        { flowLogs: true as never },
        /flowLogs: true is not accepted here: write \{ "enabled": true \}/,
      ],
      [
        "a tier given as a boolean",
        { subnets: { private: true as never } },
        /subnets\.private: true is not accepted here/,
      ],
      [
        "a public IP on a non-public tier",
        { subnets: { isolated: { mapPublicIpOnLaunch: true } } },
        /subnets.isolated.mapPublicIpOnLaunch: only the public tier/,
      ],
      [
        "a bad prefix length",
        { subnets: { isolated: { prefixLength: 18 } } },
        /subnets.isolated.prefixLength: \/18 does not fit/,
      ],
      [
        "NAT without a public tier",
        { subnets: { private: {} }, natGateways: "single" },
        /natGateways: "single" needs the public tier/,
      ],
      [
        "NAT without a private tier",
        { subnets: { public: {} }, natGateways: "perAz" },
        /natGateways: "perAz" needs the private tier/,
      ],
      [
        "an unknown NAT mode",
        { natGateways: "many" as never },
        /natGateways: "many" is not one of none, single, perAz/,
      ],
      [
        "endpoints in a tier without subnets",
        { endpoints: { subnetTier: "private" } },
        /endpoints.subnetTier: the private tier has no subnets/,
      ],
      [
        "endpoints with no isolated or private tier",
        { subnets: { public: {}, isolated: { enabled: false } } },
        /endpoints.subnetTier: there is no isolated or private tier/,
      ],
      [
        "an S3 gateway with no private or isolated tier",
        { subnets: { public: {}, isolated: { enabled: false } }, endpoints: { subnetTier: "public" } },
        /endpoints.s3Gateway: the S3 gateway endpoint needs a private or isolated tier/,
      ],
      [
        "an endpoint zone count below 1",
        { endpoints: { availabilityZoneCount: 0 } },
        /endpoints.availabilityZoneCount: 0 must be an integer of at least 1/,
      ],
      [
        "an endpoint zone count above the zones",
        { endpoints: { availabilityZoneCount: 3 } },
        /endpoints.availabilityZoneCount: 3 is more than the 2 Availability Zone\(s\)/,
      ],
      [
        "a bad extra service name",
        { endpoints: { extraServices: ["kms", "Not A Service"] } },
        /endpoints.extraServices\[1\]: "Not A Service" is not a service short name/,
      ],
      [
        "a full service name",
        { endpoints: { extraServices: ["com.amazonaws.eu-west-1.kms"] } },
        /endpoints.extraServices\[0\]: com.amazonaws.eu-west-1.kms is a full service name/,
      ],
      [
        "s3 as an interface service",
        { endpoints: { extraServices: ["s3"] } },
        /endpoints.extraServices\[0\]: s3 is served by the gateway endpoint/,
      ],
      [
        "a bad flow log retention",
        { flowLogs: { retentionInDays: 42 } },
        /flowLogs.retentionInDays: 42 is not a CloudWatch Logs retention/,
      ],
      ["a missing account id", { accountId: undefined }, /accountId: is required to scope the VPC endpoint policies/],
      [
        "a bad account id",
        { accountId: "arn:aws:iam::111122223333:root" },
        /accountId: "arn:aws:iam::111122223333:root" is not a 12-digit AWS account id/,
      ],
      [
        "a bad allowed bucket",
        { endpoints: { s3Gateway: { allowedBuckets: ["org-logs", "Org Logs"] } } },
        /endpoints.s3Gateway.allowedBuckets\[1\]: "Org Logs" may hold only lower-case letters/,
      ],
      [
        "a bare boolean for the S3 gateway",
        { endpoints: { s3Gateway: false as never } },
        /endpoints.s3Gateway: false is not accepted here: write \{ "enabled": false \}/,
      ],
      [
        "a bad flow log key",
        { flowLogs: { kmsKeyArn: "alias/logs" } },
        /flowLogs.kmsKeyArn: "alias\/logs" is not a KMS key ARN/,
      ],
    ];

    it.each(cases)("rejects %s", (_label, props, expected) => {
      expect(() => build(props)).toThrow(expected);
    });

    it("lists every problem in one error and creates nothing", () => {
      const stack = new TerraformStack(Testing.app(), "test");
      let error: unknown;
      try {
        new PrivateNetwork(stack, "Network", {
          ...BASE,
          region: "nowhere",
          cidr: "8.8.8.0/24",
          natGateways: "single",
          flowLogs: { retentionInDays: 2 },
        });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        "region",
        "cidr",
        "natGateways",
        "natGateways",
        "flowLogs.retentionInDays",
      ]);
      expect((error as ValidationError).message).toMatch(/^test\/Network: 5 problems/);
      const network = stack.node.tryFindChild("Network") as Construct | undefined;
      expect(network?.node.children ?? []).toEqual([]);
    });
  });
});
