import { Construct } from "constructs";
import { SsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import {
  InstanceTagTarget,
  SsmAccessProps,
  Validator,
  nameTag,
  resourceName,
  validateTagTarget,
} from "@ssm-access/core";
import { scheduleProblem } from "./schedule";
import {
  OUTPUT_FOLDERS,
  S3OutputLocation,
  outputKeyPrefix,
  tagTargets,
  validateMaintenanceAccess,
  validateOutputS3,
  validateRateControl,
} from "./inputs";

/** The AWS-owned Command document that installs the latest SSM Agent. */
export const AGENT_UPDATE_DOCUMENT = "AWS-UpdateSSMAgent";

/** How often the agent is updated when no schedule is given. */
export const DEFAULT_AGENT_UPDATE_SCHEDULE = "rate(14 days)";

/** Rate controls of the agent update when none are given. */
export const DEFAULT_AGENT_UPDATE_MAX_CONCURRENCY = "50%";
/** @see DEFAULT_AGENT_UPDATE_MAX_CONCURRENCY */
export const DEFAULT_AGENT_UPDATE_MAX_ERRORS = "0";

/** Severity State Manager reports for a failed association run. */
export type ComplianceSeverity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "UNSPECIFIED";

/** Every {@link ComplianceSeverity}. */
export const COMPLIANCE_SEVERITIES: readonly ComplianceSeverity[] = [
  "CRITICAL",
  "HIGH",
  "MEDIUM",
  "LOW",
  "UNSPECIFIED",
];

/** Settings of the agent update that do not depend on where it runs. */
export interface SsmAgentUpdateOptions {
  /**
   * When the update runs: a `rate(...)` or `cron(...)` expression (UTC).
   * The agent is the only way into the instances, so keeping it current matters;
   * the association also runs once as soon as it is created.
   * @default "rate(14 days)"
   */
  readonly schedule?: string;
  /**
   * Compliance severity reported when the update fails on an instance.
   * Lets a failed agent update show up next to patch compliance.
   * @default - none (State Manager reports `UNSPECIFIED`)
   */
  readonly complianceSeverity?: ComplianceSeverity;
  /**
   * How many instances update at once: a count or a percentage of the targets.
   * Half the fleet at a time keeps the other half reachable if an update goes wrong.
   * @default "50%"
   */
  readonly maxConcurrency?: string;
  /**
   * How many failures stop the rollout: a count or a percentage.
   * With `0` the first failed update stops it, so a broken agent release
   * never reaches the instances still untouched (Session Manager is the only way in).
   * @default "0"
   */
  readonly maxErrors?: string;
}

/** Props of {@link SsmAgentUpdate}. */
export interface SsmAgentUpdateProps extends SsmAgentUpdateOptions, SsmAccessProps {
  /**
   * Prefix of the association name (`<namePrefix>-ssm-agent-update`).
   * One naming rule across the environment's resources.
   */
  readonly namePrefix: string;
  /**
   * The instances to update: every managed instance with this tag.
   * Targeting by tag covers instances replaced or added later.
   */
  readonly target: InstanceTagTarget;
  /**
   * Where the command output goes (`<keyPrefix>/agent-update/...`).
   * Keeps a record of each run; the instance role needs `s3:PutObject` there.
   * @default - none: output stays in the Systems Manager command history only, truncated
   */
  readonly outputS3?: S3OutputLocation;
}

/** Checks the options of an agent update; `v` is positioned where the options live. */
export function validateSsmAgentUpdateOptions(v: Validator, options: SsmAgentUpdateOptions): void {
  if (options.schedule !== undefined) {
    const problem = scheduleProblem(options.schedule, "association");
    if (problem !== undefined) v.add("schedule", problem);
  }
  if (options.complianceSeverity !== undefined) {
    v.oneOf("complianceSeverity", options.complianceSeverity, COMPLIANCE_SEVERITIES);
  }
  validateRateControl(v, "maxConcurrency", options.maxConcurrency, "maxConcurrency");
  validateRateControl(v, "maxErrors", options.maxErrors, "maxErrors");
}

/** Name suffix of the association. */
export const AGENT_UPDATE_NAME_SUFFIX = "ssm-agent-update";

/**
 * Keeps the SSM Agent current on every instance with a tag: a State Manager
 * association running `AWS-UpdateSSMAgent` on a schedule. Nobody logs in;
 * instances added later with the tag are picked up automatically.
 *
 * @example
 * new SsmAgentUpdate(this, "AgentUpdate", {
 *   namePrefix: "ssm-dev",
 *   target: { key: "Environment", value: "dev" },
 * });
 */
export class SsmAgentUpdate extends Construct {
  /** The State Manager association. */
  public readonly association: SsmAssociation;
  /** The association name, `<namePrefix>-ssm-agent-update`. */
  public readonly associationName: string;
  /** The key prefix command output is written under, when an output location is set. */
  public readonly outputKeyPrefix?: string;

  constructor(scope: Construct, id: string, props: SsmAgentUpdateProps) {
    super(scope, id);

    const v = new Validator(this.node.path);
    validateMaintenanceAccess(v, this, props, [AGENT_UPDATE_NAME_SUFFIX]);
    validateTagTarget(v.child("target"), props.target);
    validateOutputS3(v.child("outputS3"), props.outputS3);
    validateSsmAgentUpdateOptions(v, props);
    v.throwIfAny();

    this.associationName = resourceName(props.namePrefix, AGENT_UPDATE_NAME_SUFFIX);
    this.outputKeyPrefix = props.outputS3 ? outputKeyPrefix(props.outputS3, OUTPUT_FOLDERS.agentUpdate) : undefined;

    this.association = new SsmAssociation(this, "Resource", {
      provider: props.provider,
      name: AGENT_UPDATE_DOCUMENT,
      associationName: this.associationName,
      targets: tagTargets(props.target),
      scheduleExpression: props.schedule ?? DEFAULT_AGENT_UPDATE_SCHEDULE,
      complianceSeverity: props.complianceSeverity,
      maxConcurrency: props.maxConcurrency ?? DEFAULT_AGENT_UPDATE_MAX_CONCURRENCY,
      maxErrors: props.maxErrors ?? DEFAULT_AGENT_UPDATE_MAX_ERRORS,
      outputLocation:
        props.outputS3 && this.outputKeyPrefix
          ? { s3BucketName: props.outputS3.bucket.bucketName, s3KeyPrefix: this.outputKeyPrefix }
          : undefined,
      tags: nameTag(this.associationName),
    });
  }
}
