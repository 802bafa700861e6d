import { DEFAULT_USAGE, usageOf } from "../src";

describe("usageOf", () => {
  it("takes the defaults without a cost section", () => {
    expect(usageOf({ region: "eu-west-1" }, "environments/dev.json")).toEqual(DEFAULT_USAGE);
  });

  it("overrides the defaults with cost.usage", () => {
    expect(usageOf({ cost: { usage: { endpointGB: 20 } } }, "environments/dev.json")).toEqual({
      ...DEFAULT_USAGE,
      endpointGB: 20,
    });
  });

  it("names the file and field of a wrong or unknown value", () => {
    expect(() => usageOf({ cost: { usage: { endpointGB: -1, sessions: 3 } } }, "environments/dev.json")).toThrow(
      "environments/dev.json: cost.usage.endpointGB: is not a number of 0 or more\nenvironments/dev.json: cost.usage.sessions: unknown;",
    );
  });
});
