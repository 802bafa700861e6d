/** The deploy lifecycle against the emulator: one suite, steps in order, minutes not seconds. */
module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "aws-emulator-e2e",
  rootDir: __dirname,
  testMatch: ["<rootDir>/e2e/**/*.e2e.test.ts"],
  testTimeout: 600000,
};
