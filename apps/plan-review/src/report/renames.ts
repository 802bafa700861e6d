import { isRecord, planAction, resourceAddress } from "@ssm-access/terraform-kit";
import { PlannedChange } from "./plan";

/** A destroyed and a created resource of the same type that look like one resource renamed. */
export interface Rename {
  readonly from: PlannedChange;
  readonly to: PlannedChange;
  readonly fromPath: string;
  readonly toPath: string;
  /** The one construct path segment that differs: `app-2` → `db-1`. */
  readonly fromName: string;
  readonly toName: string;
}

/** The index of the one segment in which two construct paths differ, or `undefined`. */
function differingSegment(a: readonly string[], b: readonly string[]): number | undefined {
  if (a.length !== b.length) return undefined;
  const differing = a.flatMap((segment, i) => (segment !== b[i] ? [i] : []));
  return differing.length === 1 ? differing[0] : undefined;
}

function nameTag(values: unknown): string | undefined {
  const tags = isRecord(values) ? values.tags : undefined;
  return isRecord(tags) && typeof tags.Name === "string" ? tags.Name : undefined;
}

/**
 * Pairs each destroyed resource with a created one of the same type whose
 * construct path differs in exactly one segment (`Instances/app-2/Resource`
 * → `Instances/db-1/Resource`). When several fit, the one whose Name tag
 * differs only by that segment wins, then the one that renames the same
 * segment as pairs already made, then plan order.
 */
export function detectRenames(
  changes: readonly PlannedChange[],
  constructPathOf: (change: PlannedChange) => string | undefined,
): Rename[] {
  const creates = changes.filter((c) => planAction(c.actions) === "create");
  const used = new Set<PlannedChange>();
  const renames: Rename[] = [];
  for (const deleted of changes.filter((c) => planAction(c.actions) === "delete")) {
    const fromPath = constructPathOf(deleted);
    if (fromPath === undefined) continue;
    const from = fromPath.split("/");
    const candidates = creates.flatMap((created) => {
      const toPath = constructPathOf(created);
      if (created.type !== deleted.type || used.has(created) || toPath === undefined) return [];
      const to = toPath.split("/");
      const at = differingSegment(from, to);
      if (at === undefined) return [];
      const rename: Rename = { from: deleted, to: created, fromPath, toPath, fromName: from[at], toName: to[at] };
      return [{ rename, score: score(rename, renames) }];
    });
    const best = candidates.reduce<(typeof candidates)[number] | undefined>(
      (a, b) => (a === undefined || b.score > a.score ? b : a),
      undefined,
    );
    if (best) {
      used.add(best.rename.to);
      renames.push(best.rename);
    }
  }
  return renames;
}

function score(rename: Rename, made: readonly Rename[]): number {
  const before = nameTag(rename.from.before);
  const after = nameTag(rename.to.after);
  const tagFits =
    before !== undefined && after !== undefined && before.split(rename.fromName).join(rename.toName) === after;
  const sameRename = made.some((r) => r.fromName === rename.fromName && r.toName === rename.toName);
  return (tagFits ? 2 : 0) + (sameRename ? 1 : 0);
}

function instanceKey(address: string): string {
  return address.slice(resourceAddress(address).length);
}

/**
 * The addresses a `moved` block names: the resources themselves when both
 * instances have the same key (`aws_ec2_tag.a["Owner"]` → `aws_ec2_tag.b["Owner"]`
 * moves all of `aws_ec2_tag.a`), else the instances.
 */
export function movedAddresses(rename: Rename): { from: string; to: string } {
  const { address: from } = rename.from;
  const { address: to } = rename.to;
  return instanceKey(from) === instanceKey(to)
    ? { from: resourceAddress(from), to: resourceAddress(to) }
    : { from, to };
}

/** The HCL `moved` block that keeps the resource instead of destroying and creating it. */
export function movedBlock(rename: Rename): string {
  const { from, to } = movedAddresses(rename);
  return `moved {\n  from = ${from}\n  to   = ${to}\n}`;
}

/** The note on both resources of a rename (and on the stack): what happens, and the `moved` block that avoids it. */
export function renameNote(rename: Rename): string {
  const { from } = rename;
  const moved = movedAddresses(rename);
  const instance =
    from.type === "aws_instance"
      ? " For an instance, the moved block keeps it only if nothing else forces a replacement (its launch template, subnet and image stay the same); attributes that follow the name, such as the Name tag, then update in place."
      : " Attributes that follow the name, such as the Name tag, then update in place; any that force a replacement still replace it.";
  return (
    `\`${moved.from}\` → \`${moved.to}\` looks like a rename (\`${rename.fromPath}\` → \`${rename.toPath}\`), ` +
    `but Terraform plans it as a destroy and a create. A moved block keeps the resource:\n\n` +
    `${movedBlock(rename)}\n\n` +
    `In CDKTF: \`resource.moveFromId(${JSON.stringify(moved.from)})\` on the new resource.${instance}`
  );
}
