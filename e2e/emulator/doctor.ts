/**
 * The session doctor on the deployed dev: a baseline run, then one scenario
 * per cause of TargetNotConnected. Each scenario breaks ONE thing through the
 * AWS SDK, runs the doctor in process (SDK clients pointed at dev's emulator,
 * outputs read with `terraform output -json` from dev's S3 backend), checks
 * that exactly the matching check turned ✖ and every other check kept its
 * baseline status, then restores what it broke and checks the baseline again,
 * so later steps find dev as deployed.
 */
import {
  DeleteVpcEndpointsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  ModifySecurityGroupRulesCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcEndpointCommand,
  SecurityGroupRule,
} from "@aws-sdk/client-ec2";
import { AttachRolePolicyCommand, DetachRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import * as path from "node:path";
import { Landscape, emulatorOf, sdkConfig, stackDir, stateLocation, terraform } from "@ssm-access/aws-emulator";
import {
  AwsClients,
  CheckResult,
  DoctorReport,
  MANAGED_INSTANCE_CORE,
  SelectedInstance,
  StackOutputs,
  StackView,
  createAwsClients,
  parseTerraformOutputs,
  readStackView,
  renderDoctorText,
  runDoctor,
  selectInstance,
  stringOutput,
} from "@ssm-access/session-doctor";

const STACK = "dev";

/**
 * The checks the emulator cannot answer, and why: moto 5.2.1 implements
 * neither call (its server answers HTTP 500 with no AWS error). Against the
 * emulator they are `?`, never ✔; every other check must be ✔.
 */
export const EMULATOR_UNANSWERED: Readonly<Record<string, string>> = {
  registration: "ssm:DescribeInstanceInformation is not implemented by moto 5.2.1 (no SSM Agent runs there either)",
  "operator-permission": "iam:SimulatePrincipalPolicy is not implemented by moto 5.2.1",
};

/** Dev as the doctor sees it: its synthesized stack, its outputs (read once), its instance, and clients of its emulator. */
export interface DoctorTarget {
  readonly land: Landscape;
  readonly env: StackView;
  readonly outputs: StackOutputs;
  readonly instance: SelectedInstance;
  /** What the doctor calls. */
  readonly clients: AwsClients;
  /** What the scenarios break and restore with. */
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
}

/** A scenario's outcome: the report while broken (and its text), the report once restored, and how long it took. */
export interface ScenarioOutcome {
  readonly scenario: string;
  /** The check that turned ✖. */
  readonly check: string;
  readonly broken: DoctorReport;
  readonly text: string;
  readonly restored: DoctorReport;
  readonly seconds: number;
}

/** Dev's outputs with `terraform output -json` in its deployed folder (its S3 backend in the emulator), its synthesized stack there, the first instance. */
export async function doctorTarget(land: Landscape, repoRoot: string): Promise<DoctorTarget> {
  const r = await terraform(land.ws, stackDir(land.outs[STACK], STACK), STACK, ["output", "-json"], "doctor outputs");
  const outputs = parseTerraformOutputs(r.output);
  const env = readStackView(
    STACK,
    path.join(stackDir(land.outs[STACK], STACK), "cdk.tf.json"),
    path.join(repoRoot, "apps", "infra", "environments", `${STACK}.json`),
  );
  const at = stateLocation(land, STACK);
  const config = sdkConfig(emulatorOf(land, at.accountId), env.region);
  return {
    land,
    env,
    outputs,
    instance: selectInstance(env, outputs, env.instanceNames[0]),
    clients: createAwsClients(config),
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
  };
}

/** The doctor on dev, in process; the local tool checks (this machine's AWS CLI and plugin) are left out. */
export function doctorOnDev(t: DoctorTarget): Promise<DoctorReport> {
  return runDoctor({ env: t.env, outputs: t.outputs, instance: t.instance, clients: t.clients, tools: false });
}

const statuses = (r: DoctorReport) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));

/**
 * The doctor on dev as deployed: no ✖; `?` exactly for {@link EMULATOR_UNANSWERED},
 * each saying the API answered NotImplemented; ✔ for everything else.
 */
export async function doctorBaseline(t: DoctorTarget): Promise<DoctorReport> {
  const report = await doctorOnDev(t);
  const problems: string[] = [];
  for (const c of report.checks) {
    if (c.status === "fail") problems.push(`${c.id} is ✖ on dev as deployed`);
    if (c.status === "unknown" && !(c.id in EMULATOR_UNANSWERED))
      problems.push(`${c.id} is ? but the emulator answers it`);
    if (c.status === "unknown" && !/NotImplemented/.test(c.evidence))
      problems.push(`${c.id} is ? without saying the API answered NotImplemented`);
    if (c.status === "pass" && c.id in EMULATOR_UNANSWERED)
      problems.push(`${c.id} is ✔ though the emulator cannot answer it`);
  }
  if (problems.length > 0)
    throw new Error(`doctor baseline on dev:\n  ${problems.join("\n  ")}\n${renderDoctorText(report)}`);
  return report;
}

