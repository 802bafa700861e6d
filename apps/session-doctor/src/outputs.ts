import * as fs from "node:fs";
import * as path from "node:path";
import { STACK_FILE, lastLines, runTerraform, stackDir, userTerraformEnv } from "@ssm-access/terraform-kit";

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
    const dir = stackDir(this.options.appDir, stack);
    if (!fs.existsSync(path.join(dir, STACK_FILE))) {
      throw new Error(`${dir}/${STACK_FILE} is missing: synthesize the app first (npm run synth)`);
    }
    const tfEnv = userTerraformEnv(
      path.join(this.options.appDir, "cdktf.out", ".terraform-cli"),
      this.options.env ?? process.env,
    );
    if (!fs.existsSync(path.join(dir, ".terraform", "terraform.tfstate"))) {
      this.options.log?.(
        `terraform init -input=false in ${path.relative(this.options.appDir, dir)} (first use of this folder)`,
      );
      const init = await runTerraform(["init", "-input=false", "-no-color"], { cwd: dir, env: tfEnv });
      if (init.code !== 0)
        throw new Error(`terraform init in ${dir} failed:\n${lastLines(init.stderr || init.stdout, 12)}`);
    }
    const out = await runTerraform(["output", "-json", "-no-color"], { cwd: dir, env: tfEnv });
    if (out.code !== 0)
      throw new Error(`terraform output -json in ${dir} failed:\n${lastLines(out.stderr || out.stdout, 12)}`);
    const outputs = parseTerraformOutputs(out.stdout);
    if (Object.keys(outputs).length === 0) {
      throw new Error(
        `${stack} has no outputs in its state: deploy it first (npx nx run infra:deploy --stack=${stack})`,
      );
    }
    return outputs;
  }
}
