module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "doc-tests",
  rootDir: __dirname,
};
