module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "session-doctor",
  rootDir: __dirname,
};
