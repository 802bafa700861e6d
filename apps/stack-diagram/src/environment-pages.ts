/**
 * The pages of an app: one `docs/<env>.md` per environment stack of
 * `cdktf.out/stacks`, written, or compared with what is committed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { STACK_FILE, listStacks, readStackJson } from "@ssm-access/terraform-kit";
import { GENERATED_MARKER, environmentPage } from "./environment-page";

/** Stacks that are not environments and get no page. */
export const NON_ENVIRONMENT_STACKS: readonly string[] = ["state-bootstrap"];

/** The folder of the pages, inside the app folder. */
export const DOCS_FOLDER = "docs";

/** One page to write. */
export interface EnvironmentPageFile {
  /** The stack (environment) name. */
  readonly stack: string;
  /** File name inside the docs folder: `<stack>.md`. */
  readonly file: string;
  /** The page. */
  readonly content: string;
}

/**
 * The page of every environment stack synthesized into `<appDir>/cdktf.out` (an app
 * folder, or the folder an app was synthesized into)
 * (every stack folder but {@link NON_ENVIRONMENT_STACKS}), sorted by name.
 * Throws when the app was not synthesized or has no environment stack.
 */
export function environmentPages(appDir: string, regenerateCommand: string): EnvironmentPageFile[] {
  const stacks = listStacks(appDir).filter((s) => !NON_ENVIRONMENT_STACKS.includes(s));
  if (stacks.length === 0)
    throw new Error(`${path.join(appDir, "cdktf.out", "stacks")} holds no environment stack: synthesize the app first`);
  return stacks.map((stack) => {
    const stackFile = `cdktf.out/stacks/${stack}/${STACK_FILE}`;
    const json = readStackJson(path.join(appDir, "cdktf.out", "stacks", stack, STACK_FILE));
    return {
      stack,
      file: `${stack}.md`,
      content: environmentPage(json, { name: stack, stackFile, regenerateCommand }),
    };
  });
}

/** Generated pages (first line {@link GENERATED_MARKER}) in `docsDir`, sorted. */
function generatedPagesIn(docsDir: string): string[] {
  if (!fs.existsSync(docsDir)) return [];
  return fs
    .readdirSync(docsDir)
    .filter((f) => f.endsWith(".md") && fs.readFileSync(path.join(docsDir, f), "utf8").startsWith(GENERATED_MARKER))
    .sort();
}

/** What {@link writePages} did, by file name. */
export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  /** Generated pages of stacks no longer synthesized, removed. */
  readonly removed: readonly string[];
}

/** Writes the pages into `docsDir` (only those that changed) and removes generated pages of stacks no longer synthesized. */
export function writePages(docsDir: string, pages: readonly EnvironmentPageFile[]): WriteResult {
  fs.mkdirSync(docsDir, { recursive: true });
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const page of pages) {
    const file = path.join(docsDir, page.file);
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === page.content) {
      unchanged.push(page.file);
    } else {
      fs.writeFileSync(file, page.content);
      written.push(page.file);
    }
  }
  const removed = generatedPagesIn(docsDir).filter((f) => !pages.some((p) => p.file === f));
  for (const f of removed) fs.rmSync(path.join(docsDir, f));
  return { written, unchanged, removed };
}

/** What {@link comparePages} found, by file name; all empty when the folder is current. */
export interface CompareResult {
  /** Pages whose content differs from what the stack gives now. */
  readonly stale: readonly string[];
  /** Pages of synthesized stacks that are not there. */
  readonly missing: readonly string[];
  /** Generated pages of stacks no longer synthesized. */
  readonly orphaned: readonly string[];
}

/** Compares `docsDir` with the pages the current synth gives. */
export function comparePages(docsDir: string, pages: readonly EnvironmentPageFile[]): CompareResult {
  const stale: string[] = [];
  const missing: string[] = [];
  for (const page of pages) {
    const file = path.join(docsDir, page.file);
    if (!fs.existsSync(file)) missing.push(page.file);
    else if (fs.readFileSync(file, "utf8") !== page.content) stale.push(page.file);
  }
  const orphaned = generatedPagesIn(docsDir).filter((f) => !pages.some((p) => p.file === f));
  return { stale, missing, orphaned };
}
