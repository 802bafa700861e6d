import type { INetwork, SubnetRef, SubnetTier } from "@ssm-access/network";

/** Options of {@link fakeNetwork}. */
export interface FakeNetworkOptions {
  /** Availability Zones, in order. Default eu-west-1a and eu-west-1b. */
  readonly availabilityZones?: readonly string[];
  /** Tiers that have one subnet per zone. Default private and isolated. */
  readonly tiers?: readonly SubnetTier[];
  /** VPC CIDR. Default 10.10.0.0/16. */
  readonly vpcCidr?: string;
  /** The S3 gateway's prefix list id. Default none. */
  readonly s3GatewayPrefixListId?: string;
  /**
   * Tiers with an internet route; `undefined` leaves `tierHasInternetRoute` out, as a network
   * that does not implement it. Default none (every tier without internet).
   */
  readonly internetTiers?: readonly SubnetTier[];
  /**
   * Where `requireInterfaceEndpoints` records each call; without it the network has no such
   * method (a network that cannot add endpoints).
   */
  readonly endpointRequests?: string[][];
}

/**
 * A network with plain-string ids (`subnet-<tier>-<zone suffix>`), one subnet per tier
 * and zone, for placing instances without synthesizing a real VPC.
 */
export function fakeNetwork(options: FakeNetworkOptions = {}): INetwork {
  const availabilityZones = options.availabilityZones ?? ["eu-west-1a", "eu-west-1b"];
  const tiers = options.tiers ?? ["private", "isolated"];
  const all: SubnetRef[] = [];
  tiers.forEach((tier, t) =>
    availabilityZones.forEach((az, a) =>
      all.push({
        id: `subnet-${tier}-${az.slice(-1)}`,
        tier,
        availabilityZone: az,
        cidr: `10.10.${t * 16 + a}.0/24`,
      }),
    ),
  );
  const internetTiers = "internetTiers" in options ? options.internetTiers : [];
  const requests = options.endpointRequests;
  return {
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: options.vpcCidr ?? "10.10.0.0/16",
    availabilityZones,
    subnets: (tier: SubnetTier) => all.filter((s) => s.tier === tier),
    ...(options.s3GatewayPrefixListId ? { s3GatewayPrefixListId: options.s3GatewayPrefixListId } : {}),
    ...(internetTiers ? { tierHasInternetRoute: (tier: SubnetTier) => internetTiers.includes(tier) } : {}),
    ...(requests ? { requireInterfaceEndpoints: (...services: string[]) => void requests.push(services) } : {}),
  };
}
