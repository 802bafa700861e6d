module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "workspace-lint",
  rootDir: __dirname,
};
