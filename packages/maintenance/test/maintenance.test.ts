import { TerraformResource, TerraformStack, Testing } from "cdktf";
import { SsmAssociation as TfSsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmMaintenanceWindow as TfSsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTask as TfSsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import { ValidationError, partitionForRegion } from "@ssm-access/core";
import {
  TerraformJson,
  configsOf,
  onlyOf,
  providersOf,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
  offProvider,
} from "@ssm-access/core/testing";
import { InstanceMaintenance, InstanceMaintenanceProps } from "../src/maintenance";
import { SsmAgentUpdate } from "../src/agent-update";
import { PatchManagement } from "../src/patching";

const base: InstanceMaintenanceProps = { namePrefix: "ssm-dev", target: { key: "Environment", value: "dev" } };

function synth(props: Partial<InstanceMaintenanceProps> = {}): TerraformJson {
  return synthJson((scope) => new InstanceMaintenance(scope, "Maintenance", { ...base, ...props }));
}

function build(props: Partial<InstanceMaintenanceProps>): () => void {
  return () => synthJson((scope) => new InstanceMaintenance(scope, "Maintenance", { ...base, ...props } as InstanceMaintenanceProps));
}

function associationNamed(json: TerraformJson, name: string): Record<string, unknown> | undefined {
  return configsOf(json, TfSsmAssociation).find((a) => a.association_name === name);
}

describe("InstanceMaintenance", () => {
  describe("with only a name prefix and a target", () => {
    const json = synth();

    it("keeps the SSM Agent updated every 14 days", () => {
      const agent = associationNamed(json, "ssm-dev-ssm-agent-update");
      expect(agent).toMatchObject({ name: "AWS-UpdateSSMAgent", schedule_expression: "rate(14 days)" });
    });

    it("scans for missing patches daily and installs nothing", () => {
      const scan = associationNamed(json, "ssm-dev-patch-scan");
      expect(scan).toMatchObject({ name: "AWS-RunPatchBaseline", parameters: { Operation: "Scan" }, schedule_expression: "cron(0 3 ? * * *)" });
      expect(resourcesOf(json, TfSsmMaintenanceWindow)).toEqual({});
    });

    it("targets both by the same tag", () => {
      expect(configsOf(json, TfSsmAssociation).map((a) => a.targets)).toEqual([
        [{ key: "tag:Environment", values: ["dev"] }],
        [{ key: "tag:Environment", values: ["dev"] }],
      ]);
    });

    it("keeps stable logical ids under AgentUpdate and Patching", () => {
      expect(Object.keys(resourcesOf(json, TfSsmAssociation))).toEqual([
        expect.stringMatching(/^Maintenance_AgentUpdate_[0-9A-F]{8}$/),
        expect.stringMatching(/^Maintenance_Patching_ScanAssociation_[0-9A-F]{8}$/),
      ]);
    });
  });

  describe("as production uses it", () => {
    const json = synth({
      namePrefix: "ssm-prod",
      target: { key: "Environment", value: "prod" },
      agentUpdate: { schedule: "rate(7 days)" },
      patching: { mode: "install", schedule: "cron(0 2 ? * SUN *)", window: { timezone: "Europe/Berlin", duration: 4 } },
      outputS3: { bucketName: "ssm-prod-transcripts", keyPrefix: "maintenance" },
    });

    it("installs patches in the weekly window", () => {
      expect(onlyOf(json, TfSsmMaintenanceWindow)).toMatchObject({
        name: "ssm-prod-patch-window",
        schedule: "cron(0 2 ? * SUN *)",
        schedule_timezone: "Europe/Berlin",
        duration: 4,
        cutoff: 1,
      });
      expect(onlyOf(json, TfSsmMaintenanceWindowTask).task_arn).toBe("AWS-RunPatchBaseline");
    });

    it("passes the agent update schedule through", () => {
      expect(associationNamed(json, "ssm-prod-ssm-agent-update")?.schedule_expression).toBe("rate(7 days)");
    });

    it("writes the output of every command to its own folder in the bucket", () => {
      expect(associationNamed(json, "ssm-prod-ssm-agent-update")?.output_location).toEqual({
        s3_bucket_name: "ssm-prod-transcripts",
        s3_key_prefix: "maintenance/agent-update",
      });
      expect(associationNamed(json, "ssm-prod-patch-scan")?.output_location).toEqual({
        s3_bucket_name: "ssm-prod-transcripts",
        s3_key_prefix: "maintenance/patch-scan",
      });
      const run = (onlyOf(json, TfSsmMaintenanceWindowTask).task_invocation_parameters as { run_command_parameters: Record<string, unknown> })
        .run_command_parameters;
      expect(run).toMatchObject({ output_s3_bucket: "ssm-prod-transcripts", output_s3_key_prefix: "maintenance/patch-install" });
    });
  });

  it("with the agent update disabled, creates only the patching resources", () => {
    const json = synth({ agentUpdate: { enabled: false } });
    expect(configsOf(json, TfSsmAssociation).map((a) => a.association_name)).toEqual(["ssm-dev-patch-scan"]);
  });

  it("with patching off, creates only the agent update", () => {
    const json = synth({ patching: { mode: "off" } });
    expect(configsOf(json, TfSsmAssociation).map((a) => a.association_name)).toEqual(["ssm-dev-ssm-agent-update"]);
    expect(resourcesOf(json, TfSsmMaintenanceWindow)).toEqual({});
  });

  it("with everything off, creates nothing", () => {
    const json = synth({ agentUpdate: { enabled: false }, patching: { mode: "off" } });
    expect(json.resource ?? {}).toEqual({});
  });

  describe("its public members", () => {
    const stack = new TerraformStack(Testing.app(), "Stack");
    const withOutput = new InstanceMaintenance(stack, "WithOutput", { ...base, outputS3: { bucketName: "logs", keyPrefix: "ops" } });
    const without = new InstanceMaintenance(stack, "Without", { ...base, agentUpdate: { enabled: false }, patching: { mode: "off" } });

    it("expose the agent update and the patching constructs", () => {
      expect(withOutput.agentUpdate).toBeInstanceOf(SsmAgentUpdate);
      expect(withOutput.patching).toBeInstanceOf(PatchManagement);
      expect(withOutput.patching?.mode).toBe("scan");
      expect(without.agentUpdate).toBeUndefined();
      expect(without.patching).toBeUndefined();
    });

    it("give the statement the instance role needs to upload output", () => {
      expect(withOutput.outputWriteStatement(partitionForRegion("us-gov-west-1"))).toEqual({
        Sid: "WriteMaintenanceOutput",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: ["arn:aws-us-gov:s3:::logs/ops/*"],
      });
      expect(without.outputWriteStatement("aws")).toBeUndefined();
    });
  });

  describe("validation", () => {
    it("rejects an unknown patching mode", () => {
      expect(build({ patching: { mode: "auto" as never } })).toThrow(/patching\.mode: "auto" is not one of scan, install, off/);
    });

    it("reports patch window problems under patching.window", () => {
      expect(build({ patching: { mode: "install", window: { duration: 2, cutoff: 2 } } })).toThrow(
        /patching\.window\.cutoff: 2 must be less than the duration \(2\)/,
      );
    });

    it("reports a bad scan schedule under patching.schedule", () => {
      expect(build({ patching: { mode: "scan", schedule: "nightly" } })).toThrow(/patching\.schedule: "nightly" is not a rate/);
    });

    it("reports agent update problems under agentUpdate", () => {
      expect(build({ agentUpdate: { schedule: "rate(5 minutes)", maxConcurrency: "0" } })).toThrow(
        /agentUpdate\.schedule: "rate\(5 minutes\)": associations run at most every 30 minutes\n.*agentUpdate\.maxConcurrency: "0"/,
      );
    });

    it("rejects an enabled flag that is not a boolean", () => {
      expect(build({ agentUpdate: { enabled: "yes" as never } })).toThrow(/agentUpdate\.enabled: "yes" is not true or false/);
    });

    it("does not check the options of a disabled agent update", () => {
      expect(build({ agentUpdate: { enabled: false, schedule: "never" } })).not.toThrow();
    });

    it("does not check the options of patching that is off", () => {
      expect(build({ patching: { mode: "off", schedule: "never" } })).not.toThrow();
    });

    it("rejects a name prefix too long for the derived names", () => {
      expect(build({ namePrefix: `s${"x".repeat(120)}` })).toThrow(/namePrefix: is too long: the name "[^"]+" would exceed 128 characters/);
    });

    it("rejects a tag key with the tag: prefix", () => {
      expect(build({ target: { key: "tag:Environment", value: "dev" } })).toThrow(/target\.key: "tag:Environment" must not start with "tag:"/);
    });

    it("rejects an output key prefix starting with a slash", () => {
      expect(build({ outputS3: { bucketName: "logs", keyPrefix: "/ops" } })).toThrow(/outputS3\.keyPrefix: "\/ops" must not start with "\/"/);
    });

    it("lists every problem of every part in one error before creating anything", () => {
      const stack = new TerraformStack(Testing.app(), "Stack");
      let caught: unknown;
      try {
        new InstanceMaintenance(stack, "Maintenance", {
          ...base,
          target: { key: "", value: "dev" },
          agentUpdate: { maxErrors: "x" },
          patching: { mode: "install", window: { duration: 0 } },
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).subject).toBe("Stack/Maintenance");
      expect((caught as ValidationError).issues.map((i) => i.path)).toEqual([
        "target.key",
        "agentUpdate.maxErrors",
        "patching.window.duration",
      ]);
      expect(stack.node.findAll().some((c) => c instanceof TerraformResource)).toBe(false);
    });
  });

  describe("with a provider", () => {
    it("creates every resource of the agent update and patching with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        new InstanceMaintenance(scope, "Maintenance", { ...base, patching: { mode: "install" }, provider });
      });
      // agent update, between-windows scan, window, window target, install task
      expect(Object.keys(providersOf(json))).toHaveLength(5);
      expect(offProvider(json)).toEqual({});
    });
  });
});

