import { Token } from "cdktf";
import { Validator } from "@ssm-access/core";
import {
  AMAZON_LINUX_2023_AMI_PARAMETER,
  AMAZON_LINUX_2_PARAMETER_PREFIX,
  AMI_ID_PATTERN,
  AmiSource,
  SSM_PARAMETER_PATTERN,
} from "../ami";

/**
 * The `image_id` of a launch template for `ami`: `resolve:ssm:<parameter>`
 * (EC2 resolves it at launch) or the pinned id.
 */
export function launchTemplateImageId(ami: AmiSource): string {
  if (ami.id !== undefined) return ami.id;
  if (ami.ssmParameter !== undefined) return `resolve:ssm:${ami.ssmParameter}`;
  throw new Error("an AMI source needs ssmParameter or id");
}

/**
 * Records every problem of `ami` in `v` (paths relative to `v`'s prefix, e.g.
 * `ami.id`). Values that are Terraform tokens are not checked.
 */
export function validateAmi(v: Validator, ami: AmiSource): void {
  const { ssmParameter, id } = ami;
  if (ssmParameter !== undefined && id !== undefined) {
    v.add("ami", "set ssmParameter or id, not both");
  } else if (ssmParameter === undefined && id === undefined) {
    v.add("ami", "set ssmParameter or id");
  }
  if (ssmParameter !== undefined && !Token.isUnresolved(ssmParameter)) {
    if (ssmParameter.startsWith(AMAZON_LINUX_2_PARAMETER_PREFIX)) {
      v.add(
        "ami.ssmParameter",
        `"${ssmParameter}" is Amazon Linux 2, which reached end of support on 2026-06-30 (no more security updates), and whose yum repositories are reached over plain HTTP (port 80) in commercial Regions, which the instances' 443-only egress blocks, so patching would fail; use Amazon Linux 2023: ${AMAZON_LINUX_2023_AMI_PARAMETER} (or leave ami out for it)`,
      );
    } else {
      v.check(
        SSM_PARAMETER_PATTERN.test(ssmParameter),
        "ami.ssmParameter",
        `"${ssmParameter}" must be an SSM parameter name starting with "/", e.g. ${AMAZON_LINUX_2023_AMI_PARAMETER}`,
      );
    }
  }
  if (id !== undefined && !Token.isUnresolved(id)) {
    v.check(AMI_ID_PATTERN.test(id), "ami.id", `"${id}" must look like ami-0123456789abcdef0`);
  }
}
