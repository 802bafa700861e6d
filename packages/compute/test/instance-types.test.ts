import {
  KNOWN_INSTANCE_TYPES,
  MIN_MAINTENANCE_MEMORY_MIB,
  SUPPORTED_INSTANCE_FAMILIES,
  instanceTypeMemoryMiB,
  instanceTypeProblem,
  isArm64InstanceType,
} from "../src";

describe("instance types", () => {
  describe("instanceTypeMemoryMiB", () => {
    it.each<[string, number]>([
      ["t3.nano", 512],
      ["t3.micro", 1024],
      ["t4g.small", 2048],
      ["m5.large", 8192],
      ["c5.9xlarge", 73728],
      ["c6g.medium", 2048],
      ["r7i.metal-48xl", 1572864],
      ["m7i-flex.8xlarge", 131072],
    ])("gives %p %p MiB, as EC2 lists it", (type, mib) => {
      expect(instanceTypeMemoryMiB(type)).toBe(mib);
    });

    it.each(["t3.mega", "x1.large", "t3", ".micro"])("knows nothing of %p", (type) => {
      expect(instanceTypeMemoryMiB(type)).toBeUndefined();
    });
  });

  it("lists every size of every supported family, and only the nano sizes under the maintenance floor", () => {
    expect(new Set(KNOWN_INSTANCE_TYPES.map((t) => t.slice(0, t.indexOf("."))))).toEqual(
      new Set(SUPPORTED_INSTANCE_FAMILIES),
    );
    expect(
      KNOWN_INSTANCE_TYPES.filter((t) => (instanceTypeMemoryMiB(t) ?? Infinity) < MIN_MAINTENANCE_MEMORY_MIB),
    ).toEqual(["t2.nano", "t3.nano", "t3a.nano", "t4g.nano"]);
  });

  it("tells Graviton types by family", () => {
    expect(["t4g.micro", "m7g.large", "c6g.medium", "t3.micro", "m7i.large"].map(isArm64InstanceType)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  describe("instanceTypeProblem", () => {
    it("accepts every known type", () => {
      expect(KNOWN_INSTANCE_TYPES.filter((t) => instanceTypeProblem(t) !== undefined)).toEqual([]);
    });

    it("suggests the nearest type within two edits, and none further away", () => {
      expect(instanceTypeProblem("t3.larg")).toMatch(/\(did you mean t3\.large\?\)/);
      expect(instanceTypeProblem("c7i.48xlarg")).toMatch(/\(did you mean c7i\.48xlarge\?\)/);
      expect(instanceTypeProblem("zz9.large")).not.toMatch(/did you mean/);
    });
  });
});
