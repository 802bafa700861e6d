import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { SsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import { InstanceTagTarget, Validator, nameTag, resourceName, validateTagTarget } from "@ssm-access/core";
import { scheduleProblem } from "./schedule";
import { tagWindowTarget, taggedWindow } from "./window";
import {
  OUTPUT_FOLDERS,
  S3OutputLocation,
  outputKeyPrefix,
  ssmDescription,
  tagTargets,
  validateNamePrefix,
  validateOutputS3,
  validateRateControl,
} from "./inputs";

/** The AWS-owned Command document that scans for or installs patches from the instance's patch baseline. */
export const PATCH_BASELINE_DOCUMENT = "AWS-RunPatchBaseline";

/**
 * How patches are handled.
 * - `scan`: report missing patches (compliance) on a schedule; nothing on the instance changes.
 * - `install`: install missing patches (rebooting if needed) in a maintenance window.
 */
export type PatchMode = "scan" | "install";

/** Every {@link PatchMode}. */
export const PATCH_MODES: readonly PatchMode[] = ["scan", "install"];

/** Whether an instance may reboot after installing patches. */
export type RebootOption = "RebootIfNeeded" | "NoReboot";

/** Every {@link RebootOption}. */
export const REBOOT_OPTIONS: readonly RebootOption[] = ["RebootIfNeeded", "NoReboot"];

/** Patch schedule of scan mode: a daily compliance scan at 03:00 UTC. */
export const DEFAULT_SCAN_SCHEDULE = "cron(0 3 ? * * *)";
/** Patch schedule of install mode: a weekly window, Sundays at 03:00 (in the window's time zone). */
export const DEFAULT_PATCH_WINDOW_SCHEDULE = "cron(0 3 ? * SUN *)";
/**
 * The scan between windows (install mode): daily at 15:00 UTC, twelve hours away from
 * the default window start so a scan and an install never compete for the package manager.
 */
export const DEFAULT_BETWEEN_WINDOWS_SCAN_SCHEDULE = "cron(0 15 ? * * *)";
/** Length of the patch window in hours. */
export const DEFAULT_PATCH_WINDOW_DURATION = 3;
/** Hours before the window ends after which no new patch installation starts. */
export const DEFAULT_PATCH_WINDOW_CUTOFF = 1;
/** Rate controls of the scan: read-only, so every instance at once and never stopped by failures. */
export const DEFAULT_SCAN_MAX_CONCURRENCY = "100%";
/** @see DEFAULT_SCAN_MAX_CONCURRENCY */
export const DEFAULT_SCAN_MAX_ERRORS = "100%";
/** Rate controls of the install task: a quarter of the fleet at a time, stop on the second failure. */
export const DEFAULT_INSTALL_MAX_CONCURRENCY = "25%";
/** @see DEFAULT_INSTALL_MAX_CONCURRENCY */
export const DEFAULT_INSTALL_MAX_ERRORS = "1";

/** Name suffixes of the patching resources. */
export const PATCH_NAME_SUFFIXES = {
  scanAssociation: "patch-scan",
  window: "patch-window",
  windowTarget: "patch-targets",
  installTask: "patch-install",
} as const;

/** The maintenance window in which patches are installed (install mode). */
export interface PatchWindowOptions {
  /**
   * IANA time zone the window's schedule is read in, e.g. `Europe/Berlin`.
   * Lets "03:00" mean local night time and follow daylight saving time.
   * @default - UTC
   */
  readonly timezone?: string;
  /**
   * How long the window stays open, in whole hours (1 to 24).
   * @default 3
   */
  readonly duration?: number;
  /**
   * Hours before the window closes after which no new instance starts patching (0 to 23, less than `duration`).
   * Leaves time for installs already running, and their reboots, to finish inside the window.
   * @default 1
   */
  readonly cutoff?: number;
  /**
   * Whether instances reboot when an installed patch needs it.
   * `NoReboot` leaves patches pending until the next reboot (compliance shows `InstalledPendingReboot`).
   * @default "RebootIfNeeded"
   */
  readonly rebootOption?: RebootOption;
  /**
   * How many instances patch at once: a count or a percentage of the targets.
   * A quarter at a time keeps most of the fleet serving while some reboot.
   * @default "25%"
   */
  readonly maxConcurrency?: string;
  /**
   * How many failed installations stop the task for the rest of the fleet: a count or a percentage.
   * One flaky instance does not block everyone's patches; a second failure hints at a bad
   * patch and stops the rollout.
   * @default "1"
   */
  readonly maxErrors?: string;
}

/** Patching settings that do not depend on where they run. */
export interface PatchOptions {
  /**
   * `scan` (report only, for development) or `install` (patch in a maintenance window, for production).
   */
  readonly mode: PatchMode;
  /**
   * When patching happens: in scan mode, when the compliance scan runs (association
   * schedule, UTC); in install mode, when the maintenance window opens (read in
   * `window.timezone`). A `rate(...)` or `cron(...)` expression. In install mode pick
   * a quiet hour: instances may reboot.
   * @default "cron(0 3 ? * * *)" (daily) in scan mode; "cron(0 3 ? * SUN *)" (weekly) in install mode
   */
  readonly schedule?: string;
  /**
   * In install mode, also scan on its own schedule so compliance stays fresh between windows.
   * Ignored in scan mode.
   * @default true
   */
  readonly scanBetweenWindows?: boolean;
  /**
   * In install mode, when the scan between windows runs (association schedule, UTC).
   * Ignored in scan mode and when `scanBetweenWindows` is false.
   * @default "cron(0 15 ? * * *)"
   */
  readonly betweenWindowsScanSchedule?: string;
  /**
   * The maintenance window of install mode. Ignored in scan mode.
   * @default - 3 hours in UTC, cutoff 1 hour, reboot if needed, 25% at a time
   */
  readonly window?: PatchWindowOptions;
}

/** Props of {@link PatchManagement}. */
export interface PatchManagementProps extends PatchOptions {
  /**
   * Prefix of every resource name (`<namePrefix>-patch-scan`, `-patch-window`, ...).
   */
  readonly namePrefix: string;
  /**
   * The instances to patch: every managed instance with this tag.
   * Targeting by tag covers instances replaced or added later.
   */
  readonly target: InstanceTagTarget;
  /**
   * Where the command output goes (`<keyPrefix>/patch-scan/...`, `<keyPrefix>/patch-install/...`).
   * The instance role needs `s3:PutObject` there.
   * @default - none: output stays in the Systems Manager command history only, truncated
   */
  readonly outputS3?: S3OutputLocation;
  /**
   * Provider to create every resource with (an aliased AWS provider for
   * another Region or account).
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the time zone, duration and cutoff of a maintenance window; `v` is
 * positioned at the window. Absent values are checked as their defaults.
 */
export function validateWindowTiming(
  v: Validator,
  window: { readonly timezone?: string; readonly duration?: number; readonly cutoff?: number },
  defaultDuration: number,
  defaultCutoff: number,
): void {
  if (window.timezone !== undefined) {
    v.check(
      typeof window.timezone === "string" && window.timezone.length > 0 && isTimeZone(window.timezone),
      "timezone",
      `"${window.timezone}" is not an IANA time zone (e.g. "UTC", "Europe/Berlin")`,
    );
  }
  const duration = window.duration ?? defaultDuration;
  const cutoff = window.cutoff ?? defaultCutoff;
  const durationOk = v.check(
    Number.isInteger(duration) && duration >= 1 && duration <= 24,
    "duration",
    `${duration} is not a whole number of hours from 1 to 24`,
  );
  const cutoffOk = v.check(
    Number.isInteger(cutoff) && cutoff >= 0 && cutoff <= 23,
    "cutoff",
    `${cutoff} is not a whole number of hours from 0 to 23`,
  );
  if (durationOk && cutoffOk) {
    v.check(
      cutoff < duration,
      "cutoff",
      `${cutoff} must be less than the duration (${duration}), or no task could ever start`,
    );
  }
}

/** Checks the options of a patch window; `v` is positioned at the window. */
export function validatePatchWindowOptions(v: Validator, window: PatchWindowOptions): void {
  validateWindowTiming(v, window, DEFAULT_PATCH_WINDOW_DURATION, DEFAULT_PATCH_WINDOW_CUTOFF);
  if (window.rebootOption !== undefined) {
    v.oneOf("rebootOption", window.rebootOption, REBOOT_OPTIONS);
  }
  validateRateControl(v, "maxConcurrency", window.maxConcurrency, "maxConcurrency");
  validateRateControl(v, "maxErrors", window.maxErrors, "maxErrors");
}

/** Checks patching options; `v` is positioned where the options live. */
export function validatePatchOptions(v: Validator, options: PatchOptions): void {
  v.oneOf("mode", options.mode, PATCH_MODES);
  const install = options.mode === "install";
  if (options.schedule !== undefined) {
    const problem = scheduleProblem(options.schedule, install ? "maintenanceWindow" : "association");
    if (problem !== undefined) v.add("schedule", problem);
  }
  if (install && options.betweenWindowsScanSchedule !== undefined) {
    const problem = scheduleProblem(options.betweenWindowsScanSchedule, "association");
    if (problem !== undefined) v.add("betweenWindowsScanSchedule", problem);
  }
  if (install) validatePatchWindowOptions(v.child("window"), options.window ?? {});
}

/**
 * Patch Manager for every instance with a tag, through `AWS-RunPatchBaseline`
 * and the default patch baseline of each instance's operating system.
 *
 * - `mode: "scan"`: a State Manager association runs `Operation=Scan` on the
 *   schedule (daily by default); compliance is reported, nothing changes on the instances.
 * - `mode: "install"`: a maintenance window opening on the schedule (weekly by
 *   default, no unregistered targets), a window
 *   target selecting the instances by tag, and a Run Command task running
 *   `Operation=Install` with the chosen reboot option; plus, unless turned off,
 *   the daily scan association so compliance stays fresh between windows.
 *
 * The window task runs with Systems Manager's service-linked role: no IAM role to manage.
 */
export class PatchManagement extends Construct {
  /** The mode in use. */
  public readonly mode: PatchMode;
  /** The scan association (scan mode, or install mode with `scanBetweenWindows`). */
  public readonly scanAssociation?: SsmAssociation;
  /** The maintenance window (install mode). */
  public readonly maintenanceWindow?: SsmMaintenanceWindow;
  /** The window target selecting the instances by tag (install mode). */
  public readonly windowTarget?: SsmMaintenanceWindowTarget;
  /** The Run Command task installing patches (install mode). */
  public readonly installTask?: SsmMaintenanceWindowTask;

  constructor(scope: Construct, id: string, props: PatchManagementProps) {
    super(scope, id);

    const v = new Validator(this.node.path);
    validateNamePrefix(v, props.namePrefix, Object.values(PATCH_NAME_SUFFIXES));
    validateTagTarget(v.child("target"), props.target);
    validateOutputS3(v.child("outputS3"), props.outputS3);
    validatePatchOptions(v, props);
    v.throwIfAny();

    this.mode = props.mode;
    const name = (suffix: string): string => resourceName(props.namePrefix, suffix);
    const targetText = `${props.target.key}=${props.target.value}`;

    const install = props.mode === "install";
    if (!install || (props.scanBetweenWindows ?? true)) {
      const scanName = name(PATCH_NAME_SUFFIXES.scanAssociation);
      this.scanAssociation = new SsmAssociation(this, "ScanAssociation", {
        provider: props.provider,
        name: PATCH_BASELINE_DOCUMENT,
        associationName: scanName,
        targets: tagTargets(props.target),
        scheduleExpression: install
          ? (props.betweenWindowsScanSchedule ?? DEFAULT_BETWEEN_WINDOWS_SCAN_SCHEDULE)
          : (props.schedule ?? DEFAULT_SCAN_SCHEDULE),
        parameters: { Operation: "Scan" },
        maxConcurrency: DEFAULT_SCAN_MAX_CONCURRENCY,
        maxErrors: DEFAULT_SCAN_MAX_ERRORS,
        outputLocation: props.outputS3
          ? {
              s3BucketName: props.outputS3.bucketName,
              s3KeyPrefix: outputKeyPrefix(props.outputS3, OUTPUT_FOLDERS.patchScan),
            }
          : undefined,
        tags: nameTag(scanName),
      });
    }

    if (install) {
      const window = props.window ?? {};
      const windowName = name(PATCH_NAME_SUFFIXES.window);
      this.maintenanceWindow = taggedWindow(this, {
        provider: props.provider,
        name: windowName,
        description: `Patch installation for instances tagged ${targetText}`,
        schedule: props.schedule ?? DEFAULT_PATCH_WINDOW_SCHEDULE,
        timezone: window.timezone,
        duration: window.duration ?? DEFAULT_PATCH_WINDOW_DURATION,
        cutoff: window.cutoff ?? DEFAULT_PATCH_WINDOW_CUTOFF,
      });

      this.windowTarget = tagWindowTarget(this, {
        provider: props.provider,
        windowId: this.maintenanceWindow.id,
        name: name(PATCH_NAME_SUFFIXES.windowTarget),
        description: `Instances tagged ${targetText}`,
        target: props.target,
      });

      this.installTask = new SsmMaintenanceWindowTask(this, "InstallTask", {
        provider: props.provider,
        windowId: this.maintenanceWindow.id,
        name: name(PATCH_NAME_SUFFIXES.installTask),
        description: ssmDescription(
          `Install missing patches from the patch baseline on instances tagged ${targetText}`,
        ),
        taskType: "RUN_COMMAND",
        taskArn: PATCH_BASELINE_DOCUMENT,
        priority: 1,
        cutoffBehavior: "CONTINUE_TASK",
        maxConcurrency: window.maxConcurrency ?? DEFAULT_INSTALL_MAX_CONCURRENCY,
        maxErrors: window.maxErrors ?? DEFAULT_INSTALL_MAX_ERRORS,
        targets: [{ key: "WindowTargetIds", values: [this.windowTarget.id] }],
        taskInvocationParameters: {
          runCommandParameters: {
            parameter: [
              { name: "Operation", values: ["Install"] },
              { name: "RebootOption", values: [window.rebootOption ?? "RebootIfNeeded"] },
            ],
            outputS3Bucket: props.outputS3?.bucketName,
            outputS3KeyPrefix: props.outputS3
              ? outputKeyPrefix(props.outputS3, OUTPUT_FOLDERS.patchInstall)
              : undefined,
          },
        },
      });
    }
  }
}
