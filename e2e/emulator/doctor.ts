/**
 * The session doctor on the deployed dev: a baseline run, then one scenario
 * per cause of TargetNotConnected. Each scenario breaks ONE thing through the
 * AWS SDK, runs `session-doctor doctor --stack=dev --json` as a user would
 * (its command line, pointed at dev's emulator with AWS_ENDPOINT_URL and
 * AWS_CA_BUNDLE; outputs read by the doctor with `terraform output -json`
 * from dev's S3 backend), checks that exactly the matching check turned ✖,
 * naming the cause and its fix, and every other check kept its baseline
 * status (or turned ? where it builds on what broke), then restores what it
 * broke and checks the baseline again, so later steps find dev as deployed.
 */
import * as fs from "node:fs";
import {
  AssociateIamInstanceProfileCommand,
  DeleteVpcEndpointsCommand,
  DescribeInstancesCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DescribeRouteTablesCommand,
  DisassociateIamInstanceProfileCommand,
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
import {
  EMULATOR_CREDENTIALS,
  Landscape,
  childEnv,
  emulatorOf,
  sdkConfig,
  stackDir,
  stateLocation,
  terraform,
} from "@ssm-access/aws-emulator";
import { runApp } from "./apps";

const STACK = "dev";
const MANAGED_INSTANCE_CORE = "AmazonSSMManagedInstanceCore";

/** One line of `doctor --json`. */
export interface CheckResult {
  readonly id: string;
  readonly status: "pass" | "fail" | "unknown";
  readonly title: string;
  readonly evidence: string;
  readonly fix: string | null;
}

/** What one run of the doctor's command line gave. */
export interface DoctorReport {
  readonly checks: readonly CheckResult[];
  readonly exitCode: number | null;
}

/** The outputs of a stack, by name (the values of `terraform output -json`). */
export type StackOutputs = Readonly<Record<string, unknown>>;

const MARKS = { pass: "✔", fail: "✖", unknown: "?" } as const;

/** A report as lines, for failure messages. */
export function renderDoctorText(report: DoctorReport): string {
  return report.checks
    .map((c) => `${MARKS[c.status]} ${c.id}: ${c.evidence}${c.fix ? ` Fix: ${c.fix}` : ""}`)
    .join("\n");
}

function stringOutput(outputs: StackOutputs, name: string): string | undefined {
  const v = outputs[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * The checks the emulator cannot answer, and why: moto 5.2.1 implements
 * neither call (its server answers HTTP 500 with no AWS error). Against the
 * emulator they are `?`, never ✔; every other check must be ✔.
 */
export const EMULATOR_UNANSWERED: Readonly<Record<string, string>> = {
  registration: "ssm:DescribeInstanceInformation is not implemented by moto 5.2.1 (no SSM Agent runs there either)",
  "operator-permission": "iam:SimulatePrincipalPolicy is not implemented by moto 5.2.1",
};

/** Dev as the scenarios see it: its Region, its outputs (read once), its instance, and clients of its emulator. */
export interface DoctorTarget {
  readonly land: Landscape;
  readonly region: string;
  readonly outputs: StackOutputs;
  readonly instanceId: string;
  /** What the scenarios break and restore with. */
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
  /** The app folder the doctor reads: the shipped environment files, and dev's deployed stack folder as its `cdktf.out`. */
  readonly appDir: string;
  /** The doctor's environment: dev's emulator as AWS (`AWS_ENDPOINT_URL`, `AWS_CA_BUNDLE`, its credentials). */
  readonly cliEnv: NodeJS.ProcessEnv;
}

/**
 * The variables that point the AWS CLI, the SDKs (the doctor's) and Terraform
 * at dev's emulator, as `aws-emulator up` prints them, with a Session Manager
 * plugin and an AWS CLI version 2 on PATH: the doctor's local checks are this
 * machine's, not what the tier looks at.
 */
export function doctorEnvironment(land: Landscape): NodeJS.ProcessEnv {
  const bin = path.join(land.ws.root, "doctor-bin");
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(bin, { recursive: true });
    const tool = (name: string, line: string) =>
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${line}"\n`, { mode: 0o755 });
    tool("aws", "aws-cli/2.17.0 Python/3.11.9 Linux/6.1 exe/x86_64");
    tool("session-manager-plugin", "1.2.650.0");
  }
  const at = stateLocation(land, STACK);
  return childEnv(land.ws, {
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.access_key,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secret_key,
    AWS_CA_BUNDLE: land.ws.certificateFile,
    AWS_ENDPOINT_URL: emulatorOf(land, at.accountId).endpoint,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
  });
}

/** A scenario's outcome: the report while broken (and its text), and how long it took. */
export interface ScenarioOutcome {
  readonly scenario: string;
  /** The check that turned ✖. */
  readonly check: string;
  readonly broken: DoctorReport;
  readonly text: string;
  readonly seconds: number;
}

/** Dev's outputs with `terraform output -json` in its deployed folder (its S3 backend in the emulator), its first instance, and the doctor's app folder. */
export async function doctorTarget(land: Landscape, repoRoot: string): Promise<DoctorTarget> {
  const r = await terraform(land.ws, stackDir(land.outs[STACK], STACK), STACK, ["output", "-json"], "doctor outputs");
  const json = JSON.parse(r.output.slice(r.output.indexOf("{"))) as Record<string, { value: unknown }>;
  const outputs = Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v.value]));
  const at = stateLocation(land, STACK);
  const config = sdkConfig(emulatorOf(land, at.accountId), at.region);
  const appDir = path.join(land.ws.root, "doctor-app");
  fs.mkdirSync(path.join(appDir, "cdktf.out", "stacks"), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, "apps", "infra", "environments"), path.join(appDir, "environments"));
  fs.symlinkSync(stackDir(land.outs[STACK], STACK), path.join(appDir, "cdktf.out", "stacks", STACK));
  const ids = outputs.instance_ids as Record<string, string>;
  return {
    land,
    region: at.region,
    outputs,
    instanceId: Object.values(ids)[0],
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
    appDir,
    cliEnv: doctorEnvironment(land),
  };
}

