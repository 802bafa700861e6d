import { renderPath } from "@ssm-access/terraform-kit";
import { buildReview, SOURCE_RULES } from "../../src/report";
import { diffEnvironments } from "../../src/report/environment-diff";

import { ENV_FILE, change, fixture, inputOf, planOf, stackOf } from "./support";

type Env = Record<string, unknown>;

const base = fixture("prod.base.json") as Env;

function edit(update: (env: Env) => void): Env {
  const env = JSON.parse(JSON.stringify(base)) as Env;
  update(env);
  return env;
}

function rendered(baseEnv: unknown, headEnv: unknown): { base?: string; head?: string }[] {
  return diffEnvironments(baseEnv, headEnv).map((c) => ({
    ...(c.base ? { base: renderPath(c.base) } : {}),
    ...(c.head ? { head: renderPath(c.head) } : {}),
  }));
}

describe("environment diff", () => {
  it("gives plain list elements removed and added by value, a reordered list whole, and map keys one by one", () => {
    const withPorts = (ports: number[]) => edit((env) => ((env.operatorAccess as Env).portForwarding = { ports }));
    expect(rendered(withPorts([8080, 5432, 9000]), withPorts([8080, 9000, 3000]))).toEqual([
      { base: "operatorAccess.portForwarding.ports[1]" },
      { head: "operatorAccess.portForwarding.ports[2]" },
    ]);
    expect(rendered(withPorts([8080, 5432]), withPorts([5432, 8080]))).toEqual([
      { base: "operatorAccess.portForwarding.ports", head: "operatorAccess.portForwarding.ports" },
    ]);
    const tagged = edit((env) => {
      (env.tags as Env).CostCenter = "shared";
      (env.tags as Env).Team = "platform";
      delete (env.tags as Env).Owner;
    });
    expect(rendered(base, tagged)).toEqual([
      { base: "tags.Owner", head: "tags.Owner" },
      { base: "tags.CostCenter", head: "tags.CostCenter" },
      { base: "tags.Team", head: "tags.Team" },
    ]);
  });

  it("gives leaf fields, plain list elements, and named items matched by name", () => {
    const head = edit((env) => {
      (env.network as Env).cidr = "10.30.0.0/16";
      (env.network as Env).availabilityZones = ["eu-west-1a", "eu-west-1b"];
      const instances = env.instances as Env[];
      instances[1] = { ...instances[1], name: "db-1" };
      instances.unshift({ name: "bastion-0" });
      instances[1].instanceType = "t3.micro";
      (env.operatorAccess as Env).portForwarding = { ports: [8080] };
    });
    expect(rendered(base, head)).toEqual([
      { base: "network.cidr", head: "network.cidr" },
      { base: "network.availabilityZones[2]" },
      { base: "instances[0].instanceType", head: "instances[1].instanceType" },
      { base: "instances[1]" },
      { head: "instances[0]" },
      { head: "instances[2]" },
      { base: "operatorAccess.portForwarding", head: "operatorAccess.portForwarding" },
    ]);
  });

  it("ignores $schema", () => {
    expect(rendered(base, { ...base, $schema: "other.json" })).toEqual([]);
  });
});

