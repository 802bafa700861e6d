/**
 * The stacks deployed into a local AWS API emulator: the deploy lifecycle and
 * the plan reviews on real update plans share one emulated landscape. One
 * suite, steps in order, minutes not seconds.
 */
module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "emulator-e2e",
  rootDir: __dirname,
  testMatch: ["<rootDir>/**/*.e2e.test.ts"],
  testTimeout: 600000,
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json", diagnostics: false }],
  },
};
