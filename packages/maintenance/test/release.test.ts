import {
  AL2023_RELEASE_ALLOWED_PATTERN,
  al2023ReleaseProblem,
  compareAl2023Releases,
  parseAl2023Release,
} from "../src/release";

describe("Amazon Linux 2023 release versions", () => {
  describe("al2023ReleaseProblem", () => {
    it.each(["2023.9.20251117", "2023.0.20230315", "2023.10.20260101", "2023.6.20240229"])("accepts %s", (version) => {
      expect(al2023ReleaseProblem(version)).toBeUndefined();
    });

    it.each<[string, unknown, RegExp]>([
      [
        "another major version",
        "2022.0.20221101",
        /is not an Amazon Linux 2023 release version: 2023\.<minor>\.<YYYYMMDD>/,
      ],
      ["a minor number with a leading zero", "2023.09.20251117", /is not an Amazon Linux 2023 release version/],
      ["a date of seven digits", "2023.9.2025111", /is not an Amazon Linux 2023 release version/],
      ["a date with dashes", "2023.9.2025-11-17", /is not an Amazon Linux 2023 release version/],
      ["latest", "latest", /"latest" is not an Amazon Linux 2023 release version/],
      ["surrounding space", " 2023.9.20251117", /is not an Amazon Linux 2023 release version/],
      ["month 13", "2023.9.20251301", /"2023\.9\.20251301": 20251301 is not a date \(YYYYMMDD\)/],
      ["31 November", "2023.9.20251131", /20251131 is not a date/],
      ["29 February of a common year", "2023.9.20250229", /20250229 is not a date/],
      ["day 00", "2023.9.20251100", /20251100 is not a date/],
      ["a number", 2023.9, /2023\.9 is not a release version such as "2023\.9\.20251117"/],
    ])("rejects %s", (_what, value, expected) => {
      expect(al2023ReleaseProblem(value)).toMatch(expected);
    });
  });

  it("parses the minor number and the date", () => {
    expect(parseAl2023Release("2023.9.20251117")).toEqual({ version: "2023.9.20251117", minor: 9, date: 20251117 });
    expect(parseAl2023Release("2023.9.20251131")).toBeUndefined();
  });

  describe("compareAl2023Releases", () => {
    it.each<[string, string, "older" | "same" | "newer"]>([
      ["2023.9.20251117", "2023.9.20251117", "same"],
      ["2023.9.20251110", "2023.9.20251117", "older"],
      ["2023.9.20251201", "2023.9.20251117", "newer"],
      ["2023.10.20251101", "2023.9.20251117", "newer"],
      ["2023.9.20251117", "2023.10.20251101", "older"],
      ["2023.8.20251231", "2023.9.20250101", "older"],
    ])("finds %s %s than %s", (a, b, expected) => {
      const sign = Math.sign(compareAl2023Releases(a, b));
      expect(sign).toBe({ older: -1, same: 0, newer: 1 }[expected]);
    });

    it("compares minor numbers as numbers, not text", () => {
      expect(["2023.10.20251201", "2023.9.20251117", "2023.2.20230920"].sort(compareAl2023Releases)).toEqual([
        "2023.2.20230920",
        "2023.9.20251117",
        "2023.10.20251201",
      ]);
    });

    it("refuses what is not a release version", () => {
      expect(() => compareAl2023Releases("2023.9.20251117", "latest")).toThrow(
        /"latest" is not an Amazon Linux 2023 release version/,
      );
    });
  });

  it("gives Systems Manager a pattern that accepts and refuses the same texts", () => {
    const pattern = new RegExp(AL2023_RELEASE_ALLOWED_PATTERN);
    for (const ok of ["2023.9.20251117", "2023.0.20230315", "2023.10.20260101"]) expect(pattern.test(ok)).toBe(true);
    for (const bad of ["2022.0.20221101", "2023.09.20251117", "2023.9.2025111", "latest", "2023.9.20251117; reboot"]) {
      expect(pattern.test(bad)).toBe(false);
    }
  });
});
