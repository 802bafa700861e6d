import { Construct } from "constructs";
import {
  FeatureOptions,
  InstanceTagTarget,
  PolicyGrantee,
  SsmAccessProps,
  Validator,
  isEnabled,
  validateTagTarget,
} from "@ssm-access/core";
import {
  AGENT_UPDATE_NAME_SUFFIX,
  SsmAgentUpdate,
  SsmAgentUpdateOptions,
  validateSsmAgentUpdateOptions,
} from "./agent-update";
import { PATCH_NAME_SUFFIXES, PatchManagement, PatchMode, PatchOptions, validatePatchOptions } from "./patching";
import {
  RELEASE_NAME_SUFFIXES,
  ReleaseUpgrade,
  ReleaseUpgradeOptions,
  validateReleaseUpgradeOptions,
} from "./release-upgrade";
import { al2023ReleaseProblem } from "./release";
import { S3OutputLocation, outputObjectsPattern, validateMaintenanceAccess, validateOutputS3 } from "./inputs";

/** Agent update settings of {@link InstanceMaintenance}. */
export interface AgentUpdateSettings extends SsmAgentUpdateOptions, FeatureOptions {
  /**
   * Whether the SSM Agent is kept up to date.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Patching settings of {@link InstanceMaintenance}. */
export interface PatchingSettings extends Omit<PatchOptions, "mode">, FeatureOptions {
  /**
   * Whether the instances are patched (scanned or patched, as `mode` says).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * `scan` (report compliance only) or `install` (patch in a maintenance window).
   * @default "scan"
   */
  readonly mode?: PatchMode;
}

/** Props of {@link InstanceMaintenance}. */
export interface InstanceMaintenanceProps extends SsmAccessProps {
  /**
   * Prefix of every resource name, e.g. `ssm-prod` → `ssm-prod-ssm-agent-update`, `ssm-prod-patch-window`.
   */
  readonly namePrefix: string;
  /**
   * The instances maintained: every managed instance with this tag.
   * Targeting by tag covers instances replaced or added later.
   */
  readonly target: InstanceTagTarget;
  /**
   * SSM Agent updates; `{ enabled: false }` turns them off.
   * @default - on: every 14 days, 50% at a time, stop on the first failure
   */
  readonly agentUpdate?: AgentUpdateSettings;
  /**
   * Patching; `{ enabled: false }` turns it off (no patching resources at all).
   * Scanning changes nothing on the instances, so it is the safe default.
   * @default - on, in scan mode (daily compliance scan at 03:00 UTC)
   */
  readonly patching?: PatchingSettings;
  /**
   * The Amazon Linux 2023 release to upgrade the instances to, in place:
   * `2023.<minor>.<YYYYMMDD>` (e.g. `2023.9.20251117`), a release tested
   * elsewhere first (see {@link ReleaseUpgrade}). With patching in `install`
   * mode the upgrade runs in the patch window, after the patch install;
   * otherwise in a window of its own (`releaseUpgrade.schedule`, daily by default).
   * Every targeted instance must run Amazon Linux 2023.
   * @default - none: no release upgrade; instances stay on their AMI's release (patching stays within it)
   */
  readonly osRelease?: string;
  /**
   * How the release upgrade runs. Only with `osRelease`.
   * @default - one instance at a time, stop on the first failure; in a window of its own (without install-mode patching): daily 02:00 UTC, 2 hours, cutoff 1 hour
   */
  readonly releaseUpgrade?: ReleaseUpgradeOptions;
  /**
   * Where every maintenance command writes its output, each under its own folder
   * (`<keyPrefix>/agent-update`, `/patch-scan`, `/patch-install`, `/release-upgrade`):
   * a reference to the bucket, such as `SessionLogging.transcriptBucket`. The
   * instance role needs `s3:PutObject` there: {@link InstanceMaintenance.grantOutputWrite}
   * has the bucket's owner grant it.
   * @default - none: output stays in the Systems Manager command history only, truncated
   */
  readonly outputS3?: S3OutputLocation;
}

/**
 * Automated maintenance of the instances with a tag, without anyone logging in:
 * SSM Agent updates ({@link SsmAgentUpdate}), patching ({@link PatchManagement})
 * and, with `osRelease`, Amazon Linux 2023 release upgrades ({@link ReleaseUpgrade})
 * from one props object, validated together.
 *
 * @example
 * // production: patch weekly in a window, output to the transcript bucket
 * const maintenance = new InstanceMaintenance(this, "Maintenance", {
 *   namePrefix: "ssm-prod",
 *   target: { key: "Environment", value: "prod" },
 *   patching: { mode: "install", schedule: "cron(0 2 ? * SUN *)", window: { timezone: "Europe/Berlin" } },
 *   outputS3: { bucket: sessionLogging.transcriptBucket },
 * });
 * maintenance.grantOutputWrite(instanceRole);
 */
export class InstanceMaintenance extends Construct {
  /** The agent update, unless turned off. */
  public readonly agentUpdate?: SsmAgentUpdate;
  /** The patching resources, unless patching is turned off. */
  public readonly patching?: PatchManagement;
  /** The release upgrade, when `osRelease` is set. */
  public readonly releaseUpgrade?: ReleaseUpgrade;
  /** The output location in use, if any. */
  public readonly outputS3?: S3OutputLocation;

