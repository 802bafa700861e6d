import type { AwsClients } from "../aws-clients";
import type { StackView } from "../stack-view";
import type { SelectedInstance } from "../instance-selection";
import type { StackOutputs } from "../outputs";
import type { CheckResult } from "./check";
import type { Lookups } from "./lookups";

/** What every check reads: the environment file, the stack outputs, the instance, and AWS through shared lookups. */
export interface CheckContext {
  readonly env: StackView;
  readonly outputs: StackOutputs;
  readonly instance: SelectedInstance;
  readonly clients: AwsClients;
  readonly lookups: Lookups;
}

/** One check of the doctor: its id and title, and the function that answers it. */
export interface Check {
  readonly id: string;
  readonly title: string;
  readonly run: (ctx: CheckContext) => Promise<CheckResult>;
}

/** How Terraform puts a drifted resource back: deploying the environment again. */
export function redeploy(ctx: Pick<CheckContext, "env">): string {
  return `deploy the environment again, which puts it back as the stack defines it: npx nx run infra:deploy --stack=${ctx.env.name}`;
}
