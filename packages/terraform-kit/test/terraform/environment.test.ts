import * as fs from "node:fs";
import * as path from "node:path";
import { currentPlatform } from "../../src/mirror/provider-mirror";
import { cliConfigGiven, terraformEnv, userTerraformEnv } from "../../src/terraform/environment";
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
      const root = tempDir("user-env");
      const own = path.join(root, ".terraformrc");
      fs.writeFileSync(own, "");
      const configDir = path.join(root, "cli");
      const env = { PATH: "/bin", TF_CLI_CONFIG_FILE: own, TF_CLI_ARGS: "-x" };
      expect(userTerraformEnv(configDir, env)).toEqual(env);
      expect(fs.existsSync(configDir)).toBe(false);
    });

    it("takes a TF_CLI_CONFIG_FILE that names no file for none, and looks for the mirror", () => {
      const root = tempDir("user-env");
      const { os, arch } = currentPlatform();
      const mirror = path.join(root, "mirror");
      fs.mkdirSync(path.join(mirror, "registry.example", "hashicorp", "aws", "5.100.0", `${os}_${arch}`), {
        recursive: true,
      });
      const env = userTerraformEnv(path.join(root, "cli"), {
        TF_CLI_CONFIG_FILE: path.join(root, "no-such.tfrc"),
        TF_PROVIDER_MIRROR: mirror,
      });
      expect(env.TF_CLI_CONFIG_FILE).toBe(path.join(root, "cli", "terraformrc.hcl"));
    });

    it.each([
      ["an existing file", true],
      ["no file", false],
      ["the empty string", false],
      ["nothing", false],
    ])("cliConfigGiven: TF_CLI_CONFIG_FILE naming %s is %s", (what, expected) => {
      const value = {
        "an existing file": __filename,
        "no file": path.join(__dirname, "no-such.tfrc"),
        "the empty string": "",
        nothing: undefined,
      }[what];
      expect(cliConfigGiven(value === undefined ? {} : { TF_CLI_CONFIG_FILE: value })).toBe(expected);
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
