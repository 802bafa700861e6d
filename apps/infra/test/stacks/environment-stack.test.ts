import * as path from "node:path";
import { App, Testing } from "cdktf";
import { Eip as TfEip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog as TfFlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamInstanceProfile as TfIamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamPolicy as TfIamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy as TfIamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment as TfIamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance as TfInstance } from "@cdktf/provider-aws/lib/instance";
import { InternetGateway as TfInternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { KeyPair as TfKeyPair } from "@cdktf/provider-aws/lib/key-pair";
import { LaunchTemplate as TfLaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { NatGateway as TfNatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route as TfRoute } from "@cdktf/provider-aws/lib/route";
import { S3Bucket as TfS3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SecurityGroup as TfSecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule as TfSecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { SsmAssociation as TfSsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmDocument as TfSsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { SsmMaintenanceWindow as TfSsmMaintenanceWindow } from "@cdktf/provider-aws/lib/ssm-maintenance-window";
import { SsmMaintenanceWindowTarget as TfSsmMaintenanceWindowTarget } from "@cdktf/provider-aws/lib/ssm-maintenance-window-target";
import { SsmMaintenanceWindowTask as TfSsmMaintenanceWindowTask } from "@cdktf/provider-aws/lib/ssm-maintenance-window-task";
import { Subnet as TfSubnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc as TfVpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint as TfVpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule as TfVpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ValidationError } from "@ssm-access/core";
import { TerraformJson, configsOf, onlyOf, parsePolicy, resourcesOf, warningsOf } from "@ssm-access/core/testing";
import { loadEnvironmentFile, loadEnvironments } from "../../src/config/load";
import type { Environment, EnvironmentInput } from "../../src/config/schema";
import { ACCESS_TAG_KEY, EnvironmentStack } from "../../src/stacks/environment-stack";
import { SHIPPED_ENVIRONMENTS, environmentsDir, removeTempDirs, tempDir, validEnvironment } from "../fixtures";

afterAll(removeTempDirs);

const SHIPPED = loadEnvironments(SHIPPED_ENVIRONMENTS);

function shipped(name: string): Environment {
  const found = SHIPPED.find((e) => e.name === name);
  if (!found) throw new Error(`no shipped environment ${name}`);
  return found;
}

function newApp(): App {
  return new App({ outdir: tempDir("infra-env-"), stackTraces: false });
}

/** Builds the stack of `env` in a fresh app and returns it with its Terraform JSON and the raw JSON text. */
function synthEnvironment(env: Environment): { stack: EnvironmentStack; json: TerraformJson; text: string } {
  const stack = new EnvironmentStack(newApp(), env);
  const text = Testing.synth(stack);
  return { stack, json: JSON.parse(text) as TerraformJson, text };
}

/** An environment `qa` read from `environments/qa.json`, built from the minimal valid file. */
function qaEnvironment(overrides: Partial<EnvironmentInput> = {}): Environment {
  const dir = environmentsDir({ "qa.json": validEnvironment(overrides) });
  return loadEnvironmentFile(path.join(dir, "qa.json"), "environments/qa.json");
}

/** The ValidationError `new EnvironmentStack` throws for `env`. */
function rejection(env: Environment): ValidationError {
  try {
    new EnvironmentStack(newApp(), env);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected the environment to be rejected");
}

/** The one aws provider block of a stack. */
function awsProvider(json: TerraformJson): Record<string, unknown> {
  const providers = ((json.provider ?? {}) as Record<string, Array<Record<string, unknown>>>).aws ?? [];
  if (providers.length !== 1) throw new Error(`expected one aws provider, found ${providers.length}`);
  return providers[0];
}

/** Interface endpoints by service short name. */
function interfaceEndpoints(json: TerraformJson, region: string): Record<string, Record<string, unknown>> {
  const prefix = `com.amazonaws.${region}.`;
  return Object.fromEntries(
    configsOf(json, TfVpcEndpoint)
      .filter((e) => e.vpc_endpoint_type === "Interface")
      .map((e) => [(e.service_name as string).slice(prefix.length), e]),
  );
}

/** `${<type>.<logical id>.<attr>}`: how a reference to a resource of the stack reads in the JSON. */
function ref(type: { tfResourceType: string }, logicalId: string, attr = "id"): string {
  return `\${${type.tfResourceType}.${logicalId}.${attr}}`;
}

/** The logical id of the only resource of `type` whose config satisfies `pick`. */
function logicalIdOf(
  json: TerraformJson,
  type: { tfResourceType: string },
  pick: (c: Record<string, unknown>) => boolean,
): string {
  const ids = Object.entries(resourcesOf(json, type))
    .filter(([, c]) => pick(c))
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one matching ${type.tfResourceType}, found ${ids.length}`);
  return ids[0];
}

/** The maintenance window task named `name`. */
function taskNamed(json: TerraformJson, name: string): Record<string, unknown> {
  const task = configsOf(json, TfSsmMaintenanceWindowTask).find((t) => t.name === name);
  if (!task) throw new Error(`no maintenance window task ${name}`);
  return task;
}

/** The Run Command parameters of a window task. */
function runCommandOf(
  task: Record<string, unknown>,
): { parameter: Array<{ name: string; values: string[] }> } & Record<string, unknown> {
  return (
    task.task_invocation_parameters as {
      run_command_parameters: { parameter: Array<{ name: string; values: string[] }> } & Record<string, unknown>;
    }
  ).run_command_parameters;
}

/** Every `<type>.<logical id>` of a stack whose type starts with `aws_ssm_`, sorted. */
function ssmAddresses(json: TerraformJson): string[] {
  return Object.entries(json.resource ?? {})
    .filter(([type]) => type.startsWith("aws_ssm_"))
    .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
    .sort();
}

/** The Availability Zone of the subnet an instance is placed in. */
function zoneOfInstance(json: TerraformJson, instance: Record<string, unknown>): string {
  const subnets = resourcesOf(json, TfSubnet);
  const id = Object.keys(subnets).find((k) => ref(TfSubnet, k) === instance.subnet_id);
  if (!id) throw new Error(`instance subnet ${String(instance.subnet_id)} not found`);
  return subnets[id].availability_zone as string;
}

const SSM_SERVICES = ["ssm", "ssmmessages", "ec2messages"];
const LOGGING_SERVICES = ["logs", "kms"];
const REQUIRED_OUTPUTS = [
  "vpc_id",
  "subnet_ids",
  "instance_ids",
  "instance_security_group_id",
  "connect_commands",
  "instance_role_arn",
  "session_log_group_name",
  "session_kms_key_arn",
  "operator_policy_arn",
  "access_tag",
  "region",
  "account_id",
];

describe("EnvironmentStack", () => {
  describe.each(["dev", "prod"])("for the shipped %s environment", (name) => {
    const env = shipped(name);
    const { stack, json, text } = synthEnvironment(env);
    const accessValue = `${env.config.project}-${name}`;

    it("is the stack named after the environment", () => {
      expect(stack.node.id).toBe(name);
    });

    it("configures the AWS provider for the environment's Region", () => {
      expect(awsProvider(json).region).toBe(env.config.region);
    });

    it("allows the AWS provider only the environment's account", () => {
      expect(awsProvider(json).allowed_account_ids).toEqual([env.config.accountId]);
    });

    it("tags every resource with Project, Environment and ManagedBy plus the file's tags", () => {
      expect(awsProvider(json).default_tags).toEqual([
        { tags: { ...env.config.tags, Project: "ssm-access", Environment: name, ManagedBy: "cdktf" } },
      ]);
      expect(env.config.tags).toEqual(expect.objectContaining({ Owner: "platform-team" }));
    });

    it("keeps its state under the environment's own key in the S3 backend", () => {
      const s3 = (json.terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
      expect(s3.key).toBe(`ssm-access/${name}/terraform.tfstate`);
      expect(s3.use_lockfile).toBe(true);
    });

    it("reaches its account with the file's placeholder profile, on the provider and the backend, and no role", () => {
      expect(awsProvider(json).profile).toBe(`ssm-access-${name}`);
      expect(awsProvider(json)).not.toHaveProperty("assume_role");
      const s3 = (json.terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
      expect(s3.profile).toBe(`ssm-access-${name}`);
      expect(s3).not.toHaveProperty("assume_role");
    });

    it("leaves no warning: every construct got what it asked the others for", () => {
      expect(warningsOf(stack)).toEqual([]);
    });

    it("imports no existing preferences document", () => {
      expect(json).not.toHaveProperty("import");
    });

    it("reads nothing from AWS: the JSON has no data block", () => {
      expect(json.data).toBeUndefined();
      expect(text).not.toMatch(/"data"\s*:/);
    });

    it("gives resources readable logical ids", () => {
      expect(Object.keys(resourcesOf(json, TfVpc))).toEqual(["network"]);
      expect(resourcesOf(json, TfInstance)).toHaveProperty("instances_app_1");
      expect(resourcesOf(json, TfSubnet)).toHaveProperty("network_isolated_subnet_a");
      expect(text).not.toMatch(/_[0-9A-F]{8}"/);
    });

    it("has no internet gateway, NAT gateway, Elastic IP or default route", () => {
      expect(configsOf(json, TfInternetGateway)).toEqual([]);
      expect(configsOf(json, TfNatGateway)).toEqual([]);
      expect(configsOf(json, TfEip)).toEqual([]);
      expect(configsOf(json, TfRoute)).toEqual([]);
    });

    it("creates the SSM interface endpoints, plus logs and kms because the instances are isolated", () => {
      expect(Object.keys(interfaceEndpoints(json, env.config.region)).sort()).toEqual(
        [...SSM_SERVICES, ...LOGGING_SERVICES].sort(),
      );
    });

    it("creates the S3 gateway endpoint", () => {
      const gateways = configsOf(json, TfVpcEndpoint).filter((e) => e.vpc_endpoint_type === "Gateway");
      expect(gateways).toEqual([expect.objectContaining({ service_name: `com.amazonaws.${env.config.region}.s3` })]);
    });

    // The instances' own settings (IMDSv2, no public IP, the encrypted root
    // volume, CPU credits) are PrivateInstances' behaviour, tested with the
    // compute construct; here, how the stack wires them.
    describe("its instances", () => {
      const instances = configsOf(json, TfInstance);

      it("have the instance type of the file", () => {
        for (const i of instances) expect(i.instance_type).toBe("t3.micro");
      });

      it("launch from launch templates of their own: one per instance of the file", () => {
        expect(configsOf(json, TfLaunchTemplate).map((t) => t.name)).toEqual(
          env.config.instances.map((i) => `${accessValue}-${i.name}`),
        );
      });

      it("have no key pair anywhere in the stack", () => {
        expect(text).not.toContain("key_name");
        expect(configsOf(json, TfKeyPair)).toEqual([]);
      });

      it(`are tagged ${ACCESS_TAG_KEY}=<project>-<environment>`, () => {
        for (const i of instances) expect((i.tags as Record<string, string>)[ACCESS_TAG_KEY]).toBe(accessValue);
        expect(stack.accessTag).toEqual({ key: ACCESS_TAG_KEY, value: accessValue });
      });

      it("sit in a security group with no ingress rule at all", () => {
        const sgId = logicalIdOf(json, TfSecurityGroup, (c) => c.name === `${accessValue}-instances`);
        for (const i of instances) expect(i.vpc_security_group_ids).toEqual([ref(TfSecurityGroup, sgId)]);
        expect(resourcesOf(json, TfSecurityGroup)[sgId].ingress).toEqual([]);
        const ingressRules = configsOf(json, TfVpcSecurityGroupIngressRule).filter(
          (r) => r.security_group_id === ref(TfSecurityGroup, sgId),
        );
        expect(ingressRules).toEqual([]);
        expect(configsOf(json, TfSecurityGroupRule)).toEqual([]);
      });

      it("run with the instance profile of the stack's instance role", () => {
        const profileId = logicalIdOf(json, TfIamInstanceProfile, () => true);
        for (const i of instances) expect(i.iam_instance_profile).toBe(ref(TfIamInstanceProfile, profileId, "name"));
        const role = resourcesOf(json, TfIamInstanceProfile)[profileId].role;
        const core = configsOf(json, TfIamRolePolicyAttachment).filter(
          (a) => a.policy_arn === "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        );
        expect(core).toEqual([expect.objectContaining({ role })]);
      });
    });

    it("lets operators start sessions only on instances carrying the access tag", () => {
      const policy = parsePolicy(onlyOf(json, TfIamPolicy).policy);
      const start = policy.Statement.find(
        (s) => s.Effect === "Allow" && s.Action === "ssm:StartSession" && String(s.Resource).includes(":instance/"),
      );
      expect(start?.Condition).toEqual(
        expect.objectContaining({ StringEquals: { [`ssm:resourceTag/${ACCESS_TAG_KEY}`]: accessValue } }),
      );
      const instanceTags = configsOf(json, TfInstance).map((i) => (i.tags as Record<string, string>)[ACCESS_TAG_KEY]);
      expect(new Set(instanceTags)).toEqual(new Set([accessValue]));
    });

    it("targets maintenance at the instances by the access tag", () => {
      for (const association of configsOf(json, TfSsmAssociation)) {
        expect(association.targets).toEqual([{ key: `tag:${ACCESS_TAG_KEY}`, values: [accessValue] }]);
      }
    });

    it.each(REQUIRED_OUTPUTS)("outputs %s with a description", (output) => {
      expect(json.output?.[output]).toBeDefined();
      expect(json.output?.[output].description).toMatch(/\S/);
    });

    it("outputs the Region and the account the stack is locked to, one line each", () => {
      expect(json.output?.region).toEqual({ value: env.config.region, description: "The AWS Region of the stack." });
      expect(json.output?.account_id?.value).toBe(env.config.accountId);
      expect(json.output?.account_id?.description).toMatch(/^[^\n]+$/);
      expect(json.provider?.aws).toEqual([
        expect.objectContaining({
          region: json.output?.region.value,
          allowed_account_ids: [json.output?.account_id.value],
        }),
      ]);
    });

    it("describes every output", () => {
      for (const [id, output] of Object.entries(json.output ?? {})) {
        expect({ id, description: output.description ?? "" }).toEqual({ id, description: expect.stringMatching(/\S/) });
      }
    });

    it("outputs one connect command per instance, for the environment's Region", () => {
      const commands = json.output?.connect_commands.value as Record<string, string>;
      expect(Object.keys(commands)).toEqual(env.config.instances.map((i) => i.name));
      for (const [instance, command] of Object.entries(commands)) {
        const id = `instances_${instance.replace(/-/g, "_")}`;
        expect(command).toBe(`aws ssm start-session --target ${ref(TfInstance, id)} --region ${env.config.region}`);
      }
    });

    it("outputs the operator policy's ARN", () => {
      const policyId = logicalIdOf(json, TfIamPolicy, () => true);
      expect(json.output?.operator_policy_arn.value).toBe(ref(TfIamPolicy, policyId, "arn"));
    });
  });

  describe("for the shipped dev environment", () => {
    const env = shipped("dev");
    const { json } = synthEnvironment(env);

    it("has two isolated subnets and nothing else", () => {
      const subnets = configsOf(json, TfSubnet);
      expect(subnets).toHaveLength(2);
      expect(subnets.map((s) => s.availability_zone).sort()).toEqual(["eu-west-1a", "eu-west-1b"]);
      expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
      expect(Object.keys(resourcesOf(json, TfSubnet)).every((id) => id.startsWith("network_isolated_subnet_"))).toBe(
        true,
      );
    });

    it("puts each interface endpoint, logs and kms included, in exactly one subnet", () => {
      const endpoints = interfaceEndpoints(json, env.config.region);
      for (const service of [...SSM_SERVICES, ...LOGGING_SERVICES]) {
        expect({ service, subnets: (endpoints[service].subnet_ids as string[]).length }).toEqual({
          service,
          subnets: 1,
        });
      }
    });

    it("runs one t3.micro instance (1 GiB, enough for patch scans and release upgrades)", () => {
      expect(configsOf(json, TfInstance)).toEqual([expect.objectContaining({ instance_type: "t3.micro" })]);
    });

    it("leaves termination protection off", () => {
      expect(onlyOf(json, TfInstance).disable_api_termination).toBe(false);
    });

    it("scans for missing patches without a patch window: the only window is the release upgrade's", () => {
      const scans = configsOf(json, TfSsmAssociation).filter((a) => a.name === "AWS-RunPatchBaseline");
      expect(scans).toEqual([expect.objectContaining({ parameters: { Operation: "Scan" } })]);
      expect(configsOf(json, TfSsmMaintenanceWindow).map((w) => w.name)).toEqual(["ssm-access-dev-release-window"]);
      expect(configsOf(json, TfSsmMaintenanceWindowTask).map((t) => t.name)).toEqual([
        "ssm-access-dev-release-upgrade",
      ]);
    });

    describe("upgrades Amazon Linux 2023 to the release of the file", () => {
      it("in a daily window of its own at 02:00 UTC, an hour before the daily patch scan", () => {
        expect(json.resource?.aws_ssm_maintenance_window?.maintenance_release_upgrade_maintenance_window).toMatchObject(
          {
            name: "ssm-access-dev-release-window",
            schedule: "cron(0 2 ? * * *)",
            duration: 2,
            cutoff: 1,
          },
        );
      });

      it("with a window task passing the pinned release to the stack's own Command document", () => {
        const task = json.resource?.aws_ssm_maintenance_window_task?.maintenance_release_upgrade_task as Record<
          string,
          unknown
        >;
        expect(task).toMatchObject({
          task_type: "RUN_COMMAND",
          task_arn: ref(TfSsmDocument, "maintenance_release_upgrade_document", "name"),
          window_id: ref(TfSsmMaintenanceWindow, "maintenance_release_upgrade_maintenance_window"),
          max_concurrency: "1",
          max_errors: "0",
        });
        expect(runCommandOf(task).parameter).toEqual([{ name: "Release", values: ["2023.9.20251117"] }]);
        expect(json.resource?.aws_ssm_document?.maintenance_release_upgrade_document).toMatchObject({
          name: "ssm-access-dev-release-upgrade",
          document_type: "Command",
        });
      });

      it("targeting the instances by the access tag", () => {
        expect(
          json.resource?.aws_ssm_maintenance_window_target?.maintenance_release_upgrade_window_target?.targets,
        ).toEqual([{ key: `tag:${ACCESS_TAG_KEY}`, values: ["ssm-access-dev"] }]);
      });

      it("keeping its output in the command history: dev has no session bucket", () => {
        expect(runCommandOf(taskNamed(json, "ssm-access-dev-release-upgrade"))).not.toHaveProperty("output_s3_bucket");
      });

      it("adding four resources and keeping the address of every other maintenance resource", () => {
        expect(ssmAddresses(json)).toEqual([
          "aws_ssm_association.maintenance_agent_update",
          "aws_ssm_association.maintenance_patching_scan_association",
          "aws_ssm_document.maintenance_release_upgrade_document",
          "aws_ssm_document.operator_access_port_forwarding_8080",
          "aws_ssm_document.session_logging_preferences",
          "aws_ssm_maintenance_window.maintenance_release_upgrade_maintenance_window",
          "aws_ssm_maintenance_window_target.maintenance_release_upgrade_window_target",
          "aws_ssm_maintenance_window_task.maintenance_release_upgrade_task",
        ]);
      });
    });

    it("lets operators forward a local port to port 8080 of the instances through a pinned Session document", () => {
      const documents = configsOf(json, TfSsmDocument).filter((d) => d.name === "ssm-access-dev-forward-8080");
      expect(documents).toHaveLength(1);
      expect(documents[0].document_type).toBe("Session");
      const content = JSON.parse(documents[0].content as string) as {
        sessionType: string;
        properties: Record<string, string>;
        parameters: Record<string, unknown>;
      };
      expect(content.sessionType).toBe("Port");
      expect(content.properties).toEqual(expect.objectContaining({ portNumber: "8080", type: "LocalPortForwarding" }));
      expect(Object.keys(content.parameters)).toEqual(["localPortNumber"]);
      const policy = parsePolicy(onlyOf(json, TfIamPolicy).policy);
      expect(policy.Statement.find((st) => st.Sid === "StartSessionWithPortForwardingDocuments")?.Resource).toEqual([
        "arn:aws:ssm:eu-west-1:111111111111:document/ssm-access-dev-forward-8080",
      ]);
      expect(json.output?.port_forwarding_documents.value).toEqual({ "8080": "ssm-access-dev-forward-8080" });
    });

    it("records no flow logs and keeps no session bucket", () => {
      expect(configsOf(json, TfFlowLog)).toEqual([]);
      expect(configsOf(json, TfS3Bucket)).toEqual([]);
      expect(json.output).not.toHaveProperty("session_bucket_name");
    });
  });

  describe("for the shipped prod environment", () => {
    const env = shipped("prod");
    const { json } = synthEnvironment(env);

    it("has three isolated subnets, one per Availability Zone", () => {
      expect(
        configsOf(json, TfSubnet)
          .map((s) => s.availability_zone)
          .sort(),
      ).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    });

    it("puts each interface endpoint in all three subnets", () => {
      const endpoints = interfaceEndpoints(json, env.config.region);
      for (const service of [...SSM_SERVICES, ...LOGGING_SERVICES]) {
        expect({ service, subnets: (endpoints[service].subnet_ids as string[]).length }).toEqual({
          service,
          subnets: 3,
        });
      }
    });

    it("allows no port forwarding: no Port document, no permission, no output", () => {
      expect(
        configsOf(json, TfSsmDocument)
          .filter((d) => d.document_type === "Session")
          .map((d) => d.name),
      ).toEqual(["SSM-SessionManagerRunShell"]);
      const sids = parsePolicy(onlyOf(json, TfIamPolicy).policy).Statement.map((st) => st.Sid);
      expect(sids).not.toContain("StartSessionWithPortForwardingDocuments");
      expect(sids).toContain("DenySshAndAwsPortForwarding");
      expect(json.output).not.toHaveProperty("port_forwarding_documents");
    });

    it("records VPC flow logs", () => {
      expect(onlyOf(json, TfFlowLog).vpc_id).toBe(ref(TfVpc, "network"));
    });

    it("runs two instances in different Availability Zones", () => {
      const instances = configsOf(json, TfInstance);
      expect(instances).toHaveLength(2);
      const zones = instances.map((i) => zoneOfInstance(json, i));
      expect(new Set(zones).size).toBe(2);
      expect(Object.values(json.output?.instance_availability_zones.value as Record<string, string>).sort()).toEqual(
        [...zones].sort(),
      );
    });

    it("turns termination protection on for every instance", () => {
      for (const i of configsOf(json, TfInstance)) expect(i.disable_api_termination).toBe(true);
    });

    it("keeps session transcripts in an S3 bucket as well", () => {
      const bucketId = logicalIdOf(json, TfS3Bucket, () => true);
      expect(json.output?.session_bucket_name.value).toBe(ref(TfS3Bucket, bucketId, "bucket"));
    });

    it("installs patches in a maintenance window", () => {
      const window = onlyOf(json, TfSsmMaintenanceWindow);
      expect(window).toEqual(expect.objectContaining({ schedule: "cron(0 3 ? * SUN *)", duration: 3, cutoff: 1 }));
      const task = taskNamed(json, "ssm-access-prod-patch-install");
      const windowId = logicalIdOf(json, TfSsmMaintenanceWindow, () => true);
      expect(task.window_id).toBe(ref(TfSsmMaintenanceWindow, windowId));
      const parameters = (
        task.task_invocation_parameters as {
          run_command_parameters: { parameter: Array<{ name: string; values: string[] }> };
        }
      ).run_command_parameters.parameter;
      expect(parameters).toContainEqual({ name: "Operation", values: ["Install"] });
    });

    it("writes maintenance output to the session bucket, which the instance role may write to", () => {
      const bucketId = logicalIdOf(json, TfS3Bucket, () => true);
      for (const name of ["ssm-access-prod-patch-install", "ssm-access-prod-release-upgrade"]) {
        expect(runCommandOf(taskNamed(json, name)).output_s3_bucket).toBe(ref(TfS3Bucket, bucketId, "bucket"));
      }
      expect(runCommandOf(taskNamed(json, "ssm-access-prod-release-upgrade")).output_s3_key_prefix).toBe(
        "maintenance/release-upgrade",
      );
      const profileRole = onlyOf(json, TfIamInstanceProfile).role as string;
      const instanceRoleId = /^\$\{aws_iam_role\.([a-z0-9_]+)\.name\}$/.exec(profileRole)?.[1] ?? "";
      const inline = configsOf(json, TfIamRolePolicy).filter((p) => p.role === `\${aws_iam_role.${instanceRoleId}.id}`);
      expect(inline).toHaveLength(1);
      const rolePolicy = parsePolicy(inline[0].policy);
      expect(rolePolicy.Statement).toContainEqual(
        expect.objectContaining({
          Action: ["s3:PutObject"],
          Resource: [`arn:aws:s3:::${ref(TfS3Bucket, bucketId, "bucket")}/maintenance/*`],
        }),
      );
    });
  });

  describe("for the shipped prod environment, its Amazon Linux 2023 release upgrade", () => {
    const { json } = synthEnvironment(shipped("prod"));
    const task = json.resource?.aws_ssm_maintenance_window_task?.maintenance_release_upgrade_task as Record<
      string,
      unknown
    >;

    it("runs in the patch window, after the patch install", () => {
      expect(task.window_id).toBe(ref(TfSsmMaintenanceWindow, "maintenance_patching_maintenance_window"));
      expect(task.priority).toBe(2);
      expect(taskNamed(json, "ssm-access-prod-patch-install").priority).toBe(1);
    });

    it("passes the release promoted from dev to the stack's own Command document", () => {
      expect(task.task_arn).toBe(ref(TfSsmDocument, "maintenance_release_upgrade_document", "name"));
      expect(runCommandOf(task).parameter).toEqual([{ name: "Release", values: ["2023.9.20251117"] }]);
    });

    it("upgrades one instance at a time and stops on the first failure, so the fleet is never down at once", () => {
      expect(task).toMatchObject({ max_concurrency: "1", max_errors: "0" });
    });

    it("targets the instances by the access tag, through a window target of its own in the patch window", () => {
      const target = json.resource?.aws_ssm_maintenance_window_target
        ?.maintenance_release_upgrade_window_target as Record<string, unknown>;
      expect(target.window_id).toBe(ref(TfSsmMaintenanceWindow, "maintenance_patching_maintenance_window"));
      expect(target.targets).toEqual([{ key: `tag:${ACCESS_TAG_KEY}`, values: ["ssm-access-prod"] }]);
      expect(task.targets).toEqual([
        {
          key: "WindowTargetIds",
          values: [ref(TfSsmMaintenanceWindowTarget, "maintenance_release_upgrade_window_target")],
        },
      ]);
    });

    it("adds three resources and keeps the address of every other maintenance resource", () => {
      expect(ssmAddresses(json)).toEqual([
        "aws_ssm_association.maintenance_agent_update",
        "aws_ssm_association.maintenance_patching_scan_association",
        "aws_ssm_document.maintenance_release_upgrade_document",
        "aws_ssm_document.session_logging_preferences",
        "aws_ssm_maintenance_window.maintenance_patching_maintenance_window",
        "aws_ssm_maintenance_window_target.maintenance_patching_window_target",
        "aws_ssm_maintenance_window_target.maintenance_release_upgrade_window_target",
        "aws_ssm_maintenance_window_task.maintenance_patching_install_task",
        "aws_ssm_maintenance_window_task.maintenance_release_upgrade_task",
      ]);
    });
  });

  describe("with instances in a private tier routed through a NAT gateway", () => {
    const { json } = synthEnvironment(
      qaEnvironment({
        network: {
          cidr: "10.30.0.0/16",
          availabilityZones: ["eu-west-1a", "eu-west-1b"],
          subnets: { public: {}, private: {} },
          natGateways: "single",
        },
        instances: [{ name: "app-1", tier: "private" }],
      }),
    );

    it("adds no logs or kms endpoint: the instances reach those services through NAT", () => {
      expect(Object.keys(interfaceEndpoints(json, "eu-west-1")).sort()).toEqual([...SSM_SERVICES].sort());
    });
  });

  describe("with operator access turned off", () => {
    const { stack, json } = synthEnvironment(qaEnvironment({ operatorAccess: { enabled: false } }));

    it("creates no operator policy and no operator output", () => {
      expect(stack.operatorAccess).toBeUndefined();
      expect(configsOf(json, TfIamPolicy)).toEqual([]);
      expect(json.output).not.toHaveProperty("operator_policy_arn");
    });
  });

  describe("with the VPC endpoints turned off while the instances are isolated", () => {
    const { stack, json } = synthEnvironment(
      qaEnvironment({
        network: {
          cidr: "10.30.0.0/16",
          availabilityZones: ["eu-west-1a", "eu-west-1b"],
          endpoints: { enabled: false },
        },
      }),
    );

    it("creates no endpoint, and warns that the instances asked for the logs and kms endpoints session logging needs", () => {
      expect(configsOf(json, TfVpcEndpoint)).toEqual([]);
      expect(warningsOf(stack)).toEqual([
        expect.stringMatching(/Interface endpoints logs, kms were requested but the VPC endpoints are turned off/),
      ]);
    });
  });

  describe("instances under 1 GiB", () => {
    const nano = (maintenance: EnvironmentInput["maintenance"]) =>
      warningsOf(
        synthEnvironment(
          qaEnvironment({ instances: [{ name: "app-1" }, { name: "small", instanceType: "t3.nano" }], maintenance }),
        ).stack,
      ).filter((w) => /MiB of memory/.test(w));

    it("warns, naming the file and the field, when patching runs on one", () => {
      expect(nano(undefined)).toEqual([
        expect.stringMatching(
          /^environments\/qa\.json: instances\[1\]\.instanceType: t3\.nano has 512 MiB of memory, and patching run on it.*OOM-killed.*amazon-ssm-agent issue 615, amazon-linux-2023 issue 404.*at least 1 GiB, such as t3\.micro/,
        ),
      ]);
    });

    it("warns when only the release upgrade runs on one", () => {
      expect(nano({ patching: { enabled: false }, osRelease: "2023.9.20251117" })).toEqual([
        expect.stringMatching(
          /instances\[1\]\.instanceType: t3\.nano has 512 MiB of memory, and release upgrades run on it/,
        ),
      ]);
    });

    it("does not warn when neither patching nor the release upgrade runs", () => {
      expect(nano({ patching: { enabled: false } })).toEqual([]);
    });
  });

  describe("values EC2 would refuse at launch", () => {
    it("rejects an instance type EC2 does not have, naming the file and the field, with a suggestion", () => {
      expect(
        () =>
          new EnvironmentStack(newApp(), qaEnvironment({ instances: [{ name: "app-1", instanceType: "t3.mirco" }] })),
      ).toThrow(
        /environments\/qa\.json: 1 problem\n {2}- instances\[0\]\.instanceType: "t3\.mirco" is not an EC2 instance type \(did you mean t3\.micro\?\)/,
      );
    });

    it("rejects an instance tag AWS refuses, naming the file and the field", () => {
      expect(
        () =>
          new EnvironmentStack(newApp(), qaEnvironment({ instances: [{ name: "app-1", tags: { "team#a": "x" } }] })),
      ).toThrow(
        /environments\/qa\.json: 1 problem\n {2}- instances\[0\]\.tags\.team#a: "team#a" is not a tag key AWS accepts/,
      );
    });

    it("reports a name grown too long from project and the file name at project, not at a construct prop", () => {
      const dir = environmentsDir({
        "abcdefg.json": validEnvironment({
          project: "abcdefghijklmnopqrstuvwx",
          region: "ap-southeast-2",
          network: { cidr: "10.30.0.0/16", availabilityZones: ["ap-southeast-2a"] },
          sessionLogging: { s3: { enabled: true } },
        }),
      });
      const env = loadEnvironmentFile(path.join(dir, "abcdefg.json"), "environments/abcdefg.json");
      expect(() => new EnvironmentStack(newApp(), env)).toThrow(
        /environments\/abcdefg\.json: 1 problem\n {2}- project: the default bucket name ".*" is 69 characters; S3 allows 3 to 63.*\(the name prefix is <project>-<environment>, from project and the file name: shorten either; reported by sessionLogging\.namePrefix\)/,
      );
    });

    it("refuses the Amazon Linux 2 image parameter, naming the file and the field", () => {
      expect(
        () =>
          new EnvironmentStack(
            newApp(),
            qaEnvironment({
              instances: [
                {
                  name: "app-1",
                  ami: { ssmParameter: "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2" },
                },
              ],
            }),
          ),
      ).toThrow(
        /environments\/qa\.json: 1 problem\n {2}- instances\[0\]\.ami\.ssmParameter: .* is Amazon Linux 2, which reached end of support on 2026-06-30.*plain HTTP.*use Amazon Linux 2023/,
      );
    });
  });

  describe("when a construct rejects the environment", () => {
    it("builds the minimal valid environment without a problem", () => {
      expect(() => new EnvironmentStack(newApp(), qaEnvironment())).not.toThrow();
    });

    it("reports a public VPC CIDR at network.cidr of the file", () => {
      const e = rejection(qaEnvironment({ network: { cidr: "8.8.8.0/24", availabilityZones: ["eu-west-1a"] } }));
      expect(e.subject).toBe("environments/qa.json");
      expect(e.message).toContain("network.cidr");
      expect(e.issues.map((i) => i.path)).toContain("network.cidr");
      expect(e.message.startsWith("environments/qa.json:")).toBe(true);
    });

    it("reports an instance in a tier the network lacks at instances[0].tier", () => {
      const e = rejection(qaEnvironment({ instances: [{ name: "app-1", tier: "private" }] }));
      expect(e.subject).toBe("environments/qa.json");
      expect(e.issues).toEqual([expect.objectContaining({ path: "instances[0].tier" })]);
      expect(e.message).toContain("instances[0].tier");
    });

    it("reports a retention CloudWatch Logs does not offer at sessionLogging.retentionInDays", () => {
      const e = rejection(qaEnvironment({ sessionLogging: { retentionInDays: 7777 } }));
      expect(e.subject).toBe("environments/qa.json");
      expect(e.issues).toEqual([expect.objectContaining({ path: "sessionLogging.retentionInDays" })]);
      expect(e.message).toContain("sessionLogging.retentionInDays");
    });

    it("reports an instance pinned to a zone the tier lacks at instances[1].availabilityZone", () => {
      const e = rejection(
        qaEnvironment({ instances: [{ name: "app-1" }, { name: "app-2", availabilityZone: "eu-west-1c" }] }),
      );
      expect(e.subject).toBe("environments/qa.json");
      expect(e.issues.map((i) => i.path)).toEqual(["instances[1].availabilityZone"]);
    });

    it("reports release upgrade settings without a release at maintenance.releaseUpgrade", () => {
      const e = rejection(qaEnvironment({ maintenance: { releaseUpgrade: { maxConcurrency: "2" } } }));
      expect(e.issues).toEqual([
        { path: "maintenance.releaseUpgrade", message: "only applies with osRelease (the release to upgrade to)" },
      ]);
    });

    it("reports a release upgrade schedule in install mode at maintenance.releaseUpgrade.schedule: the upgrade runs in the patch window", () => {
      const e = rejection(
        qaEnvironment({
          maintenance: {
            patching: { mode: "install" },
            osRelease: "2023.9.20251117",
            releaseUpgrade: { schedule: "cron(0 1 ? * * *)" },
          },
        }),
      );
      expect(e.issues).toEqual([
        { path: "maintenance.releaseUpgrade.schedule", message: expect.stringMatching(/runs in the patch window/) },
      ]);
    });
  });
});

describe("an environment logging into the session audit of another environment", () => {
  const dir = environmentsDir({
    "dev.json": validEnvironment({ sessionLogging: { s3: { enabled: true } } }),
    "staging.json": validEnvironment({
      network: { cidr: "10.31.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
      sessionLogging: { managePreferencesDocument: false, preferencesOwner: "dev" },
    }),
  });
  const [staging] = loadEnvironments(dir, ["staging"]);
  const { stack, json } = synthEnvironment(staging);
  const instancePolicy = parsePolicy(onlyOf(json, TfIamRolePolicy).policy).Statement;

  it("creates no key, log group, bucket or preferences document of its own", () => {
    expect(stack.sessionLogging.logGroupName).toBe("/ssm/ssm-access-dev/sessions");
    expect(stack.sessionLogging.kmsKeyArn).toBeUndefined();
    for (const type of ["aws_kms_key", "aws_cloudwatch_log_group", "aws_ssm_document", "aws_s3_bucket"]) {
      expect(resourcesOf(json, type)).toEqual({});
    }
  });

  it("lets its instances write to the owner's log group and bucket, with the owner's key by alias", () => {
    expect(instancePolicy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Sid: "SessionLogsWrite",
          Resource: "arn:aws:logs:eu-west-1:123456789012:log-group:/ssm/ssm-access-dev/sessions:*",
        }),
        expect.objectContaining({
          Sid: "SessionTranscriptsWrite",
          Resource: "arn:aws:s3:::ssm-access-dev-sessions-123456789012-eu-west-1/sessions/*",
        }),
        expect.objectContaining({
          Sid: "SessionKeyUse",
          Resource: "arn:aws:kms:eu-west-1:123456789012:key/*",
          Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/ssm-access-dev-session" } },
        }),
      ]),
    );
  });

  it("gives its operators the owner's key by alias and outputs the owner's log group", () => {
    const operatorPolicy = parsePolicy(onlyOf(json, TfIamPolicy).policy).Statement;
    expect(operatorPolicy.find((s) => s.Sid === "SessionKeyUse")?.Condition).toEqual({
      "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/ssm-access-dev-session" },
    });
    expect(json.output?.session_log_group_name.value).toBe("/ssm/ssm-access-dev/sessions");
    expect(json.output?.session_kms_key_arn).toBeUndefined();
  });
});

describe("environment file fields passed to the constructs", () => {
  describe("operatorAccess.portForwarding", () => {
    const { json } = synthEnvironment(
      qaEnvironment({
        operatorAccess: {
          portForwarding: { ports: [5432], remoteHosts: [{ host: "db.internal.example.com", port: 3306 }] },
        },
      }),
    );
    const forwarding = configsOf(json, TfSsmDocument).filter((d) => String(d.name).includes("-forward-"));

    it("creates one pinned Session document per port and per host:port", () => {
      expect(forwarding.map((d) => d.name)).toEqual([
        "ssm-access-qa-forward-5432",
        "ssm-access-qa-forward-db.internal.example.com-3306",
      ]);
      const remote = JSON.parse(forwarding[1].content as string) as { properties: Record<string, string> };
      expect(remote.properties).toEqual(
        expect.objectContaining({ host: "db.internal.example.com", portNumber: "3306" }),
      );
    });

    it("lets operators start sessions with those documents only", () => {
      const statement = parsePolicy(onlyOf(json, TfIamPolicy).policy).Statement.find(
        (st) => st.Sid === "StartSessionWithPortForwardingDocuments",
      );
      expect(statement?.Resource).toEqual([
        "arn:aws:ssm:eu-west-1:123456789012:document/ssm-access-qa-forward-5432",
        "arn:aws:ssm:eu-west-1:123456789012:document/ssm-access-qa-forward-db.internal.example.com-3306",
      ]);
    });

    it("outputs the document of each forwarding", () => {
      expect(json.output?.port_forwarding_documents.value).toEqual({
        "5432": "ssm-access-qa-forward-5432",
        "db.internal.example.com:3306": "ssm-access-qa-forward-db.internal.example.com-3306",
      });
    });

    it.each<[string, EnvironmentInput["operatorAccess"], string, RegExp]>([
      [
        "port 22 of the instance",
        { portForwarding: { ports: [22] } },
        "operatorAccess.portForwarding.ports[0]",
        /22 is SSH/,
      ],
      [
        "port 22 of a remote host",
        { portForwarding: { remoteHosts: [{ host: "bastion.internal", port: 22 }] } },
        "operatorAccess.portForwarding.remoteHosts[0].port",
        /22 is SSH/,
      ],
      [
        "a port out of range",
        { portForwarding: { ports: [8080, 70000] } },
        "operatorAccess.portForwarding.ports[1]",
        /not a TCP port/,
      ],
      [
        "a host that is no DNS name or address",
        { portForwarding: { remoteHosts: [{ host: "db_internal", port: 5432 }] } },
        "operatorAccess.portForwarding.remoteHosts[0].host",
        /not a DNS name/,
      ],
      ["an empty section", { portForwarding: {} }, "operatorAccess.portForwarding", /lists no port and no remote host/],
    ])("rejects %s at its field of the file", (_what, operatorAccess, field, reason) => {
      const e = rejection(qaEnvironment({ operatorAccess }));
      expect(e.subject).toBe("environments/qa.json");
      expect(e.issues).toEqual([{ path: field, message: expect.stringMatching(reason) }]);
    });
  });

  describe("sessionLogging.adoptExistingPreferencesDocument", () => {
    it("renders an import block for SSM-SessionManagerRunShell", () => {
      const { json } = synthEnvironment(qaEnvironment({ sessionLogging: { adoptExistingPreferencesDocument: true } }));
      const documentId = logicalIdOf(json, TfSsmDocument, (d) => d.name === "SSM-SessionManagerRunShell");
      expect((json as Record<string, unknown>).import).toEqual([
        { id: "SSM-SessionManagerRunShell", to: `aws_ssm_document.${documentId}` },
      ]);
    });

    it("renders none when false", () => {
      const { json } = synthEnvironment(qaEnvironment({ sessionLogging: { adoptExistingPreferencesDocument: false } }));
      expect(json).not.toHaveProperty("import");
    });
  });

  describe("network.endpoints.s3Gateway.allowedBuckets", () => {
    const network = (allowedBuckets: string[]) => ({
      cidr: "10.30.0.0/16",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
      endpoints: { s3Gateway: { allowedBuckets } },
    });

    it("lets the S3 gateway endpoint policy reach the listed buckets", () => {
      const { json } = synthEnvironment(qaEnvironment({ network: network(["org-artifacts", "org-archive/ssm/*"]) }));
      const gateway = configsOf(json, TfVpcEndpoint).find((e) => e.vpc_endpoint_type === "Gateway");
      const allowed = parsePolicy(gateway?.policy).Statement.find((st) => st.Sid === "AllowedBuckets");
      expect(allowed?.Resource).toEqual(
        expect.arrayContaining([
          "arn:aws:s3:::org-artifacts",
          "arn:aws:s3:::org-artifacts/*",
          "arn:aws:s3:::org-archive/ssm/*",
        ]),
      );
    });

    it("allows no other account's bucket by default", () => {
      const { json } = synthEnvironment(qaEnvironment());
      const gateway = configsOf(json, TfVpcEndpoint).find((e) => e.vpc_endpoint_type === "Gateway");
      expect(parsePolicy(gateway?.policy).Statement.map((st) => st.Sid)).not.toContain("AllowedBuckets");
    });

    it.each<[string, string[], string, RegExp]>([
      [
        "a wildcard in a bucket name",
        ["org-*"],
        "network.endpoints.s3Gateway.allowedBuckets[0]",
        /no wildcard in bucket names/,
      ],
      ["an ARN", ["arn:aws:s3:::org-artifacts"], "network.endpoints.s3Gateway.allowedBuckets[0]", /ARN or URL/],
    ])("rejects %s at its field of the file", (_what, buckets, field, reason) => {
      const e = rejection(qaEnvironment({ network: network(buckets) }));
      expect(e.subject).toBe("environments/qa.json");
      expect(e.issues).toEqual([{ path: field, message: expect.stringMatching(reason) }]);
    });
  });

  describe("maintenance.osRelease and maintenance.releaseUpgrade", () => {
    const { json } = synthEnvironment(
      qaEnvironment({
        maintenance: {
          patching: { enabled: false },
          osRelease: "2023.8.20250915",
          releaseUpgrade: {
            schedule: "cron(0 4 ? * SAT *)",
            window: { timezone: "Europe/Berlin", duration: 3 },
            maxConcurrency: "50%",
            maxErrors: "1",
          },
        },
      }),
    );

    it("opens the release window on the file's schedule, with patching off", () => {
      expect(onlyOf(json, TfSsmMaintenanceWindow)).toMatchObject({
        name: "ssm-access-qa-release-window",
        schedule: "cron(0 4 ? * SAT *)",
        schedule_timezone: "Europe/Berlin",
        duration: 3,
      });
    });

    it("passes the file's release and rate controls to the task", () => {
      const task = onlyOf(json, TfSsmMaintenanceWindowTask);
      expect(task).toMatchObject({ max_concurrency: "50%", max_errors: "1" });
      expect(runCommandOf(task).parameter).toEqual([{ name: "Release", values: ["2023.8.20250915"] }]);
    });

    it("creates no release upgrade without osRelease", () => {
      const plain = synthEnvironment(qaEnvironment()).json;
      expect(configsOf(plain, TfSsmDocument).filter((d) => d.document_type === "Command")).toEqual([]);
      expect(configsOf(plain, TfSsmMaintenanceWindowTask)).toEqual([]);
    });
  });

  describe("instances[]", () => {
    const { json } = synthEnvironment(
      qaEnvironment({
        instances: [
          {
            name: "ubuntu",
            rootVolume: { deviceName: "/dev/sda1", sizeGiB: 20 },
            cpuCredits: "unlimited",
            replacementGeneration: 2,
          },
          { name: "big", instanceType: "m5.large" },
        ],
      }),
    );
    const templates = resourcesOf(json, TfLaunchTemplate);
    const instances = resourcesOf(json, TfInstance);

    it("names the root device of the launch template's block device mapping (rootVolume.deviceName)", () => {
      expect(templates.instances_ubuntu_launch_template.block_device_mappings).toEqual([
        { device_name: "/dev/sda1", ebs: expect.objectContaining({ volume_size: 20, encrypted: "true" }) },
      ]);
      expect(
        (templates.instances_big_launch_template.block_device_mappings as Array<{ device_name: string }>)[0]
          .device_name,
      ).toBe("/dev/xvda");
    });

    it("sets the CPU credits of a burstable instance (cpuCredits), and none on other families", () => {
      expect(instances.instances_ubuntu.credit_specification).toEqual({ cpu_credits: "unlimited" });
      expect(instances.instances_big).not.toHaveProperty("credit_specification");
    });

    it("writes a non-zero replacementGeneration as a tag of the launch template's instance", () => {
      const specs = templates.instances_ubuntu_launch_template.tag_specifications as Array<{
        resource_type: string;
        tags: Record<string, string>;
      }>;
      expect(specs.find((t) => t.resource_type === "instance")?.tags.ReplacementGeneration).toBe("2");
      expect(JSON.stringify(templates.instances_big_launch_template)).not.toContain("ReplacementGeneration");
    });

    it.each<[string, EnvironmentInput["instances"], string, RegExp]>([
      [
        "an NVMe device name",
        [{ name: "app-1", rootVolume: { deviceName: "/dev/nvme0n1" } }],
        "instances[0].rootVolume.deviceName",
        /kernel gives NVMe volumes/,
      ],
      [
        "a device name EC2 does not accept",
        [{ name: "app-1", rootVolume: { deviceName: "xvda" } }],
        "instances[0].rootVolume.deviceName",
        /must be the AMI's root device name/,
      ],
      [
        "CPU credits on a family without them",
        [{ name: "app-1", instanceType: "m5.large", cpuCredits: "standard" }],
        "instances[0].cpuCredits",
        /m5\.large has no CPU credits/,
      ],
    ])("rejects %s at its field of the file", (_what, list, field, reason) => {
      const e = rejection(qaEnvironment({ instances: list }));
      expect(e.subject).toBe("environments/qa.json");
      expect(e.issues).toEqual([{ path: field, message: expect.stringMatching(reason) }]);
    });
  });

  describe("deploy", () => {
    const ROLE = "arn:aws:iam::123456789012:role/terraform-deploy";
    const s3 = { type: "s3" as const, bucket: "qa-tfstate" };
    const backendOf = (json: TerraformJson) =>
      (json.terraform as { backend: Record<string, Record<string, unknown>> }).backend;

    describe("with a profile and a role", () => {
      const { json } = synthEnvironment(
        qaEnvironment({
          deploy: { profile: "org", assumeRoleArn: ROLE, externalId: "ext-1", sessionName: "qa-deploy" },
          backend: s3,
        }),
      );

      it("gives the provider the profile and the role to assume from it", () => {
        expect(awsProvider(json)).toEqual(
          expect.objectContaining({
            profile: "org",
            assume_role: [{ role_arn: ROLE, external_id: "ext-1", session_name: "qa-deploy" }],
            allowed_account_ids: ["123456789012"],
          }),
        );
      });

      it("gives the S3 backend the same profile and role (an assume_role object)", () => {
        expect(backendOf(json).s3).toEqual(
          expect.objectContaining({
            profile: "org",
            assume_role: { role_arn: ROLE, external_id: "ext-1", session_name: "qa-deploy" },
          }),
        );
      });
    });

    it("with a role only, assumes it from the default chain: no profile anywhere", () => {
      const { json } = synthEnvironment(qaEnvironment({ deploy: { assumeRoleArn: ROLE }, backend: s3 }));
      expect(awsProvider(json).assume_role).toEqual([{ role_arn: ROLE }]);
      expect(awsProvider(json)).not.toHaveProperty("profile");
      expect(backendOf(json).s3.assume_role).toEqual({ role_arn: ROLE });
      expect(backendOf(json).s3).not.toHaveProperty("profile");
    });

    it("lets backend.profile override deploy.profile for the state bucket only", () => {
      const { json } = synthEnvironment(
        qaEnvironment({ deploy: { profile: "qa-admin" }, backend: { ...s3, profile: "qa-state" } }),
      );
      expect(awsProvider(json).profile).toBe("qa-admin");
      expect(backendOf(json).s3.profile).toBe("qa-state");
    });

    it("with a local backend, configures the provider and leaves the backend without credentials", () => {
      const { json } = synthEnvironment(qaEnvironment({ deploy: { profile: "qa-admin", assumeRoleArn: ROLE } }));
      expect(awsProvider(json)).toEqual(
        expect.objectContaining({ profile: "qa-admin", assume_role: [{ role_arn: ROLE }] }),
      );
      expect(backendOf(json).local).toEqual({ path: "../../../terraform.qa.tfstate" });
    });
  });
});