  constructor(scope: Construct, id: string, props: InstanceMaintenanceProps) {
    super(scope, id);
    validateProps(this, props);

    const patching = props.patching ?? {};
    const patchMode: PatchMode = patching.mode ?? "scan";
    this.outputS3 = props.outputS3;

    if (isEnabled(props.agentUpdate, true)) {
      this.agentUpdate = new SsmAgentUpdate(this, "AgentUpdate", {
        ...props.agentUpdate,
        namePrefix: props.namePrefix,
        target: props.target,
        outputS3: props.outputS3,
        provider: props.provider,
      });
    }

    if (isEnabled(props.patching, true)) {
      this.patching = new PatchManagement(this, "Patching", {
        ...patching,
        mode: patchMode,
        namePrefix: props.namePrefix,
        target: props.target,
        outputS3: props.outputS3,
        provider: props.provider,
      });
    }

    if (props.osRelease !== undefined) {
      this.releaseUpgrade = new ReleaseUpgrade(this, "ReleaseUpgrade", {
        ...props.releaseUpgrade,
        release: props.osRelease,
        namePrefix: props.namePrefix,
        target: props.target,
        maintenanceWindow: this.patching?.maintenanceWindow,
        outputS3: props.outputS3,
        provider: props.provider,
      });
    }
  }

  /**
   * Has the owner of the output bucket give the instance role what the agent
   * needs to upload command output: `s3:PutObject` on `<bucket>/<keyPrefix>/*`
   * (`IBucket.grantPutObject`). Nothing without `outputS3`.
   */
  public grantOutputWrite(instanceRole: PolicyGrantee): void {
    this.outputS3?.bucket.grantPutObject(instanceRole, outputObjectsPattern(this.outputS3), "WriteMaintenanceOutput");
  }
}

/** Checks every prop of an {@link InstanceMaintenance}; throws one error listing every problem. */
function validateProps(scope: Construct, props: InstanceMaintenanceProps): void {
  const patching = props.patching ?? {};
  const patchingEnabled = isEnabled(props.patching, true);
  const patchMode: PatchMode = patching.mode ?? "scan";

  const v = new Validator(scope.node.path);
  validateMaintenanceAccess(v, scope, props, [
    AGENT_UPDATE_NAME_SUFFIX,
    ...Object.values(PATCH_NAME_SUFFIXES),
    ...Object.values(RELEASE_NAME_SUFFIXES),
  ]);
  validateTagTarget(v.child("target"), props.target);
  validateOutputS3(v.child("outputS3"), props.outputS3);
  if (v.featureOptions("agentUpdate", props.agentUpdate) && isEnabled(props.agentUpdate, true)) {
    validateSsmAgentUpdateOptions(v.child("agentUpdate"), props.agentUpdate ?? {});
  }
  if (v.featureOptions("patching", props.patching) && patchingEnabled) {
    const patchV = v.child("patching");
    if ((patching.mode as string) === "off") {
      patchV.add("mode", '"off" is not a patching mode: turn patching off with { "enabled": false }');
    } else {
      validatePatchOptions(patchV, { ...patching, mode: patchMode });
    }
  }
  if (props.osRelease !== undefined) {
    const problem = al2023ReleaseProblem(props.osRelease);
    if (problem !== undefined) v.add("osRelease", problem);
    validateReleaseUpgradeOptions(
      v.child("releaseUpgrade"),
      props.releaseUpgrade ?? {},
      patchingEnabled && patchMode === "install" ? "the patch window (patching.mode is install)" : undefined,
    );
  } else if (props.releaseUpgrade !== undefined) {
    v.add("releaseUpgrade", "only applies with osRelease (the release to upgrade to)");
  }
  v.throwIfAny();
}
