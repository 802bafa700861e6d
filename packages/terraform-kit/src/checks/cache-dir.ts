import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Default cache directory: `node_modules/.cache/terraform-check` of the npm
 * workspace root above `appDir` (the nearest `package.json` declaring
 * `workspaces`), else of the nearest directory with a `node_modules`, else
 * `<appDir>/.terraform-check/.cache`.
 */
export function defaultCacheDir(appDir: string): string {
  const start = path.resolve(appDir);
  const ancestors: string[] = [];
  for (let dir = start; ; dir = path.dirname(dir)) {
    ancestors.push(dir);
    if (path.dirname(dir) === dir) {
      break;
    }
  }
  const cacheOf = (dir: string): string => path.join(dir, "node_modules", ".cache", "terraform-check");
  const workspaceRoot = ancestors.find((dir) => declaresWorkspaces(path.join(dir, "package.json")));
  if (workspaceRoot !== undefined) {
    return cacheOf(workspaceRoot);
  }
  const withModules = ancestors.find((dir) => fs.existsSync(path.join(dir, "node_modules")));
  return withModules !== undefined ? cacheOf(withModules) : path.join(start, ".terraform-check", ".cache");
}

function declaresWorkspaces(packageJson: string): boolean {
  try {
    const parsed = JSON.parse(fs.readFileSync(packageJson, "utf8")) as { workspaces?: unknown };
    return parsed.workspaces !== undefined;
  } catch {
    return false;
  }
}
