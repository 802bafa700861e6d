import * as fs from "node:fs";
import { writeCliConfig } from "../mirror/cli-config";
import { discoverProviderMirror } from "../mirror/provider-mirror";

/** Variables that would redirect or alter our Terraform runs behind our back. */
const STRIPPED_VARIABLES = /^(TF_CLI_ARGS(_.*)?|TF_DATA_DIR|TF_WORKSPACE|TF_PLUGIN_CACHE_DIR)$/;

/**
 * Environment for every Terraform child process: the caller's environment
 * with our CLI configuration, no prompts, no version checks, and none of the
 * variables that add arguments or move `.terraform` elsewhere.
 */
export function terraformEnv(cliConfigFile: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!STRIPPED_VARIABLES.test(key)) {
      env[key] = value;
    }
  }
  return { ...env, TF_CLI_CONFIG_FILE: cliConfigFile, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1", TF_INPUT: "0" };
}

/** Whether `env` names a Terraform CLI configuration file that exists. */
export function cliConfigGiven(env: NodeJS.ProcessEnv): boolean {
  const file = env.TF_CLI_CONFIG_FILE;
  return file !== undefined && file !== "" && fs.existsSync(file);
}

/**
 * Environment for the Terraform commands a user runs with their own backend
 * and credentials (`init`, `plan`, `output`): the caller's environment as it
 * is, with a CLI configuration written under `configDir` that installs the
 * AWS provider from the provider mirror of this machine when one is found.
 * A `TF_CLI_CONFIG_FILE` of the caller's that names an existing file wins: it
 * is kept, and no mirror is looked for (one that names no file configures
 * nothing, so the mirror is looked for). Without a mirror, `terraform init`
 * reaches the registry as usual.
 */
export function userTerraformEnv(configDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const own = { ...env };
  if (cliConfigGiven(own)) return own;
  const mirror = discoverProviderMirror(own);
  return mirror === undefined ? own : terraformEnv(writeCliConfig(configDir, mirror.path), own);
}
