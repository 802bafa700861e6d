module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "team-stack",
  rootDir: __dirname,
  // Packs, installs, compiles, synthesizes and validates a consumer project: minutes, not seconds, on a cold cache.
  testTimeout: 180_000,
};
