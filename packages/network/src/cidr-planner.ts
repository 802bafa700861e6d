/**
 * Subnet CIDR planning: pure functions, no constructs.
 *
 * ## The numbering rule
 *
 * Every subnet gets a FIXED slot of the VPC's address space, computed the way
 * Terraform's `cidrsubnet(prefix, newbits, netnum)` does:
 *
 * 1. The VPC CIDR is split in {@link TIER_BLOCK_COUNT} (4) equal tier blocks:
 *    `public` = block 0, `private` = block 1, `isolated` = block 2, block 3 is
 *    kept spare for a future tier.
 * 2. Each tier block is split in `azSlotsPerTier` equal AZ slots (default
 *    4, a power of two).
 * 3. An Availability Zone's slot comes from its **zone letter**, not from its
 *    position in the configured list: `eu-west-1a` → slot 0, `eu-west-1b` → 1,
 *    `eu-west-1c` → 2, ... A zone without a letter of its own (Local Zones such
 *    as `us-east-1-bos-1a`, Wavelength Zones) takes the slot given in
 *    `zoneSlots`; `zoneSlots` can also move any zone to another slot.
 * 4. The subnet is the first block of `prefixLength` inside its slot (by
 *    default the whole slot).
 *
 * Why the letter and not the list position: with the position, removing or
 * reordering a zone in the list would renumber every zone after it, and
 * Terraform would replace those subnets and everything inside them. With the
 * letter, a subnet's CIDR depends only on (VPC CIDR, tier, zone, slot count,
 * prefix length): adding, removing or reordering zones, or adding or removing a
 * tier, never moves another subnet. AWS CDK's `Vpc` packs subnets in order and
 * does renumber; this planner deliberately does not.
 *
 * Changing `azSlotsPerTier` or the VPC CIDR renumbers everything: choose them
 * once, before the first apply.
 *
 * An explicit CIDR for a (tier, zone) overrides the plan; it is checked for
 * shape, size, containment in the VPC and overlap with every other subnet.
 *
 * Problems are returned (never thrown) as {@link ValidationIssue}s whose paths
 * follow the field names of `PrivateNetworkProps` (`cidr`,
 * `subnets.isolated.cidrs.eu-west-1a`, `zoneSlots.us-east-1-bos-1a`, ...).
 */
import { IPv4CidrRange } from "ip-num";
import type { ValidationIssue } from "@ssm-access/core";
import {
  AZ_SLOT_COUNTS,
  DEFAULT_AZ_SLOTS_PER_TIER,
  MAX_PREFIX_LENGTH,
  MIN_PREFIX_LENGTH,
  TIER_BLOCK_COUNT,
  TIER_BLOCK_INDEX,
  cidrSubnet,
  cidrsOverlap,
  isValidAwsPrefixLength,
  parseCidr,
  slotPrefixLength,
  vpcCidrProblems,
  zoneLetterSlot,
} from "./private/cidr";
import { SUBNET_TIERS, SubnetTier } from "./types";

export { parseCidr } from "./private/cidr";
export type { ParsedCidr } from "./private/cidr";

/** Planning options of one tier (the tier is planned when present in {@link SubnetPlanInput.tiers}). */
export interface TierPlanInput {
  /** Subnet size; the subnet is the first block of this size in its AZ slot. Defaults to the whole slot. */
  readonly prefixLength?: number;
  /** Explicit CIDR per Availability Zone; overrides the plan for that zone. */
  readonly cidrs?: Readonly<Record<string, string>>;
}

/** What {@link planSubnets} needs. */
export interface SubnetPlanInput {
  /** The VPC CIDR block. */
  readonly vpcCidr: string;
  /** The Availability Zones, in configuration order (the order of the result, not of the numbering). */
  readonly availabilityZones: readonly string[];
  /** The tiers to plan, with their options; absent tiers get no subnets. */
  readonly tiers: Readonly<Partial<Record<SubnetTier, TierPlanInput>>>;
  /** AZ slots per tier block; a power of two from 1 to 16. Defaults to 4. */
  readonly azSlotsPerTier?: number;
  /** Slot per zone, overriding the zone letter; required for zones without a letter. */
  readonly zoneSlots?: Readonly<Record<string, number>>;
}

/** One planned subnet. */
export interface PlannedSubnet {
  /** Its tier. */
  readonly tier: SubnetTier;
  /** Its Availability Zone. */
  readonly availabilityZone: string;
  /** Its CIDR block. */
  readonly cidr: string;
  /** Whether the CIDR came from the explicit `cidrs` option rather than the plan. */
  readonly explicit: boolean;
}

/** Result of {@link planSubnets}. */
export interface SubnetPlan {
  /** The subnets, by tier (public, private, isolated) then zone in configuration order; empty when the VPC CIDR is unusable. */
  readonly subnets: readonly PlannedSubnet[];
  /** Every problem found; the plan is only meaningful when this is empty. */
  readonly issues: readonly ValidationIssue[];
}

