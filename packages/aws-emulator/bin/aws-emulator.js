#!/usr/bin/env node
// @ts-check
/**
 * The `aws-emulator` command (`dist/cli.js`): builds it, and the infra app it deploys, when their
 * compiled output is missing or older than the sources, then runs it and exits with its exit code.
 */
const path = require("node:path");
const { launch } = require("@ssm-access/terraform-kit/bin/launcher.js");

launch({
  projectDirs: [path.join(__dirname, ".."), path.join(__dirname, "..", "..", "..", "apps", "infra")],
  program: "dist/cli.js",
});
