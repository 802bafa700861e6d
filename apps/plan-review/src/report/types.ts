import type { PlanAction } from "@ssm-access/terraform-kit";
import type { ReviewCost } from "./cost";

/** One side (head or base) of an environment file. */
export interface EnvironmentSide {
  /** Repository-relative path, e.g. `apps/infra/environments/prod.json`. */
  readonly file: string;
  /** The file's parsed JSON. */
  readonly json: unknown;
}

/** Where the plan under review comes from. */
export type Provenance =
  /** Planned against an emulated deployment of a base revision, e.g. `main (1a2b3c4)`. */
  | { readonly kind: "emulated-baseline"; readonly base: string }
  /** A plan file saved by `terraform plan -out`. */
  | { readonly kind: "saved-plan"; readonly planFile: string }
  /** Planned against a consumer project's deployed state after moving its `@ssm-access` packages `from` → `to`. */
  | { readonly kind: "upgrade"; readonly from: string; readonly to: string; readonly project: string };

/** Everything a review is built from. */
export interface ReviewInput {
  /** Stack (environment) name, e.g. `prod`. */
  readonly stack: string;
  /** `terraform show -json <planfile>` output. */
  readonly plan: unknown;
  /** The head `cdk.tf.json`: construct paths of created and updated resources. */
  readonly stackJson: unknown;
  /** The base `cdk.tf.json`: construct paths of deleted resources; absent for saved plans. */
  readonly baseStackJson?: unknown;
  /** The head environment file. */
  readonly environment: EnvironmentSide;
  /** The base environment file; absent for saved plans. */
  readonly baseEnvironment?: EnvironmentSide;
  /** Where the plan comes from. */
  readonly provenance: Provenance;
  /**
   * What the S3 buckets the plan destroys hold, by bucket name, as read
   * through the S3 API (the plan cannot say); absent when not read.
   */
  readonly bucketContents?: Readonly<Record<string, BucketContents>>;
  /**
   * Addresses whose `lifecycle.prevent_destroy` made `terraform plan` fail;
   * the plan under review was made with the guard lifted, to say why.
   */
  readonly preventDestroyRefused?: readonly string[];
}

/** What an S3 bucket holds, as read through the S3 API. */
export type BucketContents =
  /** At least `count` object versions or delete markers (`more`: the listing stopped there). */
  | { readonly kind: "objects"; readonly count: number; readonly more: boolean }
  /** No object version and no delete marker. */
  | { readonly kind: "empty" }
  /** Not read: no credentials, access denied, ... */
  | { readonly kind: "unread"; readonly reason: string };

/** What Terraform does to one resource. */
export type Action = Exclude<PlanAction, "no-op">;

/** The environment-file field a resource change comes from. */
export interface Source {
  /** Repository-relative path of the environment file. */
  readonly file: string;
  /** Field path in it, down to the list element or map key, e.g. `network.availabilityZones[2]` or `tags.Owner`. */
  readonly field: string;
  /** The field's value in the base file, when the field itself changed (absent when it was added). */
  readonly before?: unknown;
  /** The field's value in the head file, when the field itself changed (absent when it was removed). */
  readonly after?: unknown;
}

/** One planned resource change (no-ops are left out). */
export interface ResourceReview {
  /** Terraform address, e.g. `aws_vpc.network`. */
  readonly address: string;
  /** Resource type, e.g. `aws_vpc`. */
  readonly type: string;
  /** What Terraform does. */
  readonly action: Action;
  /** Construct path without the stack prefix, e.g. `Network/Resource`. */
  readonly constructPath?: string;
  /** The attributes forcing a replacement (`launch_template[0].id`); empty unless `replace`. */
  readonly replacedBecause: readonly string[];
  /** The plan's `action_reason`, when present. */
  readonly actionReason?: string;
  /**
   * For updates: leaf attribute paths that differ. Sensitive attributes are
   * included by path, never by value. Empty for other actions.
   */
  readonly changedAttributes: readonly string[];
  /** The environment-file field the change comes from, when it can be traced. */
  readonly source?: Source;
  /** What Terraform does not say about this change, in plain English (apply-time failures included, with their fix). */
  readonly notes: readonly string[];
}

/** An action the plan shows that the apply (or the plan itself) is expected to fail at, with the way out. */
export interface ApplyFailure {
  /** What fails. */
  readonly kind: "bucket-not-empty" | "object-lock" | "versioning-locked" | "security-group-in-use" | "prevent-destroy";
  /** The resource whose action fails. */
  readonly address: string;
  /**
   * `certain`: read from AWS or by Terraform's own rule; `likely`: the usual
   * case, not read; `possible`: depends on what is outside the plan. Only
   * `certain` and `likely` ones are findings of `apply-failure`.
   */
  readonly likelihood: "certain" | "likely" | "possible";
  /** What fails and why, with the error AWS or Terraform gives. */
  readonly text: string;
  /** The way out. */
  readonly fix: string;
}

