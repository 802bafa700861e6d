import { Construct } from "constructs";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { SsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import {
  InstanceTagTarget,
  SsmAccessProps,
  Validator,
  escapeTerraformTemplate,
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
  validateMaintenanceAccess,
  validateOutputS3,
  validateRateControl,
} from "./inputs";
import { validateWindowTiming } from "./patching";
import { AL2023_RELEASE_ALLOWED_PATTERN, AL2023_RELEASE_EXAMPLE, al2023ReleaseProblem } from "./release";
import { RELEASE_PARAMETER, RELEASE_UPGRADE_SCRIPT_LINES } from "./release-upgrade-script";

export { RELEASE_PARAMETER } from "./release-upgrade-script";

/**
 * When the window of its own opens (the release upgrade without an existing
 * window): daily at 02:00 UTC, an hour before the default daily patch scan
 * (03:00), so the scan that follows reports against the new release.
 */
export const DEFAULT_RELEASE_WINDOW_SCHEDULE = "cron(0 2 ? * * *)";
/** Length of the window of its own, in hours. */
export const DEFAULT_RELEASE_WINDOW_DURATION = 2;
/** Hours before that window ends after which no new instance starts upgrading. */
export const DEFAULT_RELEASE_WINDOW_CUTOFF = 1;
/** Rate controls of the upgrade task: one instance at a time, stop on the first failure. */
export const DEFAULT_RELEASE_UPGRADE_MAX_CONCURRENCY = "1";
/** @see DEFAULT_RELEASE_UPGRADE_MAX_CONCURRENCY */
export const DEFAULT_RELEASE_UPGRADE_MAX_ERRORS = "0";
/**
 * Priority of the upgrade task in its window: 2, after the patch install task
 * (priority 1) of a shared window, never in parallel with it (both use the
 * package manager). Not 0, before it: the AWS provider does not send a
 * priority of 0 when it registers a task, so Systems Manager would apply its
 * own and every plan would show the difference.
 */
export const RELEASE_UPGRADE_TASK_PRIORITY = 2;

/** Name suffixes of the release upgrade resources. */
export const RELEASE_NAME_SUFFIXES = {
  document: "release-upgrade",
  window: "release-window",
  windowTarget: "release-targets",
  task: "release-upgrade",
} as const;

/** The window the release upgrade opens when it has none given. */
export interface ReleaseWindowOptions {
  /**
   * IANA time zone the window's schedule is read in, e.g. `Europe/Berlin`.
   * @default - UTC
   */
  readonly timezone?: string;
  /**
   * How long the window stays open, in whole hours (1 to 24).
   * @default 2
   */
  readonly duration?: number;
  /**
   * Hours before the window closes after which no new instance starts upgrading (0 to 23, less than `duration`).
   * @default 1
   */
  readonly cutoff?: number;
}

/** Release upgrade settings that do not depend on where they run. */
export interface ReleaseUpgradeOptions {
  /**
   * When the window of its own opens: a `rate(...)` or `cron(...)` maintenance
   * window expression (read in `window.timezone`). Only without a given
   * `maintenanceWindow`: in an existing window the upgrade runs on that window's schedule.
   * @default "cron(0 2 ? * * *)" (daily 02:00, an hour before the default daily patch scan)
   */
  readonly schedule?: string;
  /**
   * The window of its own. Only without a given `maintenanceWindow`.
   * @default - 2 hours in UTC, cutoff 1 hour
   */
  readonly window?: ReleaseWindowOptions;
  /**
   * How many instances upgrade at once: a count or a percentage of the targets.
   * An upgrade may reboot the instance, and the command of an instance only
   * succeeds once it is back (exit 194), so `1` never has more than one
   * instance down. Raise it (e.g. `"25%"`) for fleets too large to go one by
   * one inside the window.
   * @default "1"
   */
  readonly maxConcurrency?: string;
  /**
   * How many failed upgrades stop the task for the instances not yet reached: a count or a percentage.
   * With `0` the first failure (a broken release, a host that is not Amazon
   * Linux 2023) stops the rollout before it reaches another instance.
   * @default "0"
   */
  readonly maxErrors?: string;
}

/** Props of {@link ReleaseUpgrade}. */
export interface ReleaseUpgradeProps extends ReleaseUpgradeOptions, SsmAccessProps {
  /**
   * Prefix of every resource name (`<namePrefix>-release-upgrade`, `-release-window`, `-release-targets`).
   */
  readonly namePrefix: string;
  /**
   * The instances to upgrade: every managed instance with this tag. They must
   * all run Amazon Linux 2023; the script refuses any other system (and that
   * failure stops the rollout).
   */
  readonly target: InstanceTagTarget;
  /**
   * The Amazon Linux 2023 release to upgrade to, `2023.<minor>.<YYYYMMDD>`
   * (e.g. `2023.9.20251117`): a release tested elsewhere first.
   * Passed to the document as its `Release` parameter.
   */
  readonly release: string;
  /**
   * An existing maintenance window to register the upgrade in (e.g. the patch
   * window of {@link PatchManagement}); the upgrade runs there after the tasks
   * of priority 1 (the patch install). `schedule` and `window` then do not apply.
   * @default - a window of its own, `<namePrefix>-release-window`
   */
  readonly maintenanceWindow?: SsmMaintenanceWindow;
  /**
   * Where the command output goes (`<keyPrefix>/release-upgrade/...`).
   * The instance role needs `s3:PutObject` there.
   * @default - none: output stays in the Systems Manager command history only, truncated
   */
  readonly outputS3?: S3OutputLocation;
}

/**
 * Checks release upgrade options; `v` is positioned where the options live.
 * @param sharedWindow the existing window the upgrade runs in, as named in
 *   messages (`schedule` and `window` are then refused); `undefined` when it
 *   opens a window of its own
 */
export function validateReleaseUpgradeOptions(
  v: Validator,
  options: ReleaseUpgradeOptions,
  sharedWindow?: string,
): void {
  if (sharedWindow === undefined) {
    if (options.schedule !== undefined) {
      const problem = scheduleProblem(options.schedule, "maintenanceWindow");
      if (problem !== undefined) v.add("schedule", problem);
    }
    validateWindowTiming(
      v.child("window"),
      options.window ?? {},
      DEFAULT_RELEASE_WINDOW_DURATION,
      DEFAULT_RELEASE_WINDOW_CUTOFF,
    );
  } else {
    const shared = `only applies to a window of the release upgrade's own; it runs in ${sharedWindow}, on that window's schedule`;
    if (options.schedule !== undefined) v.add("schedule", shared);
    if (options.window !== undefined) v.add("window", shared);
  }
  validateRateControl(v, "maxConcurrency", options.maxConcurrency, "maxConcurrency");
  validateRateControl(v, "maxErrors", options.maxErrors, "maxErrors");
}

/**
 * The content of the release upgrade Command document (schema 2.2, one
 * `aws:runShellScript` step on Linux), as an object ready for `JSON.stringify`.
 * The release comes in as the `Release` parameter, checked against
 * {@link AL2023_RELEASE_ALLOWED_PATTERN} before anything runs, so one
 * document serves every release.
 */
export function releaseUpgradeDocumentContent(): Record<string, unknown> {
  return {
    schemaVersion: "2.2",
    description:
      "Upgrades Amazon Linux 2023 in place to one release (dnf upgrade --releasever), pins it in /etc/dnf/vars/releasever and reboots only when needed. Refuses other systems.",
    parameters: {
      [RELEASE_PARAMETER]: {
        type: "String",
        description: `The Amazon Linux 2023 release to upgrade to, 2023.<minor>.<YYYYMMDD>, e.g. ${AL2023_RELEASE_EXAMPLE}.`,
        allowedPattern: AL2023_RELEASE_ALLOWED_PATTERN,
      },
    },
    mainSteps: [
      {
        action: "aws:runShellScript",
        name: "UpgradeRelease",
        precondition: { StringEquals: ["platformType", "Linux"] },
        inputs: { runCommand: [...RELEASE_UPGRADE_SCRIPT_LINES] },
      },
    ],
  };
}

/**
 * Deterministic Amazon Linux 2023 release upgrades for every instance with a tag.
 *
 * Each AL2023 instance stays on the release of its AMI: `dnf` (and Patch
 * Manager, which follows the instance's repository configuration) only sees
 * that release's frozen repository, and security fixes come with newer
 * releases. This construct moves the instances to one tested release, in a
 * maintenance window:
 *
 * - a Command document `<namePrefix>-release-upgrade` that runs
 *   `dnf upgrade --releasever=<Release> -y`, pins the release in
 *   `/etc/dnf/vars/releasever`, refuses hosts that are not Amazon Linux 2023,
 *   does nothing on an instance already there, and reboots only when needed
 *   (exit 194: the agent reboots and runs the script again);
 * - a window target selecting the instances by tag, and a Run Command task
 *   passing the pinned release, one instance at a time by default, stopping on
 *   the first failure;
 * - a window of its own (daily by default), unless `maintenanceWindow` is given.
 *
 * The task runs with Systems Manager's service-linked role: no IAM role to manage.
 *
 * @example
 * new ReleaseUpgrade(this, "ReleaseUpgrade", {
 *   namePrefix: "ssm-dev",
 *   target: { key: "Environment", value: "dev" },
 *   release: "2023.9.20251117",
 * });
 */
export class ReleaseUpgrade extends Construct {
  /** The release the instances are upgraded to. */
  public readonly release: string;
  /** The Command document. */
  public readonly document: SsmDocument;
  /** The document name, `<namePrefix>-release-upgrade`. */
  public readonly documentName: string;
  /** The window the task runs in: the given one, or the window of its own. */
  public readonly maintenanceWindow: SsmMaintenanceWindow;
  /** Whether {@link ReleaseUpgrade.maintenanceWindow} was created by this construct. */
  public readonly ownsWindow: boolean;
  /** The window target selecting the instances by tag. */
  public readonly windowTarget: SsmMaintenanceWindowTarget;
  /** The Run Command task. */
  public readonly task: SsmMaintenanceWindowTask;
  /** The key prefix command output is written under, when an output location is set. */
  public readonly outputKeyPrefix?: string;

  constructor(scope: Construct, id: string, props: ReleaseUpgradeProps) {
    super(scope, id);

    const v = new Validator(this.node.path);
    validateMaintenanceAccess(v, this, props, Object.values(RELEASE_NAME_SUFFIXES));
    validateTagTarget(v.child("target"), props.target);
    const releaseProblem = al2023ReleaseProblem(props.release);
    if (releaseProblem !== undefined) v.add("release", releaseProblem);
    validateReleaseUpgradeOptions(v, props, props.maintenanceWindow ? "the given maintenance window" : undefined);
    validateOutputS3(v.child("outputS3"), props.outputS3);
    v.throwIfAny();

    this.release = props.release;
    this.ownsWindow = props.maintenanceWindow === undefined;
    const name = (suffix: string): string => resourceName(props.namePrefix, suffix);
    const targetText = `${props.target.key}=${props.target.value}`;
    this.outputKeyPrefix = props.outputS3 ? outputKeyPrefix(props.outputS3, OUTPUT_FOLDERS.releaseUpgrade) : undefined;

    this.documentName = name(RELEASE_NAME_SUFFIXES.document);
    this.document = new SsmDocument(this, "Document", {
      provider: props.provider,
      name: this.documentName,
      documentType: "Command",
      documentFormat: "JSON",
      targetType: "/AWS::EC2::Instance",
      content: escapeTerraformTemplate(JSON.stringify(releaseUpgradeDocumentContent(), undefined, 2)),
      tags: nameTag(this.documentName),
    });

    if (props.maintenanceWindow) {
      this.maintenanceWindow = props.maintenanceWindow;
    } else {
      const window = props.window ?? {};
      const windowName = name(RELEASE_NAME_SUFFIXES.window);
      this.maintenanceWindow = taggedWindow(this, {
        provider: props.provider,
        name: windowName,
        description: `Amazon Linux 2023 release upgrade for instances tagged ${targetText}`,
        schedule: props.schedule ?? DEFAULT_RELEASE_WINDOW_SCHEDULE,
        timezone: window.timezone,
        duration: window.duration ?? DEFAULT_RELEASE_WINDOW_DURATION,
        cutoff: window.cutoff ?? DEFAULT_RELEASE_WINDOW_CUTOFF,
      });
    }

    this.windowTarget = tagWindowTarget(this, {
      provider: props.provider,
      windowId: this.maintenanceWindow.id,
      name: name(RELEASE_NAME_SUFFIXES.windowTarget),
      description: `Instances tagged ${targetText}, upgraded to one Amazon Linux 2023 release`,
      target: props.target,
    });

    this.task = new SsmMaintenanceWindowTask(this, "Task", {
      provider: props.provider,
      windowId: this.maintenanceWindow.id,
      name: name(RELEASE_NAME_SUFFIXES.task),
      description: ssmDescription(`Upgrade instances tagged ${targetText} to Amazon Linux ${props.release}`),
      taskType: "RUN_COMMAND",
      taskArn: this.document.name,
      priority: RELEASE_UPGRADE_TASK_PRIORITY,
      // An upgrade is never cancelled in the middle of a dnf transaction.
      cutoffBehavior: "CONTINUE_TASK",
      maxConcurrency: props.maxConcurrency ?? DEFAULT_RELEASE_UPGRADE_MAX_CONCURRENCY,
      maxErrors: props.maxErrors ?? DEFAULT_RELEASE_UPGRADE_MAX_ERRORS,
      targets: [{ key: "WindowTargetIds", values: [this.windowTarget.id] }],
      taskInvocationParameters: {
        runCommandParameters: {
          parameter: [{ name: RELEASE_PARAMETER, values: [props.release] }],
          outputS3Bucket: props.outputS3?.bucket.bucketName,
          outputS3KeyPrefix: this.outputKeyPrefix,
        },
      },
    });
  }
}
