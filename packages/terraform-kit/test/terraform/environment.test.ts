import * as fs from "node:fs";
import * as path from "node:path";
import { currentPlatform } from "../../src/mirror/provider-mirror";
import { terraformEnv, userTerraformEnv } from "../../src/terraform/environment";
import { tempDir } from "../support/fixtures";

describe("Terraform environment", () => {
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

  describe("userTerraformEnv", () => {
    it("keeps a CLI configuration of the caller's and writes none", () => {
      const configDir = path.join(tempDir("user-env"), "cli");
      const env = { PATH: "/bin", TF_CLI_CONFIG_FILE: "/home/user/.terraformrc", TF_CLI_ARGS: "-x" };
      expect(userTerraformEnv(configDir, env)).toEqual(env);
      expect(fs.existsSync(configDir)).toBe(false);
    });

    it("installs the AWS provider from the mirror it finds, through a CLI configuration under the folder given", () => {
      const root = tempDir("user-env");
      const { os, arch } = currentPlatform();
      const mirror = path.join(root, "mirror");
      fs.mkdirSync(path.join(mirror, "registry.example", "hashicorp", "aws", "5.100.0", `${os}_${arch}`), {
        recursive: true,
      });
      const env = userTerraformEnv(path.join(root, "cli"), { PATH: "/bin", TF_PROVIDER_MIRROR: mirror });
      expect(env.TF_CLI_CONFIG_FILE).toBe(path.join(root, "cli", "terraformrc.hcl"));
      expect(fs.readFileSync(env.TF_CLI_CONFIG_FILE as string, "utf8")).toContain(`path    = "${mirror}"`);
      expect(env).toMatchObject({ PATH: "/bin", TF_PROVIDER_MIRROR: mirror, TF_INPUT: "0" });
    });
  });
});
