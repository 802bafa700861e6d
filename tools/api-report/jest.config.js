module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "api-report",
  rootDir: __dirname,
};
