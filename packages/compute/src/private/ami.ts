import { Token } from "cdktf";
import { Validator } from "@ssm-access/core";
import { AMAZON_LINUX_2023_AMI_PARAMETER, AMI_ID_PATTERN, AmiSource, SSM_PARAMETER_PATTERN } from "../ami";

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
    v.check(
      SSM_PARAMETER_PATTERN.test(ssmParameter),
      "ami.ssmParameter",
      `"${ssmParameter}" must be an SSM parameter name starting with "/", e.g. ${AMAZON_LINUX_2023_AMI_PARAMETER}`,
    );
  }
  if (id !== undefined && !Token.isUnresolved(id)) {
    v.check(AMI_ID_PATTERN.test(id), "ami.id", `"${id}" must look like ami-0123456789abcdef0`);
  }
}
