#!/usr/bin/env node
// @ts-check
/**
 * The `session-doctor` command (`dist/cli.js`): builds it when its compiled output is missing or older
 * than its sources, then runs it and exits with its exit code.
 */
const path = require("node:path");
const { launch } = require("@ssm-access/terraform-kit/bin/launcher.js");

launch({ projectDirs: [path.join(__dirname, "..")], program: "dist/cli.js" });
