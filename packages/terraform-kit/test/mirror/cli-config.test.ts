import * as fs from "node:fs";
import * as path from "node:path";
import { hclString, renderCliConfig, writeCliConfig } from "../../src/mirror/cli-config";
import { tempDir } from "../support/fixtures";

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
});
