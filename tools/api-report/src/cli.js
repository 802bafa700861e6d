#!/usr/bin/env node
// @ts-check
/**
 * `node tools/api-report/src/cli.js <package folder>...`: renders the public
 * declarations of each package's compiled entry points (`dist/*.d.ts`) with
 * API Extractor, one report per `api-extractor*.json` of the package, and
 * compares them with the committed `<name>.api.md`. A difference fails, with
 * every removed, changed and added declaration and the release type it
 * implies. With `UPDATE_API_REPORT=1` the committed reports are rewritten
 * instead (the difference is still shown). Run through the `api-report`
 * target of each package (`npx nx run network:api-report`), after its build.
 */
const fs = require("node:fs");
const path = require("node:path");
const { describeDiff, diffReports, releaseType } = require("./report");

/** API Extractor's own words about the report file, which this tool replaces with the difference and the release type. */
const REPORT_MESSAGES = new Set([
  "console-api-report-not-copied",
  "console-api-report-diff",
  "console-api-report-copied",
  "console-api-report-created",
  "console-api-report-unchanged",
]);

/** The environment variable that rewrites the committed reports. */
const UPDATE_VARIABLE = "UPDATE_API_REPORT";

/**
 * Runs API Extractor for one config; returns the committed report, the
 * report of the code, and the problems API Extractor found.
 * @param {string} configFile
 * @param {boolean} update
 */
function extract(configFile, update) {
  const { Extractor, ExtractorConfig } = require("@microsoft/api-extractor");
  const config = ExtractorConfig.loadFileAndPrepare(configFile);
  const [report] = config.reportConfigs;
  const committedFile = path.join(config.reportFolder, report.fileName);
  const generatedFile = path.join(config.reportTempFolder, report.fileName);
  const committed = fs.existsSync(committedFile) ? fs.readFileSync(committedFile, "utf8") : "";
  /** @type {string[]} */
  const problems = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message) => {
      message.handled = true;
      const level = String(message.logLevel);
      if (level !== "error" && level !== "warning") return;
      // The report differing is what this tool reports itself, with the release type.
      if (REPORT_MESSAGES.has(String(message.messageId))) return;
      problems.push(message.formatMessageWithLocation(process.cwd()));
    },
  });
  const generated = fs.readFileSync(generatedFile, "utf8");
  return {
    packageName: config.packageJson?.name ?? path.basename(path.dirname(configFile)),
    committedFile,
    committed,
    generated,
    problems,
    succeeded: result.errorCount === 0,
  };
}

/** @param {string[]} folders */
function main(folders) {
  const update = process.env[UPDATE_VARIABLE] === "1";
  if (folders.length === 0) {
    process.stderr.write("usage: api-report <package folder>...\n");
    return 64;
  }
  let failed = false;
  for (const folder of folders) {
    const configs = fs
      .readdirSync(folder)
      .filter((f) => /^api-extractor(\..+)?\.json$/.test(f))
      .sort();
    if (configs.length === 0) {
      process.stderr.write(`${folder}: no api-extractor.json\n`);
      failed = true;
      continue;
    }
    for (const config of configs) {
      const r = extract(path.join(folder, config), update);
      const diff = diffReports(r.committed, r.generated);
      const same = r.committed === r.generated;
      const name = path.relative(process.cwd(), r.committedFile);
      process.stdout.write(`${describeDiff(`${r.packageName} (${name})`, diff)}\n`);
      for (const p of r.problems) process.stdout.write(`  problem: ${p}\n`);
      if (!r.succeeded || r.problems.length > 0) failed = true;
      if (same) continue;
      if (update) {
        process.stdout.write(`  ${name} rewritten; commit it with the change\n`);
      } else {
        failed = true;
        const what = releaseType(diff) === "none" ? "differs in form only" : "differs from the code";
        process.stdout.write(
          `  ${name} ${what}: review the change, then rewrite it with ${UPDATE_VARIABLE}=1 NX_DAEMON=false npx nx run-many -t api-report\n`,
        );
      }
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { main, UPDATE_VARIABLE };
