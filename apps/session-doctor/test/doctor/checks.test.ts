import { CheckContext } from "../../src/doctor/context";
import { Lookups } from "../../src/doctor/lookups";
import { AWS_CHECKS } from "../../src/doctor/doctor";
import { CheckResult, Unanswered, unknown } from "../../src/doctor/check";
import { credentialsAccountResult } from "../../src/doctor/checks/credentials-account";
import type { StackOutputs } from "../../src/outputs";
import {
  DEV_OUTPUTS,
  ENDPOINT_SG,
  INSTANCE_ID,
  INSTANCE_SG,
  KEY_ID,
  ROLE,
  World,
  awsError,
  devEnv,
  fakeClients,
  healthyWorld,
  notImplemented,
} from "../support";

/** Runs one check of the doctor against `world`, as the doctor does (a lookup that cannot answer is `?`). */
async function check(
  id: string,
  edit: (w: World) => void = () => undefined,
  outputs: StackOutputs = DEV_OUTPUTS,
  env = devEnv(),
): Promise<CheckResult> {
  const world = healthyWorld();
  edit(world);
  const clients = fakeClients(world);
  const instance = { name: "app-1", id: INSTANCE_ID };
  const ctx: CheckContext = { env, outputs, instance, clients, lookups: new Lookups(clients, env, outputs, instance) };
  const c = checkOf(id);
  try {
    return await c.run(ctx);
  } catch (e) {
    if (e instanceof Unanswered) return unknown(c.id, c.title, e.message, e.next);
    throw e;
  }
}

