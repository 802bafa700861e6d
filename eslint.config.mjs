import nx from "@nx/eslint-plugin";
import prettier from "eslint-config-prettier/flat";

/**
 * Lint rules for every project.
 * - Nx module boundaries: packages are imported, apps are run, tools build
 *   and check the workspace. A package never imports an app or a tool, an app
 *   imports packages only, and projects import each other through their
 *   public entry points.
 * - Packages are used through their public entry points only.
 * - Formatting is Prettier's (`.prettierrc.json`): rules that would disagree
 *   with it are off.
 * - Deep provider imports only: the root of @cdktf/provider-aws loads every
 *   resource class (~10x the load time and ~8x the memory of a deep import).
 */
export default [
  ...nx.configs["flat/base"],
  ...nx.configs["flat/typescript"],
  {
    ignores: ["**/dist", "**/node_modules", "**/cdktf.out", "**/cdktf.out.*", "**/.terraform", "**/*.js", "**/*.mjs"],
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // Packages are imported, apps are run, tools build and check the workspace.
            { sourceTag: "type:lib", onlyDependOnLibsWithTags: ["type:lib"] },
            { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:lib"] },
            { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:lib", "type:tool"] },
            { sourceTag: "type:e2e", onlyDependOnLibsWithTags: ["type:lib", "type:app", "type:tool"] },
            // The published construct packages build on core only (compute also on network).
            { sourceTag: "scope:shared", onlyDependOnLibsWithTags: ["scope:shared"] },
            { sourceTag: "scope:network", onlyDependOnLibsWithTags: ["scope:shared"] },
            { sourceTag: "scope:iam", onlyDependOnLibsWithTags: ["scope:shared"] },
            { sourceTag: "scope:maintenance", onlyDependOnLibsWithTags: ["scope:shared"] },
            { sourceTag: "scope:compute", onlyDependOnLibsWithTags: ["scope:shared", "scope:network"] },
            // Internal packages (Terraform I/O, the emulator) are never published and never import the product's constructs' internals.
            { sourceTag: "scope:internal", onlyDependOnLibsWithTags: ["scope:shared", "scope:internal"] },
            {
              sourceTag: "scope:infra",
              onlyDependOnLibsWithTags: [
                "scope:shared",
                "scope:network",
                "scope:iam",
                "scope:compute",
                "scope:maintenance",
                "scope:internal",
              ],
            },
            // Operator programs (review, doctor and connect, diagram).
            { sourceTag: "scope:operator", onlyDependOnLibsWithTags: ["scope:shared", "scope:internal"] },
            {
              sourceTag: "scope:tooling",
              onlyDependOnLibsWithTags: ["scope:shared", "scope:internal", "scope:tooling"],
            },
            {
              sourceTag: "scope:e2e",
              onlyDependOnLibsWithTags: [
                "scope:shared",
                "scope:internal",
                "scope:operator",
                "scope:infra",
                "scope:tooling",
              ],
            },
          ],
        },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message:
                "Import the resource by deep path (@cdktf/provider-aws/lib/<resource>); the package root loads every resource class.",
            },
          ],
          patterns: [
            {
              group: ["@ssm-access/*/src", "@ssm-access/*/src/**", "@ssm-access/*/dist", "@ssm-access/*/dist/**"],
              message:
                "Import a package through its public entry point (@ssm-access/<name>, or @ssm-access/core/testing in tests).",
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  prettier,
];
