import {
  allowsHttps,
  cidrHoldsCidr,
  cidrHoldsIp,
  describeRule,
  httpsRuleFor,
  parseCidr,
} from "../../src/doctor/network-rules";

describe("security group rules", () => {
  it.each([
    ["10.10.0.0/16", "10.10.128.4", true],
    ["10.10.128.0/20", "10.10.143.255", true],
    ["10.10.128.0/20", "10.10.144.0", false],
    ["0.0.0.0/0", "192.168.1.1", true],
    ["10.10.128.4/32", "10.10.128.4", true],
    ["not-a-cidr", "10.0.0.1", false],
  ])("%s holds %s: %s", (cidr, ip, holds) => {
    expect(cidrHoldsIp(cidr, ip)).toBe(holds);
  });

  it.each([
    ["10.10.0.0/16", "10.10.128.0/20", true],
    ["10.10.128.0/20", "10.10.0.0/16", false],
    ["10.10.128.0/20", "10.10.144.0/20", false],
  ])("%s holds the block %s: %s", (outer, inner, holds) => {
    expect(cidrHoldsCidr(outer, inner)).toBe(holds);
  });

  it("normalizes a block to its first address", () => {
    expect(parseCidr("10.10.1.7/16")).toEqual({ first: (10 * 256 + 10) * 65536, bits: 16 });
  });

  it.each([
    [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443 }, true],
    [{ IpProtocol: "tcp", FromPort: 0, ToPort: 65535 }, true],
    [{ IpProtocol: "-1" }, true],
    [{ IpProtocol: "6", FromPort: 443, ToPort: 443 }, true],
    [{ IpProtocol: "tcp", FromPort: 8443, ToPort: 8443 }, false],
    [{ IpProtocol: "udp", FromPort: 443, ToPort: 443 }, false],
  ])("%j lets HTTPS through: %s", (rule, allowed) => {
    expect(allowsHttps(rule)).toBe(allowed);
  });

  it("finds the rule covering a peer by address, security group or prefix list", () => {
    const rules = [
      { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.10.128.0/20" }] },
      {
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        UserIdGroupPairs: [{ GroupId: "sg-a" }],
        PrefixListIds: [{ PrefixListId: "pl-s3" }],
      },
    ];
    expect(httpsRuleFor(rules, { ips: ["10.10.130.1"] })).toBe("tcp 443 10.10.128.0/20");
    expect(httpsRuleFor(rules, { ips: ["10.10.150.1"] })).toBeUndefined();
    expect(httpsRuleFor(rules, { cidrs: ["10.10.128.0/20", "10.10.144.0/20"] })).toBeUndefined();
    expect(httpsRuleFor(rules, { groupIds: ["sg-a"] })).toBe("tcp 443 sg-a, pl-s3");
    expect(httpsRuleFor(rules, { prefixListIds: ["pl-s3"] })).toBe("tcp 443 sg-a, pl-s3");
    expect(httpsRuleFor(rules, {})).toBeUndefined();
  });

  it("describes a rule as protocol, ports and peers", () => {
    expect(describeRule({ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] })).toBe("all traffic 0.0.0.0/0");
    expect(describeRule({ IpProtocol: "tcp", FromPort: 1024, ToPort: 2048 })).toBe("tcp 1024-2048 (no peer)");
  });
});
