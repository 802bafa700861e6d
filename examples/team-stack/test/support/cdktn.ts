/**
 * CDK Terrain (`cdktn`), the community continuation of cdktf: what a project
 * on cdktf changes in its `package.json` to run on it. docs/cdk-terrain.md
 * ("Moving to CDK Terrain") shows exactly these lines (`test/readme.test.ts`),
 * and the consumer test applies them to its cdktf project.
 */

/** The CDK Terrain release the packages are tested with. */
export const CDKTN_VERSION = "0.24.0";

/** The `constructs` release installed with it (cdktn 0.24 peers on `>=10.6.0 <10.8.0`). */
export const CDKTN_CONSTRUCTS = "10.7.0";

/**
 * The dependencies that change: `cdktf` becomes an npm alias of `cdktn`, so
 * every `import ... from "cdktf"` (yours, ours, `@cdktf/provider-aws`'s) loads
 * CDK Terrain, and `constructs` is pinned to a release cdktn accepts.
 */
export const CDKTN_DEPENDENCIES: Readonly<Record<string, string>> = {
  cdktf: `npm:cdktn@${CDKTN_VERSION}`,
  constructs: CDKTN_CONSTRUCTS,
};

/**
 * npm `overrides` that give the same two to every package in the tree:
 * `@cdktf/provider-aws` 20 peers on `cdktf ^0.21.0`, which no cdktn release
 * satisfies, so without them npm stops with ERESOLVE. `$name` refers to the
 * project's own dependency, so a later `npm install` or `npm ci` agrees with it.
 */
export const CDKTN_OVERRIDES: Readonly<Record<string, string>> = { cdktf: "$cdktf", constructs: "$constructs" };

/** The CLI package: `cdktn` replaces the `cdktf` command. */
export const CDKTN_CLI = `cdktn-cli@${CDKTN_VERSION}`;

/** A project's `package.json` after the move: the dependencies above, and the overrides. */
export function movedToCdktn(pkg: Record<string, unknown>): Record<string, unknown> {
  return {
    ...pkg,
    dependencies: { ...(pkg.dependencies as Record<string, string> | undefined), ...CDKTN_DEPENDENCIES },
    overrides: { ...(pkg.overrides as Record<string, string> | undefined), ...CDKTN_OVERRIDES },
  };
}