let doctorRuns = 0;

/** `session-doctor doctor --stack=dev --json` on dev, through its command line. */
export async function doctorOnDev(t: DoctorTarget): Promise<DoctorReport> {
  const ran = await runApp("session-doctor", ["doctor", `--stack=${STACK}`, "--json", `--app=${t.appDir}`], {
    env: t.cliEnv,
    logFile: path.join(t.land.ws.root, "logs", `doctor-${++doctorRuns}.log`),
  });
  const start = ran.stdout.indexOf("[");
  if (start < 0) throw new Error(`session-doctor doctor --json printed no checks; exit ${ran.code}:\n${ran.stderr}`);
  return { checks: JSON.parse(ran.stdout.slice(start)) as CheckResult[], exitCode: ran.code };
}

const statuses = (r: DoctorReport) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));

/**
 * The doctor on dev as deployed: no ✖; `?` exactly for {@link EMULATOR_UNANSWERED},
 * each saying the API answered NotImplemented; ✔ or ⚠ for everything else
 * (`release-pin` is ⚠: the emulator's latest image is ahead of dev's pin).
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
  if (report.exitCode !== 2) problems.push(`the doctor exited ${report.exitCode}, not 2 (no ✖, a ?)`);
  if (problems.length > 0)
    throw new Error(`doctor baseline on dev:\n  ${problems.join("\n  ")}\n${renderDoctorText(report)}`);
  return report;
}

/** What a scenario's broken run must say: which check turns ✖, its cause and fix, and which checks turn ? for want of it. */
export interface Expected {
  readonly check: string;
  /** The ✖ line's evidence: the cause. */
  readonly cause: RegExp;
  /** The ✖ line's fix. */
  readonly fix: RegExp;
  /** Checks that build on what broke and say ? instead of their baseline status. @default none */
  readonly unknown?: readonly string[];
}

/**
 * Throws unless `report` differs from `baseline` in exactly `expected.check`,
 * which is ✖ with the cause and fix expected (and `expected.unknown`, which
 * are ?), and the doctor exits 1.
 */
