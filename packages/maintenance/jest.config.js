module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "maintenance",
  rootDir: __dirname,
};
