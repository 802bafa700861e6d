/**
 * Shared Jest settings. Tests are transpiled only (no type-check per file);
 * each project type-checks once through its `typecheck` target.
 */
const path = require("node:path");
const { pathsToModuleNameMapper } = require("ts-jest");
const { compilerOptions } = require("./tsconfig.base.json");

module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  moduleFileExtensions: ["ts", "js", "json"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.spec.json", diagnostics: false }],
  },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, {
    prefix: path.join(__dirname, "/"),
  }),
  setupFilesAfterEnv: [path.join(__dirname, "jest.setup.js")],
  // Jest's transform cache stays in the workspace (git-ignored), not in the
  // system's temporary folder, which the CI run checks for leftovers.
  cacheDirectory: path.join(__dirname, "node_modules", ".cache", "jest"),
  clearMocks: true,
};
