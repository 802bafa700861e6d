#!/usr/bin/env node
// @ts-check
/**
 * The `terraform-check` command (`dist/cli.js`): builds this package when its compiled output is missing or
 * older than its sources, then runs it and exits with its exit code.
 */
const path = require("node:path");
const { launch } = require("./launcher.js");

launch({ projectDirs: [path.join(__dirname, "..")], program: "dist/cli.js" });
