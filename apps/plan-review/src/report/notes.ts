import { isRecord, planAction } from "@ssm-access/terraform-kit";
import { PlannedChange } from "./plan";
import { firstBlock } from "./posture";
import { Action } from "./types";
import { asList } from "./values";

/** A domain rule: what a change means that Terraform's plan does not say. */
type NoteRule = (change: PlannedChange, action: Action) => string | undefined;

function values(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

const goesAway = (action: Action) => action === "replace" || action === "delete";

/** An instance type change stops and starts the instance. */
const instanceTypeChange: NoteRule = (change, action) => {
  if (change.type !== "aws_instance" || action !== "update") return undefined;
  if (!change.changedPaths.some((p) => p[0] === "instance_type")) return undefined;
  return (
    "Changing the instance type stops and starts the instance: a short outage. " +
    "Its private IP address and EBS volumes stay; data on instance-store volumes is lost."
  );
};

/** Termination protection does not keep Terraform from terminating an instance. */
const terminationProtection: NoteRule = (change, action) => {
  if (change.type !== "aws_instance" || !goesAway(action)) return undefined;
  if (values(change.before).disable_api_termination !== true) return undefined;
  const verb = action === "replace" ? "replacing" : "destroying";
  return (
    `Termination protection does not stop Terraform from ${verb} this instance: ` +
    "the AWS provider turns it off before terminating the instance. It only guards against termination through the EC2 API or console."
  );
};

/** The root volume (and other volumes deleted on termination) go with the instance. */
const rootVolume: NoteRule = (change, action) => {
  if (change.type !== "aws_instance" || !goesAway(action)) return undefined;
  const before = values(change.before);
  const root = firstBlock(before.root_block_device);
  const extra = asList(before.ebs_block_device).filter((d) => isRecord(d) && d.delete_on_termination !== false).length;
  const others =
    extra > 0
      ? ` So ${extra === 1 ? "is 1 more EBS volume" : `are ${extra} more EBS volumes`} attached with delete_on_termination.`
      : "";
  const replaced =
    action === "replace" ? " The new instance starts from the image with a new ID and private IP address." : "";
  if (root?.delete_on_termination === false) {
    return `The root volume is kept (delete_on_termination is false) but left detached.${others}${replaced}`;
  }
  return `The root volume is deleted with the instance (delete_on_termination): data on it is lost.${others}${replaced}`;
};

/** What losing an interface endpoint of a service means for Session Manager, by the service's short name. */
const ENDPOINT_EFFECTS: Readonly<Record<string, string>> = {
  ssmmessages: "open Session Manager sessions through it are interrupted, and new ones cannot start",
  ssm: "open Session Manager sessions through it are interrupted, and instances cannot reach Systems Manager",
  ec2messages:
    "open Session Manager sessions through it are interrupted, and the SSM Agent cannot reach Systems Manager",
  logs: "open Session Manager sessions are interrupted where transcripts stream through it, and session logs cannot be sent",
  kms: "open Session Manager sessions that use the KMS key through it are interrupted, and encrypted sessions cannot start",
};

/** Interface endpoints carry the Session Manager traffic of the instances. */
const interfaceEndpoint: NoteRule = (change, action) => {
  if (change.type !== "aws_vpc_endpoint" || !goesAway(action)) return undefined;
  const before = values(change.before);
  if (before.vpc_endpoint_type !== "Interface") return undefined;
  const service = typeof before.service_name === "string" ? before.service_name : "";
  const effect =
    ENDPOINT_EFFECTS[service.split(".").pop() ?? ""] ?? "open Session Manager sessions through it are interrupted";
  const until =
    action === "replace" ? "until the new endpoint is available" : "unless another route to the service exists";
  return `This interface endpoint${service !== "" ? ` (${service})` : ""} goes away: ${effect} ${until}.`;
};

/** The `Release` parameter (an Amazon Linux 2023 release) of a maintenance window task's Run Command invocation. */
function pinnedRelease(value: unknown): string | undefined {
  const invocation = firstBlock(values(value).task_invocation_parameters);
  const runCommand = firstBlock(invocation?.run_command_parameters);
  for (const parameter of asList(runCommand?.parameter)) {
    if (isRecord(parameter) && parameter.name === "Release") {
      const release = asList(parameter.values)[0];
      if (typeof release === "string") return release;
    }
  }
  return undefined;
}

function concurrency(value: unknown): string {
  const max = values(value).max_concurrency;
  return max === "1" || max === 1
    ? "one instance at a time"
    : typeof max === "string"
      ? `at most ${max} of the instances at a time`
      : "a few instances at a time";
}

/** A pinned Amazon Linux release bump is a fleet upgrade, rolled out in the maintenance window. */
const releaseBump: NoteRule = (change, action) => {
  if (change.type !== "aws_ssm_maintenance_window_task" || action === "delete" || action === "read") return undefined;
  const before = action === "create" ? undefined : pinnedRelease(change.before);
  const after = pinnedRelease(change.after);
  if (after === undefined || before === after) return undefined;
  return (
    `Maintenance: the Amazon Linux release upgrade moves the instances ${before === undefined ? "" : `from ${before} `}to ${after} ` +
    `(\`dnf upgrade --releasever\`) in the next maintenance window, ${concurrency(change.after)}, rebooting where needed. ` +
    "Nothing changes before that window runs. " +
    `An instance already on a release newer than ${after} (launched from a newer image) fails the task and stops the rollout: ` +
    `pin its image to ${after} (an image parameter with its :<version>) and replace it, or pin the newer release.`
  );
};

/** Every domain rule, in the order their notes are listed. */
export const NOTE_RULES: readonly NoteRule[] = [
  instanceTypeChange,
  terminationProtection,
  rootVolume,
  interfaceEndpoint,
  releaseBump,
];

/** The domain notes of one change. */
export function domainNotes(change: PlannedChange): string[] {
  const action = planAction(change.actions);
  if (action === "no-op") return [];
  return NOTE_RULES.map((rule) => rule(change, action)).filter((note): note is string => note !== undefined);
}
