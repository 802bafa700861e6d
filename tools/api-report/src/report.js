// @ts-check
/**
 * API reports (API Extractor's `<package>.api.md`) compared declaration by
 * declaration, and the release type a difference implies: a removed or
 * changed public declaration is a breaking change, an added one a feature.
 * Pure functions over report text, so their tests can show that they fail
 * when they should.
 */

/** @typedef {"breaking" | "feature" | "none"} ReleaseType */

/**
 * @typedef {object} ApiDiff
 * @property {string[]} removed names of declarations the new report no longer has
 * @property {string[]} changed names of declarations whose text differs
 * @property {string[]} added names of declarations only the new report has
 */

const DECLARATION =
  /^export (?:declare )?(?:abstract )?(?:const enum|class|interface|type|function|const|let|var|enum|namespace) ([A-Za-z_$][\w$]*)/;

/**
 * The public declarations of a report, by name: the text of each (overloads
 * and merged declarations of one name joined), without the comments API
 * Extractor writes above them and without the imports.
 * @param {string} report the text of an `.api.md` file
 * @returns {Map<string, string>}
 */
function declarations(report) {
  const start = report.indexOf("```ts");
  const end = report.lastIndexOf("```");
  const body = start >= 0 && end > start ? report.slice(start + "```ts".length, end) : report;
  /** @type {Map<string, string>} */
  const found = new Map();
  for (const block of body.split(/\n\s*\n/)) {
    const lines = block
      .split("\n")
      .map((l) => l.replace(/\s+$/, ""))
      .filter(
        (l) =>
          l.length > 0 &&
          !l.startsWith("//") &&
          !l.startsWith("import ") &&
          l !== "(No @packageDocumentation comment for this package)",
      );
    if (lines.length === 0) continue;
    const m = DECLARATION.exec(lines[0]);
    const name = m ? m[1] : lines[0];
    const text = lines.join("\n");
    found.set(name, found.has(name) ? `${found.get(name)}\n${text}` : text);
  }
  return found;
}

/**
 * What differs between two reports, by declaration name (each list sorted).
 * @param {string} before the committed report
 * @param {string} after the report of the code
 * @returns {ApiDiff}
 */
function diffReports(before, after) {
  const old = declarations(before);
  const now = declarations(after);
  const removed = [...old.keys()].filter((n) => !now.has(n)).sort();
  const added = [...now.keys()].filter((n) => !old.has(n)).sort();
  const changed = [...old.keys()].filter((n) => now.has(n) && now.get(n) !== old.get(n)).sort();
  return { removed, changed, added };
}

/**
 * The release type a difference implies: `breaking` when a public declaration
 * was removed or changed, `feature` when declarations were only added, `none`
 * when the declarations are the same.
 * @param {ApiDiff} diff
 * @returns {ReleaseType}
 */
function releaseType(diff) {
  if (diff.removed.length > 0 || diff.changed.length > 0) return "breaking";
  if (diff.added.length > 0) return "feature";
  return "none";
}

/** @type {Record<ReleaseType, string>} */
const COMMIT_TYPES = {
  breaking: "a breaking change: feat(<scope>)!: or a BREAKING CHANGE: footer (0.x: next minor; from 1.0: next major)",
  feature: "a feature: feat(<scope>): (0.x: next patch; from 1.0: next minor)",
  none: "no release: the public declarations are the same",
};

/**
 * A report of the difference for people: each removed, changed and added
 * declaration, and the release type with the commit type that carries it.
 * @param {string} pkg the package name, e.g. `@ssm-access/network`
 * @param {ApiDiff} diff
 * @returns {string}
 */
function describeDiff(pkg, diff) {
  const type = releaseType(diff);
  const lines = [`${pkg}: public API ${type === "none" ? "unchanged" : "changed"}; release type: ${type}`];
  for (const [label, names] of /** @type {const} */ ([
    ["removed (breaking)", diff.removed],
    ["changed (breaking)", diff.changed],
    ["added (feature)", diff.added],
  ])) {
    for (const name of names) lines.push(`  ${label}: ${name}`);
  }
  lines.push(`  commit as ${COMMIT_TYPES[type]}`);
  return lines.join("\n");
}

module.exports = { declarations, diffReports, releaseType, describeDiff };
