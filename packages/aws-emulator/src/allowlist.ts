import type { EmulatorArtifact } from "./plan";

/**
 * Every difference a second plan may show against the emulator (moto 5.2.1)
 * that real AWS would not. Each is the emulator reading an attribute back
 * unlike AWS; none is a change our stacks ask for. Any other difference fails
 * the lifecycle tests: a perpetual diff is a bug. Differences that could be
 * fixed at the source are fixed in the emulator launcher instead
 * (`python/moto_launcher.py`: launch template tag specifications and block
 * devices, public IP association), so this list stays short.
 */
export const EMULATOR_ARTIFACTS: readonly EmulatorArtifact[] = [
  {
    type: "aws_vpc_security_group_egress_rule",
    path: "description",
    reason:
      "moto drops the description of a security group rule whose destination is a managed prefix list (the S3 gateway egress rule), so the provider plans to write it again; AWS keeps it.",
  },
];

/**
 * An error the emulator can answer under load where AWS would not, and after
 * which running the same idempotent deploy or destroy again converges.
 */
export interface EmulatorTransientError {
  /** Matched against each Terraform error of the failed run. */
  readonly pattern: RegExp;
  /** Why it is the emulator's doing. */
  readonly reason: string;
}

/**
 * The only failures a lifecycle step retries (once), each reported when it
 * happens. Any other error fails the step at once.
 */
export const EMULATOR_TRANSIENT_ERRORS: readonly EmulatorTransientError[] = [
  {
    pattern: /deleting EC2 Launch Template .*InvalidLaunchTemplateName\.NotFoundException/s,
    reason:
      "moto answers NotFound to one of several concurrent DeleteLaunchTemplate calls for a template that exists (it refreshed a moment before), and with an error code AWS never returns for a delete by id (AWS: InvalidLaunchTemplateId.NotFound, which the provider treats as already deleted).",
  },
  {
    pattern: /creating KMS Alias .*AlreadyExistsException/s,
    reason:
      "under load moto has created an alias and then reported AlreadyExistsException to the same request's retry.",
  },
];
