# The state bootstrap stack, planned against the real AWS provider schema
# with mocked providers (one per account of the environments).

mock_provider "aws" {
  alias = "a111111111111_eu_west_1"
}

mock_provider "aws" {
  alias = "a222222222222_eu_west_1"
}

run "state_buckets_are_locked_down" {
  command = plan

  assert {
    condition = alltrue([
      for v in [
        aws_s3_bucket_versioning.ssm_access_tfstate_111111111111_eu_west_1_versioning,
        aws_s3_bucket_versioning.ssm_access_tfstate_222222222222_eu_west_1_versioning,
      ] : v.versioning_configuration[0].status == "Enabled"
    ])
    error_message = "State buckets must be versioned."
  }

  assert {
    condition = alltrue([
      for e in [
        aws_s3_bucket_server_side_encryption_configuration.ssm_access_tfstate_111111111111_eu_west_1_encryption,
        aws_s3_bucket_server_side_encryption_configuration.ssm_access_tfstate_222222222222_eu_west_1_encryption,
      ] : one(e.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    ])
    error_message = "State buckets must be encrypted by default."
  }

  assert {
    condition = alltrue([
      for b in [
        aws_s3_bucket_public_access_block.ssm_access_tfstate_111111111111_eu_west_1_public_access_block,
        aws_s3_bucket_public_access_block.ssm_access_tfstate_222222222222_eu_west_1_public_access_block,
      ] : b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets
    ])
    error_message = "State buckets must block all public access."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.ssm_access_tfstate_111111111111_eu_west_1_policy.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "State buckets must deny requests without TLS."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.ssm_access_tfstate_222222222222_eu_west_1_lifecycle.rule).noncurrent_version_expiration[0].noncurrent_days == 90
    error_message = "Old state versions must expire after 90 days."
  }
}
