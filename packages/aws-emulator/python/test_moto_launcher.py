"""EC2 fidelity patches of moto_launcher, checked in-process: python3 -m unittest (from this folder)."""

from __future__ import annotations

import itertools
import threading
import time
import unittest

import boto3
from moto import mock_aws

import moto_launcher

moto_launcher.apply_patches()

IMAGE = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


class InstanceReadBack(unittest.TestCase):
    """One mocked account for the class (starting a mock resets every backend, about half a second each):
    the tests share the VPC, subnet and group, and each launches its own instances."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.mock = mock_aws()
        cls.mock.start()
        cls.addClassCleanup(cls.mock.stop)
        cls.templates = itertools.count(1)
        cls.ec2 = boto3.client("ec2", region_name="eu-central-1")
        cls.vpc = cls.ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
        cls.subnet = cls.ec2.create_subnet(VpcId=cls.vpc, CidrBlock="10.10.1.0/24")["Subnet"]["SubnetId"]
        cls.sg = cls.ec2.create_security_group(GroupName="instances", Description="d", VpcId=cls.vpc)["GroupId"]

    def template(self, **data: object) -> dict:
        data = {
            "ImageId": IMAGE,
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "VolumeType": "gp3", "VolumeSize": 8}}],
            **data,
        }
        lt = self.ec2.create_launch_template(LaunchTemplateName=f"template-{next(self.templates)}", LaunchTemplateData=data)["LaunchTemplate"]
        return {"LaunchTemplateId": lt["LaunchTemplateId"], "Version": str(lt["LatestVersionNumber"])}

    def run_like_provider(self, template: dict, groups: list[str]) -> str:
        """aws_instance with subnet_id and associate_public_ip_address: everything on NetworkInterfaces[0]."""
        nic = {"DeviceIndex": 0, "SubnetId": self.subnet, "AssociatePublicIpAddress": False}
        if groups:
            nic["Groups"] = groups
        run = self.ec2.run_instances(MinCount=1, MaxCount=1, InstanceType="t3.nano", LaunchTemplate=template, NetworkInterfaces=[nic])
        return run["Instances"][0]["InstanceId"]

    def describe(self, instance_id: str) -> dict:
        return self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]

    def user_data(self, instance_id: str) -> dict:
        return self.ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")["UserData"]

    def test_image_parameter_is_resolved_as_ec2_does(self) -> None:
        instance = self.describe(self.run_like_provider(self.template(), [self.sg]))
        ssm = boto3.client("ssm", region_name="eu-central-1")
        expected = ssm.get_parameter(Name=IMAGE.removeprefix("resolve:ssm:"))["Parameter"]["Value"]
        self.assertTrue(expected.startswith("ami-"))
        self.assertEqual(instance["ImageId"], expected)
        image = self.ec2.describe_images(ImageIds=[instance["ImageId"]])["Images"][0]
        self.assertRegex(image["Name"], r"^al2023-ami-2023\.")

    def test_termination_protection_is_kept(self) -> None:
        nic = {"DeviceIndex": 0, "SubnetId": self.subnet, "AssociatePublicIpAddress": False}
        run = self.ec2.run_instances(MinCount=1, MaxCount=1, LaunchTemplate=self.template(), NetworkInterfaces=[nic], DisableApiTermination=True)
        instance_id = run["Instances"][0]["InstanceId"]
        attr = self.ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="disableApiTermination")
        self.assertTrue(attr["DisableApiTermination"]["Value"])
        unprotected = self.run_like_provider(self.template(), [self.sg])
        attr = self.ec2.describe_instance_attribute(InstanceId=unprotected, Attribute="disableApiTermination")
        self.assertFalse(attr["DisableApiTermination"]["Value"])

    def test_interface_groups_are_the_instance_groups(self) -> None:
        instance_id = self.run_like_provider(self.template(), [self.sg])
        instance = self.describe(instance_id)
        self.assertEqual([g["GroupId"] for g in instance["SecurityGroups"]], [self.sg])
        self.assertEqual([g["GroupId"] for g in instance["NetworkInterfaces"][0]["Groups"]], [self.sg])
        groups = self.ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="groupSet")["Groups"]
        self.assertEqual([g["GroupId"] for g in groups], [self.sg])

    def test_no_groups_means_the_vpc_default_group(self) -> None:
        default = self.ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [self.vpc]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"][0]["GroupId"]
        instance = self.describe(self.run_like_provider(self.template(), []))
        self.assertEqual([g["GroupId"] for g in instance["SecurityGroups"]], [default])

    def test_instance_level_groups_unchanged(self) -> None:
        run = self.ec2.run_instances(MinCount=1, MaxCount=1, ImageId="ami-12c6146b", SubnetId=self.subnet, SecurityGroupIds=[self.sg])
        instance = self.describe(run["Instances"][0]["InstanceId"])
        self.assertEqual([g["GroupId"] for g in instance["SecurityGroups"]], [self.sg])

    def test_empty_template_user_data_is_no_user_data(self) -> None:
        # aws_launch_template always sends LaunchTemplateData.UserData, "" when user_data is unset
        instance_id = self.run_like_provider(self.template(UserData=""), [self.sg])
        self.assertEqual(self.user_data(instance_id), {})

    def test_template_user_data_is_inherited(self) -> None:
        instance_id = self.run_like_provider(self.template(UserData="IyEvYmluL3NoCg=="), [self.sg])
        self.assertEqual(self.user_data(instance_id), {"Value": "IyEvYmluL3NoCg=="})

    def test_run_instances_user_data_round_trips(self) -> None:
        run = self.ec2.run_instances(MinCount=1, MaxCount=1, ImageId="ami-12c6146b", SubnetId=self.subnet, UserData="#!/bin/sh\n")
        self.assertEqual(self.user_data(run["Instances"][0]["InstanceId"]), {"Value": "IyEvYmluL3NoCg=="})


class OneRequestAtATime(unittest.TestCase):
    def test_requests_never_overlap(self) -> None:
        running, most = 0, 0
        guard = threading.Lock()

        def app(environ: dict, start_response: object) -> list[bytes]:
            nonlocal running, most
            with guard:
                running += 1
                most = max(most, running)
            time.sleep(0.02)
            with guard:
                running -= 1
            return [b"ok"]

        handle = moto_launcher.serialized(app)
        threads = [threading.Thread(target=handle, args=({}, None)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(most, 1)

    def test_the_server_is_started_with_the_serialized_application(self) -> None:
        self.assertIs(moto_launcher.moto_server.run_simple, moto_launcher._run_simple)


if __name__ == "__main__":
    unittest.main()


@mock_aws
class VpcEndpointPrivateDns(unittest.TestCase):
    def test_private_dns_turns_off_and_on(self) -> None:
        ec2 = boto3.client("ec2", region_name="eu-west-1")
        vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.10.1.0/24")["Subnet"]["SubnetId"]
        endpoint = ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName="com.amazonaws.eu-west-1.ssmmessages", VpcEndpointType="Interface", SubnetIds=[subnet], PrivateDnsEnabled=True
        )["VpcEndpoint"]["VpcEndpointId"]
        private_dns = lambda: ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint])["VpcEndpoints"][0]["PrivateDnsEnabled"]  # noqa: E731
        self.assertTrue(private_dns())
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint, PrivateDnsEnabled=False)
        self.assertFalse(private_dns())
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint, PrivateDnsEnabled=True)
        self.assertTrue(private_dns())


@mock_aws
class GatewayEndpointRoutes(unittest.TestCase):
    """A gateway endpoint's route to its prefix list follows its route tables, as on AWS."""

    def setUp(self) -> None:
        self.ec2 = boto3.client("ec2", region_name="eu-west-1")
        vpc = self.ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
        self.table = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        self.other = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        self.endpoint = self.ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName="com.amazonaws.eu-west-1.s3", VpcEndpointType="Gateway", RouteTableIds=[self.table, self.other]
        )["VpcEndpoint"]["VpcEndpointId"]

    def endpoint_routes(self, table: str) -> list[dict]:
        routes = self.ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
        return [r for r in routes if r.get("GatewayId") == self.endpoint]

    def route_tables(self) -> list[str]:
        return self.ec2.describe_vpc_endpoints(VpcEndpointIds=[self.endpoint])["VpcEndpoints"][0]["RouteTableIds"]

    def test_removing_a_route_table_removes_the_route_from_it_only(self) -> None:
        [route] = self.endpoint_routes(self.table)
        self.assertTrue(route["DestinationPrefixListId"].startswith("pl-"))
        self.ec2.modify_vpc_endpoint(VpcEndpointId=self.endpoint, RemoveRouteTableIds=[self.table])
        self.assertEqual(self.endpoint_routes(self.table), [])
        self.assertEqual(len(self.endpoint_routes(self.other)), 1)
        self.assertEqual(self.route_tables(), [self.other])

    def test_adding_it_back_adds_the_route_again(self) -> None:
        prefix_list = self.endpoint_routes(self.table)[0]["DestinationPrefixListId"]
        self.ec2.modify_vpc_endpoint(VpcEndpointId=self.endpoint, RemoveRouteTableIds=[self.table])
        self.ec2.modify_vpc_endpoint(VpcEndpointId=self.endpoint, AddRouteTableIds=[self.table])
        self.assertEqual([r["DestinationPrefixListId"] for r in self.endpoint_routes(self.table)], [prefix_list])
        self.assertEqual(sorted(self.route_tables()), sorted([self.table, self.other]))

    def test_other_modifications_leave_the_routes_alone(self) -> None:
        self.ec2.modify_vpc_endpoint(VpcEndpointId=self.endpoint, PolicyDocument='{"Statement": []}')
        self.assertEqual(len(self.endpoint_routes(self.table)), 1)
        self.assertEqual(len(self.endpoint_routes(self.other)), 1)


