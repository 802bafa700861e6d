import { ResourceReview, Review, buildReview, exitCodeOf, renderMarkdown } from "../../src/report";
import { scenarioInput } from "./support";

function changeOf(review: Review, address: string): ResourceReview {
  const found = review.changes.find((c) => c.address === address);
  if (!found) throw new Error(`no change of ${address}`);
  return found;
}

describe("prod: network.cidr edited (real plan, trimmed)", () => {
  const review = buildReview(scenarioInput("cidr"));

  it("counts every delete+create as a replacement", () => {
    expect(review.counts).toEqual({ create: 0, update: 0, replace: 8, delete: 0, read: 0 });
  });

  it("says which attribute forces each replacement", () => {
    expect(changeOf(review, "aws_vpc.network").replacedBecause).toEqual(["cidr_block"]);
    expect(changeOf(review, "aws_subnet.network_isolated_subnet_a").replacedBecause).toEqual(["vpc_id", "cidr_block"]);
    expect(changeOf(review, "aws_instance.instances_app_1").replacedBecause).toEqual(["subnet_id"]);
    expect(changeOf(review, "aws_vpc.network").actionReason).toBe("replace_because_cannot_update");
  });

  it("traces the whole replacement chain VPC → subnet → instance back to network.cidr", () => {
    const file = "apps/infra/environments/prod.json";
    for (const address of [
      "aws_vpc.network",
      "aws_subnet.network_isolated_subnet_a",
      "aws_instance.instances_app_1",
      "aws_route_table_association.network_isolated_route_table_association_a",
      "aws_vpc_endpoint.network_endpoints_ssmmessages_endpoint",
      "aws_flow_log.network_flow_logs",
    ]) {
      expect({ address, source: changeOf(review, address).source }).toEqual({
        address,
        source: { file, field: "network.cidr", before: "10.20.0.0/16", after: "10.30.0.0/16" },
      });
    }
  });

  it("keeps construct paths without the stack prefix", () => {
    expect(changeOf(review, "aws_vpc.network").constructPath).toBe("Network/Resource");
    expect(changeOf(review, "aws_instance.instances_app_1").constructPath).toBe("Instances/app-1/Resource");
  });

  it("notes termination protection, the root volume and interrupted sessions", () => {
    const instance = changeOf(review, "aws_instance.instances_app_1").notes.join("\n");
    expect(instance).toMatch(/termination protection does not stop Terraform from replacing this instance/i);
    expect(instance).toMatch(/root volume is deleted with the instance/);
    expect(changeOf(review, "aws_vpc_endpoint.network_endpoints_ssmmessages_endpoint").notes.join("\n")).toMatch(
      /Session Manager sessions through it are interrupted/,
    );
    expect(changeOf(review, "aws_vpc_endpoint.network_endpoints_s3_gateway").notes).toEqual([]);
  });

  it("reads the VPC's own ingress the same after the CIDR change: no security finding", () => {
    expect(review.security).toEqual([]);
  });

  it("reports output changes with unknown values as known after apply", () => {
    const cidr = review.outputs.find((o) => o.name === "vpc_cidr");
    expect(cidr).toMatchObject({ action: "update", before: "10.20.0.0/16", after: "10.30.0.0/16", sensitive: false });
    const ids = review.outputs.find((o) => o.name === "instance_ids");
    expect(ids?.after).toEqual({ "app-1": "(known after apply)", "app-2": "(known after apply)" });
  });

  it("fails on replace by default, and only says 'changes' without fail-on kinds", () => {
    expect(exitCodeOf(review)).toBe(3);
    expect(exitCodeOf(review, [])).toBe(2);
    expect(exitCodeOf(review, ["destroy"])).toBe(2);
  });

  it("renders the chain in Markdown", () => {
    const markdown = renderMarkdown(review);
    expect(markdown).toContain(
      "**`aws_vpc.network`** replace (`Network/Resource`): forced by `cidr_block`; from `prod.json` field `network.cidr`",
    );
  });
});

