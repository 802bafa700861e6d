import { PathStep } from "./plan-json";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Renders an attribute path the way Terraform and the environment files name
 * things: `launch_template[0].id`, `instances[1].instanceType`, `tags["a/b"]`.
 */
export function renderPath(steps: readonly PathStep[]): string {
  let out = "";
  for (const step of steps) {
    if (typeof step === "number") out += `[${step}]`;
    else if (IDENTIFIER.test(step)) out += out === "" ? step : `.${step}`;
    else out += `[${JSON.stringify(step)}]`;
  }
  return out;
}
