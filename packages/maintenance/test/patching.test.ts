import { TerraformResource, TerraformStack, Testing } from "cdktf";
import { SsmAssociation as TfSsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmMaintenanceWindow as TfSsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget as TfSsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmMaintenanceWindowTask as TfSsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
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
import { PatchManagement, PatchManagementProps } from "../src/patching";
import { bucketRef } from "./fixtures";

const target = { key: "Environment", value: "prod" };

function synth(props: Partial<PatchManagementProps> & Pick<PatchManagementProps, "mode">): TerraformJson {
  return synthJson((scope) => new PatchManagement(scope, "Patching", { namePrefix: "ssm-prod", target, ...props }));
}

function build(props: Partial<PatchManagementProps>): () => void {
  return () =>
    synthJson(
      (scope) =>
        new PatchManagement(scope, "Patching", {
          namePrefix: "ssm-prod",
          target,
          mode: "install",
          ...props,
        } as PatchManagementProps),
    );
}

/** The run command parameters of the install task, as name → values. */
function taskParameters(task: Record<string, unknown>): Record<string, unknown> {
  const run = (
    task.task_invocation_parameters as {
      run_command_parameters: { parameter: Array<{ name: string; values: string[] }> };
    }
  ).run_command_parameters;
  return Object.fromEntries(run.parameter.map((p) => [p.name, p.values]));
}

describe("PatchManagement", () => {
  describe("in scan mode", () => {
    const json = synth({ mode: "scan" });
    const scan = onlyOf(json, TfSsmAssociation);

    it("runs AWS-RunPatchBaseline with Operation=Scan", () => {
      expect(scan.name).toBe("AWS-RunPatchBaseline");
      expect(scan.parameters).toEqual({ Operation: "Scan" });
    });

    it("scans every day at 03:00 UTC", () => {
      expect(scan.schedule_expression).toBe("cron(0 3 ? * * *)");
    });

    it("targets the instances by tag", () => {
      expect(scan.targets).toEqual([{ key: "tag:Environment", values: ["prod"] }]);
    });

    it("scans every instance at once and is never stopped by failures", () => {
      expect(scan.max_concurrency).toBe("100%");
      expect(scan.max_errors).toBe("100%");
    });

    it("is named and tagged from the name prefix", () => {
      expect(scan.association_name).toBe("ssm-prod-patch-scan");
      expect(scan.tags).toEqual({ Name: "ssm-prod-patch-scan" });
    });

    it("creates no maintenance window, window target or task", () => {
      expect(resourcesOf(json, TfSsmMaintenanceWindow)).toEqual({});
      expect(resourcesOf(json, TfSsmMaintenanceWindowTarget)).toEqual({});
      expect(resourcesOf(json, TfSsmMaintenanceWindowTask)).toEqual({});
    });

    it("uses the given scan schedule", () => {
      expect(onlyOf(synth({ mode: "scan", schedule: "rate(12 hours)" }), TfSsmAssociation).schedule_expression).toBe(
        "rate(12 hours)",
      );
    });

    it("ignores the settings of install mode", () => {
      const ignored = synth({
        mode: "scan",
        betweenWindowsScan: { enabled: false, schedule: "x" },
        window: { duration: 99 },
      });
      expect(configsOf(ignored, TfSsmAssociation)).toHaveLength(1);
      expect(resourcesOf(ignored, TfSsmMaintenanceWindow)).toEqual({});
    });
  });

  describe("in install mode with defaults", () => {
    const json = synth({ mode: "install" });
    const window = onlyOf(json, TfSsmMaintenanceWindow);
    const windowTarget = onlyOf(json, TfSsmMaintenanceWindowTarget);
    const task = onlyOf(json, TfSsmMaintenanceWindowTask);
    const windowId = Object.keys(resourcesOf(json, TfSsmMaintenanceWindow))[0];
    const targetId = Object.keys(resourcesOf(json, TfSsmMaintenanceWindowTarget))[0];

    describe("the maintenance window", () => {
      it("opens every Sunday at 03:00 for 3 hours with a 1-hour cutoff", () => {
        expect(window.schedule).toBe("cron(0 3 ? * SUN *)");
        expect(window.duration).toBe(3);
        expect(window.cutoff).toBe(1);
      });

      it("does not allow unregistered targets", () => {
        expect(window.allow_unassociated_targets).toBe(false);
      });

      it("reads its schedule in UTC", () => {
        expect(window).not.toHaveProperty("schedule_timezone");
      });

      it("is named and tagged from the name prefix", () => {
        expect(window.name).toBe("ssm-prod-patch-window");
        expect(window.tags).toEqual({ Name: "ssm-prod-patch-window" });
        expect(window.description).toBe("Patch installation for instances tagged Environment=prod");
      });
    });

    describe("the window target", () => {
      it("registers the instances with the tag in the window", () => {
        expect(windowTarget.window_id).toBe(`\${aws_ssm_maintenance_window.${windowId}.id}`);
        expect(windowTarget.resource_type).toBe("INSTANCE");
        expect(windowTarget.targets).toEqual([{ key: "tag:Environment", values: ["prod"] }]);
        expect(windowTarget.name).toBe("ssm-prod-patch-targets");
      });
    });

    describe("the install task", () => {
      it("runs AWS-RunPatchBaseline as a Run Command task in the window", () => {
        expect(task.task_type).toBe("RUN_COMMAND");
        expect(task.task_arn).toBe("AWS-RunPatchBaseline");
        expect(task.window_id).toBe(`\${aws_ssm_maintenance_window.${windowId}.id}`);
        expect(task.priority).toBe(1);
        expect(task.name).toBe("ssm-prod-patch-install");
      });

      it("targets the window target by id", () => {
        expect(task.targets).toEqual([
          { key: "WindowTargetIds", values: [`\${aws_ssm_maintenance_window_target.${targetId}.id}`] },
        ]);
      });

      it("installs patches and reboots when needed", () => {
        expect(taskParameters(task)).toEqual({ Operation: ["Install"], RebootOption: ["RebootIfNeeded"] });
      });

      it("patches a quarter of the instances at a time and stops on the second failure", () => {
        expect(task.max_concurrency).toBe("25%");
        expect(task.max_errors).toBe("1");
      });

      it("lets installs already running finish after the cutoff", () => {
        expect(task.cutoff_behavior).toBe("CONTINUE_TASK");
      });

      it("runs with the service-linked role, not a role of its own", () => {
        expect(task).not.toHaveProperty("service_role_arn");
      });

      it("writes no output to S3", () => {
        const run = (task.task_invocation_parameters as { run_command_parameters: Record<string, unknown> })
          .run_command_parameters;
        expect(run).not.toHaveProperty("output_s3_bucket");
        expect(run).not.toHaveProperty("output_s3_key_prefix");
      });
    });

    it("also scans daily at 15:00 UTC, away from the window, to keep compliance fresh", () => {
      const scan = onlyOf(json, TfSsmAssociation);
      expect(scan.parameters).toEqual({ Operation: "Scan" });
      expect(scan.schedule_expression).toBe("cron(0 15 ? * * *)");
    });
  });

  describe("in install mode with every option set", () => {
    const json = synth({
      mode: "install",
      schedule: "cron(0 2 ? * SAT *)",
      betweenWindowsScan: { schedule: "cron(0 12 ? * * *)" },
      window: {
        timezone: "Europe/Berlin",
        duration: 4,
        cutoff: 2,
        rebootOption: "NoReboot",
        maxConcurrency: "1",
        maxErrors: "0",
      },
      outputS3: { bucket: bucketRef("ssm-prod-transcripts"), keyPrefix: "ops" },
    });
    const window = onlyOf(json, TfSsmMaintenanceWindow);
    const task = onlyOf(json, TfSsmMaintenanceWindowTask);

    it("opens the window on the given schedule, in the given time zone, for the given duration and cutoff", () => {
      expect(window).toMatchObject({
        schedule: "cron(0 2 ? * SAT *)",
        schedule_timezone: "Europe/Berlin",
        duration: 4,
        cutoff: 2,
      });
    });

    it("never reboots with NoReboot", () => {
      expect(taskParameters(task).RebootOption).toEqual(["NoReboot"]);
    });

    it("uses the given rate controls", () => {
      expect(task.max_concurrency).toBe("1");
      expect(task.max_errors).toBe("0");
    });

    it("scans between windows on the given schedule", () => {
      expect(onlyOf(json, TfSsmAssociation).schedule_expression).toBe("cron(0 12 ? * * *)");
    });

    it("writes install output to the patch-install folder", () => {
      const run = (task.task_invocation_parameters as { run_command_parameters: Record<string, unknown> })
        .run_command_parameters;
      expect(run.output_s3_bucket).toBe("ssm-prod-transcripts");
      expect(run.output_s3_key_prefix).toBe("ops/patch-install");
    });

    it("writes scan output to the patch-scan folder", () => {
      expect(onlyOf(json, TfSsmAssociation).output_location).toEqual({
        s3_bucket_name: "ssm-prod-transcripts",
        s3_key_prefix: "ops/patch-scan",
      });
    });
  });

  it("in install mode without scans between windows, creates no association", () => {
    const json = synth({ mode: "install", betweenWindowsScan: { enabled: false } });
    expect(resourcesOf(json, TfSsmAssociation)).toEqual({});
    expect(configsOf(json, TfSsmMaintenanceWindowTask)).toHaveLength(1);
  });

  it("exposes the mode and the resources it created", () => {
    const stack = new TerraformStack(Testing.app(), "Stack");
    const install = new PatchManagement(stack, "Install", { namePrefix: "ssm-prod", target, mode: "install" });
    const scan = new PatchManagement(stack, "Scan", { namePrefix: "ssm-dev", target, mode: "scan" });
    expect(install.mode).toBe("install");
    expect(install.maintenanceWindow).toBeInstanceOf(TfSsmMaintenanceWindow);
    expect(install.windowTarget).toBeInstanceOf(TfSsmMaintenanceWindowTarget);
    expect(install.installTask).toBeInstanceOf(TfSsmMaintenanceWindowTask);
    expect(install.scanAssociation).toBeInstanceOf(TfSsmAssociation);
    expect(scan.mode).toBe("scan");
    expect(scan.maintenanceWindow).toBeUndefined();
    expect(scan.installTask).toBeUndefined();
  });

  describe("validation", () => {
    it("rejects an unknown mode", () => {
      expect(build({ mode: "patch" as never })).toThrow(/mode: "patch" is not one of scan, install/);
    });

    it("rejects a scan schedule that is not a rate or cron expression", () => {
      expect(build({ mode: "scan", schedule: "daily" })).toThrow(
        /schedule: "daily" is not a rate\(\.\.\.\) or cron\(\.\.\.\) expression/,
      );
    });

    it("rejects a window schedule that is not a rate or cron expression", () => {
      expect(build({ schedule: "sundays" })).toThrow(/schedule: "sundays" is not a rate/);
    });

    it("reads the schedule of install mode with the rules of maintenance windows", () => {
      expect(build({ schedule: "cron(0 3 * * ?)" })).toThrow(
        /schedule: "cron\(0 3 \* \* \?\)" has 5 fields; a maintenance window cron expression has 6 to 7/,
      );
      expect(build({ mode: "scan", schedule: "cron(0 3 * * ?)" })).not.toThrow();
    });

    it("rejects a scan schedule between windows shorter than 30 minutes", () => {
      expect(build({ betweenWindowsScan: { schedule: "rate(10 minutes)" } })).toThrow(
        /betweenWindowsScan\.schedule: "rate\(10 minutes\)": associations run at most every 30 minutes/,
      );
    });

    it("rejects a bare boolean for the scan between windows, naming the options to write", () => {
      expect(build({ betweenWindowsScan: false as never })).toThrow(
        /betweenWindowsScan: false is not accepted here: write \{ "enabled": false \}/,
      );
    });

    it("rejects an unknown time zone", () => {
      expect(build({ window: { timezone: "Mars/Olympus" } })).toThrow(
        /window\.timezone: "Mars\/Olympus" is not an IANA time zone/,
      );
    });

    it("rejects a duration below 1 hour", () => {
      expect(build({ window: { duration: 0, cutoff: 0 } })).toThrow(
        /window\.duration: 0 is not a whole number of hours from 1 to 24/,
      );
    });

    it("rejects a duration above 24 hours", () => {
      expect(build({ window: { duration: 25 } })).toThrow(
        /window\.duration: 25 is not a whole number of hours from 1 to 24/,
      );
    });

    it("rejects a fractional duration", () => {
      expect(build({ window: { duration: 2.5 } })).toThrow(/window\.duration: 2\.5 is not a whole number/);
    });

    it("rejects a cutoff outside 0 to 23 hours", () => {
      expect(build({ window: { cutoff: -1 } })).toThrow(
        /window\.cutoff: -1 is not a whole number of hours from 0 to 23/,
      );
    });

    it("rejects a cutoff not shorter than the duration", () => {
      expect(build({ window: { duration: 2, cutoff: 2 } })).toThrow(
        /window\.cutoff: 2 must be less than the duration \(2\)/,
      );
    });

    it("compares the cutoff with the default duration", () => {
      expect(build({ window: { cutoff: 3 } })).toThrow(/window\.cutoff: 3 must be less than the duration \(3\)/);
    });

    it("rejects an unknown reboot option", () => {
      expect(build({ window: { rebootOption: "Always" as never } })).toThrow(
        /window\.rebootOption: "Always" is not one of RebootIfNeeded, NoReboot/,
      );
    });

    it("rejects invalid rate controls of the install task", () => {
      expect(build({ window: { maxConcurrency: "0%", maxErrors: "lots" } })).toThrow(
        /window\.maxConcurrency: "0%" is not a count[^\n]*\n.*window\.maxErrors: "lots" is not a count/,
      );
    });

    it("rejects an empty tag value", () => {
      expect(build({ target: { key: "Environment", value: "" } })).toThrow(/target\.value: must not be empty/);
    });

    it("rejects an invalid output bucket name", () => {
      expect(build({ outputS3: { bucket: bucketRef("x") } })).toThrow(
        /outputS3\.bucket\.bucketName: "x" is 1 characters; S3 allows 3 to 63/,
      );
    });

    it("rejects a missing name prefix", () => {
      expect(build({ namePrefix: "" })).toThrow(/namePrefix: is required/);
    });

    it("does not check the window in scan mode", () => {
      expect(build({ mode: "scan", window: { duration: 0 } })).not.toThrow();
    });

    it("lists every problem in one error before creating anything", () => {
      const stack = new TerraformStack(Testing.app(), "Stack");
      let caught: unknown;
      try {
        new PatchManagement(stack, "Patching", {
          namePrefix: "ssm-prod",
          target,
          mode: "install",
          schedule: "x",
          window: { duration: 30 },
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).subject).toBe("Stack/Patching");
      expect((caught as ValidationError).issues.map((i) => i.path)).toEqual(["schedule", "window.duration"]);
      expect(stack.node.findAll().some((c) => c instanceof TerraformResource)).toBe(false);
    });
  });

  describe("with a provider", () => {
    it("creates every resource with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        new PatchManagement(scope, "Patching", {
          namePrefix: "ssm-dev",
          target: { key: "Environment", value: "dev" },
          mode: "install",
          provider,
        });
      });
      expect(Object.keys(providersOf(json))).toHaveLength(4);
      expect(offProvider(json)).toEqual({});
    });
  });
});