const instanceOf = (w: World) => w.instances[0];
function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the healthy world has no ${what}`);
  return value;
}
const endpointOf = (w: World, service: string) =>
  found(
    w.endpoints.find((e) => e.ServiceName?.endsWith(`.${service}`) && e.VpcEndpointType === "Interface"),
    `${service} endpoint`,
  );
const gatewayOf = (w: World) =>
  found(
    w.endpoints.find((e) => e.VpcEndpointType === "Gateway"),
    "S3 gateway",
  );
const groupOf = (w: World, id: string) =>
  found(
    w.groups.find((g) => g.GroupId === id),
    id,
  );
const checkOf = (id: string) =>
  found(
    AWS_CHECKS.find((c) => c.id === id),
    `check ${id}`,
  );

describe("doctor checks", () => {
  it.each(AWS_CHECKS.map((c) => c.id))("%s passes on a healthy dev", async (id) => {
    const r = await check(id);
    expect(r).toMatchObject({ id, status: "pass", fix: null });
    expect(r.evidence.length).toBeGreaterThan(10);
  });

  describe("instance", () => {
    it("fails when EC2 does not know the id of the outputs", async () => {
      const r = await check("instance", (w) => (w.instances = []));
      expect(r).toMatchObject({
        status: "fail",
        evidence: expect.stringMatching(/EC2 does not know i-0123456789abcdef0, the id of app-1/),
      });
      expect(r.fix).toMatch(/infra:deploy --stack=dev/);
    });

    it("fails when the instance is stopped, with the command that starts it", async () => {
      const r = await check("instance", (w) => (instanceOf(w).State = { Name: "stopped" }));
      expect(r.evidence).toBe(`app-1 (${INSTANCE_ID}) is stopped, not running`);
      expect(r.fix).toBe(`start it: aws ec2 start-instances --instance-ids ${INSTANCE_ID} --region eu-west-1`);
    });

    it("fails without an instance profile, with the command that attaches the stack's", async () => {
      const r = await check("instance", (w) => delete instanceOf(w).IamInstanceProfile);
      expect(r.status).toBe("fail");
      expect(r.fix).toMatch(
        /associate-iam-instance-profile --instance-id i-0123456789abcdef0 --iam-instance-profile Name=ssm-access-dev-ssm-instance/,
      );
    });

    it("fails with another profile than the stack's", async () => {
      const r = await check(
        "instance",
        (w) => (instanceOf(w).IamInstanceProfile = { Arn: "arn:aws:iam::111111111111:instance-profile/other" }),
      );
      expect(r.evidence).toMatch(/has the instance profile other, not the stack's ssm-access-dev-ssm-instance/);
    });

    it("cannot answer when DescribeInstances is denied", async () => {
      const r = await check(
        "instance",
        (w) => (w.failures.describeInstances = awsError("UnauthorizedOperation", "You are not authorized")),
      );
      expect(r).toMatchObject({
        status: "unknown",
        evidence: "ec2:DescribeInstances was denied (UnauthorizedOperation): the credentials may not make this call",
      });
    });
  });

  describe("instance-role", () => {
    it("fails without AmazonSSMManagedInstanceCore, with the fix", async () => {
      const r = await check("instance-role", (w) => (w.attachedPolicies[ROLE] = ["ReadOnlyAccess"]));
      expect(r.status).toBe("fail");
      expect(r.evidence).toMatch(
        /role ssm-access-dev-ssm-instance .* lacks AmazonSSMManagedInstanceCore; attached: ReadOnlyAccess/,
      );
      expect(r.fix).toMatch(
        /aws iam attach-role-policy --role-name ssm-access-dev-ssm-instance --policy-arn arn:aws:iam::aws:policy\/AmazonSSMManagedInstanceCore/,
      );
    });

    it("fails when the instance profile is gone", async () => {
      const r = await check("instance-role", (w) => (w.profileRoles = {}));
      expect(r).toMatchObject({
        status: "fail",
        evidence: "the instance profile ssm-access-dev-ssm-instance does not exist",
      });
    });

    it("cannot answer when the instance has no instance profile: the instance check names that cause", async () => {
      const r = await check("instance-role", (w) => delete instanceOf(w).IamInstanceProfile);
      expect(r).toMatchObject({
        status: "unknown",
        evidence: `depends on the instance profile of app-1 (${INSTANCE_ID}), which has none`,
        fix: "fix the instance check first",
      });
    });

    it("cannot answer without the instance", async () => {
      const r = await check("instance-role", (w) => (w.instances = []));
      expect(r).toMatchObject({ status: "unknown", evidence: expect.stringMatching(/depends on the instance/) });
    });
  });

  describe("registration", () => {
    it("says Online with the agent version", async () => {
      expect((await check("registration")).evidence).toMatch(/is Online \(agent 3\.3\.1957\.0, Amazon Linux 2023/);
    });

    it("fails when Systems Manager does not list the instance", async () => {
      const r = await check("registration", (w) => (w.instanceInformation = []));
      expect(r).toMatchObject({
        status: "fail",
        evidence: expect.stringMatching(/does not list app-1 .* as a managed node/),
      });
    });

    it("fails on ConnectionLost", async () => {
      const r = await check("registration", (w) => (w.instanceInformation[0].PingStatus = "ConnectionLost"));
      expect(r.evidence).toMatch(/is ConnectionLost \(last ping 2025-11-20T10:00:00\.000Z/);
    });

    it("says ? when the API answers NotImplemented, never ✔", async () => {
      const r = await check("registration", (w) => (w.failures.describeInstanceInformation = notImplemented()));
      expect(r.status).toBe("unknown");
      expect(r.evidence).toBe(
        "the API answered NotImplemented (HTTP 500 without an AWS error): this endpoint does not implement ssm:DescribeInstanceInformation",
      );
      expect(r.fix).toMatch(
        /aws ssm describe-instance-information --filters Key=InstanceIds,Values=i-0123456789abcdef0/,
      );
    });
  });

  describe("endpoints", () => {
    it("fails when a needed endpoint is deleted", async () => {
      const r = await check("endpoints", (w) => (endpointOf(w, "ec2messages").State = "deleted" as never));
      expect(r.status).toBe("fail");
      expect(r.evidence).toMatch(/^missing: ec2messages \(vpce-ec2messages is deleted\); available: ssm vpce-ssm/);
      expect(r.fix).toMatch(/infra:deploy --stack=dev/);
    });

    it("needs logs and kms only when the preferences log and encrypt", async () => {
      const r = await check("endpoints", (w) => {
        w.endpoints = w.endpoints.filter((e) => !/\.(logs|kms)$/.test(e.ServiceName ?? ""));
        w.preferences = JSON.stringify({ inputs: { cloudWatchLogGroupName: "", kmsKeyId: "" } });
      });
      expect(r.status).toBe("pass");
      const missing = await check(
        "endpoints",
        (w) => (w.endpoints = w.endpoints.filter((e) => !/\.kms$/.test(e.ServiceName ?? ""))),
      );
      expect(missing.evidence).toMatch(/missing: kms \(none\)/);
    });

    it("passes without endpoints when the subnet routes to a NAT gateway", async () => {
      const r = await check("endpoints", (w) => {
        w.endpoints = [];
        w.routeTables[0].Routes?.push({ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-1", State: "active" });
      });
      expect(r).toMatchObject({ status: "pass", evidence: expect.stringMatching(/through 0\.0\.0\.0\/0 → nat-1/) });
    });

    it("says when the endpoints are reached from another Availability Zone", async () => {
      const r = await check("endpoints", (w) => (instanceOf(w).Placement = { AvailabilityZone: "eu-west-1b" }));
      expect(r).toMatchObject({
        status: "pass",
        evidence: expect.stringMatching(
          /no network interface of ssm, .* in eu-west-1b: reached across Availability Zones/,
        ),
      });
    });
  });

  describe("endpoint-dns", () => {
    it("fails when private DNS is off on one endpoint, naming it", async () => {
      const r = await check("endpoint-dns", (w) => (endpointOf(w, "ssmmessages").PrivateDnsEnabled = false));
      expect(r.status).toBe("fail");
      expect(r.evidence).toMatch(
        /^ssmmessages endpoint vpce-ssmmessages has private DNS off, so ssmmessages\.eu-west-1\.amazonaws\.com resolves to the public service/,
      );
      expect(r.fix).toMatch(
        /aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-ssmmessages --private-dns-enabled --region eu-west-1/,
      );
    });

    it("fails when the VPC has DNS hostnames off", async () => {
      const r = await check("endpoint-dns", (w) => (w.vpcAttributes.enableDnsHostnames = false));
      expect(r.evidence).toBe("VPC vpc-1 has enableDnsHostnames off, which private DNS of interface endpoints needs");
      expect(r.fix).toMatch(/modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames/);
    });

    it("looks only at available endpoints (a deleted one is the endpoints check's)", async () => {
      const r = await check("endpoint-dns", (w) => {
        endpointOf(w, "ec2messages").State = "deleted" as never;
        endpointOf(w, "ec2messages").PrivateDnsEnabled = false;
      });
      expect(r.status).toBe("pass");
    });

    it("cannot answer when no needed endpoint is available", async () => {
      expect((await check("endpoint-dns", (w) => (w.endpoints = []))).status).toBe("unknown");
    });
  });

  describe("endpoint-ingress", () => {
    it("fails when the endpoint security group no longer lets 443 in, listing its rules", async () => {
      const r = await check(
        "endpoint-ingress",
        (w) =>
          (groupOf(w, ENDPOINT_SG).IpPermissions = [
            { IpProtocol: "tcp", FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: "10.10.0.0/16" }] },
          ]),
      );
      expect(r.status).toBe("fail");
      expect(r.evidence).toBe(
        "sg-endpoints (ssm-access-dev-vpc-endpoints) of ssm, ssmmessages, ec2messages, logs, kms lets no HTTPS in from 10.10.128.4 or sg-instances (inbound rules: tcp 8443 10.10.0.0/16)",
      );
      expect(r.fix).toMatch(
        /authorize-security-group-ingress --group-id sg-endpoints --protocol tcp --port 443 --cidr 10\.10\.0\.0\/16/,
      );
    });

    it("fails when the rule's range does not hold the instance", async () => {
      const r = await check(
        "endpoint-ingress",
        (w) =>
          (groupOf(w, ENDPOINT_SG).IpPermissions = [
            { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.10.144.0/20" }] },
          ]),
      );
      expect(r.status).toBe("fail");
    });

    it("passes with a rule naming the instance's security group", async () => {
      const r = await check(
        "endpoint-ingress",
        (w) =>
          (groupOf(w, ENDPOINT_SG).IpPermissions = [
            { IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: INSTANCE_SG }] },
          ]),
      );
      expect(r).toMatchObject({ status: "pass", evidence: expect.stringMatching(/lets in all traffic sg-instances/) });
    });
  });

  describe("instance-egress", () => {
    it("fails when the instance may not send HTTPS to the endpoints' subnets", async () => {
      const r = await check(
        "instance-egress",
        (w) =>
          (groupOf(w, INSTANCE_SG).IpPermissionsEgress = [
            { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-s3" }] },
          ]),
      );
      expect(r.status).toBe("fail");
      expect(r.evidence).toMatch(/lets no HTTPS out to ssm \(subnets 10\.10\.128\.0\/20\), ssmmessages/);
      expect(r.fix).toMatch(/authorize-security-group-egress --group-id sg-instances/);
    });

    it("passes with a rule naming the endpoints' security group", async () => {
      const r = await check(
        "instance-egress",
        (w) =>
          (groupOf(w, INSTANCE_SG).IpPermissionsEgress = [
            { IpProtocol: "tcp", FromPort: 0, ToPort: 65535, UserIdGroupPairs: [{ GroupId: ENDPOINT_SG }] },
          ]),
      );
      expect(r.status).toBe("pass");
    });
  });

  describe("s3-gateway", () => {
    it("fails when the gateway is not on the subnet's route table", async () => {
      const r = await check("s3-gateway", (w) => {
        gatewayOf(w).RouteTableIds = [];
        w.routeTables[0].Routes = w.routeTables[0].Routes?.filter((x) => x.GatewayId !== "vpce-s3");
      });
      expect(r.status).toBe("fail");
      expect(r.fix).toMatch(/modify-vpc-endpoint --vpc-endpoint-id vpce-s3 --add-route-table-ids rtb-isolated/);
    });

    it("fails when the instance may not reach the S3 prefix list", async () => {
      const r = await check(
        "s3-gateway",
        (w) =>
          (groupOf(w, INSTANCE_SG).IpPermissionsEgress = [
            { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.10.0.0/16" }] },
          ]),
      );
      expect(r.evidence).toMatch(/lets no HTTPS out to its prefix list pl-s3/);
    });

    it("fails without a gateway when the stack has one, and passes when it does not", async () => {
      const none = (w: World) => (w.endpoints = w.endpoints.filter((e) => e.VpcEndpointType !== "Gateway"));
      expect((await check("s3-gateway", none)).status).toBe("fail");
      const off = devEnv((j) => delete j.resource.aws_vpc_endpoint.network_endpoints_s3_gateway);
      expect((await check("s3-gateway", none, DEV_OUTPUTS, off)).status).toBe("pass");
    });
  });

  describe("session-preferences", () => {
    it("fails when the preferences document is missing", async () => {
      const r = await check("session-preferences", (w) => (w.preferences = undefined));
      expect(r).toMatchObject({
        status: "fail",
        evidence: expect.stringMatching(/SSM-SessionManagerRunShell does not exist in eu-west-1/),
      });
    });

    it("fails when the log group is gone", async () => {
      const r = await check("session-preferences", (w) => (w.logGroups = []));
      expect(r.evidence).toMatch(
        /names the log group \/ssm\/ssm-access-dev\/sessions does not exist: sessions fail to start/,
      );
    });

    it("fails when the log group is not encrypted though the preferences ask for it", async () => {
      const r = await check("session-preferences", (w) => delete w.logGroups[0].kmsKeyId);
      expect(r.evidence).toMatch(/is not encrypted with KMS, but cloudWatchEncryptionEnabled is true/);
      expect(r.fix).toMatch(/aws logs associate-kms-key --log-group-name \/ssm\/ssm-access-dev\/sessions/);
    });

    it("fails when the key is pending deletion, with the command that cancels it", async () => {
      const r = await check(
        "session-preferences",
        (w) =>
          (w.keys[KEY_ID] = {
            ...w.keys[KEY_ID],
            KeyState: "PendingDeletion",
            DeletionDate: new Date("2025-12-01T00:00:00Z"),
          }),
      );
      expect(r.evidence).toMatch(/the KMS key key-1 is PendingDeletion \(deleted on 2025-12-01\)/);
      expect(r.fix).toMatch(/^aws kms cancel-key-deletion --key-id key-1/);
    });

    it("fails when the key does not exist", async () => {
      expect((await check("session-preferences", (w) => (w.keys = {}))).evidence).toMatch(
        /the KMS key key-1 does not exist/,
      );
    });

    it("cannot answer when GetDocument is denied", async () => {
      const r = await check("session-preferences", (w) => (w.failures.getDocument = awsError("AccessDeniedException")));
      expect(r).toMatchObject({
        status: "unknown",
        evidence: "ssm:GetDocument was denied (AccessDeniedException): the credentials may not make this call",
      });
    });
  });

  describe("operator-permission", () => {
    it("simulates the caller's role (found with its path) on the instance and the shell document, with the instance's tags", async () => {
      const world = healthyWorld();
      const calls: unknown[] = [];
      const clients = fakeClients(world);
      const simulate = clients.simulatePrincipalPolicy;
      clients.simulatePrincipalPolicy = (input) => {
        calls.push(input);
        return simulate(input);
      };
      const env = devEnv();
      const instance = { name: "app-1", id: INSTANCE_ID };
      const ctx: CheckContext = {
        env,
        outputs: DEV_OUTPUTS,
        instance,
        clients,
        lookups: new Lookups(clients, env, DEV_OUTPUTS, instance),
      };
      const r = await checkOf("operator-permission").run(ctx);
      expect(r.status).toBe("pass");
      expect(calls).toEqual([
        expect.objectContaining({
          PolicySourceArn: "arn:aws:iam::111111111111:role/operators/Operator",
          ActionNames: ["ssm:StartSession"],
          ResourceArns: [`arn:aws:ec2:eu-west-1:111111111111:instance/${INSTANCE_ID}`],
          ContextEntries: expect.arrayContaining([
            {
              ContextKeyName: "ssm:resourceTag/SsmAccessGroup",
              ContextKeyValues: ["ssm-access-dev"],
              ContextKeyType: "string",
            },
          ]),
        }),
        expect.objectContaining({
          ResourceArns: ["arn:aws:ssm:eu-west-1:111111111111:document/SSM-SessionManagerRunShell"],
        }),
      ]);
    });

    it("fails when the simulator denies the instance, with the operator policy as the fix", async () => {
      const r = await check("operator-permission", (w) => {
        w.caller = { ...w.caller, Arn: "arn:aws:iam::111111111111:user/bob" };
        w.simulation[`arn:aws:ec2:eu-west-1:111111111111:instance/${INSTANCE_ID}`] = "implicitDeny";
      });
      expect(r.status).toBe("fail");
      expect(r.evidence).toMatch(
        /answers implicitDeny on arn:aws:ec2:eu-west-1:111111111111:instance\/i-0123456789abcdef0 for ssm:StartSession by arn:aws:iam::111111111111:user\/bob/,
      );
      expect(r.fix).toBe(
        "have the operator policy attached to you: aws iam attach-user-policy --user-name bob --policy-arn arn:aws:iam::111111111111:policy/ssm-access-dev-ssm-operator",
      );
    });

    it("names the operator role when the environment has one", async () => {
      const r = await check(
        "operator-permission",
        (w) => (w.simulation[`arn:aws:ec2:eu-west-1:111111111111:instance/${INSTANCE_ID}`] = "explicitDeny"),
        {
          ...DEV_OUTPUTS,
          operator_role_arn: "arn:aws:iam::111111111111:role/ssm-access-dev-operator",
        },
      );
      expect(r.fix).toMatch(/^assume the operator role arn:aws:iam::111111111111:role\/ssm-access-dev-operator/);
    });

    it("passes for the root user without simulating", async () => {
      const r = await check("operator-permission", (w) => {
        w.caller = { ...w.caller, Arn: "arn:aws:iam::111111111111:root" };
        w.failures.simulatePrincipalPolicy = new Error("must not be called");
      });
      expect(r.status).toBe("pass");
    });

    it("says ? when the simulator answers NotImplemented or is denied", async () => {
      expect(
        (await check("operator-permission", (w) => (w.failures.simulatePrincipalPolicy = notImplemented()))).evidence,
      ).toMatch(/^the API answered NotImplemented .* iam:SimulatePrincipalPolicy$/);
      const denied = await check(
        "operator-permission",
        (w) => (w.failures.simulatePrincipalPolicy = awsError("AccessDenied")),
      );
      expect(denied).toMatchObject({
        status: "unknown",
        fix: expect.stringMatching(/^try it: npx session-doctor connect --stack=dev --instance=app-1/),
      });
    });
  });

  describe("partitions beyond aws, aws-cn and aws-us-gov (by @ssm-access/core's rule)", () => {
    it("instance-role looks for AmazonSSMManagedInstanceCore in the aws-iso-b partition of us-isob-east-1", async () => {
      const isob = devEnv((j) => (j.output.region.value = "us-isob-east-1"));
      const inIsob = await check("instance-role", (w) => (w.partition = "aws-iso-b"), DEV_OUTPUTS, isob);
      expect(inIsob.status).toBe("pass");
      const commercial = await check("instance-role", () => undefined, DEV_OUTPUTS, isob);
      expect(commercial.status).toBe("fail");
      expect(commercial.fix).toMatch(/--policy-arn arn:aws-iso-b:iam::aws:policy\/AmazonSSMManagedInstanceCore$/);
    });

    it("operator-permission simulates the instance and the document with aws-iso ARNs in us-iso-east-1", async () => {
      const world = healthyWorld();
      const resources: string[] = [];
      const clients = fakeClients(world);
      const simulate = clients.simulatePrincipalPolicy;
      clients.simulatePrincipalPolicy = (input) => {
        resources.push(...(input.ResourceArns ?? []));
        return simulate(input);
      };
      const env = devEnv((j) => (j.output.region.value = "us-iso-east-1"));
      const instance = { name: "app-1", id: INSTANCE_ID };
      const lookups = new Lookups(clients, env, DEV_OUTPUTS, instance);
      await checkOf("operator-permission").run({ env, outputs: DEV_OUTPUTS, instance, clients, lookups });
      expect(resources).toEqual([
        `arn:aws-iso:ec2:us-iso-east-1:111111111111:instance/${INSTANCE_ID}`,
        "arn:aws-iso:ssm:us-iso-east-1:111111111111:document/SSM-SessionManagerRunShell",
      ]);
    });
  });

  describe("credentials-account", () => {
    it("says which account was expected, which one the credentials are for, and the deploy profile", () => {
      const env = devEnv((j) => (j.provider.aws[0].profile = "dev-admin"));
      const r = credentialsAccountResult(
        { ok: true, identity: { Account: "999999999999", Arn: "arn:aws:iam::999999999999:user/bob" } },
        env,
      );
      expect(r.status).toBe("fail");
      expect(r.evidence).toBe(
        "dev lives in account 111111111111 (the account_id output of apps/infra/cdktf.out/stacks/dev/cdk.tf.json), but the credentials are for account 999999999999 (arn:aws:iam::999999999999:user/bob)",
      );
      expect(r.fix).toMatch(/deployed with the profile dev-admin \(deploy\.profile\), e\.g\. AWS_PROFILE=dev-admin/);
    });

    it("fails without credentials, saying why", () => {
      const error = Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      });
      const r = credentialsAccountResult({ ok: false, error }, devEnv());
      expect(r.evidence).toBe(
        "no usable AWS credentials: no AWS credentials for sts:GetCallerIdentity: Could not load credentials from any providers",
      );
      expect(r.fix).toMatch(/AWS_PROFILE=<profile>/);
    });
  });

  describe("release-pin", () => {
    const bootedFrom = (name: string) => (w: World) => {
      w.images[0].Name = name;
    };

    it("passes an instance on the pinned release, naming the image and both releases", async () => {
      const r = await check("release-pin");
      expect(r.status).toBe("pass");
      expect(r.evidence).toBe(
        `app-1 (${INSTANCE_ID}) booted from al2023-ami-2023.9.20251117.0-kernel-6.1-x86_64 (release 2023.9.20251117), not newer than maintenance.osRelease 2023.9.20251117`,
      );
    });

    it("passes an instance behind the pin: the release upgrade moves it forward", async () => {
      expect((await check("release-pin", bootedFrom("al2023-ami-2023.8.20250818.0-kernel-6.1-x86_64"))).status).toBe(
        "pass",
      );
    });

    it("warns (⚠, not ✖) on an instance ahead of the pin, with both releases, the file and the two ways out", async () => {
      const r = await check("release-pin", bootedFrom("al2023-ami-2023.11.20260427.1-kernel-6.1-x86_64"));
      expect(r.status).toBe("warn");
      expect(r.evidence).toBe(
        `app-1 (${INSTANCE_ID}) booted from al2023-ami-2023.11.20260427.1-kernel-6.1-x86_64 (release 2023.11.20260427), newer than maintenance.osRelease 2023.9.20251117 in apps/infra/environments/dev.json: the release upgrade cannot move it back and fails the maintenance task on it`,
      );
      expect(r.fix).toMatch(/pin the image to 2023\.9\.20251117 \(ami\.ssmParameter with the :<version>/);
      expect(r.fix).toMatch(/or test 2023\.11\.20260427 and set maintenance\.osRelease to it/);
    });

    it("compares the release numerically: 2023.10 is newer than 2023.9", async () => {
      expect((await check("release-pin", bootedFrom("al2023-ami-2023.10.20251201.0-kernel-6.1-x86_64"))).status).toBe(
        "warn",
      );
    });

    it("passes without a pin, whatever the image", async () => {
      const env = devEnv((j) => delete j.resource.aws_ssm_maintenance_window_task);
      const r = await check(
        "release-pin",
        bootedFrom("al2023-ami-2023.11.20260427.1-kernel-6.1-x86_64"),
        DEV_OUTPUTS,
        env,
      );
      expect(r).toMatchObject({
        status: "pass",
        evidence: "dev pins no Amazon Linux release (no maintenance.osRelease)",
      });
    });

    it("is ? when the image name gives no release, or DescribeImages is refused, with how to find out", async () => {
      const other = await check("release-pin", bootedFrom("my-golden-image-42"));
      expect(other.status).toBe("unknown");
      expect(other.evidence).toMatch(/whose name gives no Amazon Linux 2023 release/);
      expect(other.fix).toMatch(/cat \/etc\/amazon-linux-release/);
      const refused = await check(
        "release-pin",
        (w) => (w.failures.describeImages = awsError("UnauthorizedOperation", "You are not authorized")),
      );
      expect(refused.status).toBe("unknown");
      expect(refused.fix).toMatch(/aws ec2 describe-images --image-ids/);
    });
  });
});
