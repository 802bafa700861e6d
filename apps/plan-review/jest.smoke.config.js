/** The `smoke` target: the `plan-review` bin run through npx, once `build` has run. */
module.exports = {
  ...require("./jest.config.js"),
  displayName: "plan-review:smoke",
  testMatch: ["<rootDir>/smoke/**/*.test.ts"],
};
