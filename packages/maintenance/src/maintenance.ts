import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import {
  FeatureOptions,
  InstanceTagTarget,
  PolicyGrantee,
  Validator,
  isEnabled,
  partitionForRegion,
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
import { S3OutputLocation, s3OutputWriteStatement, validateNamePrefix, validateOutputS3 } from "./inputs";

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
export interface InstanceMaintenanceProps {
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
   * (`<keyPrefix>/agent-update`, `/patch-scan`, `/patch-install`, `/release-upgrade`).
   * The instance role needs `s3:PutObject` there: {@link InstanceMaintenance.grantOutputWrite}.
   * Needs `region`.
   * @default - none: output stays in the Systems Manager command history only, truncated
   */
  readonly outputS3?: S3OutputLocation;
  /**
   * The AWS Region of the stack, e.g. `eu-west-1`: gives the partition of the
   * bucket ARN {@link InstanceMaintenance.grantOutputWrite} grants. Required with `outputS3`.
   * @default - none (only allowed without `outputS3`)
   */
  readonly region?: string;
  /**
   * Provider to create every resource with (an aliased AWS provider for
   * another Region or account).
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
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
 *   outputS3: { bucketName: transcripts.bucket },
 *   region: "eu-west-1",
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

  private readonly region?: string;

  constructor(scope: Construct, id: string, props: InstanceMaintenanceProps) {
    super(scope, id);

    const agent = props.agentUpdate ?? {};
    const agentEnabled = isEnabled(props.agentUpdate, true);
    const patching = props.patching ?? {};
    const patchingEnabled = isEnabled(props.patching, true);
    const patchMode: PatchMode = patching.mode ?? "scan";

    const v = new Validator(this.node.path);
    validateNamePrefix(v, props.namePrefix, [
      AGENT_UPDATE_NAME_SUFFIX,
      ...Object.values(PATCH_NAME_SUFFIXES),
      ...Object.values(RELEASE_NAME_SUFFIXES),
    ]);
    validateTagTarget(v.child("target"), props.target);
    validateOutputS3(v.child("outputS3"), props.outputS3);
    if (props.region !== undefined) {
      v.region("region", props.region);
    } else if (props.outputS3 !== undefined) {
      v.add(
        "region",
        "is required with outputS3: it gives the partition of the bucket ARN the instance role is granted",
      );
    }
    if (v.featureOptions("agentUpdate", props.agentUpdate) && agentEnabled) {
      validateSsmAgentUpdateOptions(v.child("agentUpdate"), agent);
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

    this.outputS3 = props.outputS3;
    this.region = props.region;

    if (agentEnabled) {
      this.agentUpdate = new SsmAgentUpdate(this, "AgentUpdate", {
        ...agent,
        namePrefix: props.namePrefix,
        target: props.target,
        outputS3: props.outputS3,
        provider: props.provider,
      });
    }

    if (patchingEnabled) {
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
   * Gives the instance role what the agent needs to upload command output:
   * `s3:PutObject` on `<bucket>/<keyPrefix>/*`. Nothing without `outputS3`.
   */
  public grantOutputWrite(instanceRole: PolicyGrantee): void {
    if (this.outputS3 && this.region !== undefined) {
      instanceRole.addToPolicy(s3OutputWriteStatement(this.outputS3, partitionForRegion(this.region)));
    }
  }
}
