import { EMULATOR_ARTIFACTS } from "../src/allowlist";
import { PlanJson, changesOf, describeChanges, differingPaths, pathUnder, unexplainedChanges } from "../src/plan";

describe("differingPaths", () => {
  it("lists the leaves that differ, nested and in lists, and the values still unknown", () => {
    const before = { a: 1, tags: { Name: "x", Keep: "k" }, rules: [{ port: 443, description: "d" }] };
    const after = { a: 1, tags: { Name: "y", Keep: "k" }, rules: [{ port: 443 }], id: null };
    expect(differingPaths(before, after, { id: true })).toEqual(["id", "rules[0].description", "tags.Name"]);
  });

  it("treats an empty list and a missing one alike", () => {
    expect(differingPaths({ a: [] }, { a: null })).toEqual([]);
    expect(differingPaths({ a: [] }, {})).toEqual([]);
  });
});

describe("pathUnder", () => {
  it("matches the path itself and what is below it, not siblings sharing a prefix", () => {
    expect(pathUnder("tags", "tags")).toBe(true);
    expect(pathUnder("tags.Name", "tags")).toBe(true);
    expect(pathUnder("tag_specifications[0].tags", "tag_specifications")).toBe(true);
    expect(pathUnder("tags_all", "tags")).toBe(false);
  });
});

const plan: PlanJson = {
  resource_changes: [
    { address: "aws_vpc.network", type: "aws_vpc", change: { actions: ["no-op"], before: {}, after: {} } },
    {
      address: "aws_instance.app",
      type: "aws_instance",
      change: {
        actions: ["delete", "create"],
        before: { associate_public_ip_address: true, instance_type: "t3.nano" },
        after: { associate_public_ip_address: false, instance_type: "t3.nano" },
        after_unknown: { id: true, arn: true },
        replace_paths: [["associate_public_ip_address"]],
      },
    },
    {
      address: "aws_instance.app_2",
      type: "aws_instance",
      change: {
        actions: ["update"],
        before: { associate_public_ip_address: true, instance_type: "t3.nano" },
        after: { associate_public_ip_address: false, instance_type: "t3.micro" },
      },
    },
    {
      address: "aws_subnet.c",
      type: "aws_subnet",
      change: { actions: ["create"], before: null, after: { cidr_block: "10.0.0.0/24" } },
    },
  ],
};

describe("changesOf and unexplainedChanges", () => {
  it("keeps real changes and explains only differences listed for their resource type", () => {
    const changes = changesOf(plan);
    expect(describeChanges(changes)).toBe(
      [
        "replace aws_instance.app (associate_public_ip_address)",
        "update aws_instance.app_2 (associate_public_ip_address, instance_type)",
        "create aws_subnet.c",
      ].join("\n"),
    );
    const allow = [{ type: "aws_instance", path: "associate_public_ip_address", reason: "test" }];
    expect(unexplainedChanges(changes, allow).map((c) => c.address)).toEqual(["aws_instance.app_2", "aws_subnet.c"]);
    expect(unexplainedChanges(changes, [{ ...allow[0], type: "aws_launch_template" }]).map((c) => c.address)).toEqual([
      "aws_instance.app",
      "aws_instance.app_2",
      "aws_subnet.c",
    ]);
  });

  it("explains nothing without an allowlist", () => {
    expect(unexplainedChanges(changesOf(plan), [])).toHaveLength(3);
  });

  it("gives every allowlisted artifact a reason", () => {
    for (const artifact of EMULATOR_ARTIFACTS) expect(artifact.reason.length).toBeGreaterThan(40);
  });
});
