# The dev stack, planned and applied against the real AWS provider schema
# with a mocked provider: no AWS account, no network.
#
# What Terraform computes from the synthesized JSON: references resolved
# between resources, strings Terraform unescapes (policies, documents,
# scripts), outputs. The instances' own settings (IMDSv2, no public IP, the
# encrypted root volume) are the compute construct's tests; the stack's
# wiring is environment-stack.test.ts.

mock_provider "aws" {
  # Values the provider validates when another resource refers to them.
  mock_resource "aws_launch_template" {
    defaults = {
      id = "lt-0123456789abcdef0"
    }
  }
}

run "plan_wires_the_stack" {
  command = plan

  assert {
    condition     = aws_ssm_document.operator_access_port_forwarding_8080.name == "ssm-access-dev-forward-8080" && aws_ssm_document.operator_access_port_forwarding_8080.document_type == "Session"
    error_message = "Dev must have the Session document that forwards port 8080."
  }

  assert {
    condition = (
      jsondecode(aws_ssm_document.operator_access_port_forwarding_8080.content).sessionType == "Port" &&
      jsondecode(aws_ssm_document.operator_access_port_forwarding_8080.content).properties.portNumber == "8080" &&
      keys(jsondecode(aws_ssm_document.operator_access_port_forwarding_8080.content).parameters) == ["localPortNumber"]
    )
    error_message = "The port forwarding document must pin port 8080 and let the client choose only its local port."
  }

  assert {
    condition     = length(aws_security_group.instances_security_group.ingress) == 0
    error_message = "The instance security group must have no ingress rule."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.instances_https_to_vpc.from_port == 443 && aws_vpc_security_group_egress_rule.instances_https_to_vpc.to_port == 443
    error_message = "The instances' egress to the VPC must be HTTPS only."
  }

  assert {
    condition     = aws_launch_template.instances_app_1_launch_template.image_id == "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    error_message = "The AMI must come from the public SSM parameter, resolved at launch."
  }

  assert {
    condition = alltrue([
      for e in [
        aws_vpc_endpoint.network_endpoints_ssm_endpoint,
        aws_vpc_endpoint.network_endpoints_ssmmessages_endpoint,
        aws_vpc_endpoint.network_endpoints_ec2messages_endpoint,
        aws_vpc_endpoint.network_endpoints_logs_endpoint,
        aws_vpc_endpoint.network_endpoints_kms_endpoint,
      ] : e.private_dns_enabled && e.vpc_endpoint_type == "Interface" && length(e.subnet_ids) == 1
    ])
    error_message = "The SSM, logs and KMS interface endpoints must exist with private DNS, in one AZ in dev."
  }

  assert {
    condition     = aws_vpc_endpoint.network_endpoints_ssm_endpoint.service_name == "com.amazonaws.eu-west-1.ssm"
    error_message = "The ssm endpoint must serve com.amazonaws.<region>.ssm."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.network_endpoints_https_from_vpc.from_port == 443 && aws_vpc_security_group_ingress_rule.network_endpoints_https_from_vpc.cidr_ipv4 == "10.10.0.0/16"
    error_message = "The endpoints must accept HTTPS from the VPC only."
  }

  assert {
    condition     = aws_vpc.network.enable_dns_support && aws_vpc.network.enable_dns_hostnames
    error_message = "Private DNS of the endpoints needs VPC DNS support and hostnames."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.instance_role_managed_instance_core.policy_arn == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    error_message = "The instance role must carry AmazonSSMManagedInstanceCore."
  }

  assert {
    condition     = aws_iam_instance_profile.instance_role_instance_profile.role == aws_iam_role.instance_role.name
    error_message = "The instance profile must hold the instance role."
  }

  assert {
    condition     = aws_cloudwatch_log_group.session_logging_log_group.retention_in_days == 30
    error_message = "Dev keeps session transcripts for 30 days."
  }

  assert {
    condition     = aws_kms_key.session_logging_key.enable_key_rotation
    error_message = "The session key must rotate."
  }

  assert {
    condition     = aws_ssm_association.maintenance_patching_scan_association.name == "AWS-RunPatchBaseline" && aws_ssm_association.maintenance_patching_scan_association.parameters["Operation"] == "Scan"
    error_message = "Dev scans for missing patches."
  }

  assert {
    condition     = one([for p in aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.task_invocation_parameters[0].run_command_parameters[0].parameter : p.values if p.name == "Release"])[0] == "2023.9.20251117"
    error_message = "Dev upgrades its instances to the Amazon Linux 2023 release of its file."
  }

  assert {
    condition = alltrue([
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.task_type == "RUN_COMMAND",
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.task_arn == aws_ssm_document.maintenance_release_upgrade_document.name,
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.max_concurrency == "1",
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.max_errors == "0",
    ])
    error_message = "The release upgrade runs the stack's own document, one instance at a time, stopping on the first failure."
  }

  assert {
    condition     = aws_ssm_maintenance_window.maintenance_release_upgrade_maintenance_window.schedule == "cron(0 2 ? * * *)" && !aws_ssm_maintenance_window.maintenance_release_upgrade_maintenance_window.allow_unassociated_targets
    error_message = "Dev's release upgrade has a daily window of its own, an hour before the patch scan."
  }

  assert {
    condition = alltrue([
      aws_ssm_document.maintenance_release_upgrade_document.document_type == "Command",
      jsondecode(aws_ssm_document.maintenance_release_upgrade_document.content).schemaVersion == "2.2",
      jsondecode(aws_ssm_document.maintenance_release_upgrade_document.content).parameters.Release.allowedPattern == "^2023\\.(0|[1-9][0-9]{0,3})\\.[0-9]{8}$",
    ])
    error_message = "The release upgrade document is a schema 2.2 Command document taking only Amazon Linux 2023 release versions."
  }

  assert {
    condition = alltrue([
      for text in ["dnf upgrade --releasever=\"$release\" -y", "releasever_file=/etc/dnf/vars/releasever", "exit 194", "$${reboot_reason:+$reboot_reason; }", "rpm -q --qf '%%{VERSION}' system-release"] :
      strcontains(join("\n", jsondecode(aws_ssm_document.maintenance_release_upgrade_document.content).mainSteps[0].inputs.runCommand), text)
    ])
    error_message = "Terraform must pass the release upgrade script on as written: dnf upgrade to the release, the pin, exit 194, the shell's own $${...} and %%{...}."
  }
}

