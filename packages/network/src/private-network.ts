import { Annotations, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import {
  FeatureOptions,
  ResolvedSsmAccess,
  SsmAccessProps,
  Validator,
  azSuffix,
  checkSsmAccessProps,
  duplicates,
  isEnabled,
  isZoneOfRegion,
  nameTag,
  pascalCase,
} from "@ssm-access/core";
import { PlannedSubnet, SubnetPlan, TierPlanInput, planSubnets } from "./cidr-planner";
import { FlowLogs, FlowLogsOptions, validateFlowLogsOptions } from "./flow-logs";
import { INetwork, SUBNET_TIERS, SubnetRef, SubnetTier } from "./types";
import {
  MAX_NAME_LENGTH,
  SsmVpcEndpoints,
  SsmVpcEndpointsOptions,
  hasS3Gateway,
  validateEndpointOptions,
} from "./vpc-endpoints";

/** How many NAT gateways the network has: none, one shared by every zone, or one per zone. */
export type NatGatewayMode = "none" | "single" | "perAz";

const NAT_MODES: readonly NatGatewayMode[] = ["none", "single", "perAz"];

/** Options of one subnet tier. */
export interface SubnetTierOptions extends FeatureOptions {
  /**
   * Whether the tier has subnets (one per Availability Zone).
   * @default true (the tier's options are given)
   */
  readonly enabled?: boolean;
  /**
   * Explicit CIDR per Availability Zone (`{ "eu-west-1a": "10.10.200.0/24" }`), overriding the
   * planned one for that zone; it must lie in the VPC, be /16../28 and overlap no other subnet.
   * @default - planned from the VPC CIDR by tier and zone letter
   */
  readonly cidrs?: Readonly<Record<string, string>>;
  /**
   * Size of the planned subnets: each takes the first block of this prefix length in its AZ slot.
   * Must be at least the slot size (VPC prefix + 2 + log2(azSlotsPerTier)) and at most /28.
   * @default - the whole AZ slot (a /20 per subnet for a /16 VPC with 4 slots)
   */
  readonly prefixLength?: number;
  /**
   * Give instances launched in the subnets a public IPv4 address (public tier only).
   * Off by default: Session Manager needs no public address, and none should appear by accident.
   * @default false
   */
  readonly mapPublicIpOnLaunch?: boolean;
}

/** The subnet tiers of a network. */
export interface SubnetTiersOptions {
  /**
   * Public subnets: default route to the internet gateway. Needed for NAT gateways.
   * @default - no public tier
   */
  readonly public?: SubnetTierOptions;
  /**
   * Private subnets: default route to a NAT gateway (see `natGateways`).
   * @default - no private tier
   */
  readonly private?: SubnetTierOptions;
  /**
   * Isolated subnets: local route only; the home of Session Manager-only instances.
   * @default - enabled, with planned CIDRs
   */
  readonly isolated?: SubnetTierOptions;
}

/** The `endpoints` options of {@link PrivateNetworkProps}. */
export interface PrivateNetworkEndpointsOptions extends SsmVpcEndpointsOptions, FeatureOptions {
  /**
   * Whether to create the endpoints at all; `false` for a network whose instances reach AWS otherwise (NAT).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The tier whose subnets carry the interface endpoints (one per zone).
   * @default - `isolated` when that tier exists, else `private`
   */
  readonly subnetTier?: SubnetTier;
}

/** The `flowLogs` options of {@link PrivateNetworkProps}: those of `FlowLogs`, and whether to record them. */
export interface PrivateNetworkFlowLogsOptions extends FlowLogsOptions, FeatureOptions {
  /**
   * Whether to record flow logs.
   * @default true (the options are given)
   */
  readonly enabled?: boolean;
}

/** Props of {@link PrivateNetwork}. */
export interface PrivateNetworkProps extends SsmAccessProps {
  /**
   * Naming prefix of every resource (`Name` tags, security group and role names), e.g. `ssm-dev`.
   * Lower-case letters, digits and `-`, starting with a letter, at most 32 characters.
   */
  readonly namePrefix: string;
  /**
   * The AWS Region, e.g. `eu-west-1`. Given rather than read so the stack needs no data source:
   * endpoint service names and zone checks derive from it.
   */
  readonly region: string;
  /**
   * The AWS account id (12 digits) the network lives in. Given rather than read, like `region`. The
   * VPC endpoint policies are scoped to it (interface endpoints serve this account's principals, the
   * S3 gateway reaches this account's buckets plus the AWS-owned ones instances need), and the flow
   * logs role only trusts this account's flow logs (`aws:SourceAccount` / `aws:SourceArn`).
   */
  readonly accountId: string;
  /**
   * The VPC's IPv4 CIDR block: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, /16 to /28,
   * network address (no host bits). Subnet CIDRs are planned from it (see the README's numbering rule).
   */
  readonly cidr: string;
  /**
   * The Availability Zones to span, explicit so that no data source is read: non-empty, unique,
   * each a zone of `region`. Every enabled tier gets one subnet per zone. Subnets are numbered by
   * zone letter, so zones can be added, removed or reordered without renumbering the others.
   */
  readonly availabilityZones: readonly string[];
  /**
   * The subnet tiers. A tier is enabled when its options are given (unless `enabled: false`);
   * `isolated` is enabled unless turned off.
   * @default - only the isolated tier
   */
  readonly subnets?: SubnetTiersOptions;
  /**
   * AZ slots in each tier's quarter of the VPC (1, 2, 4, 8 or 16). Larger means more zones fit but
   * smaller subnets. Changing it renumbers every planned subnet: choose it before the first apply.
   * @default 4
   */
  readonly azSlotsPerTier?: number;
  /**
   * AZ slot per zone, overriding the zone letter (`a` = 0, `b` = 1, ...). Required for zones without
   * a letter of their own (Local Zones such as `us-east-1-bos-1a`) unless all their CIDRs are explicit.
   * @default - every zone takes the slot of its letter
   */
  readonly zoneSlots?: Readonly<Record<string, number>>;
  /**
   * NAT gateways for the private tier: `none`; `single` (one in the first zone's public subnet, shared
   * by every zone; cheaper, but the zones depend on that one zone); `perAz` (one per zone, each private
   * subnet routes to the NAT gateway of its own zone). Any NAT needs the public and private tiers.
   * @default "none"
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * The Session Manager VPC endpoints (ssm, ssmmessages, ec2messages, the S3 gateway and any extra
   * interface services); `{ enabled: false }` turns them off (for example when a NAT gateway gives
   * internet access).
   * @default - on: interface endpoints in every zone of the isolated (else private) tier, S3 gateway on
   */
  readonly endpoints?: PrivateNetworkEndpointsOptions;
  /**
   * VPC flow logs to CloudWatch Logs: given, they are recorded (`{}` for the defaults) unless
   * `enabled: false`.
   * @default - no flow logs
   */
  readonly flowLogs?: PrivateNetworkFlowLogsOptions;
}

/** What an app needs from a {@link PrivateNetwork} to write Terraform outputs. */
export interface PrivateNetworkOutputs {
  /** The VPC id. */
  readonly vpcId: string;
  /** The VPC CIDR block. */
  readonly vpcCidr: string;
  /** Subnet ids per tier, in Availability Zone order (empty lists for absent tiers). */
  readonly subnetIds: Readonly<Record<SubnetTier, readonly string[]>>;
  /** Subnet id per tier and Availability Zone. */
  readonly subnetIdsByAz: Readonly<Record<SubnetTier, Readonly<Record<string, string>>>>;
  /** The interface endpoints' security group id; undefined when the endpoints are off. */
  readonly endpointSecurityGroupId?: string;
  /** The flow log group name; undefined when flow logs are off. */
  readonly flowLogGroupName?: string;
}

interface TierState {
  readonly subnets: Array<{ readonly ref: SubnetRef; readonly resource: Subnet }>;
  readonly routeTables: RouteTable[];
}

/**
 * A VPC for instances reached only through Session Manager: public, private and
 * isolated subnet tiers with stable CIDR numbering, optional internet and NAT
 * gateways, Session Manager VPC endpoints, a locked-down default security group
 * and optional flow logs. No data source is read.
 *
 * @example
 * const network = new PrivateNetwork(this, "Network", {
 *   namePrefix: "ssm-dev",
 *   region: "eu-west-1",
 *   accountId: "111122223333",
 *   cidr: "10.10.0.0/16",
 *   availabilityZones: ["eu-west-1a", "eu-west-1b"],
 * });
 */
export class PrivateNetwork extends Construct implements INetwork {
  /** The VPC. */
  public readonly vpc: Vpc;
  /** The VPC's default security group, kept with no rules at all. */
  public readonly defaultSecurityGroup: DefaultSecurityGroup;
  /** The internet gateway; undefined without a public tier. */
  public readonly internetGateway?: InternetGateway;
  /** The NAT gateways, in zone order (empty with `natGateways: "none"`). */
  public readonly natGateways: readonly NatGateway[];
  /** The Session Manager endpoints; undefined when turned off. */
  public readonly endpoints?: SsmVpcEndpoints;
  /** The flow logs; undefined when turned off. */
  public readonly flowLogs?: FlowLogs;
  /** The VPC id. */
  public readonly vpcId: string;
  /** The VPC CIDR block (the literal given in props). */
  public readonly vpcCidr: string;
  /** The Availability Zones, in configuration order. */
  public readonly availabilityZones: readonly string[];
  /** The planned subnet CIDRs, by tier then zone. */
  public readonly subnetPlan: readonly PlannedSubnet[];

  private readonly tiers: Record<SubnetTier, TierState>;
  private readonly natMode: NatGatewayMode;

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const resolved = validateProps(this, props);
    const { namePrefix: name, natMode, plan } = resolved;
    const has = (tier: SubnetTier): boolean => resolved.tiers.includes(tier);
    if (has("private") && natMode === "none") {
      Annotations.of(this).addWarning(
        "The private tier has no NAT gateway: its subnets have no default route and behave like isolated ones.",
      );
    }

    const provider = props.provider;
    this.natMode = natMode;
    this.availabilityZones = [...resolved.zones];
    this.vpcCidr = props.cidr;
    this.subnetPlan = plan.subnets;

    this.vpc = new Vpc(this, "Resource", {
      provider,
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: nameTag(name),
    });
    this.vpcId = this.vpc.id;

    this.defaultSecurityGroup = new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
      provider,
      vpcId: this.vpc.id,
      tags: nameTag(name, "default-locked"),
    });

    this.tiers = this.createSubnets(name, plan.subnets, props.subnets?.public?.mapPublicIpOnLaunch === true, provider);

    if (has("public")) {
      this.internetGateway = new InternetGateway(this, "InternetGateway", {
        provider,
        vpcId: this.vpc.id,
        tags: nameTag(name),
      });
    }
    this.natGateways = this.createNatGateways(name, natMode, provider);
    this.createRouting(name, resolved.tiers, provider);

    if (resolved.endpoints) {
      const { options, tier } = resolved.endpoints;
      this.endpoints = new SsmVpcEndpoints(this, "Endpoints", {
        namePrefix: name,
        region: props.region,
        accountId: props.accountId,
        vpcId: this.vpc.id,
        vpcCidr: props.cidr,
        subnets: this.subnets(tier),
        availabilityZoneCount: options.availabilityZoneCount,
        extraServices: options.extraServices,
        s3Gateway: options.s3Gateway,
        routeTableIds: [...this.routeTableIds("private"), ...this.routeTableIds("isolated")],
        provider,
      });
    }

    if (resolved.flowLogs) {
      this.flowLogs = new FlowLogs(this, "FlowLogs", {
        ...resolved.flowLogs,
        namePrefix: name,
        region: props.region,
        accountId: props.accountId,
        vpcId: this.vpc.id,
        provider,
      });
    }
  }

  /** The subnets of `tier`, in Availability Zone order; empty when the tier is absent. */
  public subnets(tier: SubnetTier): readonly SubnetRef[] {
    return this.tiers[tier].subnets.map((s) => s.ref);
  }

  /** The subnet resources of `tier` (escape hatch), in Availability Zone order. */
  public subnetResources(tier: SubnetTier): readonly Subnet[] {
    return this.tiers[tier].subnets.map((s) => s.resource);
  }

  /** The route table ids of `tier`: one for the tier, or one per zone for private subnets with `perAz` NAT. */
  public routeTableIds(tier: SubnetTier): readonly string[] {
    return this.tiers[tier].routeTables.map((t) => t.id);
  }

  /** The route table resources of `tier` (escape hatch). */
  public routeTables(tier: SubnetTier): readonly RouteTable[] {
    return [...this.tiers[tier].routeTables];
  }

  /** The interface endpoints' security group id; undefined when the endpoints are off. */
  public get endpointSecurityGroupId(): string | undefined {
    return this.endpoints?.securityGroupId;
  }

  /**
   * The prefix list of the S3 gateway endpoint (S3's public ranges in this
   * Region); undefined when there is none. Instances need egress 443 to it to
   * reach S3 through the gateway (agent updates, patches, S3 session logs).
   */
  public get s3GatewayPrefixListId(): string | undefined {
    return this.endpoints?.s3GatewayEndpoint?.prefixListId;
  }

  /**
   * Whether the subnets of `tier` have a default route to the internet: `public` through the
   * internet gateway, `private` through NAT (unless `natGateways` is `"none"`); `isolated` never.
   * False for a tier without subnets.
   */
  public tierHasInternetRoute(tier: SubnetTier): boolean {
    if (this.tiers[tier] === undefined || this.tiers[tier].subnets.length === 0) return false;
    if (tier === "public") return this.internetGateway !== undefined;
    if (tier === "private") return this.natMode !== "none";
    return false;
  }

  /**
   * Makes sure there are interface endpoints for `services` (short names such as `logs`, `kms`):
   * the missing ones are added, those present are left alone, so consumers (instances, session
   * logging) may each ask for what they need. With the endpoints turned off it creates nothing and
   * leaves a warning on the construct (see {@link PrivateNetwork.addInterfaceEndpoints}).
   * @throws ValidationError when a name is not a valid service short name
   */
  public requireInterfaceEndpoints(...services: string[]): void {
    this.addInterfaceEndpoints(...services);
  }

  /** The interface endpoint services present (`ssm`, `ssmmessages`, `ec2messages`, then any added); empty when off. */
  public get interfaceEndpointServices(): readonly string[] {
    return this.endpoints?.services ?? [];
  }

  /**
   * Adds interface endpoints for `services` (short names such as `logs`, `kms`) not present yet;
   * calling it again with the same names changes nothing. When the endpoints are turned off it
   * creates nothing and leaves a warning on the construct.
   * @returns the service names that got a new endpoint
   */
  public addInterfaceEndpoints(...services: string[]): string[] {
    if (services.length === 0) return [];
    if (!this.endpoints) {
      Annotations.of(this).addWarning(
        `Interface endpoints ${services.join(", ")} were requested but the VPC endpoints are turned off.`,
      );
      return [];
    }
    const before = new Set(this.endpoints.services);
    this.endpoints.addInterfaceEndpoints(...services);
    return this.endpoints.services.filter((s) => !before.has(s));
  }

  /** One subnet per planned tier and zone, in plan order; the public tier may map public IPs. */
  private createSubnets(
    name: string,
    planned: readonly PlannedSubnet[],
    mapPublicIpOnLaunch: boolean,
    provider: TerraformProvider | undefined,
  ): Record<SubnetTier, TierState> {
    const tiers: Record<SubnetTier, TierState> = { public: emptyTier(), private: emptyTier(), isolated: emptyTier() };
    for (const { tier, availabilityZone: az, cidr } of planned) {
      const resource = new Subnet(this, `${pascalCase(tier)}Subnet${pascalCase(azSuffix(az))}`, {
        provider,
        vpcId: this.vpc.id,
        cidrBlock: cidr,
        availabilityZone: az,
        mapPublicIpOnLaunch: tier === "public" && mapPublicIpOnLaunch,
        tags: nameTag(name, tier, azSuffix(az)),
      });
      tiers[tier].subnets.push({ ref: { id: resource.id, tier, availabilityZone: az, cidr }, resource });
    }
    return tiers;
  }

  /** The NAT gateways (each with its Elastic IP) in the public subnets: none, the first zone's, or every zone's. */
  private createNatGateways(
    name: string,
    natMode: NatGatewayMode,
    provider: TerraformProvider | undefined,
  ): NatGateway[] {
    const publicSubnets = this.tiers.public.subnets;
    const natZones = natMode === "perAz" ? publicSubnets : natMode === "single" ? publicSubnets.slice(0, 1) : [];
    const dependsOn = this.internetGateway ? [this.internetGateway] : undefined;
    return natZones.map(({ ref }) => {
      const zone = azSuffix(ref.availabilityZone);
      const eip = new Eip(this, `NatEip${pascalCase(zone)}`, {
        provider,
        domain: "vpc",
        tags: nameTag(name, "nat", zone),
        dependsOn,
      });
      return new NatGateway(this, `NatGateway${pascalCase(zone)}`, {
        provider,
        allocationId: eip.allocationId,
        subnetId: ref.id,
        connectivityType: "public",
        tags: nameTag(name, "nat", zone),
        dependsOn,
      });
    });
  }

  /**
   * Route tables and their routes: one table per tier, except private subnets
   * with one NAT gateway per zone (their default routes differ by zone). Public
   * routes to the internet gateway, private to NAT (when there is one),
   * isolated nowhere beyond the VPC.
   */
  private createRouting(name: string, tiers: readonly SubnetTier[], provider: TerraformProvider | undefined): void {
    const natByZone = new Map(
      this.natGateways.map((nat, i) => [this.tiers.public.subnets[i].ref.availabilityZone, nat]),
    );
    const defaultRoute = (id: string, table: RouteTable, target: { gatewayId: string } | { natGatewayId: string }) =>
      new Route(this, id, { provider, routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", ...target });

    for (const tier of tiers) {
      const state = this.tiers[tier];
      const perAz = tier === "private" && this.natMode === "perAz";
      const shared = perAz
        ? undefined
        : new RouteTable(this, `${pascalCase(tier)}RouteTable`, {
            provider,
            vpcId: this.vpc.id,
            tags: nameTag(name, tier),
          });
      if (shared) state.routeTables.push(shared);

      for (const { ref, resource } of state.subnets) {
        const zone = azSuffix(ref.availabilityZone);
        let table = shared;
        if (!table) {
          table = new RouteTable(this, `${pascalCase(tier)}RouteTable${pascalCase(zone)}`, {
            provider,
            vpcId: this.vpc.id,
            tags: nameTag(name, tier, zone),
          });
          state.routeTables.push(table);
          const nat = natByZone.get(ref.availabilityZone) ?? this.natGateways[0];
          defaultRoute(`${pascalCase(tier)}DefaultRoute${pascalCase(zone)}`, table, { natGatewayId: nat.id });
        }
        new RouteTableAssociation(this, `${pascalCase(tier)}RouteTableAssociation${pascalCase(zone)}`, {
          provider,
          subnetId: resource.id,
          routeTableId: table.id,
        });
      }

      if (shared && tier === "public" && this.internetGateway) {
        defaultRoute("PublicDefaultRoute", shared, { gatewayId: this.internetGateway.id });
      }
      if (shared && tier === "private" && this.natMode === "single") {
        defaultRoute("PrivateDefaultRoute", shared, { natGatewayId: this.natGateways[0].id });
      }
    }
  }

  /** Ids an app turns into Terraform outputs. */
  public get outputs(): PrivateNetworkOutputs {
    const subnetIds = {} as Record<SubnetTier, readonly string[]>;
    const subnetIdsByAz = {} as Record<SubnetTier, Record<string, string>>;
    for (const tier of SUBNET_TIERS) {
      const refs = this.subnets(tier);
      subnetIds[tier] = refs.map((s) => s.id);
      subnetIdsByAz[tier] = Object.fromEntries(refs.map((s) => [s.availabilityZone, s.id]));
    }
    return {
      vpcId: this.vpcId,
      vpcCidr: this.vpcCidr,
      subnetIds,
      subnetIdsByAz,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
      flowLogGroupName: this.flowLogs?.logGroupName,
    };
  }
}

/** What {@link validateProps} resolves from the props, for the constructor to build from. */
interface ResolvedNetwork {
  readonly namePrefix: string;
  /** The tiers that get subnets, in {@link SUBNET_TIERS} order. */
  readonly tiers: readonly SubnetTier[];
  readonly natMode: NatGatewayMode;
  /** The zones, in configuration order. */
  readonly zones: readonly string[];
  readonly plan: SubnetPlan;
  /** The endpoints' options and the tier carrying them; absent when the endpoints are off. */
  readonly endpoints?: { readonly options: PrivateNetworkEndpointsOptions; readonly tier: SubnetTier };
  /** The flow logs' options; absent when flow logs are off. */
  readonly flowLogs?: PrivateNetworkFlowLogsOptions;
}

/**
 * Checks every prop of a {@link PrivateNetwork} and plans its subnets; throws
 * one error listing every problem with its field path. Creates nothing.
 */
function validateProps(scope: Construct, props: PrivateNetworkProps): ResolvedNetwork {
  const tiers = enabledTiers(props.subnets);
  const natMode = props.natGateways ?? "none";
  const zones = Array.isArray(props.availabilityZones) ? props.availabilityZones : [];

  const v = new Validator(scope.node.path);
  const access = checkSsmAccessProps(v, scope, props, {
    maxNamePrefixLength: MAX_NAME_LENGTH,
    region: "for the endpoint service names and the zone checks",
    accountId: "to scope the VPC endpoint policies and the flow logs role to the account",
  });
  validateZones(v, zones, access);
  validateTiers(v, props.subnets, tiers);
  const plan = planNetworkSubnets(v, props, tiers, zones);
  validateNatGateways(v, natMode, tiers);
  const endpoints = resolveEndpoints(v, props.endpoints, tiers, zones);

  let flowLogs: PrivateNetworkFlowLogsOptions | undefined;
  if (v.featureOptions("flowLogs", props.flowLogs) && isEnabled(props.flowLogs, false)) {
    flowLogs = props.flowLogs ?? {};
    validateFlowLogsOptions(v.child("flowLogs"), flowLogs, props.region);
  }
  v.throwIfAny();
  return { namePrefix: access.namePrefix, tiers, natMode, zones, plan, endpoints, flowLogs };
}

/** At least one zone, each once, each a zone of the Region. */
function validateZones(v: Validator, zones: readonly string[], access: ResolvedSsmAccess): void {
  if (!v.check(zones.length > 0, "availabilityZones", "at least one Availability Zone is needed")) return;
  for (const dup of duplicates(zones)) v.add("availabilityZones", `${dup} is listed more than once`);
  zones.forEach((zone, i) => {
    if (access.regionOk && !isZoneOfRegion(zone, access.region))
      v.add(`availabilityZones[${i}]`, `${zone} is not a zone of ${access.region}`);
  });
}

/** The tiers' options: feature options, at least one tier on, public IPs in the public tier only. */
function validateTiers(v: Validator, subnets: SubnetTiersOptions | undefined, tiers: readonly SubnetTier[]): void {
  for (const tier of SUBNET_TIERS) v.featureOptions(`subnets.${tier}`, subnets?.[tier]);
  v.check(tiers.length > 0, "subnets", "at least one tier must be enabled");
  for (const tier of SUBNET_TIERS) {
    if (tier !== "public" && subnets?.[tier]?.mapPublicIpOnLaunch) {
      v.add(`subnets.${tier}.mapPublicIpOnLaunch`, "only the public tier may map public IP addresses");
    }
  }
}

/** The subnet plan of the enabled tiers; its problems go into `v`. */
function planNetworkSubnets(
  v: Validator,
  props: PrivateNetworkProps,
  tiers: readonly SubnetTier[],
  zones: readonly string[],
): SubnetPlan {
  const tierInputs: Partial<Record<SubnetTier, TierPlanInput>> = {};
  for (const tier of tiers) {
    tierInputs[tier] = { cidrs: props.subnets?.[tier]?.cidrs, prefixLength: props.subnets?.[tier]?.prefixLength };
  }
  const plan = planSubnets({
    vpcCidr: props.cidr,
    availabilityZones: [...new Set(zones)],
    tiers: tierInputs,
    azSlotsPerTier: props.azSlotsPerTier,
    zoneSlots: props.zoneSlots,
  });
  for (const issue of plan.issues) v.add(issue.path, issue.message);
  return plan;
}

/** A NAT mode, and the public and private tiers any NAT needs. */
function validateNatGateways(v: Validator, natMode: NatGatewayMode, tiers: readonly SubnetTier[]): void {
  if (!v.oneOf("natGateways", natMode, NAT_MODES) || natMode === "none") return;
  v.check(
    tiers.includes("public"),
    "natGateways",
    `"${natMode}" needs the public tier (NAT gateways live in public subnets)`,
  );
  v.check(
    tiers.includes("private"),
    "natGateways",
    `"${natMode}" needs the private tier (no subnet would route through the NAT gateway)`,
  );
}

/** The endpoints' options and the tier carrying them, when the endpoints are on; their problems go into `v`. */
function resolveEndpoints(
  v: Validator,
  endpoints: PrivateNetworkEndpointsOptions | undefined,
  tiers: readonly SubnetTier[],
  zones: readonly string[],
): ResolvedNetwork["endpoints"] {
  if (!v.featureOptions("endpoints", endpoints) || !isEnabled(endpoints, true)) return undefined;
  const has = (tier: SubnetTier): boolean => tiers.includes(tier);
  const options = endpoints ?? {};
  const ev = v.child("endpoints");
  const tier = options.subnetTier ?? (has("isolated") ? "isolated" : has("private") ? "private" : undefined);
  if (options.subnetTier !== undefined) {
    if (ev.oneOf("subnetTier", options.subnetTier, SUBNET_TIERS)) {
      ev.check(has(options.subnetTier), "subnetTier", `the ${options.subnetTier} tier has no subnets`);
    }
  } else {
    ev.check(
      tier !== undefined,
      "subnetTier",
      'there is no isolated or private tier to place the endpoints in; choose a tier or turn the endpoints off ({ "enabled": false })',
    );
  }
  validateEndpointOptions(ev, options, new Set(zones).size);
  if (hasS3Gateway(options)) {
    ev.check(
      has("private") || has("isolated"),
      "s3Gateway",
      'the S3 gateway endpoint needs a private or isolated tier to attach to (or turn it off: { "enabled": false })',
    );
  }
  return tier === undefined ? undefined : { options, tier };
}

function emptyTier(): TierState {
  return { subnets: [], routeTables: [] };
}

/** The tiers that get subnets: a tier's options enable it (unless `enabled: false`); isolated is on by default. */
function enabledTiers(subnets: SubnetTiersOptions | undefined): SubnetTier[] {
  return SUBNET_TIERS.filter((tier) => isEnabled(subnets?.[tier], tier === "isolated"));
}
