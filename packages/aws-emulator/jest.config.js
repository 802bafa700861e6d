module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "aws-emulator",
  rootDir: __dirname,
  // The tests start real emulators (a Python process each): seconds, more on a loaded machine.
  testTimeout: 60000,
};
