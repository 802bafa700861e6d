/**
 * One naming rule for every resource: lower-case words joined by `-`,
 * e.g. `resourceName("ssm-dev", "isolated", "a")` → `ssm-dev-isolated-a`.
 * Empty parts are skipped. Used for `Name` tags and AWS resource names.
 */
export function resourceName(...parts: ReadonlyArray<string | undefined>): string {
  return parts
    .filter((p): p is string => !!p && p.length > 0)
    .map((p) =>
      p
        .trim()
        .replace(/[^A-Za-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-|-$/g, "")
        .toLowerCase(),
    )
    .filter((p) => p.length > 0)
    .join("-");
}

/** The `Name` tag for a resource, from {@link resourceName}. */
export function nameTag(...parts: ReadonlyArray<string | undefined>): { Name: string } {
  return { Name: resourceName(...parts) };
}

/**
 * Short suffix of an Availability Zone for names: `eu-west-1a` → `a`,
 * `us-east-1-bos-1a` (Local Zone) → `bos-1a`.
 */
export function azSuffix(availabilityZone: string): string {
  const m = /^[a-z]{2}(?:-[a-z]+)+-\d+-?(.*)$/.exec(availabilityZone);
  return m && m[1] ? m[1] : availabilityZone;
}

/** A valid name prefix: lower-case letters, digits and `-`, starting with a letter, at most `max` characters. */
export const NAME_PREFIX_PATTERN = /^[a-z][a-z0-9-]*$/;

/** PascalCase of the words of `text`, for construct ids: `bos-1a` → `Bos1a`, `ecr.api` → `EcrApi`. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join("");
}
