import { PlannedOutputChange } from "./plan";
import { OutputChange } from "./types";
import { SENSITIVE, withUnknowns } from "./values";

function outputAction(actions: readonly string[]): OutputChange["action"] | undefined {
  if (actions.includes("create") && actions.includes("delete")) return "update";
  if (actions.length !== 1) return undefined;
  const [action] = actions;
  return action === "create" || action === "update" || action === "delete" ? action : undefined;
}

/** The planned output changes (no-ops left out); sensitive values are masked as `(sensitive)`. */
export function outputChanges(changes: readonly PlannedOutputChange[]): OutputChange[] {
  return changes.flatMap((change) => {
    const action = outputAction(change.actions);
    if (action === undefined) return [];
    const mask = (value: unknown) => (change.sensitive ? SENSITIVE : value);
    return [
      {
        name: change.name,
        action,
        ...(action !== "create" ? { before: mask(change.before) } : {}),
        ...(action !== "delete" ? { after: mask(withUnknowns(change.after, change.afterUnknown)) } : {}),
        sensitive: change.sensitive,
      },
    ];
  });
}
