/**
 * The shell blocks of the workspace's Markdown, each with what its doc-test
 * does with it. Every `sh` (or `bash`, `shell`, `console`) fenced block is
 * preceded, on the line right above its fence, by one HTML comment:
 *
 * - `<!-- doc-test: run -->`: run as written in a fresh clone of the
 *   workspace, by bash, from the clone's root; the block's exit code must be 0.
 * - `<!-- doc-test: run exit=2 -->`: the same, and the exit code must be 2.
 * - `<!-- doc-test: emulator name=<id> [exit=<n>] -->`: run by the emulator
 *   tier against its deployed landscape, by the test that knows `<id>`.
 * - `<!-- doc-test: no-run reason="needs AWS credentials" -->`: not run; the
 *   reason is required.
 *
 * A block with no such comment, or with one this module cannot read, is a
 * problem: the harness fails on it, naming the file and the line.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** How a block is tested. */
export type DocBlockMode = "run" | "emulator" | "no-run";

/** One shell block of a Markdown file. */
export interface DocBlock {
  /** The Markdown file, relative to the workspace root, with `/` separators. */
  readonly file: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's language (`sh`, `bash`, `shell`, `console`). */
  readonly lang: string;
  /** The block's text, as bash would read it (fence lines excluded, indentation of a list item removed). */
  readonly script: string;
  readonly mode: DocBlockMode;
  /** The exit code the block must return. @default 0 */
  readonly exit: number;
  /** With `emulator`: which test of the emulator tier runs it. */
  readonly name?: string;
  /** With `no-run`: why it is not run. */
  readonly reason?: string;
}

/** A block the harness cannot test as annotated. */
export interface DocBlockProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** What {@link readDocBlocks} found in a set of files. */
export interface DocBlocks {
  readonly blocks: readonly DocBlock[];
  readonly problems: readonly DocBlockProblem[];
}

/** Fence languages read as shell. */
export const SHELL_LANGS: readonly string[] = ["sh", "bash", "shell", "console"];

const ANNOTATION = /^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)\s*$/;

/** Whether `line` closes a block opened by `fence`: the same character, at least as many times, nothing else. */
function closes(line: string, fence: string): boolean {
  const t = line.trim();
  return t.length >= fence.length && t === fence[0].repeat(t.length);
}

/** Parses the words of an annotation: `run exit=2`, `no-run reason="..."`. */
function parseAnnotation(text: string): {
  mode?: DocBlockMode;
  exit?: number;
  name?: string;
  reason?: string;
  error?: string;
} {
  const words = [...text.matchAll(/([a-z-]+)(?:=("([^"]*)"|\S+))?/g)];
  if (words.length === 0) return { error: "an empty doc-test annotation" };
  const [first, ...rest] = words;
  const mode = first[1];
  if (first[2] !== undefined || (mode !== "run" && mode !== "emulator" && mode !== "no-run"))
    return { error: `unknown doc-test mode "${first[0]}": use run, emulator or no-run` };
  const out: { mode: DocBlockMode; exit?: number; name?: string; reason?: string; error?: string } = { mode };
  for (const word of rest) {
    const key = word[1];
    const value = word[3] ?? word[2];
    if (value === undefined) return { ...out, error: `"${key}" needs a value (${key}=...)` };
    if (key === "exit") {
      if (!/^\d{1,3}$/.test(value) || Number(value) > 255)
        return { ...out, error: `exit=${value} is not an exit code` };
      out.exit = Number(value);
    } else if (key === "name") {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) return { ...out, error: `name=${value} is not a lower-case id` };
      out.name = value;
    } else if (key === "reason") {
      if (value.trim() === "") return { ...out, error: "reason is empty" };
      out.reason = value;
    } else return { ...out, error: `unknown doc-test option "${key}"` };
  }
  if (mode === "no-run" && out.reason === undefined) return { ...out, error: 'no-run needs reason="..."' };
  if (mode === "no-run" && (out.exit !== undefined || out.name !== undefined))
    return { ...out, error: "no-run takes only a reason" };
  if (mode === "emulator" && out.name === undefined) return { ...out, error: "emulator needs name=<id>" };
  if (mode === "run" && out.name !== undefined) return { ...out, error: "name is for emulator blocks" };
  if (mode !== "no-run" && out.reason !== undefined) return { ...out, error: "reason is for no-run blocks" };
  return out;
}

/** Reads the shell blocks of one Markdown text; `file` names it in blocks and problems. */
export function parseDocBlocks(file: string, text: string): DocBlocks {
  const lines = text.split(/\r?\n/);
  const blocks: DocBlock[] = [];
  const problems: DocBlockProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !closes(lines[end], fence)) end++;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l.trimStart()));
    const line = i + 1;
    i = end;
    if (!SHELL_LANGS.includes(lang)) continue;
    const above = line >= 2 ? ANNOTATION.exec(lines[line - 2]) : null;
    if (!above) {
      problems.push({
        file,
        line,
        message:
          'a shell block without a doc-test annotation on the line above (<!-- doc-test: run -->, or no-run reason="...")',
      });
      continue;
    }
    const annotation = parseAnnotation(above[1]);
    if (annotation.error !== undefined || annotation.mode === undefined) {
      problems.push({ file, line, message: annotation.error ?? "unreadable doc-test annotation" });
      continue;
    }
    blocks.push({
      file,
      line,
      lang,
      script: `${body.join("\n")}\n`,
      mode: annotation.mode,
      exit: annotation.exit ?? 0,
      ...(annotation.name !== undefined ? { name: annotation.name } : {}),
      ...(annotation.reason !== undefined ? { reason: annotation.reason } : {}),
    });
  }
  return { blocks, problems };
}

/**
 * The Markdown files whose commands are documented for users: the root
 * README, CONTRIBUTING.md, the guides in `docs/`, and the README of every
 * project (`packages/*`, `apps/*`, `tools/*`, `e2e/*`, `examples/*`),
 * relative to `root`.
 */
export function documentedFiles(root: string): string[] {
  const files = ["README.md", "CONTRIBUTING.md"].filter((f) => fs.existsSync(path.join(root, f)));
  const docs = path.join(root, "docs");
  if (fs.existsSync(docs))
    for (const name of fs.readdirSync(docs).sort()) if (name.endsWith(".md")) files.push(path.join("docs", name));
  for (const group of ["packages", "apps", "tools", "e2e", "examples"]) {
    const dir = path.join(root, group);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      const readme = path.join(group, name, "README.md");
      if (fs.existsSync(path.join(root, readme))) files.push(readme);
    }
  }
  return files;
}

/** Reads every shell block of {@link documentedFiles} under `root`. */
export function readDocBlocks(root: string, files: readonly string[] = documentedFiles(root)): DocBlocks {
  const blocks: DocBlock[] = [];
  const problems: DocBlockProblem[] = [];
  for (const file of files) {
    const found = parseDocBlocks(file.split(path.sep).join("/"), fs.readFileSync(path.join(root, file), "utf8"));
    blocks.push(...found.blocks);
    problems.push(...found.problems);
  }
  return { blocks, problems };
}
