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
 *
 * The optional members let constructs wire themselves (the S3 egress rule of
 * `PrivateInstances`, the interface endpoints session logging needs); a
 * network without them still works, with the fallbacks each member documents.
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
  /**
   * The prefix list id (`pl-...`) of the VPC's S3 gateway endpoint: S3's public ranges in the
   * Region, which instances need egress 443 to for SSM Agent updates, patching and S3 session logs.
   * `PrivateInstances` adds that egress rule by itself when this is set.
   * @default - no S3 gateway endpoint (no S3 egress rule is added)
   */
  readonly s3GatewayPrefixListId?: string;
  /**
   * Whether the subnets of `tier` have a default route to the internet (an internet gateway, or a
   * NAT gateway). Instances in a tier without one reach AWS services only through VPC endpoints.
   * @default - (method absent) every tier is taken to have no internet route, the safe assumption:
   * endpoints are asked for whenever they may be needed
   */
  tierHasInternetRoute?(tier: SubnetTier): boolean;
  /**
   * Makes sure the VPC has interface endpoints for `services` (short names such as `logs`, `kms`):
   * adds the missing ones, and does nothing for those already present, so any number of consumers
   * may ask for the same service.
   * @default - (method absent) the network cannot add endpoints; consumers leave a warning instead
   */
  requireInterfaceEndpoints?(...services: string[]): void;
}
