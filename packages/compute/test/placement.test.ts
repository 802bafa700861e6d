import { Validator } from "@ssm-access/core";
import { PlacementRequest, placeInstances } from "../src/private/placement";
import { fakeNetwork } from "./fixtures";

function place(requests: Array<PlacementRequest | undefined>, network = fakeNetwork()) {
  const v = new Validator("test", "instances");
  const subnets = placeInstances(network, requests, v);
  return { ids: subnets.map((s) => s?.id), issues: v.issues.map((i) => `${i.path}: ${i.message}`) };
}

describe("placeInstances", () => {
  describe("round-robin", () => {
    it("spreads three instances over two zones as a, b, a", () => {
      const { ids, issues } = place([{ tier: "isolated" }, { tier: "isolated" }, { tier: "isolated" }]);
      expect(ids).toEqual(["subnet-isolated-a", "subnet-isolated-b", "subnet-isolated-a"]);
      expect(issues).toEqual([]);
    });

    it("counts each tier on its own", () => {
      const { ids } = place([{ tier: "isolated" }, { tier: "private" }, { tier: "isolated" }, { tier: "private" }]);
      expect(ids).toEqual(["subnet-isolated-a", "subnet-private-a", "subnet-isolated-b", "subnet-private-b"]);
    });

    it("follows the network's zone order over three zones", () => {
      const network = fakeNetwork({ availabilityZones: ["eu-west-1c", "eu-west-1a", "eu-west-1b"] });
      const { ids } = place(
        [{ tier: "isolated" }, { tier: "isolated" }, { tier: "isolated" }, { tier: "isolated" }],
        network,
      );
      expect(ids).toEqual(["subnet-isolated-c", "subnet-isolated-a", "subnet-isolated-b", "subnet-isolated-c"]);
    });

    it("does not count pinned instances, so appending one never moves the others", () => {
      const { ids } = place([
        { tier: "isolated", availabilityZone: "eu-west-1b" },
        { tier: "isolated" },
        { tier: "isolated" },
      ]);
      expect(ids).toEqual(["subnet-isolated-b", "subnet-isolated-a", "subnet-isolated-b"]);
    });
  });

  describe("pinned zones", () => {
    it("puts an instance in the tier's subnet of its zone", () => {
      expect(place([{ tier: "private", availabilityZone: "eu-west-1b" }]).ids).toEqual(["subnet-private-b"]);
    });

    it("reports a zone the tier has no subnet in, with the zones it has", () => {
      const { ids, issues } = place([{ tier: "isolated" }, { tier: "isolated", availabilityZone: "eu-west-1c" }]);
      expect(ids).toEqual(["subnet-isolated-a", undefined]);
      expect(issues).toEqual([
        "instances[1].availabilityZone: eu-west-1c has no isolated subnet; the isolated subnets are in eu-west-1a, eu-west-1b",
      ]);
    });
  });

  describe("tiers", () => {
    it("reports a tier the network has no subnets in", () => {
      const { ids, issues } = place([{ tier: "private" }], fakeNetwork({ tiers: ["isolated"] }));
      expect(ids).toEqual([undefined]);
      expect(issues).toEqual(["instances[0].tier: the network has no private subnets"]);
    });

    it("skips requests already found invalid, keeping the others' indexes", () => {
      const { ids, issues } = place([undefined, { tier: "isolated" }]);
      expect(ids).toEqual([undefined, "subnet-isolated-a"]);
      expect(issues).toEqual([]);
    });
  });
});
