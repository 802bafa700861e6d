import { TerraformOutput, TerraformResource, Testing } from "cdktf";
import { Construct } from "constructs";
import { Ec2Tag as TfEc2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { Instance as TfInstance } from "@cdktf/provider-aws/lib/instance";
import { KeyPair as TfKeyPair } from "@cdktf/provider-aws/lib/key-pair";
import { LaunchTemplate as TfLaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup as TfSecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule as TfSecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { VpcSecurityGroupEgressRule as TfVpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule as TfVpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ValidationError } from "@ssm-access/core";
import {
  TerraformJson,
  configsOf,
  onlyOf,
  providersOf,
  resourcesOf,
  synthJson,
  synthJsonWithAliasedProvider,
  offProvider,
  warningsOf,
} from "@ssm-access/core/testing";
import { PrivateNetwork } from "@ssm-access/network";
import { VpcEndpoint as TfVpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { AMAZON_LINUX_2_AMI_PARAMETER, InstanceTier, PrivateInstances, PrivateInstancesProps } from "../src";
import { fakeNetwork } from "./fixtures";

type Config = Record<string, unknown>;

const KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function props(overrides: Partial<PrivateInstancesProps> = {}): PrivateInstancesProps {
  return {
    namePrefix: "ssm-dev",
    region: "eu-west-1",
    network: fakeNetwork(),
    instanceProfileName: "ssm-dev-ssm-instance",
    instances: [{ name: "web" }],
    ...overrides,
  };
}

function synth(overrides: Partial<PrivateInstancesProps> = {}): TerraformJson {
  return synthJson((scope) => {
    new PrivateInstances(scope, "Compute", props(overrides));
  });
}

/** The `aws_instance` whose Name tag is `name`. */
function instanceNamed(json: TerraformJson, name: string): Config {
  const found = configsOf(json, TfInstance).find((c) => (c.tags as Record<string, string>).Name === name);
  if (!found) throw new Error(`no aws_instance named ${name}`);
  return found;
}

/** The launch template an instance config points at. */
function launchTemplateOf(json: TerraformJson, instance: Config): Config {
  const ref = (instance.launch_template as Config).id as string;
  const logicalId = /^\$\{aws_launch_template\.([^.]+)\.id\}$/.exec(ref)?.[1];
  return resourcesOf(json, TfLaunchTemplate)[logicalId as string];
}

function build(overrides: Partial<PrivateInstancesProps>): () => void {
  return () => Testing.synthScope((scope) => new PrivateInstances(scope, "Compute", props(overrides)));
}

describe("PrivateInstances", () => {
  describe("security group", () => {
    const json = synth();
    const sg = onlyOf(json, TfSecurityGroup);
    const sgRef = `\${aws_security_group.${Object.keys(resourcesOf(json, TfSecurityGroup))[0]}.id}`;

    it("has no ingress rule at all, and declares its inline ingress list empty so Terraform removes any added by hand", () => {
      expect(configsOf(json, TfVpcSecurityGroupIngressRule)).toHaveLength(0);
      expect(configsOf(json, TfSecurityGroupRule)).toHaveLength(0);
      expect(sg.ingress).toEqual([]);
    });

    it("allows only TCP 443 to the VPC CIDR by default, through a separate egress rule", () => {
      expect(sg.egress).toBeUndefined();
      expect(configsOf(json, TfVpcSecurityGroupEgressRule)).toEqual([
        expect.objectContaining({
          security_group_id: sgRef,
          ip_protocol: "tcp",
          from_port: 443,
          to_port: 443,
          cidr_ipv4: "10.10.0.0/16",
        }),
      ]);
      expect(onlyOf(json, TfVpcSecurityGroupEgressRule).prefix_list_id).toBeUndefined();
    });

    it("is named from the prefix and lives in the network's VPC", () => {
      expect(sg).toMatchObject({
        name: "ssm-dev-instances",
        vpc_id: "vpc-0123456789abcdef0",
        tags: { Name: "ssm-dev-instances" },
      });
    });

    it("is the only security group of every instance", () => {
      const two = synth({ instances: [{ name: "a" }, { name: "b" }] });
      const ref = `\${aws_security_group.${Object.keys(resourcesOf(two, TfSecurityGroup))[0]}.id}`;
      for (const instance of configsOf(two, TfInstance)) expect(instance.vpc_security_group_ids).toEqual([ref]);
    });

    it("adds HTTPS to an explicit S3 prefix list, and none when the network has no S3 gateway", () => {
      const withS3 = synth({ allowS3GatewayEgress: { prefixListId: "pl-6da54004" } });
      const rules = configsOf(withS3, TfVpcSecurityGroupEgressRule);
      expect(rules).toHaveLength(2);
      const s3 = rules.find((r) => r.prefix_list_id !== undefined) as Config;
      expect(s3).toMatchObject({ ip_protocol: "tcp", from_port: 443, to_port: 443, prefix_list_id: "pl-6da54004" });
      expect(s3.cidr_ipv4).toBeUndefined();
      expect(rules.filter((r) => r.cidr_ipv4 === "10.10.0.0/16")).toHaveLength(1);
      expect(configsOf(synth(), TfVpcSecurityGroupEgressRule).some((r) => r.prefix_list_id !== undefined)).toBe(false);
    });

    it("adds the additional egress rules as given, with a default description", () => {
      const extra = synth({
        additionalEgress: [
          { fromPort: 5432, cidr: "10.20.0.0/16" },
          { protocol: "udp", fromPort: 1000, toPort: 2000, prefixListId: "pl-12345678", description: "media" },
        ],
      });
      const rules = configsOf(extra, TfVpcSecurityGroupEgressRule);
      expect(rules).toHaveLength(3);
      expect(rules).toContainEqual(
        expect.objectContaining({
          ip_protocol: "tcp",
          from_port: 5432,
          to_port: 5432,
          cidr_ipv4: "10.20.0.0/16",
          description: "tcp 5432 to 10.20.0.0/16",
        }),
      );
      expect(rules).toContainEqual(
        expect.objectContaining({
          ip_protocol: "udp",
          from_port: 1000,
          to_port: 2000,
          prefix_list_id: "pl-12345678",
          description: "media",
        }),
      );
    });
  });

  describe("wiring to the network", () => {
    const s3Rules = (json: TerraformJson) =>
      configsOf(json, TfVpcSecurityGroupEgressRule).filter((r) => r.prefix_list_id !== undefined);

    it("adds HTTPS to the network's S3 gateway prefix list by itself", () => {
      const json = synth({ network: fakeNetwork({ s3GatewayPrefixListId: "pl-6da54004" }) });
      expect(s3Rules(json)).toEqual([
        expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, prefix_list_id: "pl-6da54004" }),
      ]);
    });

    it("uses an explicit allowS3GatewayEgress instead of the network's prefix list", () => {
      const json = synth({
        network: fakeNetwork({ s3GatewayPrefixListId: "pl-6da54004" }),
        allowS3GatewayEgress: { prefixListId: "pl-12345678" },
      });
      expect(s3Rules(json).map((r) => r.prefix_list_id)).toEqual(["pl-12345678"]);
    });

    it("adds no S3 rule with allowS3GatewayEgress: { enabled: false }", () => {
      const json = synth({
        network: fakeNetwork({ s3GatewayPrefixListId: "pl-6da54004" }),
        allowS3GatewayEgress: { enabled: false },
      });
      expect(s3Rules(json)).toEqual([]);
      expect(configsOf(json, TfVpcSecurityGroupEgressRule)).toHaveLength(1);
    });

    it("asks the network for interfaceEndpoints when an instance sits in a tier without internet", () => {
      const requests: string[][] = [];
      let compute: PrivateInstances | undefined;
      synthJson((scope) => {
        compute = new PrivateInstances(
          scope,
          "Compute",
          props({
            network: fakeNetwork({ internetTiers: ["private"], endpointRequests: requests }),
            instances: [
              { name: "web", tier: "private" },
              { name: "db", tier: "isolated" },
            ],
            interfaceEndpoints: ["logs", "kms"],
          }),
        );
        compute.requireInterfaceEndpoints("ecr.api");
      });
      expect(requests).toEqual([["logs", "kms"], ["ecr.api"]]);
      expect(compute?.instancesWithoutInternetRoute).toEqual(["db"]);
    });

    it("asks for nothing when every instance has an internet route", () => {
      const requests: string[][] = [];
      synthJson((scope) => {
        const compute = new PrivateInstances(
          scope,
          "Compute",
          props({
            network: fakeNetwork({ internetTiers: ["private"], endpointRequests: requests }),
            instances: [{ name: "web", tier: "private" }],
            interfaceEndpoints: ["logs", "kms"],
          }),
        );
        expect(compute.instancesWithoutInternetRoute).toEqual([]);
      });
      expect(requests).toEqual([]);
    });

    it("takes every tier as without internet when the network cannot tell", () => {
      const requests: string[][] = [];
      synthJson((scope) => {
        new PrivateInstances(
          scope,
          "Compute",
          props({
            network: fakeNetwork({ internetTiers: undefined, endpointRequests: requests }),
            instances: [{ name: "web", tier: "private" }],
            interfaceEndpoints: ["logs"],
          }),
        );
      });
      expect(requests).toEqual([["logs"]]);
    });

    it("warns when the network cannot add the endpoints its instances need", () => {
      let compute: PrivateInstances | undefined;
      synthJson((scope) => {
        compute = new PrivateInstances(scope, "Compute", props({ interfaceEndpoints: ["logs", "kms"] }));
      });
      const warnings = warningsOf(compute as PrivateInstances);
      expect(warnings).toEqual([
        expect.stringMatching(/Instances web have no internet route and need interface endpoints for logs, kms/),
      ]);
    });

    describe("in a PrivateNetwork, as the README shows", () => {
      const json = synthJson((scope) => {
        const network = new PrivateNetwork(scope, "Network", {
          namePrefix: "ssm-dev",
          region: "eu-west-1",
          accountId: "111122223333",
          cidr: "10.10.0.0/16",
          availabilityZones: ["eu-west-1a", "eu-west-1b"],
        });
        new PrivateInstances(scope, "Instances", {
          namePrefix: "ssm-dev",
          region: "eu-west-1",
          network,
          instanceProfileName: "ssm-dev-ssm-instance",
          instances: [{ name: "app-1" }],
          // what SessionLogging.interfaceEndpointServices gives
          interfaceEndpoints: ["logs", "kms"],
        });
      });

      it("gets HTTPS egress to the S3 gateway's prefix list without allowS3GatewayEgress", () => {
        const gatewayId = Object.entries(resourcesOf(json, TfVpcEndpoint)).find(
          ([, c]) => c.vpc_endpoint_type === "Gateway",
        )?.[0];
        expect(s3Rules(json)).toEqual([
          expect.objectContaining({
            from_port: 443,
            to_port: 443,
            prefix_list_id: `\${aws_vpc_endpoint.${gatewayId}.prefix_list_id}`,
          }),
        ]);
      });

      it("gets the logs and kms interface endpoints session logging needs, its instances being isolated", () => {
        const services = configsOf(json, TfVpcEndpoint)
          .filter((e) => e.vpc_endpoint_type === "Interface")
          .map((e) => String(e.service_name).replace("com.amazonaws.eu-west-1.", ""));
        expect(services.sort()).toEqual(["ec2messages", "kms", "logs", "ssm", "ssmmessages"]);
      });
    });
  });

  describe("with a provider", () => {
    it("creates every resource with that provider", () => {
      const json = synthJsonWithAliasedProvider((scope, provider) => {
        new PrivateInstances(
          scope,
          "Compute",
          props({
            network: fakeNetwork({ s3GatewayPrefixListId: "pl-6da54004" }),
            instances: [{ name: "web", tags: { Team: "a" } }, { name: "db" }],
            additionalEgress: [{ fromPort: 5432, cidr: "10.20.0.0/16" }],
            provider,
          }),
        );
      });
      const providers = providersOf(json);
      expect(Object.keys(providers)).toHaveLength(9);
      expect(offProvider(json)).toEqual({});
    });
  });

  describe("instance security", () => {
    const json = synth({ instances: [{ name: "web" }, { name: "db", metadataHopLimit: 2 }] });

    it("never gives an instance a public IP address", () => {
      for (const instance of configsOf(json, TfInstance)) expect(instance.associate_public_ip_address).toBe(false);
    });

    it("never uses a key pair", () => {
      expect(JSON.stringify(json)).not.toContain("key_name");
      expect(configsOf(json, TfKeyPair)).toHaveLength(0);
    });

    it("reads nothing from AWS: no data source at all", () => {
      expect(json.data).toBeUndefined();
    });

    it("requires IMDSv2 on the instance, with hop limit 1 by default", () => {
      expect(instanceNamed(json, "ssm-dev-web").metadata_options).toEqual({
        http_tokens: "required",
        http_endpoint: "enabled",
        http_put_response_hop_limit: 1,
      });
    });

    it("uses the configured hop limit", () => {
      expect(instanceNamed(json, "ssm-dev-db").metadata_options).toMatchObject({
        http_tokens: "required",
        http_put_response_hop_limit: 2,
      });
    });

    it("requires IMDSv2 in the launch template too", () => {
      for (const template of configsOf(json, TfLaunchTemplate)) {
        expect(template.metadata_options).toEqual({ http_tokens: "required", http_endpoint: "enabled" });
      }
    });

    it("runs every instance with the instance profile", () => {
      for (const instance of configsOf(json, TfInstance))
        expect(instance.iam_instance_profile).toBe("ssm-dev-ssm-instance");
    });

    it("declares no block device on the instance, so provider 5.100.0 never looks the resolve:ssm alias up with DescribeImages", () => {
      for (const instance of configsOf(json, TfInstance)) {
        expect(instance).not.toHaveProperty("root_block_device");
        expect(instance).not.toHaveProperty("ebs_block_device");
        expect(instance).not.toHaveProperty("ephemeral_block_device");
        expect(instance).not.toHaveProperty("volume_tags");
      }
    });

    it("maps an encrypted 8 GiB gp3 root volume on /dev/xvda in the launch template, with the account's default key, deleted with the instance", () => {
      const template = launchTemplateOf(json, instanceNamed(json, "ssm-dev-web"));
      expect(template.block_device_mappings).toEqual([
        {
          device_name: "/dev/xvda",
          ebs: { volume_type: "gp3", volume_size: 8, encrypted: "true", delete_on_termination: "true" },
        },
      ]);
    });

    it("maps the root volume with the given device name, KMS key and performance", () => {
      const withKey = synth({
        instances: [
          {
            name: "db",
            rootVolume: { deviceName: "/dev/sda1", sizeGiB: 50, kmsKeyArn: KMS_KEY_ARN, iops: 4000, throughput: 250 },
          },
        ],
      });
      expect(onlyOf(withKey, TfLaunchTemplate).block_device_mappings).toEqual([
        {
          device_name: "/dev/sda1",
          ebs: {
            volume_type: "gp3",
            volume_size: 50,
            encrypted: "true",
            kms_key_id: KMS_KEY_ARN,
            iops: 4000,
            throughput: 250,
            delete_on_termination: "true",
          },
        },
      ]);
      expect(onlyOf(withKey, TfInstance)).not.toHaveProperty("root_block_device");
    });

    it("merges the root volume of the defaults with the instance's own", () => {
      const merged = synth({
        defaults: { rootVolume: { deviceName: "/dev/sda1", sizeGiB: 20 } },
        instances: [{ name: "web", rootVolume: { sizeGiB: 30 } }],
      });
      expect(onlyOf(merged, TfLaunchTemplate).block_device_mappings).toEqual([
        expect.objectContaining({ device_name: "/dev/sda1", ebs: expect.objectContaining({ volume_size: 30 }) }),
      ]);
    });
  });

  describe("image", () => {
    it("launches from a launch template that resolves the Amazon Linux 2023 parameter at launch", () => {
      const json = synth();
      const instance = onlyOf(json, TfInstance);
      expect(instance.ami).toBeUndefined();
      expect(launchTemplateOf(json, instance).image_id).toBe(
        "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      );
    });

    it("follows the launch template's latest version, so a new image source replaces the instance", () => {
      const json = synth();
      const ltId = Object.keys(resourcesOf(json, TfLaunchTemplate))[0];
      expect(onlyOf(json, TfInstance).launch_template).toEqual({
        id: `\${aws_launch_template.${ltId}.id}`,
        version: `\${aws_launch_template.${ltId}.latest_version}`,
      });
      expect(onlyOf(json, TfLaunchTemplate)).toMatchObject({ name: "ssm-dev-web", update_default_version: true });
    });

    it("resolves another SSM parameter when selected", () => {
      const parameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64";
      const json = synth({ instances: [{ name: "web", ami: { ssmParameter: parameter } }] });
      expect(onlyOf(json, TfLaunchTemplate).image_id).toBe(`resolve:ssm:${parameter}`);
    });

    it("refuses the Amazon Linux 2 parameter at ami.ssmParameter, saying why and what to use", () => {
      expect(() =>
        synth({ instances: [{ name: "web", ami: { ssmParameter: AMAZON_LINUX_2_AMI_PARAMETER } }] }),
      ).toThrow(
        /instances\[0\]\.ami\.ssmParameter: .* is Amazon Linux 2, which reached end of support on 2026-06-30.*plain HTTP.*use Amazon Linux 2023/,
      );
    });

    it("uses a pinned AMI id when given", () => {
      const json = synth({ instances: [{ name: "web", ami: { id: "ami-0123456789abcdef0" } }] });
      expect(onlyOf(json, TfLaunchTemplate).image_id).toBe("ami-0123456789abcdef0");
    });
  });

  describe("instance settings", () => {
    it("uses t3.micro (1 GiB) unless told otherwise", () => {
      const json = synth({ instances: [{ name: "web" }, { name: "big", instanceType: "m7i.large" }] });
      expect(instanceNamed(json, "ssm-dev-web").instance_type).toBe("t3.micro");
      expect(instanceNamed(json, "ssm-dev-big").instance_type).toBe("m7i.large");
    });

    it("tags the instance with the Name and the extra tags, and its launch template tags instance and volume with the Name at launch", () => {
      const json = synth({ instances: [{ name: "web", tags: { SessionAccess: "ops" } }] });
      const instance = onlyOf(json, TfInstance);
      expect(instance.tags).toEqual({ Name: "ssm-dev-web", SessionAccess: "ops" });
      expect(instance.volume_tags).toBeUndefined();
      expect(launchTemplateOf(json, instance).tag_specifications).toEqual([
        { resource_type: "instance", tags: { Name: "ssm-dev-web" } },
        { resource_type: "volume", tags: { Name: "ssm-dev-web" } },
      ]);
    });

    it("puts the extra tags on the root volume with one aws_ec2_tag per key, after launch", () => {
      const json = synth({ instances: [{ name: "web", tags: { SessionAccess: "ops", Team: "infra" } }] });
      const instanceId = Object.keys(resourcesOf(json, TfInstance))[0];
      expect(onlyOf(json, TfEc2Tag)).toEqual(
        expect.objectContaining({
          for_each: { SessionAccess: "ops", Team: "infra" },
          resource_id: `\${try(aws_instance.${instanceId}.root_block_device[0].volume_id, aws_instance.${instanceId}.id)}`,
          key: "${each.key}",
          value: "${each.value}",
        }),
      );
    });

    it("creates no volume tag resource for an instance without extra tags", () => {
      const json = synth({ instances: [{ name: "web" }, { name: "db", tags: { Role: "db" } }] });
      expect(configsOf(json, TfEc2Tag)).toEqual([expect.objectContaining({ for_each: { Role: "db" } })]);
    });

    it("changing the extra tags leaves the launch template as it is, so the instance is not replaced", () => {
      const tagSets: Array<Record<string, string>> = [{ SessionAccess: "ops" }, { SessionAccess: "dev", Team: "x" }];
      const [a, b] = tagSets.map((tags) => onlyOf(synth({ instances: [{ name: "web", tags }] }), TfLaunchTemplate));
      expect(b).toEqual(a);
    });

    it("leaves termination protection and detailed monitoring off by default", () => {
      const instance = onlyOf(synth(), TfInstance);
      expect(instance.disable_api_termination).toBe(false);
      expect(instance.monitoring).toBe(false);
    });

    it("turns termination protection and detailed monitoring on when asked", () => {
      const instance = onlyOf(
        synth({ instances: [{ name: "web", terminationProtection: true, detailedMonitoring: true }] }),
        TfInstance,
      );
      expect(instance.disable_api_termination).toBe(true);
      expect(instance.monitoring).toBe(true);
    });

    it("applies the defaults to every instance unless it sets the field itself", () => {
      const json = synth({
        defaults: { terminationProtection: true, instanceType: "t3.micro", tags: { SessionAccess: "ops" } },
        instances: [{ name: "web" }, { name: "scratch", terminationProtection: false, tags: { SessionAccess: "dev" } }],
      });
      expect(instanceNamed(json, "ssm-dev-web")).toMatchObject({
        disable_api_termination: true,
        instance_type: "t3.micro",
        tags: { SessionAccess: "ops" },
      });
      expect(instanceNamed(json, "ssm-dev-scratch")).toMatchObject({
        disable_api_termination: false,
        instance_type: "t3.micro",
        tags: { SessionAccess: "dev" },
      });
    });

    it("passes user data as literal text, escaping ${...} for Terraform", () => {
      const json = synth({ instances: [{ name: "web", userData: "#!/bin/bash\necho ${HOME}" }] });
      expect(onlyOf(json, TfInstance).user_data).toBe("#!/bin/bash\necho $${HOME}");
    });

    it("sets no user data unless given", () => {
      expect(onlyOf(synth(), TfInstance).user_data).toBeUndefined();
    });
  });

  describe("CPU credits", () => {
    it("launches burstable instances with standard credits by default, set on the instance", () => {
      const json = synth({
        instances: [
          { name: "t3" },
          {
            name: "t4g",
            instanceType: "t4g.micro",
            ami: { ssmParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" },
          },
          { name: "t2", instanceType: "t2.micro" },
          { name: "t3a", instanceType: "t3a.small" },
        ],
      });
      for (const name of ["t3", "t4g", "t2", "t3a"]) {
        expect(instanceNamed(json, `ssm-dev-${name}`).credit_specification).toEqual({ cpu_credits: "standard" });
      }
    });

    it("never puts the credit option in the launch template, which has no instance type (provider 5.100.0 drops it there)", () => {
      const template = onlyOf(synth({ instances: [{ name: "web", cpuCredits: "unlimited" }] }), TfLaunchTemplate);
      expect(template).not.toHaveProperty("credit_specification");
      expect(template).not.toHaveProperty("instance_type");
    });

    it("uses unlimited credits when asked", () => {
      expect(
        onlyOf(synth({ instances: [{ name: "web", cpuCredits: "unlimited" }] }), TfInstance).credit_specification,
      ).toEqual({
        cpu_credits: "unlimited",
      });
    });

    it("sets no credit option on other families", () => {
      expect(onlyOf(synth({ instances: [{ name: "big", instanceType: "m7i.large" }] }), TfInstance)).not.toHaveProperty(
        "credit_specification",
      );
    });

    it("applies a default credit option to the burstable instances only", () => {
      const json = synth({
        defaults: { cpuCredits: "unlimited" },
        instances: [
          { name: "web" },
          { name: "big", instanceType: "m7i.large" },
          { name: "calm", cpuCredits: "standard" },
        ],
      });
      expect(instanceNamed(json, "ssm-dev-web").credit_specification).toEqual({ cpu_credits: "unlimited" });
      expect(instanceNamed(json, "ssm-dev-big")).not.toHaveProperty("credit_specification");
      expect(instanceNamed(json, "ssm-dev-calm").credit_specification).toEqual({ cpu_credits: "standard" });
    });
  });

  describe("replacement generation", () => {
    const templateAndInstance = (overrides: Partial<PrivateInstancesProps>) => {
      const json = synth(overrides);
      const instance = onlyOf(json, TfInstance);
      return { instance, template: launchTemplateOf(json, instance) };
    };

    it("at 0, the default, writes nothing: the template and the instance are exactly those of a stack that never set it", () => {
      expect(templateAndInstance({ instances: [{ name: "web", replacementGeneration: 0 }] })).toEqual(
        templateAndInstance({ instances: [{ name: "web" }] }),
      );
      expect(JSON.stringify(synth())).not.toContain("ReplacementGeneration");
    });

    it("above 0, tags the instance and the instance tag specification of its template with the generation, not the volume", () => {
      const { instance, template } = templateAndInstance({
        instances: [{ name: "web", replacementGeneration: 2, tags: { Role: "web" } }],
      });
      expect(instance.tags).toEqual({ Name: "ssm-dev-web", Role: "web", ReplacementGeneration: "2" });
      expect(template.tag_specifications).toEqual([
        { resource_type: "instance", tags: { Name: "ssm-dev-web", ReplacementGeneration: "2" } },
        { resource_type: "volume", tags: { Name: "ssm-dev-web" } },
      ]);
    });

    it("a bump changes the launch template data (a new version, which the instance follows) and nothing else of the stack", () => {
      const before = synth({ instances: [{ name: "web", replacementGeneration: 1 }] });
      const after = synth({ instances: [{ name: "web", replacementGeneration: 2 }] });
      expect(Object.keys(after.resource ?? {})).toEqual(Object.keys(before.resource ?? {}));
      const [lt0, lt1] = [before, after].map((j) => onlyOf(j, TfLaunchTemplate));
      expect(lt1.tag_specifications).not.toEqual(lt0.tag_specifications);
      expect({ ...lt1, tag_specifications: undefined }).toEqual({ ...lt0, tag_specifications: undefined });
      expect(onlyOf(after, TfInstance).launch_template).toEqual(onlyOf(before, TfInstance).launch_template);
    });

    it("can be bumped for every instance through the defaults, and an instance's own value wins", () => {
      const json = synth({
        defaults: { replacementGeneration: 3 },
        instances: [{ name: "web" }, { name: "db", replacementGeneration: 0 }],
      });
      expect((instanceNamed(json, "ssm-dev-web").tags as Record<string, string>).ReplacementGeneration).toBe("3");
      expect(instanceNamed(json, "ssm-dev-db").tags).toEqual({ Name: "ssm-dev-db" });
    });
  });

  describe("placement", () => {
    it("spreads instances round-robin over the isolated subnets: a, b, a", () => {
      const json = synth({ instances: [{ name: "one" }, { name: "two" }, { name: "three" }] });
      expect(["one", "two", "three"].map((n) => instanceNamed(json, `ssm-dev-${n}`).subnet_id)).toEqual([
        "subnet-isolated-a",
        "subnet-isolated-b",
        "subnet-isolated-a",
      ]);
    });

    it("places an instance in the private tier and the zone it pins", () => {
      const json = synth({ instances: [{ name: "web", tier: "private", availabilityZone: "eu-west-1b" }] });
      expect(onlyOf(json, TfInstance).subnet_id).toBe("subnet-private-b");
    });
  });

  describe("public attributes", () => {
    function withOutputs(overrides: Partial<PrivateInstancesProps>) {
      let compute: PrivateInstances | undefined;
      const json = synthJson((scope: Construct) => {
        compute = new PrivateInstances(scope, "Compute", props(overrides));
        new TerraformOutput(scope, "connect", { value: compute.instances.web.connectCommand });
        new TerraformOutput(scope, "all", { value: compute.outputs });
      }, overrides.region);
      return { json, compute: compute as PrivateInstances };
    }

    it("gives the exact aws ssm start-session command of each instance", () => {
      const { json } = withOutputs({ region: "eu-central-1" });
      const instanceId = Object.keys(resourcesOf(json, TfInstance))[0];
      expect(json.output?.connect.value).toBe(
        `aws ssm start-session --target \${aws_instance.${instanceId}.id} --region eu-central-1`,
      );
    });

    it("records each instance by name with its zone and subnet", () => {
      const { compute } = withOutputs({ instances: [{ name: "web" }, { name: "db", tier: "private" }] });
      expect(Object.keys(compute.instances)).toEqual(["web", "db"]);
      expect(compute.instances.web).toMatchObject({ availabilityZone: "eu-west-1a", subnetId: "subnet-isolated-a" });
      expect(compute.instances.db).toMatchObject({ availabilityZone: "eu-west-1a", subnetId: "subnet-private-a" });
      expect(Object.keys(compute.instanceResources)).toEqual(["web", "db"]);
      expect(Object.keys(compute.launchTemplates)).toEqual(["web", "db"]);
    });

    it("offers typed outputs: security group, ids, private IPs, zones and connect commands by name", () => {
      const { json } = withOutputs({ instances: [{ name: "web" }, { name: "db" }] });
      const ids = resourcesOf(json, TfInstance);
      const [dbId, webId] = ["ssm-dev-db", "ssm-dev-web"].map(
        (n) => Object.keys(ids).find((k) => (ids[k].tags as Record<string, string>).Name === n) as string,
      );
      const sgId = Object.keys(resourcesOf(json, TfSecurityGroup))[0];
      expect(json.output?.all.value).toEqual({
        securityGroupId: `\${aws_security_group.${sgId}.id}`,
        instanceIds: { web: `\${aws_instance.${webId}.id}`, db: `\${aws_instance.${dbId}.id}` },
        privateIps: { web: `\${aws_instance.${webId}.private_ip}`, db: `\${aws_instance.${dbId}.private_ip}` },
        availabilityZones: { web: "eu-west-1a", db: "eu-west-1b" },
        connectCommands: {
          web: `aws ssm start-session --target \${aws_instance.${webId}.id} --region eu-west-1`,
          db: `aws ssm start-session --target \${aws_instance.${dbId}.id} --region eu-west-1`,
        },
      });
    });
  });

  describe("validation", () => {
    it("names a missing Region, which the connect commands need", () => {
      expect(build({ region: undefined })).toThrow(
        /region: is required for each instance's aws ssm start-session command/,
      );
    });

    it("rejects an empty instance list", () => {
      expect(build({ instances: [] })).toThrow(/instances: must list at least one instance/);
    });

    it("rejects an empty instance name", () => {
      expect(build({ instances: [{ name: "" }] })).toThrow(/instances\[0\]\.name: is required/);
    });

    it("rejects duplicate instance names at each repeat", () => {
      expect(build({ instances: [{ name: "web" }, { name: "db" }, { name: "web" }] })).toThrow(
        /instances\[2\]\.name: duplicate instance name "web"/,
      );
    });

    it.each(["Web", "web_1", "web.1", "-web", "web-"])("rejects the instance name %p", (name) => {
      expect(build({ instances: [{ name }] })).toThrow(
        /instances\[0\]\.name: ".*" must be lower-case letters, digits and '-'/,
      );
    });

    it("rejects the public tier", () => {
      expect(build({ instances: [{ name: "a" }, { name: "web", tier: "public" as InstanceTier }] })).toThrow(
        /instances\[1\]\.tier: instances are never placed in public subnets; use private or isolated/,
      );
    });

    it("rejects an unknown tier", () => {
      expect(build({ instances: [{ name: "web", tier: "dmz" as InstanceTier }] })).toThrow(
        /instances\[0\]\.tier: "dmz" must be one of private, isolated/,
      );
    });

    it("rejects the public tier in the defaults", () => {
      expect(build({ defaults: { tier: "public" as InstanceTier } })).toThrow(
        /defaults\.tier: instances are never placed in public subnets/,
      );
    });

    it("rejects a tier the network has no subnets in", () => {
      expect(
        build({ network: fakeNetwork({ tiers: ["isolated"] }), instances: [{ name: "web", tier: "private" }] }),
      ).toThrow(/instances\[0\]\.tier: the network has no private subnets/);
    });

    it("rejects an Availability Zone the tier has no subnet in", () => {
      expect(build({ instances: [{ name: "web", availabilityZone: "eu-west-1c" }] })).toThrow(
        /instances\[0\]\.availabilityZone: eu-west-1c has no isolated subnet; the isolated subnets are in eu-west-1a, eu-west-1b/,
      );
    });

    it.each([0, 65])("rejects the hop limit %p", (metadataHopLimit) => {
      expect(build({ instances: [{ name: "web", metadataHopLimit }] })).toThrow(
        new RegExp(`instances\\[0\\]\\.metadataHopLimit: ${metadataHopLimit} must be an integer from 1 to 64`),
      );
    });

    it.each(["t3", "T3.nano", "t3.", "t3 nano"])("rejects the instance type %p", (instanceType) => {
      expect(build({ instances: [{ name: "web", instanceType }] })).toThrow(
        /instances\[0\]\.instanceType: ".*" must be an instance type such as t3.micro \(family.size\)/,
      );
    });

    it.each([0, 16385, 8.5])("rejects the root volume size %p", (sizeGiB) => {
      expect(build({ instances: [{ name: "web", rootVolume: { sizeGiB } }] })).toThrow(
        /instances\[0\]\.rootVolume\.sizeGiB: .* must be an integer from 1 to 16384/,
      );
    });

    it("rejects a malformed pinned AMI id", () => {
      expect(build({ instances: [{ name: "web", ami: { id: "ami-xyz" } }] })).toThrow(
        /instances\[0\]\.ami\.id: "ami-xyz" must look like ami-0123456789abcdef0/,
      );
    });

    it("rejects an AMI given both as SSM parameter and id", () => {
      expect(
        build({
          instances: [
            { name: "web", ami: { ssmParameter: AMAZON_LINUX_2_AMI_PARAMETER, id: "ami-0123456789abcdef0" } },
          ],
        }),
      ).toThrow(/instances\[0\]\.ami: set ssmParameter or id, not both/);
    });

    it("rejects an SSM parameter that does not start with /", () => {
      expect(build({ instances: [{ name: "web", ami: { ssmParameter: "aws/service/ami" } }] })).toThrow(
        /instances\[0\]\.ami\.ssmParameter: "aws\/service\/ami" must be an SSM parameter name starting with "\/"/,
      );
    });

    it.each(["/dev/nvme0n1", "/dev/nvme1n1p1"])(
      "rejects the NVMe device name %p, which EC2 does not take in a mapping",
      (deviceName) => {
        expect(build({ instances: [{ name: "web", rootVolume: { deviceName } }] })).toThrow(
          /instances\[0\]\.rootVolume\.deviceName: ".*" is a name the kernel gives NVMe volumes at boot; a block device mapping names the AMI's root device, such as \/dev\/xvda/,
        );
      },
    );

    it.each(["xvda", "/dev/xvda1", "/dev/sda16", "/dev/sda0", "/dev/xvdea", "/dev/hda", "/dev/sdA", "/dev/xvda "])(
      "rejects the device name %p",
      (deviceName) => {
        expect(build({ instances: [{ name: "web", rootVolume: { deviceName } }] })).toThrow(
          /instances\[0\]\.rootVolume\.deviceName: ".*" must be the AMI's root device name as EC2 spells it/,
        );
      },
    );

    it("rejects CPU credits on an instance type without them, at the field that set them", () => {
      expect(build({ instances: [{ name: "big", instanceType: "m7i.large", cpuCredits: "standard" }] })).toThrow(
        /instances\[0\]\.cpuCredits: applies to burstable instance types only \(t2, t3, t3a, t4g\); m7i\.large has no CPU credits, remove cpuCredits/,
      );
      expect(
        build({ defaults: { instanceType: "c7i.large" }, instances: [{ name: "big", cpuCredits: "unlimited" }] }),
      ).toThrow(
        /instances\[0\]\.cpuCredits: applies to burstable instance types only .* c7i\.large has no CPU credits/,
      );
      expect(build({ defaults: { instanceType: "c7i.large", cpuCredits: "unlimited" } })).toThrow(
        /defaults\.cpuCredits: applies to burstable/,
      );
    });

    it("rejects an unknown CPU credit option", () => {
      expect(build({ instances: [{ name: "web", cpuCredits: "burst" as "standard" }] })).toThrow(
        /instances\[0\]\.cpuCredits: "burst" must be one of standard, unlimited/,
      );
    });

    it.each([-1, 1.5, Number.NaN])("rejects the replacement generation %p", (replacementGeneration) => {
      expect(build({ instances: [{ name: "web", replacementGeneration }] })).toThrow(
        /instances\[0\]\.replacementGeneration: .* must be a whole number from 0 up/,
      );
    });

    it("rejects an empty instance profile name", () => {
      expect(build({ instanceProfileName: "" })).toThrow(
        /instanceProfileName: is required: without an instance profile SSM cannot manage/,
      );
    });

    it("rejects an instance profile name with characters IAM refuses", () => {
      expect(build({ instanceProfileName: "my profile" })).toThrow(
        /instanceProfileName: "my profile" must be an instance profile name/,
      );
    });

    it.each(["eu-west", "EU-WEST-1", "eu_west_1"])("rejects the region %p", (region) => {
      expect(build({ region })).toThrow(/region: ".*" is not an AWS Region code such as eu-west-1/);
    });

    it("rejects a bad name prefix", () => {
      expect(build({ namePrefix: "1-SSM" })).toThrow(/namePrefix: "1-SSM" must be lower-case letters/);
    });

    it("rejects a malformed S3 gateway prefix list id", () => {
      expect(build({ interfaceEndpoints: ["logs", "s3", "Bad!"] })).toThrow(
        /interfaceEndpoints\[1\]: s3 is served by the gateway endpoint[\s\S]*interfaceEndpoints\[2\]: "Bad!" is not a service short name/,
      );
      expect(build({ allowS3GatewayEgress: false as never })).toThrow(
        /allowS3GatewayEgress: false is not accepted here: write \{ "enabled": false \}/,
      );
      expect(build({ allowS3GatewayEgress: { prefixListId: "s3" } })).toThrow(
        /allowS3GatewayEgress\.prefixListId: "s3" must be a prefix list id/,
      );
    });

    it("rejects an egress rule with both or neither destination", () => {
      expect(build({ additionalEgress: [{ fromPort: 443, cidr: "10.0.0.0/8", prefixListId: "pl-12345678" }] })).toThrow(
        /additionalEgress\[0\]: set cidr or prefixListId, not both/,
      );
      expect(build({ additionalEgress: [{ fromPort: 443 }] })).toThrow(
        /additionalEgress\[0\]: set cidr or prefixListId$/m,
      );
    });

    it("rejects egress ports out of range or reversed, a bad CIDR and an unknown protocol", () => {
      expect(
        build({
          additionalEgress: [
            { fromPort: 70000, cidr: "10.0.0.0/8" },
            { fromPort: 2000, toPort: 1000, cidr: "10.0.0.0/33" },
            { protocol: "icmp" as "tcp", fromPort: 0, cidr: "10.0.0.0/8" },
          ],
        }),
      ).toThrow(
        new RegExp(
          [
            "additionalEgress\\[0\\]\\.fromPort: 70000 must be a port from 0 to 65535",
            "additionalEgress\\[1\\]\\.toPort: 1000 is below fromPort 2000",
            "additionalEgress\\[1\\]\\.cidr: 10.0.0.0/33 is not a valid IPv4 CIDR block",
            'additionalEgress\\[2\\]\\.protocol: "icmp" must be tcp or udp',
          ].join("[\\s\\S]*"),
        ),
      );
    });

    it("rejects an egress CIDR with host bits set, naming the network address (as the provider would at plan)", () => {
      expect(build({ additionalEgress: [{ fromPort: 5432, cidr: "10.20.0.5/16" }] })).toThrow(
        /additionalEgress\[0\]\.cidr: 10\.20\.0\.5\/16 has host bits set; the network address is 10\.20\.0\.0\/16/,
      );
    });

    it("lists every problem in one error and creates nothing", () => {
      let caught: unknown;
      let created = 0;
      Testing.synthScope((scope) => {
        try {
          new PrivateInstances(
            scope,
            "Compute",
            props({
              region: "nowhere",
              instanceProfileName: "",
              instances: [
                { name: "Web", tier: "public" as InstanceTier, metadataHopLimit: 65 },
                { name: "db", availabilityZone: "eu-west-1c" },
              ],
            }),
          );
        } catch (e) {
          caught = e;
        }
        created = scope.node.findAll().filter((c) => c instanceof TerraformResource).length;
      });
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).issues.map((i) => i.path)).toEqual([
        "region",
        "instanceProfileName",
        "instances[0].name",
        "instances[0].tier",
        "instances[0].metadataHopLimit",
        "instances[1].availabilityZone",
      ]);
      expect((caught as ValidationError).message).toMatch(/^stack\/Compute: 6 problems\n/);
      expect(created).toBe(0);
    });
  });
});
