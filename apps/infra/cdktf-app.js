#!/usr/bin/env node
// @ts-check
/**
 * The `app` command of `cdktf.json` (what `npx cdktf synth`, `diff` and
 * `deploy` run): builds only when a source of this app or of a workspace
 * package it depends on is newer than its compiled output (the workspace's
 * shared launcher logic, in `@ssm-access/terraform-kit/bin/launcher.js`),
 * then synthesizes with the compiled app, `dist/main.js`, in this process.
 * Plain JavaScript: it runs before anything is built.
 */
const path = require("node:path");
const { buildIfStale, nxBuild } = require("@ssm-access/terraform-kit/bin/launcher.js");

if (require.main === module) {
  const built = buildIfStale(__dirname, {
    build: () => nxBuild([__dirname]),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (built !== 0) {
    process.stderr.write(`synth failed: the build of the app failed (exit ${built})\n`);
    process.exitCode = built;
  } else {
    process.exitCode = require(path.join(__dirname, "dist", "main.js")).main(process.argv.slice(2), process.env);
  }
}
