module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "stack-diagram",
  rootDir: __dirname,
};
