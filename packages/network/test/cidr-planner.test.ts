import { PlannedSubnet, SubnetPlanInput, parseCidr, planSubnets } from "../src";
import {
  cidrContains,
  cidrSubnet,
  cidrsOverlap,
  isRfc1918,
  slotPrefixLength,
  vpcCidrProblems,
  zoneLetterSlot,
} from "../src/private/cidr";
import { IPv4CidrRange } from "ip-num";

/** `tier/zone` → CIDR, for compact expectations. */
function cidrMap(subnets: readonly PlannedSubnet[]): Record<string, string> {
  return Object.fromEntries(subnets.map((s) => [`${s.tier}/${s.availabilityZone}`, s.cidr]));
}

function plan(input: Partial<SubnetPlanInput>): ReturnType<typeof planSubnets> {
  return planSubnets({
    vpcCidr: "10.10.0.0/16",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    tiers: { isolated: {} },
    ...input,
  });
}

function messages(input: Partial<SubnetPlanInput>): string[] {
  return plan(input).issues.map((i) => `${i.path}: ${i.message}`);
}

describe("parseCidr", () => {
  it.each([
    ["10.10.0.0/16", 16],
    ["192.168.4.0/24", 24],
    ["172.16.0.0/12", 12],
  ])("accepts %s as a /%d network", (text, prefix) => {
    const parsed = parseCidr(text);
    expect(parsed.ok && parsed.prefixLength).toBe(prefix);
  });

  it.each([
    ["10.10.0.1/16", /has host bits set; the network address is 10.10.0.0\/16/],
    ["10.10.0.0", /not a valid IPv4 CIDR block/],
    ["10.10.0/16", /not a valid IPv4 CIDR block/],
    ["10.10.300.0/24", /not a valid IPv4 CIDR block/],
    ["10.10.0.0/33", /not a valid IPv4 CIDR block/],
    ["", /not a valid IPv4 CIDR block/],
    ["10.10.0.0/016", /not in canonical form; write 10.10.0.0\/16/],
  ])("rejects %s", (text, reason) => {
    const parsed = parseCidr(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.reason).toMatch(reason);
  });
});

describe("isRfc1918", () => {
  it.each([
    ["10.0.0.0/8", true],
    ["10.255.255.0/24", true],
    ["172.16.0.0/12", true],
    ["172.31.0.0/16", true],
    ["172.32.0.0/16", false],
    ["192.168.0.0/16", true],
    ["192.169.0.0/16", false],
    ["100.64.0.0/16", false],
    ["8.0.0.0/16", false],
    ["0.0.0.0/0", false],
  ])("%s is private: %s", (cidr, expected) => {
    expect(isRfc1918(IPv4CidrRange.fromCidr(cidr))).toBe(expected);
  });
});

describe("vpcCidrProblems", () => {
  it.each([
    ["10.10.0.0/16", []],
    ["10.10.0.0/28", []],
    ["10.0.0.0/8", [/prefix \/8; AWS allows \/16 to \/28/]],
    ["10.10.0.0/29", [/prefix \/29/]],
    ["11.0.0.0/16", [/not in a private range/]],
    ["8.0.0.0/8", [/prefix \/8/, /not in a private range/]],
    ["10.10.0.1/16", [/host bits set/]],
  ])("%s → %j", (cidr, expected) => {
    const problems = vpcCidrProblems(cidr);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(problems[i]).toMatch(re));
  });
});

describe("cidrSubnet", () => {
  it.each([
    ["10.10.0.0/16", 2, 0, "10.10.0.0/18"],
    ["10.10.0.0/16", 2, 3, "10.10.192.0/18"],
    ["10.10.64.0/18", 2, 1, "10.10.80.0/20"],
    ["10.10.0.0/16", 0, 0, "10.10.0.0/16"],
    ["10.10.0.0/23", 4, 15, "10.10.1.224/27"],
    ["192.168.0.0/24", 8, 255, "192.168.0.255/32"],
  ])("cidrsubnet(%s, %d, %d) = %s (as Terraform computes it)", (cidr, bits, num, expected) => {
    expect(cidrSubnet(cidr, bits, num)).toBe(expected);
  });

  it("fails for a block number beyond the parent", () => {
    expect(() => cidrSubnet("10.10.0.0/16", 2, 4)).toThrow(/block 4 does not exist/);
  });

  it("fails for a prefix longer than /32", () => {
    expect(() => cidrSubnet("10.10.0.0/30", 3, 0)).toThrow(/cannot add 3 bits/);
  });
});

