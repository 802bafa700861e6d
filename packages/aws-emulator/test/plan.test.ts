import { EMULATOR_ARTIFACTS } from "../src/allowlist";
import {
  PlanJson,
  changesOf,
  describeChanges,
  differingPaths,
  pathUnder,
  unexplainedChanges,
  withoutArtifacts,
} from "../src/plan";

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

describe("withoutArtifacts", () => {
  const rule = (description: string, cidr = "10.0.0.0/16") => ({ description, cidr_ipv4: cidr });
  const update = (address: string, before: unknown, after: unknown) => ({
    address,
    type: address.split(".")[0],
    change: { actions: ["update"], before, after, after_unknown: {} },
  });
  const plan = {
    format_version: "1.2",
    resource_changes: [
      update("aws_vpc_security_group_egress_rule.s3", rule("S3"), rule("S3 gateway")),
      update("aws_vpc_security_group_egress_rule.both", rule("a"), rule("b", "10.1.0.0/16")),
    ],
    resource_drift: [
      update("aws_vpc_security_group_egress_rule.s3", rule("S3 gateway"), rule("")),
      update("aws_security_group.instances", { ingress: [] }, { ingress: [{ from_port: 22 }] }),
    ],
  };

  it("makes a change only an artifact explains a no-op, keeps every other change and the plan's other fields", () => {
    const result = withoutArtifacts(plan, EMULATOR_ARTIFACTS);
    expect(result.format_version).toBe("1.2");
    expect(result.resource_changes?.[0].change).toMatchObject({ actions: ["no-op"], after: rule("S3") });
    expect(result.resource_changes?.[1]).toEqual(plan.resource_changes[1]);
    expect(changesOf(result).map((c) => c.address)).toEqual(["aws_vpc_security_group_egress_rule.both"]);
  });

  it("drops drift only an artifact explains, and keeps real drift", () => {
    expect(withoutArtifacts(plan, EMULATOR_ARTIFACTS).resource_drift?.map((d) => d.address)).toEqual([
      "aws_security_group.instances",
    ]);
    expect(withoutArtifacts(plan, []).resource_drift).toHaveLength(2);
  });
});
