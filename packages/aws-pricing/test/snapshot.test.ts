import { checkSnapshot, readSnapshot, citation } from "../src";

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
