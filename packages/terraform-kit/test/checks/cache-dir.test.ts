import * as fs from "node:fs";
import * as path from "node:path";
import { defaultCacheDir } from "../../src/checks/cache-dir";
import { tempDir } from "../support/fixtures";

describe("cache directory", () => {
  describe("defaultCacheDir", () => {
    it("uses node_modules/.cache of the workspace root above the app", () => {
      const root = tempDir("workspace");
      fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ workspaces: ["apps/*"] }));
      const app = path.join(root, "apps", "infra");
      fs.mkdirSync(path.join(app, "node_modules"), { recursive: true });
      expect(defaultCacheDir(app)).toBe(path.join(root, "node_modules", ".cache", "terraform-check"));
    });

    it("uses the nearest node_modules when no workspace root declares workspaces", () => {
      const root = tempDir("plain");
      const app = path.join(root, "app");
      fs.mkdirSync(path.join(root, "node_modules"), { recursive: true });
      fs.mkdirSync(app);
      expect(defaultCacheDir(app)).toBe(path.join(root, "node_modules", ".cache", "terraform-check"));
    });
  });
});
