/**
 * The three subnet tiers.
 * - `public`: route 0.0.0.0/0 to the internet gateway (for NAT gateways, load balancers).
 * - `private`: egress to the internet through NAT, no inbound from it.
 * - `isolated`: local route only; the default home of Session Manager-only instances.
 */
export type SubnetTier = "public" | "private" | "isolated";

/** Every tier, in the order subnets are planned and listed. */
export const SUBNET_TIERS: readonly SubnetTier[] = ["public", "private", "isolated"];

/** One subnet as other constructs see it. */
export interface SubnetRef {
  /** The subnet id (a Terraform token until apply). */
  readonly id: string;
  /** The tier it belongs to. */
  readonly tier: SubnetTier;
  /** Its Availability Zone, e.g. `eu-west-1a`. */
  readonly availabilityZone: string;
  /** Its IPv4 CIDR block. */
  readonly cidr: string;
}

/**
 * What a network offers to the constructs placed in it (instances, endpoints).
 * `PrivateNetwork` implements it; tests and other teams may supply their own.
 */
export interface INetwork {
  /** The VPC id. */
  readonly vpcId: string;
  /** The VPC's IPv4 CIDR block. */
  readonly vpcCidr: string;
  /** The Availability Zones the network spans, in configuration order. */
  readonly availabilityZones: readonly string[];
  /** The subnets of `tier`, in Availability Zone order; empty when the tier is absent. */
  subnets(tier: SubnetTier): readonly SubnetRef[];
}
