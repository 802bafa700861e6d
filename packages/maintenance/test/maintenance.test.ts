import { TerraformResource, TerraformStack, Testing } from "cdktf";
import { SsmAssociation as TfSsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmMaintenanceWindow as TfSsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTask as TfSsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import { SsmMaintenanceWindowTarget as TfSsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmDocument as TfSsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { ValidationError } from "@ssm-access/core";
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
import { ReleaseUpgrade } from "../src/release-upgrade";
import { bucketRef } from "./fixtures";

const base: InstanceMaintenanceProps = { namePrefix: "ssm-dev", target: { key: "Environment", value: "dev" } };

function synth(props: Partial<InstanceMaintenanceProps> = {}): TerraformJson {
  return synthJson((scope) => new InstanceMaintenance(scope, "Maintenance", { ...base, ...props }));
}

function build(props: Partial<InstanceMaintenanceProps>): () => void {
  return () =>
    synthJson(
      (scope) => new InstanceMaintenance(scope, "Maintenance", { ...base, ...props } as InstanceMaintenanceProps),
    );
}

function associationNamed(json: TerraformJson, name: string): Record<string, unknown> | undefined {
  return configsOf(json, TfSsmAssociation).find((a) => a.association_name === name);
}

function taskNamed(json: TerraformJson, name: string): Record<string, unknown> {
  const task = configsOf(json, TfSsmMaintenanceWindowTask).find((t) => t.name === name);
  if (!task) throw new Error(`no window task ${name}`);
  return task;
}

function runCommandOf(
  task: Record<string, unknown>,
): { parameter: Array<{ name: string; values: string[] }> } & Record<string, unknown> {
  return (
    task.task_invocation_parameters as {
      run_command_parameters: { parameter: Array<{ name: string; values: string[] }> } & Record<string, unknown>;
    }
  ).run_command_parameters;
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
      expect(scan).toMatchObject({
        name: "AWS-RunPatchBaseline",
        parameters: { Operation: "Scan" },
        schedule_expression: "cron(0 3 ? * * *)",
      });
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
      patching: {
        mode: "install",
        schedule: "cron(0 2 ? * SUN *)",
        window: { timezone: "Europe/Berlin", duration: 4 },
      },
      outputS3: { bucket: bucketRef("ssm-prod-transcripts"), keyPrefix: "maintenance" },
      region: "eu-west-1",
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
      const run = (
        onlyOf(json, TfSsmMaintenanceWindowTask).task_invocation_parameters as {
          run_command_parameters: Record<string, unknown>;
        }
      ).run_command_parameters;
      expect(run).toMatchObject({
        output_s3_bucket: "ssm-prod-transcripts",
        output_s3_key_prefix: "maintenance/patch-install",
      });
    });
  });

  describe("with osRelease and patching in scan mode, as development uses it", () => {
    const json = synth({ osRelease: "2023.9.20251117" });

    it("opens a daily window of its own for the release upgrade, an hour before the scan", () => {
      expect(onlyOf(json, TfSsmMaintenanceWindow)).toMatchObject({
        name: "ssm-dev-release-window",
        schedule: "cron(0 2 ? * * *)",
      });
      expect(associationNamed(json, "ssm-dev-patch-scan")?.schedule_expression).toBe("cron(0 3 ? * * *)");
    });

    it("runs its own document there with the pinned release, one instance at a time", () => {
      const task = onlyOf(json, TfSsmMaintenanceWindowTask);
      expect(task.task_arn).toBe(`\${aws_ssm_document.${Object.keys(resourcesOf(json, TfSsmDocument))[0]}.name}`);
      expect(runCommandOf(task).parameter).toEqual([{ name: "Release", values: ["2023.9.20251117"] }]);
      expect(task).toMatchObject({ max_concurrency: "1", max_errors: "0" });
    });

    it("keeps the logical ids of the agent update and the scan, and adds the upgrade under ReleaseUpgrade", () => {
      expect(Object.keys(resourcesOf(json, TfSsmAssociation))).toEqual([
        expect.stringMatching(/^Maintenance_AgentUpdate_[0-9A-F]{8}$/),
        expect.stringMatching(/^Maintenance_Patching_ScanAssociation_[0-9A-F]{8}$/),
      ]);
      expect(Object.keys(resourcesOf(json, TfSsmDocument))).toEqual([
        expect.stringMatching(/^Maintenance_ReleaseUpgrade_Document_/),
      ]);
    });

    it("takes the release upgrade settings", () => {
      const tuned = synth({
        osRelease: "2023.9.20251117",
        releaseUpgrade: { schedule: "cron(0 1 ? * * *)", maxConcurrency: "50%" },
      });
      expect(onlyOf(tuned, TfSsmMaintenanceWindow).schedule).toBe("cron(0 1 ? * * *)");
      expect(onlyOf(tuned, TfSsmMaintenanceWindowTask).max_concurrency).toBe("50%");
    });
  });

  describe("with osRelease and patching in install mode, as production uses it", () => {
    const json = synth({
      namePrefix: "ssm-prod",
      target: { key: "Environment", value: "prod" },
      patching: { mode: "install" },
      osRelease: "2023.9.20251117",
      outputS3: { bucket: bucketRef("ssm-prod-transcripts") },
      region: "eu-west-1",
    });
    const windowRef = `\${aws_ssm_maintenance_window.${Object.keys(resourcesOf(json, TfSsmMaintenanceWindow))[0]}.id}`;

    it("runs the release upgrade in the patch window: no second window", () => {
      expect(onlyOf(json, TfSsmMaintenanceWindow).name).toBe("ssm-prod-patch-window");
      expect(taskNamed(json, "ssm-prod-release-upgrade").window_id).toBe(windowRef);
    });

    it("upgrades the release (priority 2) after installing patches (priority 1), never at the same time", () => {
      expect(taskNamed(json, "ssm-prod-release-upgrade").priority).toBe(2);
      expect(taskNamed(json, "ssm-prod-patch-install").priority).toBe(1);
    });

    it("registers its own window target by the same tag", () => {
      const targets = configsOf(json, TfSsmMaintenanceWindowTarget);
      expect(targets.map((t) => t.name)).toEqual(["ssm-prod-patch-targets", "ssm-prod-release-targets"]);
      expect(targets.map((t) => t.targets)).toEqual([
        [{ key: "tag:Environment", values: ["prod"] }],
        [{ key: "tag:Environment", values: ["prod"] }],
      ]);
    });

    it("writes its output next to the patch output, in its own folder", () => {
      expect(runCommandOf(taskNamed(json, "ssm-prod-release-upgrade"))).toMatchObject({
        output_s3_bucket: "ssm-prod-transcripts",
        output_s3_key_prefix: "maintenance/release-upgrade",
      });
    });
  });

  it("without osRelease, creates no release upgrade", () => {
    const stack = new TerraformStack(Testing.app(), "Stack");
    expect(new InstanceMaintenance(stack, "Maintenance", base).releaseUpgrade).toBeUndefined();
    expect(resourcesOf(synth(), TfSsmDocument)).toEqual({});
  });

  it("exposes the release upgrade when osRelease is set", () => {
    const stack = new TerraformStack(Testing.app(), "Stack");
    const maintenance = new InstanceMaintenance(stack, "Maintenance", { ...base, osRelease: "2023.9.20251117" });
    expect(maintenance.releaseUpgrade).toBeInstanceOf(ReleaseUpgrade);
    expect(maintenance.releaseUpgrade?.release).toBe("2023.9.20251117");
    expect(maintenance.releaseUpgrade?.ownsWindow).toBe(true);
  });

  it("with the agent update disabled, creates only the patching resources", () => {
    const json = synth({ agentUpdate: { enabled: false } });
    expect(configsOf(json, TfSsmAssociation).map((a) => a.association_name)).toEqual(["ssm-dev-patch-scan"]);
  });

  it("with patching off, creates only the agent update", () => {
    const json = synth({ patching: { enabled: false } });
    expect(configsOf(json, TfSsmAssociation).map((a) => a.association_name)).toEqual(["ssm-dev-ssm-agent-update"]);
    expect(resourcesOf(json, TfSsmMaintenanceWindow)).toEqual({});
  });

  it("with everything off, creates nothing", () => {
    const json = synth({ agentUpdate: { enabled: false }, patching: { enabled: false } });
    expect(json.resource ?? {}).toEqual({});
  });

  describe("its public members", () => {
    const stack = new TerraformStack(Testing.app(), "Stack");
    const withOutput = new InstanceMaintenance(stack, "WithOutput", {
      ...base,
      outputS3: { bucket: bucketRef("logs", "us-gov-west-1"), keyPrefix: "ops" },
    });
    const without = new InstanceMaintenance(stack, "Without", {
      ...base,
      agentUpdate: { enabled: false },
      patching: { enabled: false },
    });

    it("expose the agent update and the patching constructs", () => {
      expect(withOutput.agentUpdate).toBeInstanceOf(SsmAgentUpdate);
      expect(withOutput.patching).toBeInstanceOf(PatchManagement);
      expect(withOutput.patching?.mode).toBe("scan");
      expect(without.agentUpdate).toBeUndefined();
      expect(without.patching).toBeUndefined();
    });

    it("have the bucket's owner grant the instance role what it needs to upload output", () => {
      const granted: unknown[] = [];
      withOutput.grantOutputWrite({ addToPolicy: (...st) => granted.push(...st) });
      expect(granted).toEqual([
        {
          Sid: "WriteMaintenanceOutput",
          Effect: "Allow",
          Action: ["s3:PutObject"],
          Resource: ["arn:aws-us-gov:s3:::logs/ops/*"],
        },
      ]);
    });

    it("grant nothing without an output location", () => {
      const granted: unknown[] = [];
      without.grantOutputWrite({ addToPolicy: (...st) => granted.push(...st) });
      expect(granted).toEqual([]);
    });
  });

  describe("validation", () => {
    it("rejects an unknown patching mode", () => {
      expect(build({ patching: { mode: "auto" as never } })).toThrow(
        /patching\.mode: "auto" is not one of scan, install/,
      );
    });

    it("reports patch window problems under patching.window", () => {
      expect(build({ patching: { mode: "install", window: { duration: 2, cutoff: 2 } } })).toThrow(
        /patching\.window\.cutoff: 2 must be less than the duration \(2\)/,
      );
    });

    it("reports a bad scan schedule under patching.schedule", () => {
      expect(build({ patching: { mode: "scan", schedule: "nightly" } })).toThrow(
        /patching\.schedule: "nightly" is not a rate/,
      );
    });

    it("reports agent update problems under agentUpdate", () => {
      expect(build({ agentUpdate: { schedule: "rate(5 minutes)", maxConcurrency: "0" } })).toThrow(
        /agentUpdate\.schedule: "rate\(5 minutes\)": associations run at most every 30 minutes\n.*agentUpdate\.maxConcurrency: "0"/,
      );
    });

    it("rejects an enabled flag that is not a boolean", () => {
      expect(build({ agentUpdate: { enabled: "yes" as never } })).toThrow(
        /agentUpdate: enabled: "yes" is not true or false/,
      );
    });

    it("rejects the former spellings of off, naming the one to write", () => {
      expect(build({ patching: { mode: "off" as never } })).toThrow(
        /patching\.mode: "off" is not a patching mode: turn patching off with \{ "enabled": false \}/,
      );
      expect(build({ agentUpdate: false as never })).toThrow(
        /agentUpdate: false is not accepted here: write \{ "enabled": false \}/,
      );
    });

    it("patches in scan mode when patching is given without a mode", () => {
      synthJson((scope) => {
        expect(
          new InstanceMaintenance(scope, "Maintenance", { ...base, patching: { schedule: "rate(1 day)" } }).patching
            ?.mode,
        ).toBe("scan");
      });
    });

    it("does not check the options of a disabled agent update", () => {
      expect(build({ agentUpdate: { enabled: false, schedule: "never" } })).not.toThrow();
    });

    it("does not check the options of patching that is off", () => {
      expect(build({ patching: { enabled: false, schedule: "never" } })).not.toThrow();
    });

    it("rejects a name prefix too long for the derived names", () => {
      expect(build({ namePrefix: `s${"x".repeat(120)}` })).toThrow(
        /namePrefix: is too long: the name "[^"]+" would exceed 128 characters/,
      );
    });

    it("rejects a tag key with the tag: prefix", () => {
      expect(build({ target: { key: "tag:Environment", value: "dev" } })).toThrow(
        /target\.key: "tag:Environment" must not start with "tag:"/,
      );
    });

    it("reports a release that is not a version at osRelease", () => {
      expect(build({ osRelease: "2023.9.20251131" })).toThrow(
        /osRelease: "2023\.9\.20251131": 20251131 is not a date \(YYYYMMDD\)/,
      );
    });

    it("rejects release upgrade settings without osRelease", () => {
      expect(build({ releaseUpgrade: { maxConcurrency: "2" } })).toThrow(/releaseUpgrade: only applies with osRelease/);
    });

    it("rejects a release upgrade schedule when the upgrade runs in the patch window", () => {
      expect(
        build({
          osRelease: "2023.9.20251117",
          patching: { mode: "install" },
          releaseUpgrade: { schedule: "cron(0 1 ? * * *)" },
        }),
      ).toThrow(
        /releaseUpgrade\.schedule: only applies to a window of the release upgrade's own; it runs in the patch window \(patching\.mode is install\)/,
      );
    });

    it("reports release upgrade problems under releaseUpgrade", () => {
      expect(build({ osRelease: "2023.9.20251117", releaseUpgrade: { window: { cutoff: 5 } } })).toThrow(
        /releaseUpgrade\.window\.cutoff: 5 must be less than the duration \(2\)/,
      );
    });

    it("rejects an output key prefix starting with a slash", () => {
      expect(build({ outputS3: { bucket: bucketRef("logs"), keyPrefix: "/ops" } })).toThrow(
        /outputS3\.keyPrefix: "\/ops" must not start with "\/"/,
      );
    });

    it("needs no Region with an output location (the bucket reference knows its ARN), but checks one given", () => {
      expect(build({ outputS3: { bucket: bucketRef("logs") } })).not.toThrow();
      expect(build({ outputS3: { bucket: bucketRef("logs") }, region: "Ireland" })).toThrow(
        /region: "Ireland" is not an AWS Region code/,
      );
    });

    it("names the bucket reference an output location lacks, and how to get one", () => {
      expect(build({ outputS3: { bucketName: "logs" } as never })).toThrow(
        /outputS3\.bucket: is required: a reference to the bucket \(IBucket\), such as SessionLogging\.transcriptBucket/,
      );
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

    it("creates the release upgrade with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        new InstanceMaintenance(scope, "Maintenance", { ...base, osRelease: "2023.9.20251117", provider });
      });
      // agent update, scan, document, release window, window target, task
      expect(Object.keys(providersOf(json))).toHaveLength(6);
      expect(offProvider(json)).toEqual({});
    });
  });
});