/**
 * Plans the subnet CIDRs of every (tier, zone) by the stable rule described in
 * this module's documentation. Never throws on bad input: problems come back
 * in `issues`.
 */
export function planSubnets(input: SubnetPlanInput): SubnetPlan {
  const issues: ValidationIssue[] = [];
  const add: AddIssue = (path, message) => {
    issues.push({ path, message });
  };
  const slotCount = input.azSlotsPerTier ?? DEFAULT_AZ_SLOTS_PER_TIER;
  const tiers = SUBNET_TIERS.filter((t) => input.tiers[t] !== undefined);

  const slotCountOk = checkPlanOptions(input, tiers, slotCount, add);
  for (const p of vpcCidrProblems(input.vpcCidr)) add("cidr", p);
  const vpc = parseCidr(input.vpcCidr);
  if (!vpc.ok) return { subnets: [], issues };

  // Which zones need a slot: those where some planned tier has no explicit CIDR.
  const needsSlot = input.availabilityZones.filter((z) => tiers.some((t) => input.tiers[t]?.cidrs?.[z] === undefined));
  const slotOf = assignZoneSlots(input, needsSlot, slotCount, slotCountOk, add);
  const slotPrefix = slotPrefixLength(vpc.prefixLength, slotCount);
  const planning = needsSlot.length > 0 && tiers.length > 0 && slotCountOk;
  const spaceOk = !planning || checkSlotSpace(input.vpcCidr, vpc.prefixLength, slotCount, slotPrefix, add);
  const layout: SlotLayout = { vpcCidr: vpc.range.toCidrString(), slotCount, slotPrefix, slotOf };
  const subnets = tiers.flatMap((tier) => planTier(input, tier, layout, slotCountOk && spaceOk, add));
  checkExplicitCidrs(subnets, vpc.range, input.vpcCidr, add);
  return { subnets, issues };
}

/** Records one planning problem. */
type AddIssue = (path: string, message: string) => void;

/** Where the AZ slots are: the VPC, how many slots per tier, their size, and each zone's slot. */
interface SlotLayout {
  readonly vpcCidr: string;
  readonly slotCount: number;
  readonly slotPrefix: number;
  readonly slotOf: ReadonlyMap<string, number>;
}

/**
 * The options that do not need the VPC CIDR: the slot count, `zoneSlots` and
 * the zones of explicit CIDRs must name configured zones. Returns whether the
 * slot count is usable.
 */
function checkPlanOptions(
  input: SubnetPlanInput,
  tiers: readonly SubnetTier[],
  slotCount: number,
  add: AddIssue,
): boolean {
  const zones = input.availabilityZones;
  const slotCountOk = AZ_SLOT_COUNTS.includes(slotCount);
  if (!slotCountOk) add("azSlotsPerTier", `${slotCount} is not one of ${AZ_SLOT_COUNTS.join(", ")}`);

  for (const [zone, slot] of Object.entries(input.zoneSlots ?? {})) {
    if (!zones.includes(zone)) add(`zoneSlots.${zone}`, `${zone} is not one of availabilityZones`);
    if (!Number.isInteger(slot) || slot < 0) add(`zoneSlots.${zone}`, `${slot} is not a non-negative integer`);
  }

  for (const tier of tiers) {
    const cidrs = input.tiers[tier]?.cidrs ?? {};
    for (const zone of Object.keys(cidrs)) {
      if (!zones.includes(zone)) add(`subnets.${tier}.cidrs.${zone}`, `${zone} is not one of availabilityZones`);
    }
  }
  return slotCountOk;
}

/**
 * The AZ slot of each zone in `needsSlot`: its `zoneSlots` entry, else its
 * zone letter; a zone without either, with a slot beyond the slot count, or
 * with a slot another zone took, gets none (and a problem).
 */
function assignZoneSlots(
  input: SubnetPlanInput,
  needsSlot: readonly string[],
  slotCount: number,
  slotCountOk: boolean,
  add: AddIssue,
): Map<string, number> {
  const zoneSlots = input.zoneSlots ?? {};
  const slotOf = new Map<string, number>();
  const slotOwner = new Map<number, string>();
  needsSlot.forEach((zone) => {
    const override = zoneSlots[zone];
    const index = input.availabilityZones.indexOf(zone);
    const slot = override ?? zoneLetterSlot(zone);
    const where = override !== undefined ? `zoneSlots.${zone}` : `availabilityZones[${index}]`;
    if (slot === undefined) {
      add(
        where,
        `${zone} has no zone letter to number its subnets by; give it a slot in zoneSlots or explicit CIDRs in every tier`,
      );
      return;
    }
    if (!Number.isInteger(slot) || slot < 0) return; // reported by checkPlanOptions
    if (slotCountOk && slot >= slotCount) {
      add(
        where,
        `${zone} takes AZ slot ${slot} but azSlotsPerTier is ${slotCount}; map it to a free slot in zoneSlots ` +
          `(or plan a new network with a larger azSlotsPerTier)`,
      );
      return;
    }
    const owner = slotOwner.get(slot);
    if (owner !== undefined) {
      add(where, `${zone} takes AZ slot ${slot}, already taken by ${owner}`);
      return;
    }
    slotOwner.set(slot, zone);
    slotOf.set(zone, slot);
  });
  return slotOf;
}

