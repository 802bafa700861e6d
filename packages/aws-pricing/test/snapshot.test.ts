import { SNAPSHOT_FILE, checkEc2Prices, checkSnapshot, citation, readSnapshot, withEc2Prices } from "../src";

describe("the price snapshot", () => {
  it("ships dated, with a cited source for every price", () => {
    const snapshot = readSnapshot();
    expect(snapshot.snapshotDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const ids = new Set(snapshot.sources.map((s) => s.id));
    for (const products of Object.values(snapshot.regions)) {
      for (const price of Object.values(products)) expect(ids.has(price.source)).toBe(true);
    }
    for (const source of snapshot.sources) expect(citation(source)).toContain(source.date);
  });

  it("names the file and field of every problem of a broken snapshot", () => {
    const broken = {
      snapshotDate: "yesterday",
      currency: "USD",
      sources: [{ id: "s", title: "t", date: "2026-01-01" }],
      regions: { "eu-west-1": { "vpce.hours": { usd: -1, unit: "hours", entry: "x", source: "nope" } } },
    };
    expect(() => checkSnapshot(broken, "prices/x.json")).toThrow(
      [
        "prices/x.json: snapshotDate: is not a date YYYY-MM-DD",
        "prices/x.json: sources[0]: names neither a url nor a repo and path",
        "prices/x.json: regions.eu-west-1.vpce.hours.usd: is not a price (a number, 0 or more)",
        "prices/x.json: regions.eu-west-1.vpce.hours.source: names no source of the sources list (nope)",
      ].join("\n"),
    );
  });
});

describe("the EC2 prices file", () => {
  const ec2 = {
    source: { id: "e", title: "t", repo: "o/r", path: "p.json", commit: "c".repeat(40), date: "2024-04-04" },
    unit: "hours",
    entry: "On-Demand Linux",
    regions: { "eu-west-1": { "t3.micro": 0.0114, "t3.nano": 0.0057 } },
  };

  it("adds ec2:<type> prices citing its source, and leaves the snapshot's own prices first", () => {
    const base = readSnapshot(SNAPSHOT_FILE, null);
    const own = base.regions["eu-west-1"]["ec2:t3.micro"];
    const merged = withEc2Prices(base, checkEc2Prices(ec2, "prices/ec2.json"));
    expect(merged.regions["eu-west-1"]["ec2:t3.micro"]).toEqual(own);
    expect(merged.regions["eu-west-1"]["ec2:t3.nano"]).toEqual({
      usd: 0.0057,
      unit: "hours",
      source: "e",
      entry: "t3.nano: On-Demand Linux",
    });
    expect(merged.sources.map((s) => s.id)).toContain("e");
    expect(() => checkSnapshot(merged, "merged")).not.toThrow();
  });

  it("names the file and field of every problem", () => {
    const broken = { ...ec2, source: { id: "e", title: "t", date: "x" }, regions: { "eu-west-1": { "t3.micro": 0 } } };
    expect(() => checkEc2Prices(broken, "prices/ec2.json")).toThrow(
      [
        "prices/ec2.json: source: names no repo, path and commit",
        "prices/ec2.json: source.date: is not YYYY-MM-DD",
        "prices/ec2.json: regions.eu-west-1.t3.micro: is not a price (a number above 0)",
      ].join("\n"),
    );
  });
});
