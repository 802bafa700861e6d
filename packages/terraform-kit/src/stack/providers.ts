import { JsonRecord, objectsOf } from "../json";
import { StackJson } from "./stack-json";

/** One `provider "aws"` block of a stack. */
export interface AwsProviderBlock {
  /** `alias`, or `undefined` for the default provider configuration. */
  readonly alias?: string;
  /** The block's arguments as written. */
  readonly config: Readonly<JsonRecord>;
}

/** Every `provider "aws"` block, default and aliased, in the order written (each as one object or a list of them). */
export function awsProviderBlocks(json: StackJson): AwsProviderBlock[] {
  return objectsOf(json.provider)
    .flatMap((providers) => objectsOf(providers.aws))
    .map((config) => {
      const alias = typeof config.alias === "string" ? config.alias : undefined;
      return alias === undefined ? { config } : { alias, config };
    });
}

/** The default (unaliased) `provider "aws"` block's arguments, if the stack has one. */
export function defaultAwsProvider(json: StackJson): Readonly<JsonRecord> | undefined {
  return awsProviderBlocks(json).find((block) => block.alias === undefined)?.config;
}

/** The stack's state backend: `terraform.backend.<type>`. */
export interface StackBackend {
  /** Backend type, e.g. `s3`, `local`. */
  readonly type: string;
  /** The backend block's arguments as written. */
  readonly config: Readonly<JsonRecord>;
}

/** The stack's `terraform.backend` block, if it declares one. */
export function stackBackend(json: StackJson): StackBackend | undefined {
  for (const terraform of objectsOf(json.terraform)) {
    for (const backends of objectsOf(terraform.backend)) {
      for (const [type, blocks] of Object.entries(backends)) {
        const [config] = objectsOf(blocks);
        if (config !== undefined) return { type, config };
      }
    }
  }
  return undefined;
}
