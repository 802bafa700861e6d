module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "aws-pricing",
  rootDir: __dirname,
};
