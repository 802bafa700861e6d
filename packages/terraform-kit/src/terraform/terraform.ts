import { ProcessOptions, ProcessResult, runProcess } from "./process";

/** Oldest Terraform this tool accepts (`terraform test` with `mock_provider` and override files as used here). */
export const MIN_TERRAFORM_VERSION = "1.10.0";

/** What to do when Terraform is missing or too old. */
export const TERRAFORM_INSTALL_HINT =
  `Install Terraform >= ${MIN_TERRAFORM_VERSION.replace(/\.0$/, "")} and put \`terraform\` on PATH: ` +
  "https://developer.hashicorp.com/terraform/install (or your package manager, e.g. `brew install hashicorp/tap/terraform`, " +
  "or HashiCorp's apt/yum repository). The checks and commands that need Terraform run the real engine and never pass without it.";

/** Raised when the Terraform binary cannot be run or is older than {@link MIN_TERRAFORM_VERSION}. */
export class TerraformMissingError extends Error {
  public constructor(message: string) {
    super(`${message}\n${TERRAFORM_INSTALL_HINT}`);
    this.name = "TerraformMissingError";
  }
}

/** How to run Terraform: {@link ProcessOptions} and the executable. */
export interface TerraformRunOptions extends ProcessOptions {
  /** Terraform executable. @default "terraform" */
  readonly binary?: string;
}

/** Outcome of one Terraform command. */
export type TerraformResult = ProcessResult;

/**
 * Runs `terraform <args>` without a shell, collecting its output (and writing
 * it to `logFile` when given); never rejects on a non-zero exit. Throws
 * {@link TerraformMissingError}, with install advice, when Terraform is not installed.
 */
export async function runTerraform(args: readonly string[], options: TerraformRunOptions): Promise<TerraformResult> {
  const binary = options.binary ?? "terraform";
  try {
    return await runProcess(binary, args, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new TerraformMissingError(`Terraform was not found: cannot run "${binary}".`);
    }
    throw error;
  }
}

/** Compares dotted numeric versions (`1.10.0` > `1.9.8`); pre-release suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] =>
    v
      .split(/[-+]/)[0]
      .split(".")
      .map((n) => Number.parseInt(n, 10) || 0);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) {
      return Math.sign(diff);
    }
  }
  return 0;
}

/** Reads the version out of `terraform version -json` (or the plain `Terraform v1.11.4` text). */
export function parseTerraformVersion(output: string): string | undefined {
  try {
    const parsed = JSON.parse(output) as { terraform_version?: unknown };
    if (typeof parsed.terraform_version === "string") {
      return parsed.terraform_version;
    }
  } catch {
    // not JSON: fall through to the text form
  }
  return /Terraform v(\d+\.\d+\.\d+\S*)/.exec(output)?.[1];
}

/**
 * Checks that Terraform runs and is at least {@link MIN_TERRAFORM_VERSION};
 * returns its version or throws {@link TerraformMissingError} with install advice.
 */
export async function checkTerraform(options: TerraformRunOptions): Promise<string> {
  const result = await runTerraform(["version", "-json"], options);
  const version = parseTerraformVersion(result.stdout);
  if (result.code !== 0 || version === undefined) {
    throw new TerraformMissingError(
      `"${options.binary ?? "terraform"} version" did not report a Terraform version (exit ${result.code}).`,
    );
  }
  if (compareVersions(version, MIN_TERRAFORM_VERSION) < 0) {
    throw new TerraformMissingError(
      `Terraform ${version} is too old: terraform-check needs >= ${MIN_TERRAFORM_VERSION}.`,
    );
  }
  return version;
}
