/**
 * The labelled blocks of a synthesized stack: `resource` and `data` blocks
 * with their Terraform addresses and the construct path cdktf records for
 * each (`"//": { "metadata": { "path": "prod/Network/Resource" } }`).
 *
 * Terraform JSON allows a block as one object or as a list of objects at
 * every level (`"resource": [{ "aws_vpc": { ... } }]`,
 * `"aws_subnet": [{ "a": { ... } }, { "b": { ... } }]`); both forms are read.
 */
import { JsonRecord, isRecord, objectsOf } from "../json";
import { StackJson } from "./stack-json";

/** `resource` (managed resources) or `data` (data sources). */
export type BlockMode = "managed" | "data";

/** One `resource` or `data` block of a stack. */
export interface StackBlock {
  /** `<type>.<name>` for a resource, `data.<type>.<name>` for a data source. */
  readonly address: string;
  readonly mode: BlockMode;
  /** Resource type, e.g. `aws_subnet`. */
  readonly type: string;
  /** Resource name, e.g. `network_isolated_subnet_a`. */
  readonly name: string;
  /** The construct path cdktf records (`"//"` → `metadata.path`), e.g. `dev/Network/IsolatedSubnetA`. */
  readonly constructPath?: string;
  /** The block's arguments as written. */
  readonly body: Readonly<JsonRecord>;
}

/** The cdktf comment key of a stack: never a resource type or name. */
const COMMENT = "//";

/** Every `resource` (or `data`) block of the stack, in the order written. */
export function stackBlocks(json: StackJson, mode: BlockMode = "managed"): StackBlock[] {
  const found: StackBlock[] = [];
  for (const section of objectsOf(json[mode === "managed" ? "resource" : "data"])) {
    for (const [type, groups] of Object.entries(section)) {
      if (type === COMMENT) continue;
      for (const group of objectsOf(groups)) {
        for (const [name, bodies] of Object.entries(group)) {
          if (name === COMMENT) continue;
          for (const body of objectsOf(bodies)) found.push(stackBlock(mode, type, name, body));
        }
      }
    }
  }
  return found;
}

function stackBlock(mode: BlockMode, type: string, name: string, body: JsonRecord): StackBlock {
  const constructPath = constructPathOf(body);
  return {
    address: `${mode === "data" ? "data." : ""}${type}.${name}`,
    mode,
    type,
    name,
    body,
    ...(constructPath !== undefined ? { constructPath } : {}),
  };
}

/** Every resource of `type`, sorted by address. */
export function resourcesOf(json: StackJson, type: string): StackBlock[] {
  return stackBlocks(json)
    .filter((block) => block.type === type)
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/** Addresses (`data.aws_ami.base`) of every data source the stack declares, sorted. */
export function dataSourceAddresses(json: StackJson): string[] {
  return stackBlocks(json, "data")
    .map((block) => block.address)
    .sort();
}

/** The construct path cdktf records in a block (`"//"` → `metadata.path`), if any. */
export function constructPathOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const comment = body[COMMENT];
  const metadata = isRecord(comment) ? comment.metadata : undefined;
  return isRecord(metadata) && typeof metadata.path === "string" ? metadata.path : undefined;
}

/** Construct paths of the stack's resources and data sources by address (`aws_vpc.network` → `prod/Network/Resource`). */
export function constructPaths(json: StackJson): Map<string, string> {
  const paths = new Map<string, string>();
  for (const block of [...stackBlocks(json), ...stackBlocks(json, "data")]) {
    if (block.constructPath !== undefined) paths.set(block.address, block.constructPath);
  }
  return paths;
}

/** A construct path without its stack: `prod/Network/Resource` → `Network/Resource`. */
export function withoutStack(constructPath: string): string {
  const slash = constructPath.indexOf("/");
  return slash < 0 ? constructPath : constructPath.slice(slash + 1);
}
