/** The `smoke` target: the `terraform-check` bin run through npx, once `build` has run. */
module.exports = {
  ...require("./jest.config.js"),
  displayName: "terraform-kit:smoke",
  testMatch: ["<rootDir>/smoke/**/*.test.ts"],
};
