import type { IpPermission } from "@aws-sdk/client-ec2";

/** The HTTPS port every Session Manager connection uses. */
export const HTTPS = 443;

function ipv4(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** An IPv4 CIDR block as its first address and prefix length; undefined when it is not one. */
export function parseCidr(cidr: string): { readonly first: number; readonly bits: number } | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const base = ipv4(m[1]);
  const bits = Number(m[2]);
  if (base === undefined || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  return { first: base - (base % size), bits };
}

/** Whether IPv4 block `outer` holds address `ip`. */
export function cidrHoldsIp(outer: string, ip: string): boolean {
  const o = parseCidr(outer);
  const a = ipv4(ip);
  return o !== undefined && a !== undefined && a >= o.first && a < o.first + 2 ** (32 - o.bits);
}

/** Whether IPv4 block `outer` holds the whole block `inner`. */
export function cidrHoldsCidr(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return (
    o !== undefined &&
    i !== undefined &&
    o.bits <= i.bits &&
    i.first >= o.first &&
    i.first < o.first + 2 ** (32 - o.bits)
  );
}

/** Whether a rule lets TCP 443 through (TCP with a range holding 443, or all traffic). */
export function allowsHttps(rule: IpPermission): boolean {
  const protocol = String(rule.IpProtocol ?? "").toLowerCase();
  if (protocol === "-1" || protocol === "all") return true;
  if (protocol !== "tcp" && protocol !== "6") return false;
  return (rule.FromPort ?? 0) <= HTTPS && HTTPS <= (rule.ToPort ?? 65535);
}

/** The other end of a connection, as security group rules may name it. */
export interface Peer {
  /** Addresses that must all be covered by one rule's CIDR (the instance's private IP). */
  readonly ips?: readonly string[];
  /** Blocks that must all be covered by one rule's CIDR (the endpoint subnets' ranges). */
  readonly cidrs?: readonly string[];
  /** Security groups of the peer: a rule naming one of them covers it. */
  readonly groupIds?: readonly string[];
  /** Prefix lists of the peer (the S3 gateway's): a rule naming one covers it. */
  readonly prefixListIds?: readonly string[];
}

/** A rule as words: `tcp 443 10.10.0.0/16`, `all traffic sg-0abc`. */
export function describeRule(rule: IpPermission): string {
  const protocol = String(rule.IpProtocol ?? "");
  const ports =
    protocol === "-1"
      ? "all traffic"
      : `${protocol} ${rule.FromPort === rule.ToPort ? rule.FromPort : `${rule.FromPort}-${rule.ToPort}`}`;
  const peers = [
    ...(rule.IpRanges ?? []).map((r) => r.CidrIp),
    ...(rule.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
    ...(rule.UserIdGroupPairs ?? []).map((g) => g.GroupId),
    ...(rule.PrefixListIds ?? []).map((p) => p.PrefixListId),
  ].filter((p): p is string => typeof p === "string");
  return `${ports} ${peers.join(", ") || "(no peer)"}`;
}

/**
 * The first rule of `rules` that lets HTTPS through to or from `peer`, as
 * words (see {@link describeRule}); undefined when none does.
 */
export function httpsRuleFor(rules: readonly IpPermission[], peer: Peer): string | undefined {
  for (const rule of rules) {
    if (!allowsHttps(rule)) continue;
    const cidrs = (rule.IpRanges ?? []).map((r) => r.CidrIp).filter((c): c is string => typeof c === "string");
    const covered =
      cidrs.some(
        (c) =>
          (peer.ips ?? []).length + (peer.cidrs ?? []).length > 0 &&
          (peer.ips ?? []).every((ip) => cidrHoldsIp(c, ip)) &&
          (peer.cidrs ?? []).every((b) => cidrHoldsCidr(c, b)),
      ) ||
      (rule.UserIdGroupPairs ?? []).some((g) => g.GroupId !== undefined && (peer.groupIds ?? []).includes(g.GroupId)) ||
      (rule.PrefixListIds ?? []).some(
        (p) => p.PrefixListId !== undefined && (peer.prefixListIds ?? []).includes(p.PrefixListId),
      ) ||
      cidrs.includes("0.0.0.0/0");
    if (covered) return describeRule(rule);
  }
  return undefined;
}
