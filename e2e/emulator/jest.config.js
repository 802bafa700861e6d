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
  // One worker per suite: the CDK Terrain deploy (cdktn.e2e.test.ts) and the registry flow (registry.e2e.test.ts)
  // have landscapes of their own and spend most of their time waiting on npm, Terraform and the provider's
  // waits, so they run beside the lifecycle rather than one after the other.
  maxWorkers: 3,
  // Each step with its duration: where the tier's minutes go.
  verbose: true,
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json", diagnostics: false }],
  },
};
