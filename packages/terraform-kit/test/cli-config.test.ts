import * as fs from "node:fs";
import * as path from "node:path";
import { defaultCacheDir, hclString, renderCliConfig, terraformEnv, writeCliConfig } from "../src/cli-config";
import { tempDir } from "./support/fixtures";

describe("CLI configuration", () => {
  describe("renderCliConfig", () => {
    it("with a mirror, installs the AWS provider from it and every other provider directly", () => {
      const text = renderCliConfig({ mirrorPath: "/srv/mirror", pluginCacheDir: "/cache/plugins" });
      expect(text).toContain('plugin_cache_dir = "/cache/plugins"');
      expect(text).toContain(
        [
          "provider_installation {",
          "  filesystem_mirror {",
          '    path    = "/srv/mirror"',
          '    include = ["hashicorp/aws"]',
          "  }",
          "  direct {",
          '    exclude = ["hashicorp/aws"]',
          "  }",
          "}",
        ].join("\n"),
      );
    });

    it("without a mirror, installs everything directly", () => {
      const text = renderCliConfig({ pluginCacheDir: "/cache/plugins" });
      expect(text).toContain("provider_installation {\n  direct {}\n}");
      expect(text).not.toContain("filesystem_mirror");
    });
  });

  describe("hclString", () => {
    it("escapes quotes, backslashes and template sequences", () => {
      expect(hclString('C:\\tf "x" ${a} %{b}')).toBe('"C:\\\\tf \\"x\\" $${a} %%{b}"');
    });
  });

  describe("writeCliConfig", () => {
    it("writes the file and creates the plugin cache directory under the cache directory", () => {
      const cacheDir = tempDir("cache");
      const file = writeCliConfig(cacheDir, "/srv/mirror");
      expect(file).toBe(path.join(cacheDir, "terraformrc.hcl"));
      expect(fs.readFileSync(file, "utf8")).toContain(`plugin_cache_dir = "${path.join(cacheDir, "plugin-cache")}"`);
      expect(fs.statSync(path.join(cacheDir, "plugin-cache")).isDirectory()).toBe(true);
    });
  });

  describe("terraformEnv", () => {
    it("points Terraform at the configuration and turns off prompts and version checks", () => {
      const env = terraformEnv("/cache/terraformrc.hcl", {
        PATH: "/bin",
        TF_CLI_CONFIG_FILE: "/home/user/.terraformrc",
      });
      expect(env).toEqual({
        PATH: "/bin",
        TF_CLI_CONFIG_FILE: "/cache/terraformrc.hcl",
        TF_IN_AUTOMATION: "1",
        CHECKPOINT_DISABLE: "1",
        TF_INPUT: "0",
      });
    });

    it("drops variables that add arguments or move the data directory", () => {
      const env = terraformEnv("/c", {
        TF_CLI_ARGS: "-x",
        TF_CLI_ARGS_plan: "-y",
        TF_DATA_DIR: "/d",
        TF_WORKSPACE: "w",
        TF_LOG: "info",
      });
      expect(Object.keys(env).sort()).toEqual([
        "CHECKPOINT_DISABLE",
        "TF_CLI_CONFIG_FILE",
        "TF_INPUT",
        "TF_IN_AUTOMATION",
        "TF_LOG",
      ]);
    });
  });

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
