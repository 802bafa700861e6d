// The documented commands run as written in a fresh copy of the workspace
// (npx nx run doc-tests:doc-test); the parser's unit tests are jest.config.js.
module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "doc-tests:run",
  rootDir: __dirname,
  testMatch: ["<rootDir>/run/**/*.test.ts"],
};
