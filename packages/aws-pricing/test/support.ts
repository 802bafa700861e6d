import * as path from "node:path";
import { StackJson, readStackJson } from "@ssm-access/terraform-kit";

/** A golden stack of the infra app (the shipped environments, as synthesized). */
export function goldenStack(name: "dev" | "prod" | "state-bootstrap"): StackJson {
  return readStackJson(
    path.join(__dirname, "..", "..", "..", "apps", "infra", "test", "golden", "shipped", `${name}.cdk.tf.json`),
  );
}

/** The same stack with every AWS provider configuration set to `region`. */
export function inRegion(json: StackJson, region: string): StackJson {
  const copy = JSON.parse(JSON.stringify(json)) as { provider: { aws: Record<string, unknown>[] } };
  for (const block of copy.provider.aws) block.region = region;
  return copy;
}
