import { Construct } from "constructs";
import { SsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import {
  FeatureOptions,
  InstanceTagTarget,
  SsmAccessProps,
  Validator,
  isEnabled,
  nameTag,
  resourceName,
  validateTagTarget,
} from "@ssm-access/core";
import { scheduleProblem } from "./schedule";
import { tagWindowTarget, taggedWindow } from "./private/window";
import {
  OUTPUT_FOLDERS,
  S3OutputLocation,
  outputKeyPrefix,
  ssmDescription,
  tagTargets,
  validateMaintenanceAccess,
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

/** The compliance scan between patch windows (install mode). */
export interface BetweenWindowsScanOptions extends FeatureOptions {
  /**
   * Whether install mode also scans on its own schedule, so compliance stays fresh between windows.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * When the scan runs (association schedule, UTC): a `rate(...)` or `cron(...)` expression.
   * @default "cron(0 15 ? * * *)"
   */
  readonly schedule?: string;
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
   * In install mode, the compliance scan between windows, on its own schedule; `{ enabled: false }`
   * for none. Ignored in scan mode, where the scan is the patching.
   * @default - on in install mode: daily at 15:00 UTC
   */
  readonly betweenWindowsScan?: BetweenWindowsScanOptions;
  /**
   * The maintenance window of install mode. Ignored in scan mode.
   * @default - 3 hours in UTC, cutoff 1 hour, reboot if needed, 25% at a time
   */
  readonly window?: PatchWindowOptions;
}

/** Props of {@link PatchManagement}. */
export interface PatchManagementProps extends PatchOptions, SsmAccessProps {
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
  if (
    install &&
    v.featureOptions("betweenWindowsScan", options.betweenWindowsScan) &&
    options.betweenWindowsScan?.schedule !== undefined
  ) {
    const problem = scheduleProblem(options.betweenWindowsScan.schedule, "association");
    if (problem !== undefined) v.add("betweenWindowsScan.schedule", problem);
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
  /** The scan association (scan mode, or install mode with `betweenWindowsScan` on). */
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
    validateMaintenanceAccess(v, this, props, Object.values(PATCH_NAME_SUFFIXES));
    validateTagTarget(v.child("target"), props.target);
    validateOutputS3(v.child("outputS3"), props.outputS3);
    validatePatchOptions(v, props);
    v.throwIfAny();

    this.mode = props.mode;
    const install = props.mode === "install";
    if (!install || isEnabled(props.betweenWindowsScan, true)) this.scanAssociation = this.createScan(props);
    if (install) {
      this.maintenanceWindow = this.createWindow(props);
      this.windowTarget = tagWindowTarget(this, {
        provider: props.provider,
        windowId: this.maintenanceWindow.id,
        name: resourceName(props.namePrefix, PATCH_NAME_SUFFIXES.windowTarget),
        description: `Instances tagged ${targetText(props.target)}`,
        target: props.target,
      });
      this.installTask = this.createInstallTask(props, this.maintenanceWindow, this.windowTarget);
    }
  }

  /** The scan association: the patching of scan mode, or the scan between windows of install mode. */
  private createScan(props: PatchManagementProps): SsmAssociation {
    const install = props.mode === "install";
    const scanName = resourceName(props.namePrefix, PATCH_NAME_SUFFIXES.scanAssociation);
    return new SsmAssociation(this, "ScanAssociation", {
      provider: props.provider,
      name: PATCH_BASELINE_DOCUMENT,
      associationName: scanName,
      targets: tagTargets(props.target),
      scheduleExpression: install
        ? (props.betweenWindowsScan?.schedule ?? DEFAULT_BETWEEN_WINDOWS_SCAN_SCHEDULE)
        : (props.schedule ?? DEFAULT_SCAN_SCHEDULE),
      parameters: { Operation: "Scan" },
      maxConcurrency: DEFAULT_SCAN_MAX_CONCURRENCY,
      maxErrors: DEFAULT_SCAN_MAX_ERRORS,
      outputLocation: props.outputS3
        ? {
            s3BucketName: props.outputS3.bucket.bucketName,
            s3KeyPrefix: outputKeyPrefix(props.outputS3, OUTPUT_FOLDERS.patchScan),
          }
        : undefined,
      tags: nameTag(scanName),
    });
  }

  /** The patch window of install mode, opening on the schedule. */
  private createWindow(props: PatchManagementProps): SsmMaintenanceWindow {
    const window = props.window ?? {};
    return taggedWindow(this, {
      provider: props.provider,
      name: resourceName(props.namePrefix, PATCH_NAME_SUFFIXES.window),
      description: `Patch installation for instances tagged ${targetText(props.target)}`,
      schedule: props.schedule ?? DEFAULT_PATCH_WINDOW_SCHEDULE,
      timezone: window.timezone,
      duration: window.duration ?? DEFAULT_PATCH_WINDOW_DURATION,
      cutoff: window.cutoff ?? DEFAULT_PATCH_WINDOW_CUTOFF,
    });
  }

  /** The Run Command task installing patches in the window, with the reboot option and rate controls. */
  private createInstallTask(
    props: PatchManagementProps,
    maintenanceWindow: SsmMaintenanceWindow,
    windowTarget: SsmMaintenanceWindowTarget,
  ): SsmMaintenanceWindowTask {
    const window = props.window ?? {};
    return new SsmMaintenanceWindowTask(this, "InstallTask", {
      provider: props.provider,
      windowId: maintenanceWindow.id,
      name: resourceName(props.namePrefix, PATCH_NAME_SUFFIXES.installTask),
      description: ssmDescription(
        `Install missing patches from the patch baseline on instances tagged ${targetText(props.target)}`,
      ),
      taskType: "RUN_COMMAND",
      taskArn: PATCH_BASELINE_DOCUMENT,
      priority: 1,
      cutoffBehavior: "CONTINUE_TASK",
      maxConcurrency: window.maxConcurrency ?? DEFAULT_INSTALL_MAX_CONCURRENCY,
      maxErrors: window.maxErrors ?? DEFAULT_INSTALL_MAX_ERRORS,
      targets: [{ key: "WindowTargetIds", values: [windowTarget.id] }],
      taskInvocationParameters: {
        runCommandParameters: {
          parameter: [
            { name: "Operation", values: ["Install"] },
            { name: "RebootOption", values: [window.rebootOption ?? "RebootIfNeeded"] },
          ],
          outputS3Bucket: props.outputS3?.bucket.bucketName,
          outputS3KeyPrefix: props.outputS3 ? outputKeyPrefix(props.outputS3, OUTPUT_FOLDERS.patchInstall) : undefined,
        },
      },
    });
  }
}

/** `key=value` of a tag target, for descriptions. */
function targetText(target: InstanceTagTarget): string {
  return `${target.key}=${target.value}`;
}
