/** The `smoke` target: the `stack-diagram` bin run through npx, once `build` has run. */
module.exports = {
  ...require("./jest.config.js"),
  displayName: "stack-diagram:smoke",
  testMatch: ["<rootDir>/smoke/**/*.test.ts"],
};
