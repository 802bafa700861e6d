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
  // The CDK Terrain deploy (cdktn.e2e.test.ts), then the registry flow (registry.e2e.test.ts), each with a landscape
  // of its own, run beside the lifecycle, mostly waiting. A third worker, all three side by side, left the lifecycle
  // less of the 2 cores' time, and `npm test` no faster (6 min 41 s to 6 min 58 s against 6 min 40 s).
  maxWorkers: 2,
  // Each step with its duration: where the tier's minutes go.
  verbose: true,
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json", diagnostics: false }],
  },
};
