/**
 * The one way the constructs of this library, and the environment files
 * built on them, say "off".
 *
 * An optional feature is an options object with an optional `enabled`:
 * - leave the object out: the feature keeps its default (documented on each prop);
 * - give the object: the feature is on, with those settings;
 * - give it with `enabled: false`: the feature is off (its settings are kept, unused).
 *
 * Never `false` or `true` instead of the object, never a mode named `off`.
 */
export interface FeatureOptions {
  /**
   * Whether the feature is on.
   * @default true (the options are given); leaving the options out keeps the feature's default
   */
  readonly enabled?: boolean;
}

/**
 * Whether a feature is on: its default when its options are left out,
 * otherwise on unless the options say `enabled: false`.
 */
export function isEnabled(options: FeatureOptions | undefined, byDefault: boolean): boolean {
  return options === undefined ? byDefault : options.enabled !== false;
}

/**
 * Why `value` is not a feature's options (a bare `true` / `false`, or an
 * `enabled` that is not a boolean), naming the spelling to write instead;
 * `undefined` when it is fine (absent, or an object).
 */
export function featureOptionsProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "boolean") {
    return `${value} is not accepted here: write { "enabled": ${value} } (a feature is an options object; "enabled": false turns it off)`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `${JSON.stringify(value)} is not an options object`;
  }
  const enabled = (value as { enabled?: unknown }).enabled;
  if (enabled !== undefined && typeof enabled !== "boolean")
    return `enabled: ${JSON.stringify(enabled)} is not true or false`;
  return undefined;
}
