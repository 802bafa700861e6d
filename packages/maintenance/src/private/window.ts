import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { SsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { InstanceTagTarget, nameTag } from "@ssm-access/core";
import { ssmDescription, tagTargets } from "../inputs";

/** What a maintenance window of these constructs is made of. */
export interface TaggedWindowProps {
  readonly provider?: TerraformProvider;
  /** Window name (also its `Name` tag). */
  readonly name: string;
  /** Window description, shortened to what Systems Manager accepts. */
  readonly description: string;
  readonly schedule: string;
  readonly timezone?: string;
  /** Hours. */
  readonly duration: number;
  /** Hours before the end in which no new task starts. */
  readonly cutoff: number;
}

/**
 * A maintenance window (`<scope>/MaintenanceWindow`) that runs registered
 * targets only: the one shape both the patch window and the release-upgrade
 * window take.
 */
export function taggedWindow(scope: Construct, props: TaggedWindowProps): SsmMaintenanceWindow {
  return new SsmMaintenanceWindow(scope, "MaintenanceWindow", {
    provider: props.provider,
    name: props.name,
    description: ssmDescription(props.description),
    schedule: props.schedule,
    scheduleTimezone: props.timezone,
    duration: props.duration,
    cutoff: props.cutoff,
    allowUnassociatedTargets: false,
    tags: nameTag(props.name),
  });
}

/** The window target (`<scope>/WindowTarget`) selecting the instances tagged like `target`. */
export function tagWindowTarget(
  scope: Construct,
  props: {
    readonly provider?: TerraformProvider;
    readonly windowId: string;
    readonly name: string;
    readonly description: string;
    readonly target: InstanceTagTarget;
  },
): SsmMaintenanceWindowTarget {
  return new SsmMaintenanceWindowTarget(scope, "WindowTarget", {
    provider: props.provider,
    windowId: props.windowId,
    name: props.name,
    description: ssmDescription(props.description),
    resourceType: "INSTANCE",
    targets: tagTargets(props.target),
  });
}
