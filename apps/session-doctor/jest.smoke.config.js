/** The `smoke` target: the `session-doctor` bin run through npx, once `build` has run. */
module.exports = {
  ...require("./jest.config.js"),
  displayName: "session-doctor:smoke",
  testMatch: ["<rootDir>/smoke/**/*.test.ts"],
};
