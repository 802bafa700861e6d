module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "compute",
  rootDir: __dirname,
};