describe("source tracing", () => {
  const stack = stackOf({
    "aws_vpc.network": "Network/Resource",
    "aws_subnet.network_isolated_subnet_c": "Network/IsolatedSubnetC",
    "aws_vpc_endpoint.network_endpoints_ssm_endpoint": "Network/Endpoints/SsmEndpoint",
    "aws_instance.instances_app_1": "Instances/app-1/Resource",
    "aws_instance.instances_app_2": "Instances/app-2/Resource",
    "aws_iam_role_policy.instance_role_policy": "InstanceRole/Policy",
    "aws_ssm_maintenance_window.maintenance_patching_maintenance_window": "Maintenance/Patching/MaintenanceWindow",
  });

  function sourceOf(
    head: Env,
    changes: Record<string, unknown>[],
    extra: { configResources?: Record<string, unknown>[]; baseFile?: string } = {},
  ) {
    const review = buildReview(
      inputOf(planOf({ changes, configResources: extra.configResources }), {
        stackJson: stack,
        baseStackJson: stack,
        environment: { file: ENV_FILE, json: head },
        baseEnvironment: { file: extra.baseFile ?? ENV_FILE, json: base },
        provenance: { kind: "emulated-baseline", base: "main (1a2b3c4)" },
      }),
    );
    return Object.fromEntries(review.changes.map((c) => [c.address, c.source]));
  }

  it("picks the one changed field under the rule's field", () => {
    const head = edit((env) => ((env.network as Env).endpoints = { availabilityZoneCount: 2 }));
    const sources = sourceOf(head, [
      change({
        address: "aws_vpc_endpoint.network_endpoints_ssm_endpoint",
        actions: ["update"],
        before: { subnet_ids: ["a", "b", "c"] },
        after: { subnet_ids: ["a", "b"] },
      }),
    ]);
    expect(sources["aws_vpc_endpoint.network_endpoints_ssm_endpoint"]).toEqual({
      file: ENV_FILE,
      field: "network.endpoints.availabilityZoneCount",
      before: 3,
      after: 2,
    });
  });

  it("picks the most specific common field when several changed", () => {
    const head = edit((env) => {
      const app = (env.instances as Env[])[0];
      app.instanceType = "t3.micro";
      app.detailedMonitoring = true;
    });
    const sources = sourceOf(head, [
      change({
        address: "aws_instance.instances_app_1",
        actions: ["update"],
        before: { instance_type: "t3.nano", monitoring: false },
        after: { instance_type: "t3.micro", monitoring: true },
      }),
    ]);
    expect(sources["aws_instance.instances_app_1"]?.field).toBe("instances[0]");
  });

  it("falls back to the parent object, then to a changed global field", () => {
    const zones = edit((env) => ((env.network as Env).availabilityZones = ["eu-west-1a", "eu-west-1b"]));
    expect(
      sourceOf(zones, [
        change({
          address: "aws_subnet.network_isolated_subnet_c",
          actions: ["delete"],
          before: { cidr_block: "10.20.160.0/20" },
        }),
      ])["aws_subnet.network_isolated_subnet_c"]?.field,
    ).toBe("network.availabilityZones[2]");
    expect(
      sourceOf(zones, [change({ address: "aws_subnet.network_isolated_subnet_c", actions: ["delete"] })])[
        "aws_subnet.network_isolated_subnet_c"
      ],
    ).toEqual({ file: ENV_FILE, field: "network.availabilityZones[2]", before: "eu-west-1c" });
    const tags = edit((env) => ((env.tags as Env).CostCenter = "shared"));
    expect(
      sourceOf(tags, [
        change({
          address: "aws_vpc.network",
          actions: ["update"],
          before: { tags_all: { CostCenter: "prod" } },
          after: { tags_all: { CostCenter: "shared" } },
        }),
      ])["aws_vpc.network"]?.field,
    ).toBe("tags.CostCenter");
  });

  it("uses fields the resources also depend on: the instance role's statements follow session logging", () => {
    const head = edit((env) => ((env.sessionLogging as Env).encryptSessions = false));
    const sources = sourceOf(head, [
      change({
        address: "aws_iam_role_policy.instance_role_policy",
        actions: ["update"],
        before: { policy: "{}" },
        after: { policy: "[]" },
      }),
    ]);
    expect(sources["aws_iam_role_policy.instance_role_policy"]?.field).toBe("sessionLogging.encryptSessions");
  });

  it("names the base file for what is deleted", () => {
    const head = edit((env) => (env.instances as Env[]).pop());
    const sources = sourceOf(
      head,
      [change({ address: "aws_instance.instances_app_2", actions: ["delete"], before: { instance_type: "t3.nano" } })],
      { baseFile: "apps/infra/environments/prod.base.json" },
    );
    expect(sources["aws_instance.instances_app_2"]).toEqual({
      file: "apps/infra/environments/prod.base.json",
      field: "instances[1]",
      before: { name: "app-2", instanceType: "t3.nano", tier: "isolated" },
    });
  });

  it("survives reference cycles", () => {
    const head = edit((env) => ((env.maintenance as Env).patching = { mode: "scan" }));
    const cyclic = [
      change({
        address: "aws_instance.instances_app_1",
        actions: ["delete", "create"],
        before: {},
        after: {},
        replacePaths: [["user_data"]],
      }),
      change({
        address: "aws_instance.instances_app_2",
        actions: ["delete", "create"],
        before: {},
        after: {},
        replacePaths: [["user_data"]],
      }),
    ];
    const sources = sourceOf(head, cyclic, {
      configResources: [
        {
          address: "aws_instance.instances_app_1",
          expressions: {
            user_data: { references: ["aws_instance.instances_app_2.id", "aws_instance.instances_app_2"] },
          },
        },
        {
          address: "aws_instance.instances_app_2",
          expressions: {
            user_data: { references: ["aws_instance.instances_app_1.id", "aws_instance.instances_app_1"] },
          },
        },
      ],
    });
    expect(sources["aws_instance.instances_app_1"]?.field).toBe("instances[0]");
    expect(sources["aws_instance.instances_app_2"]?.field).toBe("instances[1]");
  });

  it("without a base file (a saved plan), uses the rule's field", () => {
    const review = buildReview(
      inputOf(
        planOf({
          changes: [
            change({
              address: "aws_instance.instances_app_2",
              actions: ["update"],
              before: { instance_type: "t3.nano" },
              after: { instance_type: "t3.micro" },
            }),
            change({
              address: "aws_ssm_maintenance_window.maintenance_patching_maintenance_window",
              actions: ["update"],
              before: { duration: 3 },
              after: { duration: 4 },
            }),
            change({
              address: "aws_iam_role_policy.instance_role_policy",
              actions: ["update"],
              before: { policy: "{}" },
              after: { policy: "[]" },
            }),
          ],
        }),
        { stackJson: stack },
      ),
    );
    expect(review.changes.map((c) => c.source?.field)).toEqual(["instances[1]", "maintenance", "project"]);
  });

  it("has a rule for every top-level construct of the stack", () => {
    const paths = [
      "Network/Resource",
      "Instances/SecurityGroup",
      "Instances/app-1/Resource",
      "InstanceRole/Resource",
      "SessionLogging/Key",
      "OperatorAccess/Resource",
      "Maintenance/AgentUpdate/Resource",
    ];
    for (const path of paths) expect(SOURCE_RULES.some((rule) => rule.pattern.test(path))).toBe(true);
  });
});
