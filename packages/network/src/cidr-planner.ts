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
 *    {@link DEFAULT_AZ_SLOTS_PER_TIER}, a power of two).
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
import { IPv4, IPv4CidrRange, IPv4Prefix, Validator as IpValidator } from "ip-num";
import type { ValidationIssue } from "@ssm-access/core";
import { SUBNET_TIERS, SubnetTier } from "./types";

/** The largest VPC or subnet AWS allows (/16). */
export const MIN_PREFIX_LENGTH = 16;
/** The smallest VPC or subnet AWS allows (/28). */
export const MAX_PREFIX_LENGTH = 28;
/** How many equal blocks the VPC is split into, one per tier plus a spare one. */
export const TIER_BLOCK_COUNT = 4;
/** The block of the VPC each tier lives in (block 3 is spare). */
export const TIER_BLOCK_INDEX: Readonly<Record<SubnetTier, number>> = { public: 0, private: 1, isolated: 2 };
/** Default number of AZ slots in each tier block. */
export const DEFAULT_AZ_SLOTS_PER_TIER = 4;
/** Allowed values of `azSlotsPerTier` (powers of two, so slots are CIDR blocks). */
export const AZ_SLOT_COUNTS: readonly number[] = [1, 2, 4, 8, 16];
/** The RFC 1918 private IPv4 ranges a VPC CIDR must lie in. */
export const RFC1918_RANGES: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** Result of {@link parseCidr}: the range, or why the text is not a usable CIDR block. */
export type ParsedCidr =
  | { readonly ok: true; readonly range: IPv4CidrRange; readonly prefixLength: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses an IPv4 CIDR block and insists on its canonical network form:
 * `10.10.0.1/16` is rejected (host bits set) with the network address it meant.
 */
export function parseCidr(text: string): ParsedCidr {
  if (typeof text !== "string" || !IpValidator.isValidIPv4CidrNotation(text)[0]) {
    return { ok: false, reason: `${String(text)} is not a valid IPv4 CIDR block (a.b.c.d/n)` };
  }
  const range = IPv4CidrRange.fromCidr(text);
  const canonical = `${range.getFirst().toString()}/${range.getPrefix().getValue()}`;
  const address = IPv4.fromDecimalDottedString(text.split("/")[0]);
  if (!address.isEquals(range.getFirst())) {
    return { ok: false, reason: `${text} has host bits set; the network address is ${canonical}` };
  }
  if (canonical !== text) {
    return { ok: false, reason: `${text} is not in canonical form; write ${canonical}` };
  }
  return { ok: true, range, prefixLength: Number(range.getPrefix().getValue()) };
}

/** Whether `range` lies entirely inside one of the RFC 1918 private ranges. */
export function isRfc1918(range: IPv4CidrRange): boolean {
  return RFC1918_RANGES.some((r) => range.inside(IPv4CidrRange.fromCidr(r)));
}

/** Whether a prefix length is one AWS accepts for a VPC or subnet (/16 to /28). */
export function isValidAwsPrefixLength(prefixLength: number): boolean {
  return Number.isInteger(prefixLength) && prefixLength >= MIN_PREFIX_LENGTH && prefixLength <= MAX_PREFIX_LENGTH;
}

/**
 * Problems with a VPC CIDR: shape, host bits, /16../28, RFC 1918.
 * Returns one message per problem (empty when the CIDR is fine).
 */
export function vpcCidrProblems(cidr: string): string[] {
  const parsed = parseCidr(cidr);
  if (!parsed.ok) return [parsed.reason];
  const problems: string[] = [];
  if (!isValidAwsPrefixLength(parsed.prefixLength)) {
    problems.push(
      `${cidr} has prefix /${parsed.prefixLength}; AWS allows /${MIN_PREFIX_LENGTH} to /${MAX_PREFIX_LENGTH}`,
    );
  }
  if (!isRfc1918(parsed.range)) {
    problems.push(`${cidr} is not in a private range (${RFC1918_RANGES.join(", ")})`);
  }
  return problems;
}

/**
 * Terraform's `cidrsubnet(prefix, newBits, netNum)`: the `netNum`-th block of
 * `/(prefix + newBits)` inside `cidr`. Throws when the result does not exist.
 */
export function cidrSubnet(cidr: string, newBits: number, netNum: number): string {
  const parent = IPv4CidrRange.fromCidr(cidr);
  const prefixLength = Number(parent.getPrefix().getValue()) + newBits;
  if (!Number.isInteger(newBits) || newBits < 0 || prefixLength > 32) {
    throw new Error(`cannot add ${newBits} bits to ${cidr}`);
  }
  const count = 2 ** newBits;
  if (!Number.isInteger(netNum) || netNum < 0 || netNum >= count) {
    throw new Error(`${cidr} has ${count} blocks of /${prefixLength}; block ${netNum} does not exist`);
  }
  const size = BigInt(2 ** (32 - prefixLength));
  const first = parent.getFirst().getValue() + BigInt(netNum) * size;
  return new IPv4CidrRange(IPv4.fromNumber(first), IPv4Prefix.fromNumber(BigInt(prefixLength))).toCidrString();
}

/** Whether CIDR `inner` lies entirely inside CIDR `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  return IPv4CidrRange.fromCidr(inner).inside(IPv4CidrRange.fromCidr(outer));
}

/** Whether two CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  return IPv4CidrRange.fromCidr(a).isOverlapping(IPv4CidrRange.fromCidr(b));
}

/** A standard Availability Zone name: Region code followed by one letter (`eu-west-1a`). */
const STANDARD_ZONE = /^[a-z]{2}(?:-[a-z]+)+-\d+([a-z])$/;

/**
 * The AZ slot a zone takes by its letter: `a` → 0, `b` → 1, ...; `undefined`
 * for zones without a letter of their own (Local Zones, Wavelength Zones).
 */
export function zoneLetterSlot(availabilityZone: string): number | undefined {
  const m = STANDARD_ZONE.exec(availabilityZone);
  return m ? m[1].charCodeAt(0) - "a".charCodeAt(0) : undefined;
}

/** The prefix length of one AZ slot: VPC prefix + 2 tier bits + log2(azSlotsPerTier). */
export function slotPrefixLength(vpcPrefixLength: number, azSlotsPerTier: number): number {
  return vpcPrefixLength + Math.log2(TIER_BLOCK_COUNT) + Math.log2(azSlotsPerTier);
}

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
  /** AZ slots per tier block; a power of two from 1 to 16. Defaults to {@link DEFAULT_AZ_SLOTS_PER_TIER}. */
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
