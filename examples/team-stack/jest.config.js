module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "team-stack",
  rootDir: __dirname,
  // Packs, installs, compiles, synthesizes and validates a consumer project: minutes, not seconds, on a cold cache.
  testTimeout: 180_000,
  // The consumer pipeline mostly waits on npm and child processes: the release
  // dry run beside it in a second worker shortens the task, not the CPU it takes.
  maxWorkers: 2,
};