/** Whether an AZ slot of the VPC is a subnet size AWS allows; records the problem when it is not. */
function checkSlotSpace(
  vpcCidr: string,
  vpcPrefixLength: number,
  slotCount: number,
  slotPrefix: number,
  add: AddIssue,
): boolean {
  if (slotPrefix <= MAX_PREFIX_LENGTH) return true;
  add(
    "cidr",
    `${vpcCidr} is too small for ${TIER_BLOCK_COUNT} tier blocks of ${slotCount} AZ slots: each subnet would be ` +
      `/${slotPrefix}, AWS allows /${MIN_PREFIX_LENGTH} to /${MAX_PREFIX_LENGTH} ` +
      `(use a /${MAX_PREFIX_LENGTH - (slotPrefix - vpcPrefixLength)} or larger VPC, or fewer azSlotsPerTier)`,
  );
  return false;
}

/**
 * The subnets of one tier, zones in configuration order: the explicit CIDR of
 * a zone, else the first block of the tier's size in the zone's slot
 * (`layoutOk` false: explicit CIDRs only).
 */
function planTier(
  input: SubnetPlanInput,
  tier: SubnetTier,
  layout: SlotLayout,
  layoutOk: boolean,
  add: AddIssue,
): PlannedSubnet[] {
  const { slotCount, slotPrefix } = layout;
  const options = input.tiers[tier] ?? {};
  const prefixLength = options.prefixLength;
  let sizeOk = true;
  if (prefixLength !== undefined && layoutOk) {
    if (!Number.isInteger(prefixLength) || prefixLength < slotPrefix || prefixLength > MAX_PREFIX_LENGTH) {
      sizeOk = false;
      add(
        `subnets.${tier}.prefixLength`,
        `/${prefixLength} does not fit: each AZ slot of ${input.vpcCidr} is a /${slotPrefix}; ` +
          `use /${slotPrefix} to /${MAX_PREFIX_LENGTH}`,
      );
    }
  }
  const subnets: PlannedSubnet[] = [];
  for (const zone of input.availabilityZones) {
    const explicit = options.cidrs?.[zone];
    if (explicit !== undefined) {
      subnets.push({ tier, availabilityZone: zone, cidr: explicit, explicit: true });
      continue;
    }
    const slot = layout.slotOf.get(zone);
    if (slot === undefined || !layoutOk || !sizeOk) continue;
    const tierBlock = cidrSubnet(layout.vpcCidr, Math.log2(TIER_BLOCK_COUNT), TIER_BLOCK_INDEX[tier]);
    const slotBlock = cidrSubnet(tierBlock, Math.log2(slotCount), slot);
    const cidr = cidrSubnet(slotBlock, (prefixLength ?? slotPrefix) - slotPrefix, 0);
    subnets.push({ tier, availabilityZone: zone, cidr, explicit: false });
  }
  return subnets;
}

/** Explicit CIDRs: shape, size, inside the VPC, no overlap with any other subnet. */
function checkExplicitCidrs(
  subnets: readonly PlannedSubnet[],
  vpc: IPv4CidrRange,
  vpcCidr: string,
  add: AddIssue,
): void {
  const usable: PlannedSubnet[] = [];
  for (const s of subnets) {
    if (!s.explicit) {
      usable.push(s);
      continue;
    }
    const path = `subnets.${s.tier}.cidrs.${s.availabilityZone}`;
    const parsed = parseCidr(s.cidr);
    if (!parsed.ok) {
      add(path, parsed.reason);
      continue;
    }
    if (!isValidAwsPrefixLength(parsed.prefixLength)) {
      add(
        path,
        `${s.cidr} has prefix /${parsed.prefixLength}; AWS allows /${MIN_PREFIX_LENGTH} to /${MAX_PREFIX_LENGTH}`,
      );
    }
    if (!parsed.range.inside(vpc)) {
      add(path, `${s.cidr} is outside the VPC ${vpcCidr}`);
      continue;
    }
    usable.push(s);
  }
  for (const s of usable) {
    if (!s.explicit) continue;
    for (const other of usable) {
      if (other === s) continue;
      // Two explicit CIDRs overlapping are reported once, at the later one.
      if (other.explicit && usable.indexOf(other) > usable.indexOf(s)) continue;
      if (cidrsOverlap(s.cidr, other.cidr)) {
        const what = other.explicit
          ? `subnets.${other.tier}.cidrs.${other.availabilityZone} (${other.cidr})`
          : `the planned ${other.tier} subnet of ${other.availabilityZone} (${other.cidr})`;
        add(`subnets.${s.tier}.cidrs.${s.availabilityZone}`, `${s.cidr} overlaps ${what}`);
      }
    }
  }
}
