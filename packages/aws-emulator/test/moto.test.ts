import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import {
  SSMClient,
  CreateAssociationCommand,
  DescribeAssociationCommand,
  ListTagsForResourceCommand,
  DeleteAssociationCommand,
  CreateMaintenanceWindowCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  DescribeMaintenanceWindowTargetsCommand,
  RegisterTaskWithMaintenanceWindowCommand,
  GetMaintenanceWindowTaskCommand,
} from "@aws-sdk/client-ssm";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
} from "@aws-sdk/client-ec2";
import {
  Emulator,
  LAUNCHER,
  MOTO_INSTALL_HINT,
  MotoMissingError,
  PYTHON_ENV_VAR,
  detectMoto,
  findMotoPython,
  makeTempDir,
  pythonsOnPath,
  removeTempDir,
  startEmulator,
} from "../src/moto";
import { processExists } from "@ssm-access/terraform-kit";
import { sdkConfig } from "../src/sdk";

describe("detectMoto", () => {
  it("reports the installed moto version", () => {
    expect(detectMoto()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("fails with the install command when python3 cannot import moto", () => {
    expect(() => detectMoto("python-that-does-not-exist")).toThrow(MotoMissingError);
    expect(() => detectMoto("python-that-does-not-exist")).toThrow(MOTO_INSTALL_HINT);
    expect(MOTO_INSTALL_HINT).toContain('pip install "moto[server]"');
  });
});

describe("findMotoPython", () => {
  let fakeDir: string;
  beforeAll(() => {
    // A python3 without moto, first on PATH, as the system one is when a tool puts node's folder first.
    fakeDir = makeTempDir("aws-emulator-python-");
    fs.writeFileSync(
      path.join(fakeDir, "python3"),
      "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'moto'\" >&2\nexit 1\n",
      { mode: 0o755 },
    );
  });
  afterAll(() => removeTempDir(fakeDir));

  it("skips a python3 without moto and takes the next one on PATH that has it", () => {
    const real = findMotoPython().python;
    const env = { PATH: [fakeDir, path.dirname(real)].join(path.delimiter) };
    expect(pythonsOnPath(env)[0]).toBe(path.join(fakeDir, "python3"));
    expect(findMotoPython(env)).toEqual({
      python: path.join(path.dirname(real), "python3"),
      version: expect.stringMatching(/^5\./),
    });
  });

  it("fails with the install command, naming every interpreter tried", () => {
    const env = { PATH: fakeDir };
    expect(() => findMotoPython(env)).toThrow(MotoMissingError);
    expect(() => findMotoPython(env)).toThrow(new RegExp(`${path.join(fakeDir, "python3")} cannot import moto.server`));
    expect(() => findMotoPython({ PATH: "" })).toThrow(/no python3 on PATH/);
  });

  it(`uses ${PYTHON_ENV_VAR} when set, and only it`, () => {
    expect(() => findMotoPython({ PATH: "", [PYTHON_ENV_VAR]: path.join(fakeDir, "python3") })).toThrow(
      MotoMissingError,
    );
  });
});

describe("the launcher", () => {
  it("passes its own Python tests (the EC2 read-back patches, in-process)", () => {
    // Importing the launcher as a module would write __pycache__/ into the source folder.
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "1" };
    const r = spawnSync(findMotoPython().python, ["-m", "unittest", "discover", "-s", path.dirname(LAUNCHER)], {
      encoding: "utf8",
      env,
    });
    expect(r.stderr).toMatch(/\nOK\s*$/);
    expect(r.status).toBe(0);
  });

  it("adds exactly the SSM actions moto lacks", () => {
    const r = spawnSync(findMotoPython().python, [LAUNCHER, "--list-patches"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(" ").sort()).toEqual(
      [
        "create_association",
        "delete_association",
        "describe_association",
        "get_maintenance_window_task",
        "list_associations",
        "update_association",
        "update_maintenance_window",
        "update_maintenance_window_target",
        "update_maintenance_window_task",
        "get_service_setting",
        "update_service_setting",
        "reset_service_setting",
      ].sort(),
    );
  });
});

describe("startEmulator", () => {
  let logDir: string;
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    logDir = makeTempDir("aws-emulator-test-");
    emulator = await startEmulator({ accountId: "123456789012", logDir, tlsDir: path.join(logDir, "tls") });
  });
  afterAll(async () => {
    await emulator?.stop();
    removeTempDir(logDir);
  });
  const config = () => sdkConfig(emulator as Emulator, "eu-west-1");

  it("serves one account over TLS on loopback", async () => {
    expect(emulator?.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const identity = await new STSClient(config()).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe("123456789012");
  });

  it("applies a TLS-only bucket policy by the request's transport: HTTPS passes, plain HTTP is denied", async () => {
    const s3 = new S3Client(config());
    await s3.send(
      new CreateBucketCommand({
        Bucket: "tls-only-bucket",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    const policy = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: ["arn:aws:s3:::tls-only-bucket", "arn:aws:s3:::tls-only-bucket/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: "tls-only-bucket", Policy: JSON.stringify(policy) }));
    await s3.send(new PutObjectCommand({ Bucket: "tls-only-bucket", Key: "over-tls", Body: "x" }));

    const plainEmulator = await startEmulator({ accountId: "123456789012", logDir });
    try {
      expect(plainEmulator.endpoint).toMatch(/^http:\/\//);
      const plain = new S3Client(sdkConfig(plainEmulator, "eu-west-1"));
      await plain.send(
        new CreateBucketCommand({
          Bucket: "tls-only-bucket",
          CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
        }),
      );
      await plain.send(new PutObjectCommand({ Bucket: "tls-only-bucket", Key: "before-the-policy", Body: "x" }));
      await plain.send(new PutBucketPolicyCommand({ Bucket: "tls-only-bucket", Policy: JSON.stringify(policy) }));
      await expect(
        plain.send(new PutObjectCommand({ Bucket: "tls-only-bucket", Key: "over-http", Body: "x" })),
      ).rejects.toThrow();
    } finally {
      await plainEmulator.stop();
    }
  });

  it("answers a retry of a call it already answered with that answer instead of running it twice", async () => {
    const ec2 = new EC2Client(config());
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.8.0.0/16" }))).Vpc?.VpcId as string;
    // The same CreateSubnet call as the AWS SDK sends it again: its invocation id, a later attempt.
    const createSubnet = (invocation: string, attempt: number) => {
      const client = new EC2Client(config());
      client.middlewareStack.add(
        (next) => async (args) => {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          headers["amz-sdk-invocation-id"] = invocation;
          headers["amz-sdk-request"] = `attempt=${attempt}; max=3`;
          return next(args);
        },
        { step: "deserialize", priority: "low" },
      );
      return client.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.8.1.0/24" }));
    };
    const first = await createSubnet("11111111-2222-4333-8444-555555555555", 1);
    const retried = await createSubnet("11111111-2222-4333-8444-555555555555", 2);
    expect(retried.Subnet?.SubnetId).toBe(first.Subnet?.SubnetId);
    // A new call runs: the same subnet again conflicts, as on AWS.
    await expect(createSubnet("66666666-7777-4888-8999-000000000000", 1)).rejects.toThrow(/conflicts/);
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
    expect(subnets.Subnets?.map((s) => s.CidrBlock)).toEqual(["10.8.1.0/24"]);
    expect(fs.readFileSync(emulator?.logFile as string, "utf8")).toMatch(
      /replayed the answer to a retried request \(attempt=2; max=3\): POST \/ .*11111111-2222-4333-8444-555555555555/,
    );
  });

  it("launches from a launch template like EC2: the template's mapping is the encrypted root, no public IP, no template tags in the launch data", async () => {
    const ec2 = new EC2Client(config());
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.9.0.0/16" }));
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId, CidrBlock: "10.9.1.0/24" }));
    const template = await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: "lt-fidelity",
        LaunchTemplateData: {
          ImageId: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
          BlockDeviceMappings: [
            { DeviceName: "/dev/xvda", Ebs: { Encrypted: true, VolumeType: "gp3", VolumeSize: 8 } },
          ],
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "x" }] }],
        },
        TagSpecifications: [{ ResourceType: "launch-template", Tags: [{ Key: "Project", Value: "x" }] }],
      }),
    );
    const versions = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId }),
    );
    expect(
      versions.LaunchTemplateVersions?.[0].LaunchTemplateData?.TagSpecifications?.map((t) => t.ResourceType),
    ).toEqual(["instance"]);
    const run = await ec2.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId, Version: "1" },
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.Subnet?.SubnetId, AssociatePublicIpAddress: false }],
      }),
    );
    const id = run.Instances?.[0].InstanceId as string;
    const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]
      .Instances?.[0];
    expect(described?.RootDeviceName).toBe("/dev/xvda");
    expect(described?.BlockDeviceMappings?.map((m) => m.DeviceName)).toEqual(["/dev/xvda"]);
    expect(described?.PublicIpAddress).toBeUndefined();
    expect(described?.NetworkInterfaces?.[0].Association).toBeUndefined();
    const volume = await ec2.send(
      new DescribeVolumesCommand({ VolumeIds: [described?.BlockDeviceMappings?.[0].Ebs?.VolumeId as string] }),
    );
    expect(volume.Volumes?.[0]).toMatchObject({ Encrypted: true, VolumeType: "gp3", Size: 8 });
  });

  it("fills the SSM gaps: associations with tags, filtered maintenance window targets, window tasks", async () => {
    const ssm = new SSMClient(config());
    const created = await ssm.send(
      new CreateAssociationCommand({
        Name: "AWS-UpdateSSMAgent",
        AssociationName: "agent-update",
        ScheduleExpression: "rate(14 days)",
        Targets: [{ Key: "tag:SsmAccessGroup", Values: ["x-dev"] }],
        Tags: [{ Key: "Project", Value: "x" }],
      }),
    );
    const id = created.AssociationDescription?.AssociationId as string;
    const described = await ssm.send(new DescribeAssociationCommand({ AssociationId: id }));
    expect(described.AssociationDescription).toMatchObject({
      Name: "AWS-UpdateSSMAgent",
      ScheduleExpression: "rate(14 days)",
    });
    const tags = await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Association", ResourceId: id }));
    expect(tags.TagList).toEqual([{ Key: "Project", Value: "x" }]);

    const window = await ssm.send(
      new CreateMaintenanceWindowCommand({
        Name: "patch",
        Schedule: "cron(0 3 ? * SUN *)",
        Duration: 3,
        Cutoff: 1,
        AllowUnassociatedTargets: false,
      }),
    );
    const target = await ssm.send(
      new RegisterTargetWithMaintenanceWindowCommand({
        WindowId: window.WindowId,
        ResourceType: "INSTANCE",
        Targets: [{ Key: "tag:SsmAccessGroup", Values: ["x-dev"] }],
      }),
    );
    const byId = (value: string) =>
      ssm.send(
        new DescribeMaintenanceWindowTargetsCommand({
          WindowId: window.WindowId,
          Filters: [{ Key: "WindowTargetId", Values: [value] }],
        }),
      );
    expect((await byId(target.WindowTargetId as string)).Targets).toHaveLength(1);
    expect((await byId("not-a-target")).Targets).toHaveLength(0);
    const task = await ssm.send(
      new RegisterTaskWithMaintenanceWindowCommand({
        WindowId: window.WindowId,
        TaskArn: "AWS-RunPatchBaseline",
        TaskType: "RUN_COMMAND",
        Targets: [{ Key: "WindowTargetIds", Values: [target.WindowTargetId as string] }],
        MaxConcurrency: "1",
        MaxErrors: "0",
      }),
    );
    const got = await ssm.send(
      new GetMaintenanceWindowTaskCommand({ WindowId: window.WindowId, WindowTaskId: task.WindowTaskId }),
    );
    expect(got).toMatchObject({ TaskArn: "AWS-RunPatchBaseline", MaxConcurrency: "1" });

    await ssm.send(new DeleteAssociationCommand({ AssociationId: id }));
    await expect(ssm.send(new DescribeAssociationCommand({ AssociationId: id }))).rejects.toThrow(/does not exist/);
  });

  it("stops by its process id and keeps its log", async () => {
    const e = emulator as Emulator;
    await e.stop();
    expect(processExists(e.pid)).toBe(false);
    expect(fs.existsSync(e.logFile)).toBe(true);
    expect(path.dirname(e.logFile)).toBe(logDir);
    await e.stop(); // a second stop is harmless
  });

  it("refuses an account id that is not 12 digits", async () => {
    await expect(startEmulator({ accountId: "123", logDir, tlsDir: path.join(logDir, "tls") })).rejects.toThrow(
      /not a 12-digit AWS account id/,
    );
  });
});
