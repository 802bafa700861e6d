import { CHECK_IDS, doctorExitCode, doctorJson, renderDoctorText, runDoctor } from "../../src/doctor/doctor";
import { pass, fail, unknown, warn } from "../../src/doctor/check";
import {
  DEV_OUTPUTS,
  INSTALLED,
  INSTANCE_ID,
  devEnv,
  fakeClients,
  fakeTools,
  healthyWorld,
  notImplemented,
} from "../support";

const instance = { name: "app-1", id: INSTANCE_ID };

describe("the doctor", () => {
  it("runs every check in order, local first, and exits 0 when all are ✔", async () => {
    const report = await runDoctor({
      env: devEnv(),
      outputs: DEV_OUTPUTS,
      instance,
      clients: fakeClients(healthyWorld()),
      tools: fakeTools(INSTALLED),
    });
    expect(report.checks.map((c) => c.id)).toEqual(CHECK_IDS);
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.exitCode).toBe(0);
  });

  it("leaves the local tool checks out when told to", async () => {
    const report = await runDoctor({
      env: devEnv(),
      outputs: DEV_OUTPUTS,
      instance,
      clients: fakeClients(healthyWorld()),
      tools: false,
    });
    expect(report.checks.map((c) => c.id)).toEqual(
      CHECK_IDS.filter((id) => id !== "aws-cli" && id !== "session-manager-plugin"),
    );
  });

  it("checks nothing in AWS with credentials of another account: each AWS check says ? and why", async () => {
    const world = healthyWorld();
    world.caller = { ...world.caller, Account: "999999999999", Arn: "arn:aws:iam::999999999999:user/bob" };
    const report = await runDoctor({
      env: devEnv(),
      outputs: DEV_OUTPUTS,
      instance,
      clients: fakeClients(world),
      tools: false,
    });
    expect(report.checks[0]).toMatchObject({ id: "credentials-account", status: "fail" });
    expect(
      report.checks
        .slice(1)
        .every(
          (c) => c.status === "unknown" && c.evidence.startsWith("not checked: dev lives in account 111111111111"),
        ),
    ).toBe(true);
    expect(world.calls).toEqual(["getCallerIdentity"]);
    expect(report.exitCode).toBe(1);
  });

  it("reads each AWS resource once, however many checks look at it", async () => {
    const world = healthyWorld();
    await runDoctor({ env: devEnv(), outputs: DEV_OUTPUTS, instance, clients: fakeClients(world), tools: false });
    const count = (m: string) => world.calls.filter((c) => c === m).length;
    expect(count("describeInstances")).toBe(1);
    expect(count("describeVpcEndpoints")).toBe(1);
    expect(count("getDocument")).toBe(1);
  });

  it("exits 2 when nothing is ✖ but something is ?, as against an emulator lacking APIs", async () => {
    const world = healthyWorld();
    world.failures.describeInstanceInformation = notImplemented();
    world.failures.simulatePrincipalPolicy = notImplemented();
    const report = await runDoctor({
      env: devEnv(),
      outputs: DEV_OUTPUTS,
      instance,
      clients: fakeClients(world),
      tools: false,
    });
    expect(report.checks.filter((c) => c.status === "unknown").map((c) => c.id)).toEqual([
      "registration",
      "operator-permission",
    ]);
    expect(report.exitCode).toBe(2);
  });

  it("turns a check that throws into ?, never ✔", async () => {
    const clients = fakeClients(healthyWorld());
    clients.describeSubnets = async () => ({ Subnets: [null as never] });
    const report = await runDoctor({ env: devEnv(), outputs: DEV_OUTPUTS, instance, clients, tools: false });
    expect(report.checks.find((c) => c.id === "endpoints")).toMatchObject({
      status: "unknown",
      evidence: expect.stringMatching(/^the check itself failed: /),
    });
  });

  it("says ? for every check a failed call leaves unanswered", async () => {
    const world = healthyWorld();
    world.failures.describeSecurityGroups = Object.assign(new Error("Rate exceeded"), { name: "Throttling" });
    const report = await runDoctor({
      env: devEnv(),
      outputs: DEV_OUTPUTS,
      instance,
      clients: fakeClients(world),
      tools: false,
    });
    const unanswered = report.checks.filter((c) => c.status === "unknown");
    expect(unanswered.map((c) => c.id)).toEqual(["endpoint-ingress", "instance-egress", "s3-gateway"]);
    expect(unanswered[0].evidence).toBe("ec2:DescribeSecurityGroups failed (Throttling): Rate exceeded");
  });

  it.each([
    [[pass("a", "A", "e")], 0],
    [[pass("a", "A", "e"), unknown("b", "B", "e", "f")], 2],
    [[unknown("b", "B", "e", "f"), fail("c", "C", "e", "f")], 1],
    // ⚠ does not stop sessions: the exit code is what the other checks make it.
    [[pass("a", "A", "e"), warn("d", "D", "e", "f")], 0],
    [[unknown("b", "B", "e", "f"), warn("d", "D", "e", "f")], 2],
  ] as const)("exit code of %j is %i", (checks, code) => {
    expect(doctorExitCode(checks)).toBe(code);
  });

  it("prints one line per check with its mark, evidence and fix, then the counts", async () => {
    const world = healthyWorld();
    world.vpcAttributes.enableDnsHostnames = false;
    world.failures.describeInstanceInformation = notImplemented();
    const report = await runDoctor({
      env: devEnv(),
      outputs: DEV_OUTPUTS,
      instance,
      clients: fakeClients(world),
      tools: fakeTools({ aws: INSTALLED.aws }),
    });
    const lines = renderDoctorText(report).split("\n");
    expect(lines[0]).toBe(`session-doctor dev: app-1 (${INSTANCE_ID}) in eu-west-1, account 111111111111`);
    expect(lines).toContainEqual(expect.stringMatching(/^✔ aws-cli: aws-cli\/2\.17\.20/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^✖ session-manager-plugin: .* Fix: install the Session Manager plugin/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^✖ endpoint-dns: VPC vpc-1 has enableDnsHostnames off.* Fix: deploy the environment again/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\? registration: the API answered NotImplemented.* To find out: aws ssm describe-instance-information/,
      ),
    );
    expect(lines).toHaveLength(CHECK_IDS.length + 2);
    expect(lines[lines.length - 1]).toBe(`${CHECK_IDS.length} checks: 11 ✔, 2 ✖, 1 ?`);
  });

  it("prints ⚠ with its fix and counts it, when an instance is ahead of the pinned release; the exit code stays 0", async () => {
    const world = healthyWorld();
    world.images[0].Name = "al2023-ami-2023.11.20260427.1-kernel-6.1-x86_64";
    const report = await runDoctor({
      env: devEnv(),
      outputs: DEV_OUTPUTS,
      instance,
      clients: fakeClients(world),
      tools: false,
    });
    const lines = renderDoctorText(report).split("\n");
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^⚠ release-pin: app-1 .* newer than maintenance\.osRelease 2023\.9\.20251117 .* Fix: pin the image/,
      ),
    );
    expect(lines[lines.length - 1]).toBe(`${CHECK_IDS.length - 2} checks: ${CHECK_IDS.length - 3} ✔, 0 ✖, 0 ?, 1 ⚠`);
    expect(report.exitCode).toBe(0);
  });

  it("gives --json as an array of { id, status, title, evidence, fix }", async () => {
    const report = await runDoctor({
      env: devEnv(),
      outputs: DEV_OUTPUTS,
      instance,
      clients: fakeClients(healthyWorld()),
      tools: fakeTools({}),
    });
    const json = doctorJson(report);
    expect(json).toHaveLength(CHECK_IDS.length);
    for (const c of json) expect(Object.keys(c)).toEqual(["id", "status", "title", "evidence", "fix"]);
    expect(json[1]).toMatchObject({
      id: "session-manager-plugin",
      status: "fail",
      title: "Session Manager plugin is installed",
      fix: expect.stringMatching(/install/),
    });
    expect(json[2]).toMatchObject({ id: "credentials-account", status: "pass", fix: null });
  });
});
