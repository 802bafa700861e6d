import { runProcess } from "@ssm-access/terraform-kit";
import { CheckResult, fail, pass, unknown } from "./doctor/check";

/** What running a local program gave. */
export interface ToolRun {
  /** Exit code; null when the program could not start (see `error`). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it could not start, e.g. `ENOENT` (not on PATH). */
  readonly error?: string;
}

/** Runs a local program and collects its output; never rejects. Tests pass their own. */
export type ToolRunner = (command: string, args: readonly string[]) => Promise<ToolRun>;

/** {@link ToolRunner} of this machine: the program from PATH, no shell, 15 s at most. */
export const runTool: ToolRunner = async (command, args) => {
  try {
    const run = await runProcess(command, args, { cwd: process.cwd(), env: process.env, timeoutMs: 15000 });
    return { code: run.code < 0 ? null : run.code, stdout: run.stdout, stderr: run.stderr };
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    return { code: null, stdout: "", stderr: "", error: error.code ?? error.message };
  }
};

/** Where to get the AWS CLI v2 (AWS docs, "Installing or updating to the latest version of the AWS CLI"). */
export const AWS_CLI_INSTALL =
  'install the AWS CLI version 2 (AWS docs "Installing or updating to the latest version of the AWS CLI": https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)';

/** Where to get the plugin (AWS docs, "Install the Session Manager plugin for the AWS CLI"). */
export const PLUGIN_INSTALL =
  'install the Session Manager plugin (AWS docs "Install the Session Manager plugin for the AWS CLI": https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html)';

const firstLine = (run: ToolRun) => `${run.stdout}\n${run.stderr}`.trim().split("\n")[0]?.trim() ?? "";

const cannotRun = (command: string, run: ToolRun) =>
  run.error === "ENOENT"
    ? `\`${command}\` failed: ${command.split(" ")[0]} is not on PATH`
    : `\`${command}\` failed: ${run.error ?? `exit ${run.code}: ${firstLine(run)}`}`;

/** ✔ when `aws --version` says `aws-cli/2.`; ✖ with the check that failed and the install link otherwise. */
export async function checkAwsCli(run: ToolRunner): Promise<CheckResult> {
  const id = "aws-cli";
  const title = "AWS CLI version 2 is installed";
  const result = await run("aws", ["--version"]);
  if (result.code !== 0) return fail(id, title, cannotRun("aws --version", result), AWS_CLI_INSTALL);
  const version = firstLine(result);
  if (/^aws-cli\/2\./.test(version)) return pass(id, title, version);
  if (/^aws-cli\/\d/.test(version)) {
    return fail(
      id,
      title,
      `\`aws --version\` says ${version}, not aws-cli/2.`,
      `${AWS_CLI_INSTALL}, and make it the \`aws\` on PATH`,
    );
  }
  return unknown(
    id,
    title,
    `\`aws --version\` printed "${version}", which names no AWS CLI version`,
    "run `aws --version`: it should print aws-cli/2.<x>",
  );
}

/** ✔ when `session-manager-plugin --version` runs; ✖ with the check that failed and the install link otherwise. */
export async function checkSessionManagerPlugin(run: ToolRunner): Promise<CheckResult> {
  const id = "session-manager-plugin";
  const title = "Session Manager plugin is installed";
  const result = await run("session-manager-plugin", ["--version"]);
  if (result.code !== 0) return fail(id, title, cannotRun("session-manager-plugin --version", result), PLUGIN_INSTALL);
  return pass(id, title, `session-manager-plugin ${firstLine(result)}`);
}
