module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "npm-registry",
  rootDir: __dirname,
  testTimeout: 60000,
};