/** Throws unless `report` differs from `baseline` in exactly `check`, which is ✖. */
function assertOnly(baseline: DoctorReport, report: DoctorReport, check: string, scenario: string): void {
  const before = statuses(baseline);
  const after = statuses(report);
  const changed = Object.keys({ ...before, ...after }).filter((id) => before[id] !== after[id] && id !== check);
  const broken = report.checks.find((c) => c.id === check);
  if (broken?.status !== "fail" || changed.length > 0) {
    throw new Error(
      `${scenario}: expected only ${check} to turn ✖, got ${check} ${broken?.status ?? "missing"}${changed.length > 0 ? ` and changes in ${changed.map((id) => `${id} ${before[id]} → ${after[id]}`).join(", ")}` : ""}\n${renderDoctorText(report)}`,
    );
  }
}

/** Throws unless every check has its baseline status again. */
function assertRestored(baseline: DoctorReport, report: DoctorReport, scenario: string): void {
  const before = statuses(baseline);
  const changed = report.checks.filter((c) => before[c.id] !== c.status);
  if (changed.length > 0) {
    throw new Error(
      `${scenario}: after restoring, ${changed.map((c) => `${c.id} is ${c.status}, not ${before[c.id]}`).join(", ")}\n${renderDoctorText(report)}`,
    );
  }
}

/** Breaks one thing (`breakIt` returns how to restore it), runs the doctor, restores, and checks both reports. */
async function scenario(
  t: DoctorTarget,
  baseline: DoctorReport,
  name: string,
  check: string,
  breakIt: () => Promise<() => Promise<void>>,
): Promise<ScenarioOutcome> {
  const started = Date.now();
  const restore = await breakIt();
  let broken: DoctorReport;
  try {
    broken = await doctorOnDev(t);
  } finally {
    await restore();
  }
  assertOnly(baseline, broken, check, name);
  const restored = await doctorOnDev(t);
  assertRestored(baseline, restored, name);
  return {
    scenario: name,
    check,
    broken,
    text: renderDoctorText(broken),
    restored,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The interface endpoint of `service` in dev's VPC (available). */
async function interfaceEndpoint(t: DoctorTarget, service: string): Promise<{ id: string; privateDns: boolean }> {
  const vpcId = stringOutput(t.outputs, "vpc_id") as string;
  const r = await t.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
  const endpoint = (r.VpcEndpoints ?? []).find(
    (e) => e.ServiceName === `com.amazonaws.${t.env.region}.${service}` && e.State?.toLowerCase() === "available",
  );
  if (!endpoint?.VpcEndpointId) throw new Error(`dev has no available ${service} endpoint`);
  return { id: endpoint.VpcEndpointId, privateDns: endpoint.PrivateDnsEnabled === true };
}

/**
 * (a) Private DNS off on the ssmmessages endpoint (ModifyVpcEndpoint
 * PrivateDnsEnabled=false): `endpoint-dns` ✖. Restored with PrivateDnsEnabled=true.
 * The emulator must apply PrivateDnsEnabled (moto 5.2.1 ignores it; see
 * the error thrown when it does).
 */
export function privateDnsOffScenario(t: DoctorTarget, baseline: DoctorReport): Promise<ScenarioOutcome> {
  return scenario(t, baseline, "private DNS off on the ssmmessages endpoint", "endpoint-dns", async () => {
    const { id } = await interfaceEndpoint(t, "ssmmessages");
    const restore = async () => {
      await t.ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: id, PrivateDnsEnabled: true }));
    };
    await t.ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: id, PrivateDnsEnabled: false }));
    if ((await interfaceEndpoint(t, "ssmmessages")).privateDns) {
      throw new Error(
        `the emulator ignored ModifyVpcEndpoint PrivateDnsEnabled=false on ${id} (moto 5.2.1 reads no PrivateDnsEnabled in ModifyVpcEndpoint): its launcher needs that gap filled before this scenario can run`,
      );
    }
    return restore;
  });
}

/** (a') DNS hostnames off on dev's VPC (ModifyVpcAttribute), which private DNS of every endpoint needs: `endpoint-dns` ✖. Restored with the attribute on. */
export function vpcDnsHostnamesOffScenario(t: DoctorTarget, baseline: DoctorReport): Promise<ScenarioOutcome> {
  return scenario(t, baseline, "DNS hostnames off on the VPC", "endpoint-dns", async () => {
    const VpcId = stringOutput(t.outputs, "vpc_id") as string;
    await t.ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsHostnames: { Value: false } }));
    return async () => {
      await t.ec2.send(new ModifyVpcAttributeCommand({ VpcId, EnableDnsHostnames: { Value: true } }));
    };
  });
}

