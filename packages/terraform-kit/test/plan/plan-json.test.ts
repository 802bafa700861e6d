import { checkPlanJson, parsePlanJson } from "../../src/plan/plan-json";
import { configResources, planAction, resourceAddress } from "../../src/plan/actions";
import { renderPath } from "../../src/plan/paths";

const change = (address: string, actions: string[]) => ({ address, type: address.split(".")[0], change: { actions } });

describe("plan JSON", () => {
  describe("checkPlanJson", () => {
    it.each([
      ["not an object", "plan", /^plan: not a JSON object/],
      ["no format_version", { resource_changes: [] }, /^plan: format_version is missing$/],
      ["a newer major format", { format_version: "2.0", resource_changes: [] }, /^plan: format_version is 2\.0/],
      ["a state, not a plan", { format_version: "1.0", values: {} }, /^plan: resource_changes is missing/],
      [
        "resource_changes not a list",
        { format_version: "1.2", resource_changes: {} },
        /^plan: resource_changes is not a list$/,
      ],
      [
        "an entry without actions",
        {
          format_version: "1.2",
          resource_changes: [change("aws_vpc.a", ["create"]), { address: "aws_vpc.b", type: "aws_vpc", change: {} }],
        },
        /^plan: resource_changes\[1\]\.change\.actions is missing$/,
      ],
      [
        "drift with a type that is not a string",
        {
          format_version: "1.2",
          resource_changes: [],
          resource_drift: [{ ...change("aws_vpc.a", ["update"]), type: 3 }],
        },
        /^plan: resource_drift\[0\]\.type is not a string$/,
      ],
      [
        "a replace path that is not a path",
        {
          format_version: "1.2",
          resource_changes: [{ address: "a.b", type: "a", change: { actions: ["update"], replace_paths: ["x"] } }],
        },
        /^plan: resource_changes\[0\]\.change\.replace_paths\[0\] is not a list of attribute names and indexes$/,
      ],
      [
        "an output change without actions",
        { format_version: "1.2", resource_changes: [], output_changes: { vpc_id: { before: "a" } } },
        /^plan: output_changes\.vpc_id\.actions is missing$/,
      ],
      [
        "a configured resource without an address",
        { format_version: "1.2", resource_changes: [], configuration: { root_module: { resources: [{}] } } },
        /^plan: configuration\.root_module\.resources\[0\]\.address is missing$/,
      ],
    ])("rejects %s, naming the field", (_name, plan, message) => {
      expect(() => checkPlanJson(plan)).toThrow(message);
    });

    it("accepts a plan and returns it as it is", () => {
      const plan = { format_version: "1.2", resource_changes: [change("aws_vpc.a", ["create"])] };
      expect(checkPlanJson(plan)).toBe(plan);
    });
  });

  describe("parsePlanJson", () => {
    it("skips what Terraform printed before the JSON", () => {
      const plan = parsePlanJson(`note\n${JSON.stringify({ format_version: "1.2", resource_changes: [] })}\n`);
      expect(plan.resource_changes).toEqual([]);
    });

    it("says when there is no plan in the output", () => {
      expect(() => parsePlanJson("Error: no plan", "terraform show -json x.tfplan")).toThrow(
        /^terraform show -json x\.tfplan printed no plan: Error: no plan$/,
      );
      expect(() => parsePlanJson("{ not json")).toThrow(/printed no valid JSON/);
    });
  });

  describe("planAction", () => {
    it.each([
      [["no-op"], "no-op"],
      [["create"], "create"],
      [["update"], "update"],
      [["delete"], "delete"],
      [["delete", "create"], "replace"],
      [["create", "delete"], "replace"],
      [["read"], "read"],
      [["forget"], "no-op"],
    ])("%j is %s", (actions, expected) => {
      expect(planAction(actions)).toBe(expected);
    });
  });

  describe("accessors", () => {
    it("drops the instance key of an address", () => {
      expect(resourceAddress("aws_subnet.a[0]")).toBe("aws_subnet.a");
      expect(resourceAddress('aws_ec2_tag.x["Owner"]')).toBe("aws_ec2_tag.x");
      expect(resourceAddress("aws_vpc.main")).toBe("aws_vpc.main");
    });

    it("indexes the configured resources by address", () => {
      const resources = [{ address: "aws_vpc.main", expressions: { cidr_block: { constant_value: "10.0.0.0/16" } } }];
      expect(configResources({ configuration: { root_module: { resources } } }).get("aws_vpc.main")).toBe(resources[0]);
      expect(configResources({}).size).toBe(0);
    });

    it("renders attribute paths as Terraform names them", () => {
      expect(renderPath(["launch_template", 0, "id"])).toBe("launch_template[0].id");
      expect(renderPath(["tags", "a/b"])).toBe('tags["a/b"]');
      expect(renderPath([])).toBe("");
    });
  });
});
