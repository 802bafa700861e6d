import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { Validator } from "@ssm-access/core";

/** The naming props of the network constructs: `namePrefix`, and `name`, its deprecated alias. */
export interface NamePrefixProps {
  /**
   * Naming prefix of every resource (`Name` tags, security group and role names), e.g. `ssm-dev`.
   * Lower-case letters, digits and `-`, starting with a letter, at most 32 characters.
   * Required (unless the deprecated `name` is given).
   */
  readonly namePrefix?: string;
  /**
   * The former name of `namePrefix`, with the same meaning; setting both is an error.
   * @deprecated use `namePrefix`; `name` will be removed in the next minor version.
   */
  readonly name?: string;
}

/**
 * The name prefix of `props`: `namePrefix`, or the deprecated `name` (with a
 * warning annotation on `scope`). Problems (neither set, both set, an invalid
 * value) go into `v`.
 */
export function resolveNamePrefix(scope: Construct, v: Validator, props: NamePrefixProps, maxLength: number): string {
  const { namePrefix, name } = props;
  if (namePrefix !== undefined && name !== undefined) {
    v.add("name", "is the deprecated alias of namePrefix; set namePrefix only, not both");
  } else if (namePrefix === undefined && name === undefined) {
    v.add("namePrefix", "is required");
    return "";
  } else if (name !== undefined) {
    Annotations.of(scope).addWarning(
      `"name" is deprecated: use "namePrefix" (same value); "name" will be removed in the next minor version.`,
    );
  }
  const field = namePrefix !== undefined ? "namePrefix" : "name";
  const value = namePrefix ?? name;
  v.namePrefix(field, value, maxLength);
  return value as string;
}