run "apply_gives_outputs_and_encrypted_logs" {
  command = apply

  assert {
    condition     = jsondecode(aws_ssm_document.session_logging_preferences.content).inputs.cloudWatchLogGroupName == aws_cloudwatch_log_group.session_logging_log_group.name
    error_message = "The Session Manager preferences must send transcripts to the session log group."
  }

  assert {
    condition     = jsondecode(aws_ssm_document.session_logging_preferences.content).sessionType == "Standard_Stream" && aws_ssm_document.session_logging_preferences.name == "SSM-SessionManagerRunShell"
    error_message = "The preferences document must be SSM-SessionManagerRunShell of type Standard_Stream."
  }

  assert {
    condition     = aws_cloudwatch_log_group.session_logging_log_group.kms_key_id == aws_kms_key.session_logging_key.arn
    error_message = "The session log group must be encrypted with the session key."
  }

  assert {
    condition     = jsondecode(aws_ssm_document.session_logging_preferences.content).inputs.kmsKeyId == aws_kms_key.session_logging_key.arn || jsondecode(aws_ssm_document.session_logging_preferences.content).inputs.kmsKeyId == aws_kms_key.session_logging_key.key_id
    error_message = "Sessions must be encrypted with the session key."
  }

  assert {
    condition = alltrue([
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.window_id == aws_ssm_maintenance_window.maintenance_release_upgrade_maintenance_window.id,
      aws_ssm_maintenance_window_target.maintenance_release_upgrade_window_target.window_id == aws_ssm_maintenance_window.maintenance_release_upgrade_maintenance_window.id,
      one(aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.targets).values[0] == aws_ssm_maintenance_window_target.maintenance_release_upgrade_window_target.id,
    ])
    error_message = "Dev's release upgrade task and target are registered in the release window."
  }

  assert {
    condition     = output.vpc_id == aws_vpc.network.id && output.vpc_cidr == "10.10.0.0/16"
    error_message = "The VPC outputs must be present."
  }

  assert {
    condition     = keys(output.instance_ids) == ["app-1"] && output.instance_ids["app-1"] == aws_instance.instances_app_1.id
    error_message = "instance_ids must map each instance name to its id."
  }

  assert {
    condition     = output.connect_commands["app-1"] == "aws ssm start-session --target ${aws_instance.instances_app_1.id} --region eu-west-1"
    error_message = "connect_commands must give the exact Session Manager command."
  }

  assert {
    condition     = output.session_log_group_name == aws_cloudwatch_log_group.session_logging_log_group.name && output.operator_policy_arn == aws_iam_policy.operator_access.arn
    error_message = "The audit and access outputs must be present."
  }

  assert {
    condition = contains(
      flatten([for s in jsondecode(aws_iam_policy.operator_access.policy).Statement : s.Resource if s.Sid == "StartSessionWithPortForwardingDocuments"]),
      "arn:aws:ssm:eu-west-1:111111111111:document/ssm-access-dev-forward-8080"
    )
    error_message = "Operators must be allowed to start sessions with the port 8080 document."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_policy.operator_access.policy).Statement : s.Effect if s.Sid == "DenySshAndAwsPortForwarding"]) == "Deny" &&
      toset(one([for s in jsondecode(aws_iam_policy.operator_access.policy).Statement : s.Resource if s.Sid == "DenySshAndAwsPortForwarding"])) == toset([
        "arn:aws:ssm:*:*:document/AWS-StartSSHSession",
        "arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession",
        "arn:aws:ssm:*:*:document/AWS-StartPortForwardingSessionToRemoteHost",
      ])
    )
    error_message = "The AWS port forwarding and SSH documents must stay denied."
  }

  assert {
    condition = (
      aws_instance.instances_app_1.launch_template[0].id == aws_launch_template.instances_app_1_launch_template.id &&
      aws_instance.instances_app_1.launch_template[0].version == tostring(aws_launch_template.instances_app_1_launch_template.latest_version)
    )
    error_message = "The instance must launch from its own launch template's latest version (where its root volume is declared)."
  }

  assert {
    condition     = aws_instance.instances_app_1.iam_instance_profile == aws_iam_instance_profile.instance_role_instance_profile.name
    error_message = "The instance must run with the instance role's profile."
  }

  assert {
    condition     = output.port_forwarding_documents == { "8080" = aws_ssm_document.operator_access_port_forwarding_8080.name }
    error_message = "port_forwarding_documents must name the document of each allowed forwarding."
  }
}