class ServiceSettings(unittest.TestCase):
    """What aws_ssm_service_setting calls: update, read back by ARN, reset."""

    def setUp(self) -> None:
        self.mock = mock_aws()
        self.mock.start()
        self.addCleanup(self.mock.stop)
        self.ssm = boto3.client("ssm", region_name="eu-west-1")
        self.path = "/ssm/documents/console/public-sharing-permission"
        self.arn = f"arn:aws:ssm:eu-west-1:123456789012:servicesetting{self.path}"

    def test_answers_the_default_until_updated_then_the_value_until_reset(self) -> None:
        setting = self.ssm.get_service_setting(SettingId=self.arn)["ServiceSetting"]
        self.assertEqual((setting["SettingValue"], setting["Status"], setting["ARN"]), ("Enable", "Default", self.arn))
        self.ssm.update_service_setting(SettingId=self.arn, SettingValue="Disable")
        for setting_id in (self.arn, self.path):
            setting = self.ssm.get_service_setting(SettingId=setting_id)["ServiceSetting"]
            self.assertEqual((setting["SettingValue"], setting["Status"], setting["ARN"]), ("Disable", "Customized", self.arn))
        reset = self.ssm.reset_service_setting(SettingId=self.arn)["ServiceSetting"]
        self.assertEqual((reset["SettingValue"], reset["Status"]), ("Enable", "Default"))

    def test_keeps_settings_per_region(self) -> None:
        self.ssm.update_service_setting(SettingId=self.path, SettingValue="Disable")
        other = boto3.client("ssm", region_name="us-east-1").get_service_setting(SettingId=self.path)["ServiceSetting"]
        self.assertEqual(other["SettingValue"], "Enable")

    def test_rejects_an_unknown_setting(self) -> None:
        with self.assertRaises(self.ssm.exceptions.ClientError) as raised:
            self.ssm.get_service_setting(SettingId="/ssm/no/such/setting")
        self.assertEqual(raised.exception.response["Error"]["Code"], "ServiceSettingNotFound")