describe("prod: instance type, rename, session encryption off, port forwarding on (real plan, trimmed)", () => {
  const review = buildReview(scenarioInput("mixed"));

  it("counts creates, updates and deletes", () => {
    expect(review.counts).toEqual({ create: 3, update: 3, replace: 0, delete: 2, read: 0 });
  });

  it("lists the changed attributes of updates, traced to their fields", () => {
    const app1 = changeOf(review, "aws_instance.instances_app_1");
    expect(app1.changedAttributes).toEqual(["instance_type"]);
    expect(app1.source?.field).toBe("instances[0].instanceType");
    expect(changeOf(review, "aws_ssm_document.session_logging_preferences").source?.field).toBe(
      "sessionLogging.encryptSessions",
    );
    expect(changeOf(review, "aws_iam_policy.operator_access").source?.field).toBe("operatorAccess.portForwarding");
    expect(changeOf(review, "aws_ssm_document.operator_access_port_forwarding_8080").source?.field).toBe(
      "operatorAccess.portForwarding",
    );
  });

  it("notes the stop and start of an instance type change", () => {
    expect(changeOf(review, "aws_instance.instances_app_1").notes.join("\n")).toMatch(/stops and starts the instance/);
  });

  it("traces the deleted instance to its index in the base file and the new one to the head file", () => {
    expect(changeOf(review, "aws_instance.instances_app_2").source?.field).toBe("instances[1]");
    expect(changeOf(review, "aws_instance.instances_db_1").source?.field).toBe("instances[1]");
    expect(changeOf(review, "aws_instance.instances_app_2").actionReason).toBe("delete_because_no_resource_config");
  });

  it("detects the rename and offers a moved block, also in the stack notes", () => {
    const moved = "moved {\n  from = aws_instance.instances_app_2\n  to   = aws_instance.instances_db_1\n}";
    for (const address of ["aws_instance.instances_app_2", "aws_instance.instances_db_1"]) {
      const notes = changeOf(review, address).notes.join("\n");
      expect(notes).toContain(moved);
      expect(notes).toContain('resource.moveFromId("aws_instance.instances_app_2")');
      expect(notes).toMatch(/destroy and a create/);
    }
    expect(review.notes.some((n) => n.includes(moved))).toBe(true);
    // for_each instances with the same key move as whole resources
    expect(review.notes.join("\n")).toContain(
      "moved {\n  from = aws_ec2_tag.instances_app_2_root_volume_tags\n  to   = aws_ec2_tag.instances_db_1_root_volume_tags\n}",
    );
  });

  it("notes termination protection and the root volume of the deleted instance", () => {
    const notes = changeOf(review, "aws_instance.instances_app_2").notes.join("\n");
    expect(notes).toMatch(/termination protection does not stop Terraform from destroying this instance/i);
    expect(notes).toMatch(/root volume is deleted/);
  });

  it("finds port forwarding turned on, from the operator policy and the pinned document", () => {
    const finding = review.security.find((f) => f.aspect === "port-forwarding");
    expect(finding).toMatchObject({ before: "off", weakened: true });
    expect(finding?.after).toContain("port 8080");
  });

  it("finds session encryption turned off", () => {
    const finding = review.security.find((f) => f.aspect === "session-encryption");
    expect(finding).toMatchObject({ address: "aws_ssm_document.session_logging_preferences", weakened: true });
    expect(finding?.before).toContain("session data KMS-encrypted");
    expect(finding?.after).toContain("session data not KMS-encrypted");
  });

  it("diffs the operator policy statement by statement", () => {
    const finding = review.security.find(
      (f) => f.aspect === "iam-policy" && f.address === "aws_iam_policy.operator_access",
    );
    expect(finding?.weakened).toBe(true);
    expect(finding?.statements?.added).toEqual([
      expect.objectContaining({ Sid: "StartSessionWithPortForwardingDocuments", Effect: "Allow" }),
    ]);
    expect(finding?.statements?.removed).toEqual([expect.objectContaining({ Sid: "SessionKeyUse" })]);
    expect(finding?.statements?.changed).toEqual([]);
  });

  it("does not report the deleted instance's metadata options as a posture change", () => {
    expect(review.security.filter((f) => f.aspect === "imds")).toEqual([]);
  });

  it("shows statements as pretty JSON, never as escaped JSON strings", () => {
    const markdown = renderMarkdown(review);
    expect(markdown).toContain('```json\n{\n  "Action": "ssm:StartSession"');
    expect(markdown).not.toContain('\\"');
    expect(markdown).toContain("```hcl\n    moved {");
  });

  it("reports the new output", () => {
    expect(review.outputs.find((o) => o.name === "port_forwarding_documents")).toEqual({
      name: "port_forwarding_documents",
      action: "create",
      after: { "8080": "ssm-access-prod-forward-8080" },
      sensitive: false,
    });
  });

  it("fails on destroy and on security", () => {
    expect(exitCodeOf(review, ["destroy"])).toBe(3);
    expect(exitCodeOf(review, ["security"])).toBe(3);
    expect(exitCodeOf(review, ["replace"])).toBe(2);
  });
});

describe("prod: an SSH ingress rule added outside Terraform (real plan, trimmed)", () => {
  const review = buildReview(scenarioInput("drift"));

  it("keeps the drift apart from the planned changes", () => {
    expect(review.drift).toEqual([
      expect.objectContaining({
        address: "aws_security_group.instances_security_group",
        type: "aws_security_group",
        changedAttributes: expect.arrayContaining(["ingress[0]"]),
      }),
    ]);
    expect(review.drift[0].detail).toMatch(/tcp 22 from 0\.0\.0\.0\/0.*port 22 \(SSH\)/);
    expect(review.changes.map((c) => [c.address, c.action])).toEqual([
      ["aws_security_group.instances_security_group", "update"],
    ]);
  });

  it("sees the plan removing the rule: ingress changes but is not weakened", () => {
    expect(review.security).toEqual([
      expect.objectContaining({
        aspect: "ingress",
        before: "tcp 22 from 0.0.0.0/0 (anywhere)",
        after: "no ingress",
        weakened: false,
      }),
    ]);
  });

  it("exit codes per fail-on setting", () => {
    expect(exitCodeOf(review)).toBe(2);
    expect(exitCodeOf(review, ["drift"])).toBe(3);
    expect(exitCodeOf(review, ["change"])).toBe(3);
    expect(exitCodeOf(review, ["security", "destroy", "replace"])).toBe(2);
  });

  it("renders the drift section", () => {
    const markdown = renderMarkdown(review);
    const drift = markdown.slice(markdown.indexOf("### 4. Drift"), markdown.indexOf("### 5. Outputs"));
    expect(drift).toContain("- `aws_security_group.instances_security_group`: ");
    expect(drift).toContain("`ingress[0]`");
    expect(drift).toContain("opens port 22 (SSH)");
  });
});
