/**
 * CIDR arithmetic of the subnet planner (pure functions, no constructs):
 * Terraform's `cidrsubnet`, containment and overlap, AWS's prefix limits,
 * and the tier blocks and AZ slots of the numbering rule (see
 * `cidr-planner.ts`).
 */
import { IPv4, IPv4CidrRange, IPv4Prefix, Validator as IpValidator } from "ip-num";
import type { SubnetTier } from "../types";

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
