# The prod stack, planned and applied against the real AWS provider schema
# with a mocked provider: no AWS account, no network.
#
# What Terraform computes from the synthesized JSON (see the dev suite); the
# instances' own settings are the compute construct's tests.

mock_provider "aws" {
  # Values the provider validates when another resource refers to them.
  mock_resource "aws_launch_template" {
    defaults = {
      id = "lt-0123456789abcdef0"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::222222222222:role/mock"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:222222222222:log-group:mock"
    }
  }
}

run "plan_wires_the_stack" {
  command = plan

  assert {
    condition = alltrue([
      for i in [aws_instance.instances_app_1, aws_instance.instances_app_2] : i.disable_api_termination
    ])
    error_message = "Every prod instance has termination protection on (terminationProtection of prod.json)."
  }

  assert {
    condition     = length(aws_security_group.instances_security_group.ingress) == 0
    error_message = "The instance security group must have no ingress rule."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.instance_role_managed_instance_core.policy_arn == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    error_message = "The instance role must carry AmazonSSMManagedInstanceCore."
  }

  assert {
    condition     = aws_flow_log.network_flow_logs.traffic_type == "ALL" && aws_flow_log.network_flow_logs.log_destination_type == "cloud-watch-logs"
    error_message = "Prod records VPC flow logs to CloudWatch Logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.session_logging_log_group.retention_in_days == 365
    error_message = "Prod keeps session transcripts for a year."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.session_logging_bucket_public_access_block.block_public_acls,
      aws_s3_bucket_public_access_block.session_logging_bucket_public_access_block.block_public_policy,
      aws_s3_bucket_public_access_block.session_logging_bucket_public_access_block.ignore_public_acls,
      aws_s3_bucket_public_access_block.session_logging_bucket_public_access_block.restrict_public_buckets,
    ])
    error_message = "The transcript bucket must block all public access."
  }

  assert {
    condition     = aws_ssm_maintenance_window_task.maintenance_patching_install_task.task_arn == "AWS-RunPatchBaseline" && one([for p in aws_ssm_maintenance_window_task.maintenance_patching_install_task.task_invocation_parameters[0].run_command_parameters[0].parameter : p.values if p.name == "Operation"])[0] == "Install"
    error_message = "Prod installs patches inside the maintenance window."
  }

  assert {
    condition     = aws_ssm_maintenance_window.maintenance_patching_maintenance_window.schedule == "cron(0 3 ? * SUN *)"
    error_message = "The prod patch window opens on Sundays at 03:00."
  }

  assert {
    condition     = one([for p in aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.task_invocation_parameters[0].run_command_parameters[0].parameter : p.values if p.name == "Release"])[0] == "2023.9.20251117"
    error_message = "Prod upgrades its instances to the Amazon Linux 2023 release promoted from dev."
  }

  assert {
    condition = alltrue([
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.task_arn == aws_ssm_document.maintenance_release_upgrade_document.name,
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.priority > aws_ssm_maintenance_window_task.maintenance_patching_install_task.priority,
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.max_concurrency == "1",
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.max_errors == "0",
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.task_invocation_parameters[0].run_command_parameters[0].output_s3_key_prefix == "maintenance/release-upgrade",
    ])
    error_message = "Prod's release upgrade runs after the patch install, one instance at a time, with its output in the session bucket."
  }
}

run "apply_gives_outputs_and_encrypted_audit" {
  command = apply

  assert {
    condition     = aws_instance.instances_app_1.subnet_id == aws_subnet.network_isolated_subnet_a.id && aws_instance.instances_app_2.subnet_id == aws_subnet.network_isolated_subnet_b.id
    error_message = "The two prod instances must be spread across Availability Zones."
  }

  assert {
    condition = alltrue([
      for e in [
        aws_vpc_endpoint.network_endpoints_ssm_endpoint,
        aws_vpc_endpoint.network_endpoints_ssmmessages_endpoint,
        aws_vpc_endpoint.network_endpoints_ec2messages_endpoint,
        aws_vpc_endpoint.network_endpoints_logs_endpoint,
        aws_vpc_endpoint.network_endpoints_kms_endpoint,
      ] : e.private_dns_enabled && toset(e.subnet_ids) == toset([
        aws_subnet.network_isolated_subnet_a.id,
        aws_subnet.network_isolated_subnet_b.id,
        aws_subnet.network_isolated_subnet_c.id,
      ])
    ])
    error_message = "Prod carries every interface endpoint, with private DNS, in all three AZs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.session_logging_log_group.kms_key_id == aws_kms_key.session_logging_key.arn
    error_message = "The session log group must be encrypted with the session key."
  }

  assert {
    condition     = jsondecode(aws_ssm_document.session_logging_preferences.content).inputs.cloudWatchLogGroupName == aws_cloudwatch_log_group.session_logging_log_group.name
    error_message = "The Session Manager preferences must send transcripts to the session log group."
  }

  assert {
    condition     = jsondecode(aws_ssm_document.session_logging_preferences.content).inputs.s3BucketName == aws_s3_bucket.session_logging_bucket.bucket
    error_message = "The Session Manager preferences must also send transcripts to the bucket."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.session_logging_bucket_encryption.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.session_logging_key.arn
    error_message = "The transcript bucket must be encrypted with the session key."
  }

  assert {
    condition     = length(output.instance_ids) == 2 && output.connect_commands["app-2"] == "aws ssm start-session --target ${aws_instance.instances_app_2.id} --region eu-west-1"
    error_message = "The instance outputs must cover both instances with their connect commands."
  }

  assert {
    condition     = output.session_bucket_name == aws_s3_bucket.session_logging_bucket.bucket
    error_message = "The transcript bucket output must be present."
  }

  assert {
    condition = alltrue([
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.window_id == aws_ssm_maintenance_window.maintenance_patching_maintenance_window.id,
      aws_ssm_maintenance_window_target.maintenance_release_upgrade_window_target.window_id == aws_ssm_maintenance_window.maintenance_patching_maintenance_window.id,
      aws_ssm_maintenance_window_task.maintenance_release_upgrade_task.task_invocation_parameters[0].run_command_parameters[0].output_s3_bucket == aws_s3_bucket.session_logging_bucket.bucket,
    ])
    error_message = "Prod's release upgrade is registered in the patch window and writes to the session bucket."
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_policy.operator_access.policy).Statement : s if s.Sid == "StartSessionWithPortForwardingDocuments"]) == 0
    error_message = "Prod allows no port forwarding."
  }
}
