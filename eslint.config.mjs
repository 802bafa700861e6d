import nx from "@nx/eslint-plugin";
import prettier from "eslint-config-prettier/flat";

/**
 * Lint rules for every project.
 * - Nx module boundaries: libraries never import applications or tools, and
 *   projects only import each other through their public entry points.
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
            { sourceTag: "type:lib", onlyDependOnLibsWithTags: ["type:lib"] },
            { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:lib", "type:tool"] },
            { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:lib", "type:tool"] },
            { sourceTag: "type:e2e", onlyDependOnLibsWithTags: ["type:lib", "type:tool"] },
            { sourceTag: "scope:shared", onlyDependOnLibsWithTags: ["scope:shared"] },
            { sourceTag: "scope:network", onlyDependOnLibsWithTags: ["scope:shared"] },
            { sourceTag: "scope:iam", onlyDependOnLibsWithTags: ["scope:shared"] },
            { sourceTag: "scope:maintenance", onlyDependOnLibsWithTags: ["scope:shared"] },
            { sourceTag: "scope:compute", onlyDependOnLibsWithTags: ["scope:shared", "scope:network"] },
            {
              sourceTag: "scope:infra",
              onlyDependOnLibsWithTags: [
                "scope:shared",
                "scope:network",
                "scope:iam",
                "scope:compute",
                "scope:maintenance",
                "scope:tooling",
              ],
            },
            { sourceTag: "scope:tooling", onlyDependOnLibsWithTags: ["scope:shared", "scope:tooling"] },
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