/** Data that a planned action destroys for good. */
export interface DataLoss {
  /** What holds the data. */
  readonly kind: "log-group" | "bucket" | "kms-key" | "root-volume";
  /** The resource destroyed. */
  readonly address: string;
  /** What is lost, in words. */
  readonly text: string;
  /** For a KMS key: the days until AWS deletes it (`deletion_window_in_days`). */
  readonly pendingWindowDays?: number;
  /** For a KMS key: the resources that still reference it, whose data encrypted with it becomes unreadable. */
  readonly referencedBy?: readonly string[];
}

/** Where an apply with a failing action stops, in Terraform's dependency order. */
export interface PartialApply {
  /** The failing actions (`delete aws_s3_bucket.x`). */
  readonly stopsAt: readonly string[];
  /** Actions Terraform completes before it reaches them, dependencies first: already applied when it stops. */
  readonly appliedBefore: readonly string[];
  /** Actions that wait for them: not applied. */
  readonly notApplied: readonly string[];
  /** How many other actions run alongside and may or may not be applied by then. */
  readonly alongside: number;
}

/** The statement-by-statement difference of two policy documents. */
export interface PolicyStatementDiff {
  /** Statements only in the new document. */
  readonly added: readonly unknown[];
  /** Statements only in the old document. */
  readonly removed: readonly unknown[];
  /** Statements with the same `Sid` whose content differs. */
  readonly changed: readonly { readonly sid?: string; readonly before: unknown; readonly after: unknown }[];
}

/** A security-relevant aspect of the stack, before and after the plan. */
export interface SecurityFinding {
  /** Which aspect changed. */
  readonly aspect:
    | "port-forwarding"
    | "session-encryption"
    | "session-logging"
    | "imds"
    | "ingress"
    | "public-ip"
    | "endpoint-policy"
    | "flow-logs"
    | "iam-policy"
    | "kms-policy"
    | "bucket-policy"
    /** A protection the stack puts in place (Object Lock, a guarding Deny, the account baseline, ...), undone or weakened. */
    | "protection";
  /** The resource the aspect belongs to; absent for stack-wide aspects. */
  readonly address?: string;
  /** The aspect before the plan, in words. */
  readonly before: string;
  /** The aspect after the plan, in words (`(known after apply)` when unknown). */
  readonly after: string;
  /** Whether the change loosens security. */
  readonly weakened: boolean;
  /** Why it is (or is not) weakened, in words. */
  readonly detail?: string;
  /** For policy aspects: the statements added, removed and changed. */
  readonly statements?: PolicyStatementDiff;
}

/** A resource changed outside Terraform since the last apply. */
export interface DriftEntry {
  /** Terraform address. */
  readonly address: string;
  /** Resource type. */
  readonly type: string;
  /** Leaf attribute paths that changed outside Terraform. */
  readonly changedAttributes: readonly string[];
  /** What changed, in words, when it can be said briefly. */
  readonly detail?: string;
}

/** A planned change of a root module output. */
export interface OutputChange {
  /** Output name. */
  readonly name: string;
  /** What Terraform does to the output. */
  readonly action: "create" | "update" | "delete";
  /** Value before (`(sensitive)` when sensitive). */
  readonly before?: unknown;
  /** Value after (`(sensitive)` when sensitive, `(known after apply)` when unknown). */
  readonly after?: unknown;
  /** Whether the output is sensitive; its values are then masked. */
  readonly sensitive: boolean;
}

/** The counts of planned resource actions (no-ops excluded). */
export interface ActionCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly read: number;
}

/** The review of one stack's plan. */
export interface Review {
  /** Stack (environment) name. */
  readonly stack: string;
  /** Where the plan comes from. */
  readonly provenance: Provenance;
  /** Planned resource actions by kind. */
  readonly counts: ActionCounts;
  /** Every planned resource change, in plan order; no-ops are left out. */
  readonly changes: readonly ResourceReview[];
  /** Security aspects that the plan changes. */
  readonly security: readonly SecurityFinding[];
  /** Changes made outside Terraform, kept apart from the planned changes. */
  readonly drift: readonly DriftEntry[];
  /** Monthly cost before → after (./cost.ts); absent when the environment file names no Region. */
  readonly cost?: ReviewCost;
  /** Planned output changes. */
  readonly outputs: readonly OutputChange[];
  /** Stack-level notes, such as the `moved` blocks that would keep renamed resources. */
  readonly notes: readonly string[];
  /** Data the plan destroys for good. */
  readonly dataLoss: readonly DataLoss[];
  /** Actions the apply (or the plan) is expected to fail at. */
  readonly applyFailures: readonly ApplyFailure[];
  /** Where the apply stops, when a `certain` or `likely` failure is among the actions. */
  readonly partialApply?: PartialApply;
}