/**
 * (b) The endpoint security group lets HTTPS in no more: its one ingress
 * rule (tcp 443 from the VPC) is changed in place to tcp 8443
 * (ModifySecurityGroupRules), which keeps the rule's id, so restoring it to
 * 443 leaves Terraform's state exact (revoking and authorizing again would
 * give the rule a new id that the state does not know): `endpoint-ingress` ✖.
 */
export function endpointIngressClosedScenario(t: DoctorTarget, baseline: DoctorReport): Promise<ScenarioOutcome> {
  return scenario(t, baseline, "HTTPS ingress of the endpoint security group closed", "endpoint-ingress", async () => {
    const GroupId = stringOutput(t.outputs, "endpoint_security_group_id") as string;
    const rules =
      (await t.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [GroupId] }] })))
        .SecurityGroupRules ?? [];
    const https = rules.filter(
      (r) => !r.IsEgress && r.IpProtocol === "tcp" && Number(r.FromPort) === 443 && Number(r.ToPort) === 443,
    );
    if (https.length !== 1) throw new Error(`${GroupId} has ${https.length} HTTPS ingress rules, not 1`);
    const rule = https[0];
    const modify = (port: number, r: SecurityGroupRule) =>
      t.ec2.send(
        new ModifySecurityGroupRulesCommand({
          GroupId,
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: r.SecurityGroupRuleId,
              SecurityGroupRule: {
                IpProtocol: "tcp",
                FromPort: port,
                ToPort: port,
                CidrIpv4: r.CidrIpv4,
                ...(r.Description ? { Description: r.Description } : {}),
              },
            },
          ],
        }),
      );
    await modify(8443, rule);
    return async () => {
      await modify(443, rule);
    };
  });
}

/** (c) AmazonSSMManagedInstanceCore detached from the instance role: `instance-role` ✖. Restored by attaching it again (the attachment has no id of its own). */
export function managedInstanceCoreDetachedScenario(t: DoctorTarget, baseline: DoctorReport): Promise<ScenarioOutcome> {
  return scenario(
    t,
    baseline,
    `${MANAGED_INSTANCE_CORE} detached from the instance role`,
    "instance-role",
    async () => {
      const RoleName = (stringOutput(t.outputs, "instance_role_arn") as string).split("/").pop() as string;
      const PolicyArn = `arn:aws:iam::aws:policy/${MANAGED_INSTANCE_CORE}`;
      await t.iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }));
      return async () => {
        await t.iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn }));
      };
    },
  );
}

/**
 * (d) The ec2messages interface endpoint deleted: `endpoints` ✖. The SDK
 * cannot put it back as Terraform knows it (a new endpoint has a new id that
 * the state does not hold), so Terraform recreates it: `terraform apply` in
 * dev's deployed folder, the apply that the doctor's fix (`infra:deploy`)
 * runs. Run it when nothing else uses dev's state (the apply takes its lock).
 */
export function interfaceEndpointDeletedScenario(t: DoctorTarget, baseline: DoctorReport): Promise<ScenarioOutcome> {
  return scenario(t, baseline, "ec2messages interface endpoint deleted", "endpoints", async () => {
    const { id } = await interfaceEndpoint(t, "ec2messages");
    await t.ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }));
    return async () => {
      const dir = stackDir(t.land.outs[STACK], STACK);
      await terraform(
        t.land.ws,
        dir,
        STACK,
        ["apply", "-auto-approve", "-input=false", "-lock-timeout=60s"],
        "apply after the doctor's endpoint scenario",
      );
    };
  });
}

/** Every scenario on the deployed dev, in order; the text of the endpoint-ingress failure is the README's example. */
export async function doctorScenarios(
  land: Landscape,
  repoRoot: string,
): Promise<{ baseline: DoctorReport; outcomes: ScenarioOutcome[]; failureText: string }> {
  const t = await doctorTarget(land, repoRoot);
  const baseline = await doctorBaseline(t);
  const outcomes: ScenarioOutcome[] = [];
  outcomes.push(await privateDnsOffScenario(t, baseline));
  outcomes.push(await vpcDnsHostnamesOffScenario(t, baseline));
  outcomes.push(await endpointIngressClosedScenario(t, baseline));
  outcomes.push(await managedInstanceCoreDetachedScenario(t, baseline));
  outcomes.push(await interfaceEndpointDeletedScenario(t, baseline));
  const example = outcomes.find((o) => o.check === "endpoint-ingress") as ScenarioOutcome;
  return { baseline, outcomes, failureText: example.text };
}

/** The check of `id` in a report. */
export function checkOf(report: DoctorReport, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in the report`);
  return found;
}
