module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "terraform-kit",
  rootDir: __dirname,
};