describe("cidrContains and cidrsOverlap", () => {
  it.each([
    ["10.10.0.0/16", "10.10.4.0/24", true, true],
    ["10.10.0.0/16", "10.10.0.0/16", true, true],
    ["10.10.0.0/16", "10.11.0.0/24", false, false],
    ["10.10.0.0/24", "10.10.0.0/16", false, true],
  ])("%s and %s: contains %s, overlaps %s", (a, b, contains, overlaps) => {
    expect(cidrContains(a, b)).toBe(contains);
    expect(cidrsOverlap(a, b)).toBe(overlaps);
  });
});

describe("zoneLetterSlot", () => {
  it.each([
    ["eu-west-1a", 0],
    ["eu-west-1b", 1],
    ["us-east-1f", 5],
    ["ap-southeast-2c", 2],
    ["us-gov-west-1a", 0],
    ["us-east-1-bos-1a", undefined],
    ["us-east-1-wl1-bos-wlz-1", undefined],
    ["eu-west-1", undefined],
  ])("%s takes slot %s", (zone, slot) => {
    expect(zoneLetterSlot(zone)).toBe(slot);
  });
});

describe("slotPrefixLength", () => {
  it.each([
    [16, 4, 20],
    [16, 8, 21],
    [23, 4, 27],
    [24, 4, 28],
    [24, 1, 26],
  ])("a /%d VPC with %d slots per tier has /%d slots", (vpc, slots, expected) => {
    expect(slotPrefixLength(vpc, slots)).toBe(expected);
  });
});

