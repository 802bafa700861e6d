import { Token } from "cdktf";
import { Validator } from "./validation";

/**
 * The instances a construct acts on or grants access to: every instance that
 * carries the tag `key=value`. Instances are never listed by id, so instances
 * replaced or added later are covered without a change to the stack.
 */
export interface InstanceTagTarget {
  /** Tag key, e.g. `SsmAccessGroup`; without the `tag:` prefix Systems Manager targets use (it is added for you). */
  readonly key: string;
  /** Tag value the instances must carry, e.g. `ssm-access-prod`. */
  readonly value: string;
}

/** Characters and length AWS allows in a tag key (1-128 letters, digits, spaces and `_ . : / = + - @`). */
export const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/** Characters and length AWS allows in a tag value (up to 256 letters, digits, spaces and `_ . : / = + - @`). */
export const TAG_VALUE_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * Checks a tag target; `v` is positioned at the target (e.g. `v.child("target")`).
 * The key: not empty, a tag key AWS accepts, not `aws:` (reserved: nobody can
 * put such a tag on an instance) nor `tag:` (the targets' prefix, added for
 * you). The value: not empty (a target must select something), a tag value AWS
 * accepts. Values holding tokens are taken as they are.
 */
export function validateTagTarget(v: Validator, target: InstanceTagTarget | undefined): void {
  if (target === undefined || target === null || typeof target !== "object") {
    v.add("", "is required");
    return;
  }
  const { key, value } = target;
  if (typeof key !== "string" || key.trim().length === 0) {
    v.add("key", "must not be empty");
  } else if (!Token.isUnresolved(key)) {
    if (/^tag:/i.test(key)) {
      v.add("key", `"${key}" must not start with "tag:" (the prefix is added for you)`);
    } else {
      v.check(
        TAG_KEY_PATTERN.test(key) && !key.startsWith("aws:"),
        "key",
        `"${key}" is not a tag key (at most 128 letters, digits, spaces and _ . : / = + - @; not starting with aws:)`,
      );
    }
  }
  if (typeof value !== "string" || value.trim().length === 0) {
    v.add("value", "must not be empty");
  } else if (!Token.isUnresolved(value)) {
    v.check(
      TAG_VALUE_PATTERN.test(value),
      "value",
      `"${value}" is not a tag value (at most 256 letters, digits, spaces and _ . : / = + - @)`,
    );
  }
}
