import type { StackView } from "./stack-view";
import { StackOutputs, mapOutput } from "./outputs";

/** An instance of the environment, by its name in the environment file and its id in the stack outputs. */
export interface SelectedInstance {
  readonly name: string;
  readonly id: string;
}

/**
 * The instance named `name` in the stack's `instance_ids` (default: the only one),
 * with its id from the `instance_ids` output. Throws a message listing the
 * names when the choice is missing or ambiguous, and saying to deploy when
 * the file names an instance the stack does not have yet.
 */
export function selectInstance(env: StackView, outputs: StackOutputs, name?: string): SelectedInstance {
  const names = env.instanceNames;
  const listed = names.join(", ");
  let chosen: string;
  if (name === undefined) {
    if (names.length !== 1) {
      throw new Error(`${env.name} has ${names.length} instances (${listed}): choose one with --instance=<name>`);
    }
    chosen = names[0];
  } else {
    if (!names.includes(name)) {
      throw new Error(`${env.name} has no instance "${name}" (instances in ${env.stackFile}: ${listed})`);
    }
    chosen = name;
  }
  const id = mapOutput(outputs, "instance_ids")[chosen];
  if (id === undefined) {
    throw new Error(
      `${chosen} is in ${env.stackFile} but not in the deployed stack's outputs (instance_ids): deploy it first (npx nx run infra:deploy --stack=${env.name})`,
    );
  }
  return { name: chosen, id };
}