describe("planSubnets", () => {
  describe("numbering", () => {
    it("numbers 10.10.0.0/16 with three zones and every tier by tier block and zone letter", () => {
      const result = plan({
        availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        tiers: { public: {}, private: {}, isolated: {} },
      });
      expect(result.issues).toEqual([]);
      expect(cidrMap(result.subnets)).toEqual({
        "public/eu-west-1a": "10.10.0.0/20",
        "public/eu-west-1b": "10.10.16.0/20",
        "public/eu-west-1c": "10.10.32.0/20",
        "private/eu-west-1a": "10.10.64.0/20",
        "private/eu-west-1b": "10.10.80.0/20",
        "private/eu-west-1c": "10.10.96.0/20",
        "isolated/eu-west-1a": "10.10.128.0/20",
        "isolated/eu-west-1b": "10.10.144.0/20",
        "isolated/eu-west-1c": "10.10.160.0/20",
      });
    });

    it("lists subnets by tier, then zone in configuration order", () => {
      const result = plan({ availabilityZones: ["eu-west-1c", "eu-west-1a"], tiers: { isolated: {}, public: {} } });
      expect(result.subnets.map((s) => `${s.tier}/${s.availabilityZone}`)).toEqual([
        "public/eu-west-1c",
        "public/eu-west-1a",
        "isolated/eu-west-1c",
        "isolated/eu-west-1a",
      ]);
    });

    it.each([
      ["10.10.0.0/23", 4, "10.10.1.0/27", "10.10.1.32/27"],
      ["10.10.0.0/24", 4, "10.10.0.128/28", "10.10.0.144/28"],
      ["10.10.0.0/16", 8, "10.10.128.0/21", "10.10.136.0/21"],
      ["10.10.0.0/16", 2, "10.10.128.0/19", "10.10.160.0/19"],
      ["172.20.0.0/20", 4, "172.20.8.0/24", "172.20.9.0/24"],
    ])("in %s with %d slots per tier, isolated a and b are %s and %s", (vpcCidr, slots, a, b) => {
      const result = plan({ vpcCidr, azSlotsPerTier: slots });
      expect(result.issues).toEqual([]);
      expect(cidrMap(result.subnets)).toEqual({ "isolated/eu-west-1a": a, "isolated/eu-west-1b": b });
    });

    it("makes a subnet the first block of prefixLength in its slot", () => {
      const result = plan({ tiers: { isolated: { prefixLength: 24 } } });
      expect(cidrMap(result.subnets)).toEqual({
        "isolated/eu-west-1a": "10.10.128.0/24",
        "isolated/eu-west-1b": "10.10.144.0/24",
      });
    });

    it("places a Local Zone in the slot given by zoneSlots", () => {
      const result = plan({
        vpcCidr: "10.10.0.0/16",
        availabilityZones: ["us-east-1a", "us-east-1-bos-1a"],
        zoneSlots: { "us-east-1-bos-1a": 3 },
      });
      expect(result.issues).toEqual([]);
      expect(cidrMap(result.subnets)).toEqual({
        "isolated/us-east-1a": "10.10.128.0/20",
        "isolated/us-east-1-bos-1a": "10.10.176.0/20",
      });
    });

    it("lets zoneSlots move a standard zone to a free slot", () => {
      const result = plan({
        availabilityZones: ["us-east-1a", "us-east-1e"],
        zoneSlots: { "us-east-1e": 2 },
      });
      expect(result.issues).toEqual([]);
      expect(cidrMap(result.subnets)["isolated/us-east-1e"]).toBe("10.10.160.0/20");
    });

    it("uses an explicit CIDR instead of the planned one and plans the other zones", () => {
      const result = plan({ tiers: { isolated: { cidrs: { "eu-west-1a": "10.10.240.0/24" } } } });
      expect(result.issues).toEqual([]);
      expect(result.subnets).toEqual([
        { tier: "isolated", availabilityZone: "eu-west-1a", cidr: "10.10.240.0/24", explicit: true },
        { tier: "isolated", availabilityZone: "eu-west-1b", cidr: "10.10.144.0/20", explicit: false },
      ]);
    });

    it("needs no slot for a Local Zone whose CIDRs are all explicit", () => {
      const result = plan({
        availabilityZones: ["us-east-1a", "us-east-1-bos-1a"],
        tiers: { isolated: { cidrs: { "us-east-1-bos-1a": "10.10.250.0/24" } } },
      });
      expect(result.issues).toEqual([]);
      expect(cidrMap(result.subnets)["isolated/us-east-1-bos-1a"]).toBe("10.10.250.0/24");
    });

    it("plans nothing when no tier is given", () => {
      expect(plan({ tiers: {} })).toEqual({ subnets: [], issues: [] });
    });
  });

  describe("stability", () => {
    const base: SubnetPlanInput = {
      vpcCidr: "10.10.0.0/16",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      tiers: { private: {}, isolated: {} },
    };

    /** Every (tier, zone) planned both `before` and `after` has the same CIDR in both. */
    function expectKept(before: SubnetPlanInput, after: SubnetPlanInput): void {
      const a = planSubnets(before);
      const b = planSubnets(after);
      expect(a.issues).toEqual([]);
      expect(b.issues).toEqual([]);
      const later = cidrMap(b.subnets);
      const common = Object.entries(cidrMap(a.subnets)).filter(([key]) => key in later);
      expect(common.length).toBeGreaterThan(0);
      for (const [key, cidr] of common) {
        expect({ [key]: later[key] }).toEqual({ [key]: cidr });
      }
    }

    it("adding a zone at the end keeps every existing subnet", () => {
      expectKept(base, { ...base, availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
    });

    it("adding a zone at the front keeps every existing subnet", () => {
      expectKept(base, { ...base, availabilityZones: ["eu-west-1c", "eu-west-1a", "eu-west-1b"] });
    });

    it("removing a zone keeps the subnets of the other zones", () => {
      const three = { ...base, availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] };
      expectKept({ ...base, availabilityZones: ["eu-west-1a", "eu-west-1c"] }, three);
      expectKept(three, { ...base, availabilityZones: ["eu-west-1a", "eu-west-1c"] });
    });

    it("reordering the zones keeps every subnet", () => {
      expectKept(base, { ...base, availabilityZones: ["eu-west-1b", "eu-west-1a"] });
    });

    it("adding a tier keeps every existing subnet", () => {
      expectKept(base, { ...base, tiers: { public: {}, private: {}, isolated: {} } });
    });

    it("removing a tier keeps the subnets of the other tiers", () => {
      expectKept({ ...base, tiers: { isolated: {} } }, base);
      expectKept(base, { ...base, tiers: { isolated: {} } });
    });

    it("adding a zone and a tier at once keeps every existing subnet", () => {
      expectKept(base, {
        ...base,
        availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        tiers: { public: {}, private: {}, isolated: {} },
      });
    });

    it("giving one subnet an explicit CIDR keeps the others", () => {
      expectKept(
        { ...base, tiers: { isolated: {} } },
        { ...base, tiers: { private: { cidrs: { "eu-west-1a": "10.10.250.0/24" } }, isolated: {} } },
      );
    });

    it("never gives two subnets overlapping CIDRs, for every combination of tiers and zones", () => {
      const zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"];
      const result = planSubnets({
        vpcCidr: "10.10.0.0/22",
        availabilityZones: zones,
        tiers: { public: {}, private: {}, isolated: {} },
      });
      expect(result.subnets).toHaveLength(12);
      for (const s of result.subnets) {
        for (const o of result.subnets) {
          if (s !== o) expect(cidrsOverlap(s.cidr, o.cidr)).toBe(false);
        }
        expect(cidrContains("10.10.0.0/22", s.cidr)).toBe(true);
      }
    });
  });

  describe("problems", () => {
    it("reports a malformed VPC CIDR at cidr and plans nothing", () => {
      const result = plan({ vpcCidr: "10.10.0/16" });
      expect(result.subnets).toEqual([]);
      expect(result.issues.map((i) => i.path)).toEqual(["cidr"]);
    });

    it("reports a public VPC CIDR", () => {
      expect(messages({ vpcCidr: "52.10.0.0/16" })).toEqual([
        expect.stringMatching(/^cidr: 52.10.0.0\/16 is not in a private range/),
      ]);
    });

    it("reports a VPC too small for the tier blocks and slots", () => {
      expect(messages({ vpcCidr: "10.10.0.0/25" })).toEqual([
        expect.stringMatching(
          /^cidr: 10.10.0.0\/25 is too small for 4 tier blocks of 4 AZ slots: each subnet would be \/29/,
        ),
      ]);
    });

    it("reports too many slots for the VPC size", () => {
      expect(messages({ vpcCidr: "10.10.0.0/24", azSlotsPerTier: 8 })).toEqual([
        expect.stringMatching(/^cidr: .* is too small .* \/29.*fewer azSlotsPerTier/),
      ]);
    });

    it("accepts a small VPC when every CIDR is explicit", () => {
      const result = plan({
        vpcCidr: "10.10.0.0/26",
        tiers: { isolated: { cidrs: { "eu-west-1a": "10.10.0.0/28", "eu-west-1b": "10.10.0.16/28" } } },
      });
      expect(result.issues).toEqual([]);
    });

    it.each([3, 0, 32, 1.5])("reports azSlotsPerTier %s", (slots) => {
      expect(messages({ azSlotsPerTier: slots })).toEqual([`azSlotsPerTier: ${slots} is not one of 1, 2, 4, 8, 16`]);
    });

    it("reports a zone whose letter is beyond the slots", () => {
      expect(messages({ availabilityZones: ["us-east-1a", "us-east-1e"] })).toEqual([
        expect.stringMatching(/^availabilityZones\[1\]: us-east-1e takes AZ slot 4 but azSlotsPerTier is 4/),
      ]);
    });

    it("reports a Local Zone without a slot", () => {
      expect(messages({ availabilityZones: ["us-east-1a", "us-east-1-bos-1a"] })).toEqual([
        expect.stringMatching(/^availabilityZones\[1\]: us-east-1-bos-1a has no zone letter/),
      ]);
    });

    it("reports two zones in one slot", () => {
      expect(
        messages({ availabilityZones: ["us-east-1a", "us-east-1-bos-1a"], zoneSlots: { "us-east-1-bos-1a": 0 } }),
      ).toEqual(["zoneSlots.us-east-1-bos-1a: us-east-1-bos-1a takes AZ slot 0, already taken by us-east-1a"]);
    });

    it("reports a zoneSlots entry beyond the slots", () => {
      expect(messages({ zoneSlots: { "eu-west-1b": 4 } })).toEqual([
        expect.stringMatching(/^zoneSlots.eu-west-1b: eu-west-1b takes AZ slot 4 but azSlotsPerTier is 4/),
      ]);
    });

    it("reports a zoneSlots entry that is not an integer", () => {
      expect(messages({ zoneSlots: { "eu-west-1b": -1 } })).toEqual([
        "zoneSlots.eu-west-1b: -1 is not a non-negative integer",
      ]);
    });

    it("reports a zoneSlots entry for an unknown zone", () => {
      expect(messages({ zoneSlots: { "eu-west-1c": 2 } })).toEqual([
        "zoneSlots.eu-west-1c: eu-west-1c is not one of availabilityZones",
      ]);
    });

    it.each([
      [
        19,
        /^subnets.isolated.prefixLength: \/19 does not fit: each AZ slot of 10.10.0.0\/16 is a \/20; use \/20 to \/28$/,
      ],
      [29, /^subnets.isolated.prefixLength: \/29 does not fit/],
      [20.5, /^subnets.isolated.prefixLength: \/20.5 does not fit/],
    ])("reports prefixLength %s", (prefixLength, expected) => {
      expect(messages({ tiers: { isolated: { prefixLength } } })).toEqual([expect.stringMatching(expected)]);
    });

    it("reports an explicit CIDR outside the VPC", () => {
      expect(messages({ tiers: { isolated: { cidrs: { "eu-west-1a": "10.20.0.0/24" } } } })).toEqual([
        "subnets.isolated.cidrs.eu-west-1a: 10.20.0.0/24 is outside the VPC 10.10.0.0/16",
      ]);
    });

    it("reports a malformed explicit CIDR", () => {
      expect(messages({ tiers: { isolated: { cidrs: { "eu-west-1a": "10.10.1.1/24" } } } })).toEqual([
        "subnets.isolated.cidrs.eu-west-1a: 10.10.1.1/24 has host bits set; the network address is 10.10.1.0/24",
      ]);
    });

    it("reports an explicit CIDR smaller than /28", () => {
      expect(messages({ tiers: { isolated: { cidrs: { "eu-west-1a": "10.10.250.0/29" } } } })).toEqual([
        "subnets.isolated.cidrs.eu-west-1a: 10.10.250.0/29 has prefix /29; AWS allows /16 to /28",
      ]);
    });

    it("reports an explicit CIDR overlapping a planned subnet", () => {
      expect(messages({ tiers: { private: {}, isolated: { cidrs: { "eu-west-1a": "10.10.64.0/24" } } } })).toEqual([
        "subnets.isolated.cidrs.eu-west-1a: 10.10.64.0/24 overlaps the planned private subnet of eu-west-1a (10.10.64.0/20)",
      ]);
    });

    it("reports two overlapping explicit CIDRs once, at the later one", () => {
      expect(
        messages({
          tiers: {
            private: { cidrs: { "eu-west-1a": "10.10.250.0/24" } },
            isolated: { cidrs: { "eu-west-1b": "10.10.250.128/25" } },
          },
        }),
      ).toEqual([
        "subnets.isolated.cidrs.eu-west-1b: 10.10.250.128/25 overlaps subnets.private.cidrs.eu-west-1a (10.10.250.0/24)",
      ]);
    });

    it("reports an explicit CIDR for a zone not in the list", () => {
      expect(messages({ tiers: { isolated: { cidrs: { "eu-west-1c": "10.10.250.0/24" } } } })).toEqual([
        "subnets.isolated.cidrs.eu-west-1c: eu-west-1c is not one of availabilityZones",
      ]);
    });

    it("reports every problem at once", () => {
      const paths = plan({
        azSlotsPerTier: 3,
        zoneSlots: { "eu-west-1z": 1 },
        tiers: { isolated: { cidrs: { "eu-west-1a": "10.20.0.0/24" } } },
      }).issues.map((i) => i.path);
      expect(paths).toEqual(["azSlotsPerTier", "zoneSlots.eu-west-1z", "subnets.isolated.cidrs.eu-west-1a"]);
    });
  });
});
