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
  // The CDK Terrain deploy (cdktn.e2e.test.ts) has its own landscape: it runs beside the lifecycle, mostly waiting.
  maxWorkers: 2,
  // Each step with its duration: where the tier's minutes go.
  verbose: true,
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json", diagnostics: false }],
  },
};
