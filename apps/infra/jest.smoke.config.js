/** The `smoke` target: the compiled entry point run as a process, once `build` has run. */
module.exports = {
  ...require("./jest.config.js"),
  displayName: "infra:smoke",
  testMatch: ["<rootDir>/smoke/**/*.test.ts"],
};