function assertOnly(baseline: DoctorReport, report: DoctorReport, expected: Expected, scenario: string): void {
  const { check } = expected;
  const before = statuses(baseline);
  const after = statuses(report);
  const dependents = expected.unknown ?? [];
  const changed = Object.keys({ ...before, ...after }).filter(
    (id) => id !== check && (dependents.includes(id) ? after[id] !== "unknown" : before[id] !== after[id]),
  );
  const broken = report.checks.find((c) => c.id === check);
  const problems = [
    ...(broken?.status !== "fail" ? [`${check} is ${broken?.status ?? "missing"}, not ✖`] : []),
    ...changed.map((id) => `${id} ${before[id]} → ${after[id]}`),
    ...(broken && !expected.cause.test(broken.evidence) ? [`${check} does not name the cause ${expected.cause}`] : []),
    ...(broken && !expected.fix.test(broken.fix ?? "") ? [`${check} does not give the fix ${expected.fix}`] : []),
    ...(report.exitCode !== 1 ? [`the doctor exited ${report.exitCode}, not 1`] : []),
  ];
  if (problems.length > 0) throw new Error(`${scenario}: ${problems.join("; ")}\n${renderDoctorText(report)}`);
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

/**
 * Breaks one thing (`breakIt` returns how to restore it), runs the doctor,
 * restores, and checks the report. That the restore worked is checked by the
 * next scenario's run, where every check but the one it breaks must have its
 * baseline status (consecutive scenarios break different checks), and after
 * the last one by {@link doctorScenarios}.
 */
async function scenario(
  t: DoctorTarget,
  baseline: DoctorReport,
  name: string,
  expected: Expected,
  breakIt: () => Promise<() => Promise<void>>,
): Promise<ScenarioOutcome> {
  const { check } = expected;
  const started = Date.now();
  const restore = await breakIt();
  let broken: DoctorReport;
  try {
    broken = await doctorOnDev(t);
  } finally {
    await restore();
  }
  assertOnly(baseline, broken, expected, name);
  return { scenario: name, check, broken, text: renderDoctorText(broken), seconds: (Date.now() - started) / 1000 };
}

/** The interface endpoint of `service` in dev's VPC (available). */
async function interfaceEndpoint(t: DoctorTarget, service: string): Promise<{ id: string; privateDns: boolean }> {
  const vpcId = stringOutput(t.outputs, "vpc_id") as string;
  const r = await t.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
  const endpoint = (r.VpcEndpoints ?? []).find(
    (e) => e.ServiceName === `com.amazonaws.${t.region}.${service}` && e.State?.toLowerCase() === "available",
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
  const expected = {
    check: "endpoint-dns",
    cause: /ssmmessages endpoint vpce-\S+ has private DNS off/,
    fix: /aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-\S+ --private-dns-enabled/,
  };
  return scenario(t, baseline, "private DNS off on the ssmmessages endpoint", expected, async () => {
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
  const expected = {
    check: "endpoint-dns",
    cause: /has enableDnsHostnames off/,
    fix: /aws ec2 modify-vpc-attribute --vpc-id vpc-\S+ --enable-dns-hostnames/,
  };
  return scenario(t, baseline, "DNS hostnames off on the VPC", expected, async () => {
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
  const expected = {
    check: "endpoint-ingress",
    cause: /lets no HTTPS in/,
    fix: /authorize-security-group-ingress .*--port 443/,
  };
  return scenario(t, baseline, "HTTPS ingress of the endpoint security group closed", expected, async () => {
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
    { check: "instance-role", cause: /lacks AmazonSSMManagedInstanceCore/, fix: /aws iam attach-role-policy/ },
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
  const expected = { check: "endpoints", cause: /missing: ec2messages/, fix: /infra:deploy --stack=dev/ };
  return scenario(t, baseline, "ec2messages interface endpoint deleted", expected, async () => {
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

/**
 * (e) The instance profile disassociated from the instance
 * (DisassociateIamInstanceProfile): `instance` ✖ with the command that
 * attaches it again; `instance-role`, which has no role left to look at, ?.
 * Restored with AssociateIamInstanceProfile (Terraform keeps the profile's
 * name, not the association's id).
 */
export function instanceProfileDisassociatedScenario(
  t: DoctorTarget,
  baseline: DoctorReport,
): Promise<ScenarioOutcome> {
  const profile = stringOutput(t.outputs, "instance_profile_name") as string;
  const expected = {
    check: "instance",
    cause: /running with no instance profile/,
    fix: new RegExp(
      `associate-iam-instance-profile --instance-id ${t.instanceId} --iam-instance-profile Name=${profile}`,
    ),
    unknown: ["instance-role"],
  };
  return scenario(t, baseline, "instance profile disassociated from the instance", expected, async () => {
    const associations =
      (
        await t.ec2.send(
          new DescribeIamInstanceProfileAssociationsCommand({
            Filters: [{ Name: "instance-id", Values: [t.instanceId] }],
          }),
        )
      ).IamInstanceProfileAssociations ?? [];
    if (associations.length !== 1)
      throw new Error(`${t.instanceId} has ${associations.length} profile associations, not 1`);
    await t.ec2.send(new DisassociateIamInstanceProfileCommand({ AssociationId: associations[0].AssociationId }));
    return async () => {
      await t.ec2.send(
        new AssociateIamInstanceProfileCommand({ InstanceId: t.instanceId, IamInstanceProfile: { Name: profile } }),
      );
    };
  });
}

/**
 * (f) The S3 gateway endpoint removed from the route table of the instance's
 * subnet (ModifyVpcEndpoint RemoveRouteTableIds, which on AWS also removes
 * the route; the emulator's launcher makes moto do the same): `s3-gateway` ✖
 * with the command that adds it back. Restored with AddRouteTableIds.
 */
export function s3GatewayRouteRemovedScenario(t: DoctorTarget, baseline: DoctorReport): Promise<ScenarioOutcome> {
  const expected = {
    check: "s3-gateway",
    cause: /is not on rtb-/,
    fix: /modify-vpc-endpoint .*--add-route-table-ids rtb-/,
  };
  return scenario(t, baseline, "S3 gateway endpoint removed from the subnet's route table", expected, async () => {
    const vpcId = stringOutput(t.outputs, "vpc_id") as string;
    const endpoints =
      (await t.ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] })))
        .VpcEndpoints ?? [];
    const gateway = endpoints.find((e) => e.VpcEndpointType === "Gateway" && e.ServiceName?.endsWith(".s3"));
    const instances = await t.ec2.send(new DescribeInstancesCommand({ InstanceIds: [t.instanceId] }));
    const subnetId = instances.Reservations?.[0]?.Instances?.[0]?.SubnetId as string;
    const tables =
      (
        await t.ec2.send(
          new DescribeRouteTablesCommand({ Filters: [{ Name: "association.subnet-id", Values: [subnetId] }] }),
        )
      ).RouteTables ?? [];
    const tableId = tables[0]?.RouteTableId;
    if (!gateway?.VpcEndpointId || !tableId) throw new Error(`dev has no S3 gateway or no route table for ${subnetId}`);
    const VpcEndpointId = gateway.VpcEndpointId;
    await t.ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId, RemoveRouteTableIds: [tableId] }));
    const routes =
      (await t.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] }))).RouteTables?.[0]?.Routes ?? [];
    if (routes.some((r) => r.GatewayId === VpcEndpointId))
      throw new Error(
        `the emulator kept the route of ${VpcEndpointId} in ${tableId} after RemoveRouteTableIds (AWS removes it): its launcher needs that gap filled`,
      );
    return async () => {
      await t.ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId, AddRouteTableIds: [tableId] }));
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
  // Consecutive scenarios break different checks: each run also shows the previous restore worked.
  outcomes.push(await privateDnsOffScenario(t, baseline));
  outcomes.push(await endpointIngressClosedScenario(t, baseline));
  outcomes.push(await vpcDnsHostnamesOffScenario(t, baseline));
  outcomes.push(await managedInstanceCoreDetachedScenario(t, baseline));
  outcomes.push(await instanceProfileDisassociatedScenario(t, baseline));
  outcomes.push(await s3GatewayRouteRemovedScenario(t, baseline));
  outcomes.push(await interfaceEndpointDeletedScenario(t, baseline));
  outcomes.forEach((o, i) => {
    if (i > 0 && outcomes[i - 1].check === o.check)
      throw new Error(
        `${outcomes[i - 1].scenario} and ${o.scenario} both break ${o.check}: the second cannot show the first was restored`,
      );
  });
  assertRestored(baseline, await doctorOnDev(t), outcomes[outcomes.length - 1].scenario);
  const example = outcomes.find((o) => o.check === "endpoint-ingress") as ScenarioOutcome;
  return { baseline, outcomes, failureText: example.text };
}

/** The check of `id` in a report. */
export function checkOf(report: DoctorReport, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in the report`);
  return found;
}
