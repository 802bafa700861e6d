import type { AwsClients } from "../aws-clients";
import type { StackView } from "../stack-view";
import type { SelectedInstance } from "../instance-selection";
import { ToolRunner, checkAwsCli, checkSessionManagerPlugin } from "../local-tools";
import type { StackOutputs } from "../outputs";
import { CheckResult, MARKS, Unanswered, unknown } from "./check";
import { Check, CheckContext } from "./context";
import { Lookups } from "./lookups";
import { CREDENTIALS_ACCOUNT, credentialsAccountResult } from "./checks/credentials-account";
import { endpointDnsCheck, endpointsCheck } from "./checks/endpoints";
import { instanceCheck } from "./checks/instance";
import { instanceRoleCheck } from "./checks/instance-role";
import { operatorPermissionCheck } from "./checks/operator-permission";
import { registrationCheck } from "./checks/registration";
import { releasePinCheck } from "./checks/release-pin";
import { s3GatewayCheck } from "./checks/s3-gateway";
import { endpointIngressCheck, instanceEgressCheck } from "./checks/security-groups";
import { sessionPreferencesCheck } from "./checks/session-preferences";

/** The checks made in AWS, in the order a session needs them. */
export const AWS_CHECKS: readonly Check[] = [
  instanceCheck,
  instanceRoleCheck,
  registrationCheck,
  endpointsCheck,
  endpointDnsCheck,
  endpointIngressCheck,
  instanceEgressCheck,
  s3GatewayCheck,
  sessionPreferencesCheck,
  operatorPermissionCheck,
  releasePinCheck,
];

/** Every check id, in output order. */
export const CHECK_IDS: readonly string[] = [
  "aws-cli",
  "session-manager-plugin",
  CREDENTIALS_ACCOUNT.id,
  ...AWS_CHECKS.map((c) => c.id),
];

/** What the doctor looks at. */
export interface DoctorOptions {
  readonly env: StackView;
  readonly outputs: StackOutputs;
  readonly instance: SelectedInstance;
  readonly clients: AwsClients;
  /** Runs local programs for the AWS CLI and plugin checks; `false` leaves those two checks out (e.g. against an emulator). */
  readonly tools: ToolRunner | false;
}

/** The doctor's findings. */
export interface DoctorReport {
  readonly stack: string;
  readonly instance: SelectedInstance;
  readonly region: string;
  readonly accountId: string;
  readonly checks: readonly CheckResult[];
  /** 0 every check ✔, 1 a check ✖, 2 no ✖ but a check ?. */
  readonly exitCode: 0 | 1 | 2;
}

/** 0 when every check is ✔, 1 when one is ✖, 2 when none is ✖ but one is ?. */
export function doctorExitCode(checks: readonly CheckResult[]): 0 | 1 | 2 {
  if (checks.some((c) => c.status === "fail")) return 1;
  if (checks.some((c) => c.status === "unknown")) return 2;
  return 0;
}

async function runCheck(check: Check, ctx: CheckContext): Promise<CheckResult> {
  try {
    return await check.run(ctx);
  } catch (e) {
    if (e instanceof Unanswered) return unknown(check.id, check.title, e.message, e.next);
    return unknown(
      check.id,
      check.title,
      `the check itself failed: ${e instanceof Error ? e.message : String(e)}`,
      "report this with the output of --json",
    );
  }
}

/**
 * Walks the causes of `TargetNotConnected` for one instance: local tools,
 * the credentials' account, then each AWS check (all read through shared
 * lookups, concurrently). Checks in AWS are `?` when the credentials are not
 * for the environment's account: their answers would be about another account.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const lookups = new Lookups(options.clients, options.env, options.outputs, options.instance);
  const ctx: CheckContext = {
    env: options.env,
    outputs: options.outputs,
    instance: options.instance,
    clients: options.clients,
    lookups,
  };
  const local =
    options.tools === false
      ? []
      : await Promise.all([checkAwsCli(options.tools), checkSessionManagerPlugin(options.tools)]);
  const account = credentialsAccountResult(await lookups.callerIdentity(), options.env);
  const aws =
    account.status === "pass"
      ? await Promise.all(AWS_CHECKS.map((c) => runCheck(c, ctx)))
      : AWS_CHECKS.map((c) =>
          unknown(c.id, c.title, `not checked: ${account.evidence}`, "fix credentials-account first"),
        );
  const checks = [...local, account, ...aws];
  return {
    stack: options.env.name,
    instance: options.instance,
    region: options.env.region,
    accountId: options.env.accountId,
    checks,
    exitCode: doctorExitCode(checks),
  };
}

/** One line per check: mark, id, evidence, and the fix (✖, ⚠) or how to find out (?). */
export function renderCheck(c: CheckResult): string {
  const next =
    c.status === "fail" || c.status === "warn"
      ? ` Fix: ${c.fix}`
      : c.status === "unknown"
        ? ` To find out: ${c.fix}`
        : "";
  return `${MARKS[c.status]} ${c.id}: ${c.evidence}.${next}`;
}

/** The report as text: a heading, one line per check, and the counts. */
export function renderDoctorText(report: DoctorReport): string {
  const count = (s: CheckResult["status"]) => report.checks.filter((c) => c.status === s).length;
  return [
    `session-doctor ${report.stack}: ${report.instance.name} (${report.instance.id}) in ${report.region}, account ${report.accountId}`,
    ...report.checks.map(renderCheck),
    `${report.checks.length} checks: ${count("pass")} ✔, ${count("fail")} ✖, ${count("unknown")} ?${count("warn") > 0 ? `, ${count("warn")} ⚠` : ""}`,
  ].join("\n");
}

/** The `--json` shape: an array of `{ id, status, title, evidence, fix }`. */
export function doctorJson(
  report: DoctorReport,
): Array<{ id: string; status: string; title: string; evidence: string; fix: string | null }> {
  return report.checks.map(({ id, status, title, evidence, fix }) => ({ id, status, title, evidence, fix }));
}
