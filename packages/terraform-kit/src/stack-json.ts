import * as fs from "node:fs";
import * as path from "node:path";

/** File cdktf synthesizes for each stack. */
export const STACK_FILE = "cdk.tf.json";

/** A synthesized stack: Terraform JSON configuration syntax. */
export type StackJson = Readonly<Record<string, unknown>>;

/** One `provider "aws"` block of a stack. */
export interface AwsProviderBlock {
  /** `alias`, or `undefined` for the default provider configuration. */
  readonly alias?: string;
  /** The block's arguments as written. */
  readonly config: Readonly<Record<string, unknown>>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads and parses a stack's `cdk.tf.json`, naming the file when it is not a JSON object. */
export function readStackJson(file: string): StackJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: cannot read the synthesized stack (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) {
    throw new Error(`${file}: a synthesized stack is a JSON object`);
  }
  return parsed;
}

/**
 * Stacks of a cdktf app: the directories of `<appDir>/cdktf.out/stacks` that
 * hold a `cdk.tf.json`, sorted. Throws when the app was not synthesized.
 */
export function listStacks(appDir: string): string[] {
  const stacksDir = path.join(appDir, "cdktf.out", "stacks");
  if (!fs.existsSync(stacksDir)) {
    throw new Error(`${stacksDir} does not exist: synthesize the app first (cdktf synth)`);
  }
  return fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(stacksDir, entry.name, STACK_FILE)))
    .map((entry) => entry.name)
    .sort();
}

/** Directory of one synthesized stack. */
export function stackDir(appDir: string, stack: string): string {
  return path.join(appDir, "cdktf.out", "stacks", stack);
}

/** Addresses (`data.aws_ami.base`) of every data source the stack declares, sorted. */
export function dataSourceAddresses(json: StackJson): string[] {
  const data = json.data;
  if (!isRecord(data)) {
    return [];
  }
  const addresses: string[] = [];
  for (const [type, blocks] of Object.entries(data)) {
    const names = Array.isArray(blocks)
      ? blocks.flatMap((b) => (isRecord(b) ? Object.keys(b) : []))
      : isRecord(blocks)
        ? Object.keys(blocks)
        : [];
    addresses.push(...names.filter((name) => name !== "//").map((name) => `data.${type}.${name}`));
  }
  return addresses.sort();
}

/** Every `provider "aws"` block, default and aliased, in the order written. */
export function awsProviderBlocks(json: StackJson): AwsProviderBlock[] {
  const providers = json.provider;
  if (!isRecord(providers)) {
    return [];
  }
  const aws = providers.aws;
  const blocks = Array.isArray(aws) ? aws : aws === undefined ? [] : [aws];
  return blocks.filter(isRecord).map((config) => {
    const alias = typeof config.alias === "string" ? config.alias : undefined;
    return alias === undefined ? { config } : { alias, config };
  });
}

/**
 * What `terraform init` installs for the stack: `terraform.required_providers`
 * and the `source`/`version` of each `module` block.
 */
export function initRequirements(json: StackJson): Record<string, unknown> {
  const terraform = isRecord(json.terraform) ? json.terraform : {};
  const modules: Record<string, unknown> = {};
  if (isRecord(json.module)) {
    for (const [name, block] of Object.entries(json.module)) {
      if (isRecord(block)) {
        modules[name] = { source: block.source, version: block.version };
      }
    }
  }
  return { required_providers: terraform.required_providers ?? null, modules };
}
