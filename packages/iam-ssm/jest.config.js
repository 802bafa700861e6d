module.exports = {
  ...require("../../jest.preset.js"),
  displayName: "iam-ssm",
  rootDir: __dirname,
};
