import { TerraformResource, TerraformStack, Testing } from "cdktf";
import { SsmDocument as TfSsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { SsmMaintenanceWindow as TfSsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget as TfSsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmMaintenanceWindowTask as TfSsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import { ValidationError, unescapeTerraformTemplate } from "@ssm-access/core";
import {
  TerraformJson,
  configsOf,
  offProvider,
  onlyOf,
  providersOf,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
} from "@ssm-access/core/testing";
import { ReleaseUpgrade, ReleaseUpgradeProps } from "../src/release-upgrade";
import { FakeHostDir, FakeHost, shellcheck } from "./shell";
import { bucketRef } from "./fixtures";

const RELEASE = "2023.9.20251117";
const base: ReleaseUpgradeProps = {
  namePrefix: "ssm-dev",
  target: { key: "Environment", value: "dev" },
  release: RELEASE,
};

function synth(props: Partial<ReleaseUpgradeProps> = {}): TerraformJson {
  return synthJson((scope) => new ReleaseUpgrade(scope, "ReleaseUpgrade", { ...base, ...props }));
}

function build(props: Partial<ReleaseUpgradeProps>): () => void {
  return () =>
    synthJson((scope) => new ReleaseUpgrade(scope, "ReleaseUpgrade", { ...base, ...props } as ReleaseUpgradeProps));
}

interface CommandDocument {
  schemaVersion: string;
  description: string;
  parameters: Record<string, { type: string; description: string; allowedPattern: string }>;
  mainSteps: Array<{ action: string; name: string; precondition: unknown; inputs: { runCommand: string[] } }>;
}

/** The document content as Systems Manager receives it (Terraform's template escapes undone). */
function documentOf(json: TerraformJson): CommandDocument {
  return JSON.parse(unescapeTerraformTemplate(onlyOf(json, TfSsmDocument).content as string)) as CommandDocument;
}

/** The shell script of the document, as the agent writes it to the instance. */
function scriptOf(json: TerraformJson): string {
  return `${documentOf(json).mainSteps[0].inputs.runCommand.join("\n")}\n`;
}

/** The run command parameters of a task, as name → values. */
function taskParameters(task: Record<string, unknown>): Record<string, unknown> {
  const run = (
    task.task_invocation_parameters as {
      run_command_parameters: { parameter: Array<{ name: string; values: string[] }> };
    }
  ).run_command_parameters;
  return Object.fromEntries(run.parameter.map((p) => [p.name, p.values]));
}

function runCommandParameters(task: Record<string, unknown>): Record<string, unknown> {
  return (task.task_invocation_parameters as { run_command_parameters: Record<string, unknown> })
    .run_command_parameters;
}

describe("ReleaseUpgrade", () => {
  describe("with a window of its own", () => {
    const json = synth();
    const documentId = Object.keys(resourcesOf(json, TfSsmDocument))[0];
    const windowId = Object.keys(resourcesOf(json, TfSsmMaintenanceWindow))[0];
    const targetId = Object.keys(resourcesOf(json, TfSsmMaintenanceWindowTarget))[0];

    describe("the Command document", () => {
      const resource = onlyOf(json, TfSsmDocument);
      const doc = documentOf(json);
      const script = scriptOf(json);

      it("is a JSON Command document for EC2 instances, named and tagged from the prefix", () => {
        expect(resource).toMatchObject({
          name: "ssm-dev-release-upgrade",
          document_type: "Command",
          document_format: "JSON",
          target_type: "/AWS::EC2::Instance",
          tags: { Name: "ssm-dev-release-upgrade" },
        });
      });

      it("has schema 2.2 and one aws:runShellScript step that runs on Linux only", () => {
        expect(doc.schemaVersion).toBe("2.2");
        expect(doc.mainSteps).toHaveLength(1);
        expect(doc.mainSteps[0]).toMatchObject({
          action: "aws:runShellScript",
          name: "UpgradeRelease",
          precondition: { StringEquals: ["platformType", "Linux"] },
        });
      });

      it("takes the release as its only parameter, a String restricted to Amazon Linux 2023 release versions", () => {
        expect(Object.keys(doc.parameters)).toEqual(["Release"]);
        expect(doc.parameters.Release.type).toBe("String");
        const allowed = new RegExp(doc.parameters.Release.allowedPattern);
        expect(allowed.test(RELEASE)).toBe(true);
        expect(allowed.test("latest")).toBe(false);
        expect(allowed.test(`${RELEASE}; rm -rf /`)).toBe(false);
      });

      it("holds no release of its own: one document serves every release", () => {
        expect(onlyOf(synth({ release: "2023.10.20260105" }), TfSsmDocument).content).toBe(resource.content);
        expect(script).toContain("release='{{ Release }}'");
      });

      it("upgrades with dnf to exactly the release passed in", () => {
        expect(script).toContain('dnf upgrade --releasever="$release" -y');
      });

      it("pins the release in /etc/dnf/vars/releasever for later plain upgrades", () => {
        expect(script).toContain("releasever_file=/etc/dnf/vars/releasever");
        expect(script).toMatch(
          /printf '%s\\n' "\$release" > "\$releasever_file\.new"\n\s*mv -f "\$releasever_file\.new" "\$releasever_file"/,
        );
      });

      it("checks /etc/os-release and the system-release package before changing anything", () => {
        expect(script).toContain("os_release_file=/etc/os-release");
        expect(script.indexOf("os_field ID")).toBeLessThan(script.indexOf("dnf upgrade"));
        expect(script.indexOf("system-release 2>/dev/null")).toBeLessThan(script.indexOf("dnf upgrade"));
      });

      it("asks for a reboot the SSM way, exit 194, only after dnf needs-restarting or the kernels say so", () => {
        expect(script).toContain("dnf needs-restarting -r");
        expect(script).toContain('"$newest_kernel" != "$running_kernel"');
        expect(script).toMatch(/if \[ -n "\$reboot_reason" \]; then\n(?:.*\n)*?\s+exit 194\n/);
        expect(script).not.toMatch(/^\s*(?:sudo\s+)?(?:reboot|shutdown|systemctl\s+reboot)\b/m);
        expect(script).not.toMatch(/exit 3010/);
      });

      it("escapes the shell's ${...} and %{...} so Terraform passes them on unchanged", () => {
        const raw = resource.content as string;
        expect(raw).toContain("$${reboot_reason:+");
        expect(raw).toContain("%%{VERSION}");
        expect(raw.replace(/\$\$\{/g, "").replace(/%%\{/g, "")).not.toMatch(/\$\{|%\{/);
      });
    });

    describe("the maintenance window", () => {
      const window = onlyOf(json, TfSsmMaintenanceWindow);

      it("opens daily at 02:00 UTC for 2 hours with a 1-hour cutoff", () => {
        expect(window).toMatchObject({ schedule: "cron(0 2 ? * * *)", duration: 2, cutoff: 1 });
        expect(window).not.toHaveProperty("schedule_timezone");
      });

      it("does not allow unregistered targets and is named from the prefix", () => {
        expect(window.allow_unassociated_targets).toBe(false);
        expect(window.name).toBe("ssm-dev-release-window");
        expect(window.tags).toEqual({ Name: "ssm-dev-release-window" });
      });
    });

    it("registers the instances by tag as the window's target", () => {
      expect(onlyOf(json, TfSsmMaintenanceWindowTarget)).toMatchObject({
        window_id: `\${aws_ssm_maintenance_window.${windowId}.id}`,
        name: "ssm-dev-release-targets",
        resource_type: "INSTANCE",
        targets: [{ key: "tag:Environment", values: ["dev"] }],
      });
    });

    describe("the task", () => {
      const task = onlyOf(json, TfSsmMaintenanceWindowTask);

      it("runs the document as a Run Command task of the window", () => {
        expect(task).toMatchObject({
          task_type: "RUN_COMMAND",
          task_arn: `\${aws_ssm_document.${documentId}.name}`,
          window_id: `\${aws_ssm_maintenance_window.${windowId}.id}`,
          name: "ssm-dev-release-upgrade",
        });
      });

      it("passes the pinned release as the Release parameter", () => {
        expect(taskParameters(task)).toEqual({ Release: [RELEASE] });
      });

      it("targets the window target", () => {
        expect(task.targets).toEqual([
          { key: "WindowTargetIds", values: [`\${aws_ssm_maintenance_window_target.${targetId}.id}`] },
        ]);
      });

      it("upgrades one instance at a time and stops on the first failure", () => {
        expect(task.max_concurrency).toBe("1");
        expect(task.max_errors).toBe("0");
      });

      it("runs after priority-1 tasks, with a priority the provider sends (not 0), and is never cancelled in the middle of an upgrade", () => {
        expect(task.priority).toBe(2);
        expect(task.cutoff_behavior).toBe("CONTINUE_TASK");
      });

      it("runs with the service-linked role and writes no output to S3", () => {
        expect(task).not.toHaveProperty("service_role_arn");
        expect(runCommandParameters(task)).not.toHaveProperty("output_s3_bucket");
      });
    });
  });

  describe("in an existing window", () => {
    const json = synthJson((scope) => {
      const window = new TfSsmMaintenanceWindow(scope, "PatchWindow", {
        name: "patch",
        schedule: "cron(0 3 ? * SUN *)",
        duration: 3,
        cutoff: 1,
      });
      new ReleaseUpgrade(scope, "ReleaseUpgrade", { ...base, maintenanceWindow: window });
    });
    const windows = resourcesOf(json, TfSsmMaintenanceWindow);

    it("opens no window of its own", () => {
      expect(Object.keys(windows)).toHaveLength(1);
      expect(configsOf(json, TfSsmMaintenanceWindow)[0].name).toBe("patch");
    });

    it("registers its target and its task in that window", () => {
      const windowRef = `\${aws_ssm_maintenance_window.${Object.keys(windows)[0]}.id}`;
      expect(onlyOf(json, TfSsmMaintenanceWindowTarget).window_id).toBe(windowRef);
      expect(onlyOf(json, TfSsmMaintenanceWindowTask).window_id).toBe(windowRef);
    });

    it("refuses a schedule or window options, which belong to the existing window", () => {
      const stack = new TerraformStack(Testing.app(), "Stack");
      const window = new TfSsmMaintenanceWindow(stack, "PatchWindow", {
        name: "patch",
        schedule: "cron(0 3 ? * SUN *)",
        duration: 3,
        cutoff: 1,
      });
      expect(
        () =>
          new ReleaseUpgrade(stack, "ReleaseUpgrade", {
            ...base,
            maintenanceWindow: window,
            schedule: "cron(0 1 ? * * *)",
            window: { duration: 4 },
          }),
      ).toThrow(
        /schedule: only applies to a window of the release upgrade's own; it runs in the given maintenance window[^\n]*\n\s+- window: only applies/,
      );
    });
  });

  describe("with its options set", () => {
    const json = synth({
      schedule: "cron(30 1 ? * MON-FRI *)",
      window: { timezone: "Europe/Berlin", duration: 4, cutoff: 2 },
      maxConcurrency: "50%",
      maxErrors: "1",
      outputS3: { bucket: bucketRef("ssm-dev-transcripts"), keyPrefix: "ops" },
    });

    it("opens its window on the schedule, in the time zone, for the duration", () => {
      expect(onlyOf(json, TfSsmMaintenanceWindow)).toMatchObject({
        schedule: "cron(30 1 ? * MON-FRI *)",
        schedule_timezone: "Europe/Berlin",
        duration: 4,
        cutoff: 2,
      });
    });

    it("uses the rate controls", () => {
      expect(onlyOf(json, TfSsmMaintenanceWindowTask)).toMatchObject({ max_concurrency: "50%", max_errors: "1" });
    });

    it("writes the command output to its own folder in the bucket", () => {
      expect(runCommandParameters(onlyOf(json, TfSsmMaintenanceWindowTask))).toMatchObject({
        output_s3_bucket: "ssm-dev-transcripts",
        output_s3_key_prefix: "ops/release-upgrade",
      });
    });
  });

  describe("validation", () => {
    it.each<[string, Partial<ReleaseUpgradeProps>, RegExp]>([
      [
        "a release that is not a version",
        { release: "latest" },
        /release: "latest" is not an Amazon Linux 2023 release version/,
      ],
      [
        "a release on no calendar day",
        { release: "2023.9.20250230" },
        /release: "2023\.9\.20250230": 20250230 is not a date/,
      ],
      [
        "a cron expression windows do not accept",
        { schedule: "cron(0 2 * * *)" },
        /schedule: "cron\(0 2 \* \* \*\)" has 5 fields; a maintenance window cron expression has 6 to 7/,
      ],
      [
        "a cutoff as long as the window",
        { window: { duration: 1, cutoff: 1 } },
        /window\.cutoff: 1 must be less than the duration \(1\)/,
      ],
      [
        "an unknown time zone",
        { window: { timezone: "Mars/Olympus" } },
        /window\.timezone: "Mars\/Olympus" is not an IANA time zone/,
      ],
      ["a concurrency of zero", { maxConcurrency: "0" }, /maxConcurrency: "0" is not a count of at least 1/],
      ["a percentage of errors above 100", { maxErrors: "101%" }, /maxErrors: "101%" is not a count of at least 0/],
      [
        "a tag key with the tag: prefix",
        { target: { key: "tag:Environment", value: "dev" } },
        /target\.key: "tag:Environment" must not start with "tag:"/,
      ],
    ])("rejects %s", (_what, props, expected) => {
      expect(build(props)).toThrow(expected);
    });

    it("lists every problem in one error before creating anything", () => {
      const stack = new TerraformStack(Testing.app(), "Stack");
      let caught: unknown;
      try {
        new ReleaseUpgrade(stack, "ReleaseUpgrade", {
          ...base,
          release: "2023.9",
          maxErrors: "x",
          window: { duration: 0 },
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).subject).toBe("Stack/ReleaseUpgrade");
      expect((caught as ValidationError).issues.map((i) => i.path)).toEqual([
        "release",
        "window.duration",
        "maxErrors",
      ]);
      expect(stack.node.findAll().some((c) => c instanceof TerraformResource)).toBe(false);
    });
  });

  it("creates every resource with the provider it is given", () => {
    const json = synthJsonWithAliasedProvider((scope, provider) => {
      new ReleaseUpgrade(scope, "ReleaseUpgrade", { ...base, provider });
    });
    // document, window, window target, task
    expect(Object.keys(providersOf(json))).toHaveLength(4);
    expect(offProvider(json)).toEqual({});
  });

  describe("its script", () => {
    const script = scriptOf(synth());

    it("passes shellcheck", () => {
      const result = shellcheck(script);
      expect(result.output).toBe("");
      expect(result.status).toBe(0);
    });

    it("is checked by a shellcheck that reports problems (a deliberately broken script fails)", () => {
      const broken = [
        "#!/bin/bash",
        "target=$1",
        "rm -rf $target/*",
        "if [ $release = 2023 ] then echo ok; fi",
        "",
      ].join("\n");
      const result = shellcheck(broken);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/SC\d{4}/);
    });

    describe("run on a host", () => {
      const AL2023 =
        'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPRETTY_NAME="Amazon Linux 2023.8.20250915"\n';
      const DEBIAN =
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
      const AL2 = 'NAME="Amazon Linux"\nVERSION="2"\nID="amzn"\nVERSION_ID="2"\nPRETTY_NAME="Amazon Linux 2"\n';
      const OLD_KERNEL = "6.1.150-174.273.amzn2023.x86_64";
      const NEW_KERNEL = "6.1.158-178.288.amzn2023.x86_64";
      const hosts: FakeHostDir[] = [];
      afterAll(() => hosts.forEach((h) => h.remove()));
      const hostOf = (host: FakeHost): FakeHostDir => {
        const dir = new FakeHostDir(host);
        hosts.push(dir);
        return dir;
      };
      const behind: FakeHost = {
        osRelease: AL2023,
        systemRelease: "2023.8.20250915",
        needsRestarting: 0,
        kernels: [OLD_KERNEL],
        runningKernel: OLD_KERNEL,
      };

      it.each<[string, string]>([
        ["Debian", DEBIAN],
        ["Amazon Linux 2", AL2],
      ])("refuses %s with a clear message and a non-zero exit, changing nothing", (_name, osRelease) => {
        const run = hostOf({ ...behind, osRelease }).run(script, RELEASE);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/not Amazon Linux 2023; nothing was changed/);
        expect(run.dnfCalls).toEqual([]);
        expect(run.pinned).toBeUndefined();
      });

      it("refuses a host without the system-release package", () => {
        const run = hostOf({ ...behind, systemRelease: undefined }).run(script, RELEASE);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/system-release package gives no Amazon Linux 2023 release/);
        expect(run.dnfCalls).toEqual([]);
      });

      it("upgrades an older release to exactly the release given, pins it and exits 0 when nothing needs a reboot", () => {
        const run = hostOf(behind).run(script, RELEASE);
        expect(run.status).toBe(0);
        expect(run.dnfCalls).toEqual([
          `upgrade --releasever=${RELEASE} -y`,
          "needs-restarting --help",
          "needs-restarting -r",
        ]);
        expect(run.systemRelease).toBe(RELEASE);
        expect(run.pinned).toBe(`${RELEASE}\n`);
        expect(run.stdout).toMatch(/upgrading from 2023\.8\.20250915 to 2023\.9\.20251117[\s\S]*no reboot needed/);
      });

      it("exits 194 when dnf needs-restarting -r asks for a reboot, and 0 on the run after the reboot, doing nothing", () => {
        const host = hostOf({ ...behind, needsRestarting: 1 });
        const first = host.run(script, RELEASE);
        expect(first.status).toBe(194);
        expect(first.stdout).toMatch(/rebooting: dnf needs-restarting -r reports updated core packages/);
        const afterReboot = host.run(script, RELEASE);
        expect(afterReboot.status).toBe(0);
        expect(afterReboot.stdout).toMatch(/already on 2023\.9\.20251117 and pinned to it: nothing to do/);
        expect(afterReboot.dnfCalls).toEqual(first.dnfCalls);
      });

      it("exits 194 when the upgrade installed a newer kernel than the running one", () => {
        const run = hostOf({ ...behind, upgradeInstallsKernel: NEW_KERNEL }).run(script, RELEASE);
        expect(run.status).toBe(194);
        expect(run.stdout).toContain(`rebooting: running kernel ${OLD_KERNEL}, newest installed ${NEW_KERNEL}`);
      });

      it("tells by the kernels alone when dnf has no needs-restarting", () => {
        const same = hostOf({ ...behind, needsRestarting: undefined }).run(script, RELEASE);
        expect(same.status).toBe(0);
        const newer = hostOf({ ...behind, needsRestarting: undefined, upgradeInstallsKernel: NEW_KERNEL }).run(
          script,
          RELEASE,
        );
        expect(newer.status).toBe(194);
      });

      it("reboots to be safe when it cannot tell at all", () => {
        const run = hostOf({ ...behind, needsRestarting: undefined, kernels: [] }).run(script, RELEASE);
        expect(run.status).toBe(194);
        expect(run.stdout).toMatch(/rebooting: neither dnf needs-restarting nor .* tells whether a reboot is needed/);
      });

      it("does nothing on a host already on the release and pinned to it", () => {
        const run = hostOf({ ...behind, systemRelease: RELEASE, pinned: `${RELEASE}\n`, needsRestarting: 1 }).run(
          script,
          RELEASE,
        );
        expect(run.status).toBe(0);
        expect(run.dnfCalls).toEqual([]);
        expect(run.stdout).toMatch(/nothing to do/);
      });

      it("only pins the release on a host launched from it", () => {
        const run = hostOf({ ...behind, systemRelease: RELEASE }).run(script, RELEASE);
        expect(run.status).toBe(0);
        expect(run.dnfCalls).toEqual([]);
        expect(run.pinned).toBe(`${RELEASE}\n`);
      });

      it.each(["2023.10.20251201", "2023.9.20251208"])(
        "fails on a host ahead of the pin (%s), naming both releases and the fix, and changes nothing",
        (newer) => {
          const run = hostOf({ ...behind, systemRelease: newer, pinned: newer }).run(script, RELEASE);
          expect(run.status).toBe(1);
          expect(run.dnfCalls).toEqual([]);
          expect(run.pinned).toBe(newer);
          expect(run.stderr).toMatch(
            new RegExp(
              `runs Amazon Linux 2023 ${newer.replace(/\./g, "\\.")}, newer than the pinned release 2023\\.9\\.20251117 \\(maintenance\\.osRelease\\).*nothing was changed\\. Fix: test ${newer.replace(/\./g, "\\.")} and pin it.*or pin the image to 2023\\.9\\.20251117.*replacementGeneration`,
            ),
          );
        },
      );

      it("names the instance the agent runs the command on", () => {
        const run = hostOf({ ...behind, systemRelease: "2023.10.20251201" }).run(script, RELEASE, {
          AWS_SSM_INSTANCE_ID: "i-0123456789abcdef0",
        });
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(
          /^release upgrade refused or failed: i-0123456789abcdef0 runs Amazon Linux 2023 2023\.10\.20251201/,
        );
      });

      it("compares minor numbers as numbers: 2023.10 is behind 2023.11", () => {
        const run = hostOf({ ...behind, systemRelease: "2023.10.20260101" }).run(script, "2023.11.20260301");
        expect(run.dnfCalls[0]).toBe("upgrade --releasever=2023.11.20260301 -y");
      });

      it("fails with dnf's failure and leaves the pin as it was", () => {
        const run = hostOf({ ...behind, pinned: "2023.8.20250915\n", upgradeFails: true }).run(
          script,
          "2023.9.20991231",
        );
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/dnf upgrade --releasever=2023\.9\.20991231 failed/);
        expect(run.pinned).toBe("2023.8.20250915\n");
      });

      it("refuses a parameter that is not a release version, should the document's pattern ever be bypassed", () => {
        const run = hostOf(behind).run(script, "latest");
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(/'latest' is not an Amazon Linux 2023 release version/);
        expect(run.dnfCalls).toEqual([]);
      });
    });
  });
});