class ObjectLockOnBucketWithObjects(unittest.TestCase):
    def test_the_configuration_is_put_on_a_bucket_holding_objects_as_s3_does(self) -> None:
        with mock_aws():
            s3 = boto3.client("s3", region_name="eu-west-1")
            s3.create_bucket(
                Bucket="transcripts",
                CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
                ObjectLockEnabledForBucket=True,
            )
            s3.put_object(Bucket="transcripts", Key="sessions/a.log", Body=b"x")
            # What the provider sends to destroy an aws_s3_bucket_object_lock_configuration.
            s3.put_object_lock_configuration(Bucket="transcripts", ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
            config = s3.get_object_lock_configuration(Bucket="transcripts")["ObjectLockConfiguration"]
            self.assertEqual(config["ObjectLockEnabled"], "Enabled")
            self.assertNotIn("Rule", config)
            with self.assertRaises(s3.exceptions.ClientError) as refused:
                s3.delete_bucket(Bucket="transcripts")
            self.assertEqual(refused.exception.response["Error"]["Code"], "BucketNotEmpty")


class InstanceProfileRoleRemoval(unittest.TestCase):
    def test_removing_a_role_the_profile_no_longer_holds_is_no_such_entity(self) -> None:
        with mock_aws():
            iam = boto3.client("iam", region_name="us-east-1")
            iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")
            iam.create_instance_profile(InstanceProfileName="p")
            iam.add_role_to_instance_profile(InstanceProfileName="p", RoleName="r")
            iam.remove_role_from_instance_profile(InstanceProfileName="p", RoleName="r")
            self.assertEqual(iam.get_instance_profile(InstanceProfileName="p")["InstanceProfile"]["Roles"], [])
            # A retried removal: the provider takes NoSuchEntity as done; a 500 it retries for minutes.
            with self.assertRaises(iam.exceptions.NoSuchEntityException):
                iam.remove_role_from_instance_profile(InstanceProfileName="p", RoleName="r")
