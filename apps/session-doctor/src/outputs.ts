import * as fs from "node:fs";
import * as path from "node:path";
import { discoverProviderMirror, runTerraform, terraformEnv, writeCliConfig } from "@ssm-access/terraform-kit";

/** The outputs of a deployed environment stack, by output name (the values of `terraform output -json`). */
export type StackOutputs = Readonly<Record<string, unknown>>;

/** Where the outputs of a deployed stack come from: Terraform in the stack's folder, or a test's fixture. */
export interface OutputsSource {
  /** The outputs of `stack`; throws a message saying what to do when there are none. */
  read(stack: string): Promise<StackOutputs>;
}

/** The values of `terraform output -json` (`{ name: { value, type, sensitive } }`). */
export function parseTerraformOutputs(text: string): StackOutputs {
  const start = text.indexOf("{");
  if (start < 0) throw new Error(`terraform output -json printed no JSON: ${text.trim().slice(0, 200)}`);
  const json = JSON.parse(text.slice(start)) as Record<string, { value?: unknown }>;
  return Object.fromEntries(Object.entries(json).map(([name, o]) => [name, o?.value]));
}

/** A string output, or undefined when absent. */
export function stringOutput(outputs: StackOutputs, name: string): string | undefined {
  const v = outputs[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A map output of strings (`instance_ids`, `port_forwarding_documents`), empty when absent. */
export function mapOutput(outputs: StackOutputs, name: string): Readonly<Record<string, string>> {
  const v = outputs[name];
  if (typeof v !== "object" || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** A list output of strings (`interface_endpoint_services`), empty when absent. */
export function listOutput(outputs: StackOutputs, name: string): readonly string[] {
  const v = outputs[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/**
 * Whether `TF_CLI_CONFIG_FILE` names a file: Terraform reads no CLI
 * configuration from a path that names nothing, so such a setting is as good
 * as none, and the provider mirror of this machine is still looked for.
 */
export function cliConfigGiven(env: NodeJS.ProcessEnv): boolean {
  const file = env.TF_CLI_CONFIG_FILE;
  return file !== undefined && file !== "" && fs.existsSync(file);
}

/** How {@link TerraformOutputs} reaches a stack. */
export interface TerraformOutputsOptions {
  /** The app folder (`apps/infra`): stacks are in `<app>/cdktf.out/stacks/<env>`. */
  readonly appDir: string;
  /** Environment of the Terraform commands (the caller's credentials reach the backend). @default `process.env` */
  readonly env?: NodeJS.ProcessEnv;
  /** Told what runs, e.g. a first `terraform init`. */
  readonly log?: (line: string) => void;
}

/**
 * The outputs of a stack as its backend holds them: `terraform output -json`
 * in the synthesized stack folder, after `terraform init -input=false` when
 * the folder was never initialized (the backend is the stack's own; a
 * provider mirror on this machine is used when found, as the app's commands do).
 */
export class TerraformOutputs implements OutputsSource {
  public constructor(private readonly options: TerraformOutputsOptions) {}

  public async read(stack: string): Promise<StackOutputs> {
    const dir = path.join(this.options.appDir, "cdktf.out", "stacks", stack);
    const env = { ...(this.options.env ?? process.env) };
    if (!fs.existsSync(path.join(dir, "cdk.tf.json"))) {
      throw new Error(`${dir}/cdk.tf.json is missing: synthesize the stack first (npx nx run infra:synth)`);
    }
    const mirror = cliConfigGiven(env) ? undefined : discoverProviderMirror(env);
    const tfEnv = mirror
      ? terraformEnv(writeCliConfig(path.join(this.options.appDir, "cdktf.out", ".terraform-cli"), mirror.path), env)
      : env;
    if (!fs.existsSync(path.join(dir, ".terraform", "terraform.tfstate"))) {
      this.options.log?.(
        `terraform init -input=false in ${path.relative(this.options.appDir, dir)} (first use of this folder)`,
      );
      const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: dir, env: tfEnv });
      if (init.code !== 0) throw new Error(`terraform init in ${dir} failed:\n${tail(init.stderr || init.stdout)}`);
    }
    const out = await runTerraform(["output", "-json", "-no-color"], { cwd: dir, env: tfEnv });
    if (out.code !== 0) throw new Error(`terraform output -json in ${dir} failed:\n${tail(out.stderr || out.stdout)}`);
    const outputs = parseTerraformOutputs(out.stdout);
    if (Object.keys(outputs).length === 0) {
      throw new Error(
        `${stack} has no outputs in its state: deploy it first (npx nx run infra:deploy --stack=${stack})`,
      );
    }
    return outputs;
  }
}

function tail(text: string): string {
  return text
    .trim()
    .split("\n")
    .slice(-12)
    .map((l) => `  ${l}`)
    .join("\n");
}
