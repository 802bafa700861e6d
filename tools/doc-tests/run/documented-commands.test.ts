import * as path from "node:path";
import {
  type BlockRun,
  type DocBlock,
  type WorkspaceCopy,
  emulatorBlockProblems,
  makeWorkspaceCopy,
  onInterrupt,
  readDocBlocks,
  runShellBlock,
} from "../src";

/**
 * The commands the READMEs and CONTRIBUTING.md give, tested as written.
 *
 * Every shell block of the documented files must carry a doc-test annotation
 * (src/blocks.ts). Then every `run` block runs, in document order (the root
 * README first, whose `npm ci` block installs), with bash, in one fresh copy
 * of the workspace: the files git tracks or does not ignore, as they are on
 * disk, without `node_modules`, `dist` or any cache. Each block must exit with
 * the code its annotation names. The copy is removed afterwards, whether the
 * blocks pass, fail or are interrupted. `emulator` blocks are run by the
 * emulator tier (e2e/emulator); here their ids are checked.
 */

const WORKSPACE_ROOT = path.resolve(__dirname, "..", "..", "..");
/** Longest a single block may run: the cold `npm ci` and the first build are the slow ones. */
const BLOCK_TIMEOUT_MS = 8 * 60_000;
/** Lines of a failing block's output shown in the failure. */
const TAIL_LINES = 60;

const { blocks, problems } = readDocBlocks(WORKSPACE_ROOT);
const runBlocks = blocks.filter((b) => b.mode === "run");

const where = (b: { file: string; line: number }): string => `${b.file}:${b.line}`;

function tail(output: string): string {
  const lines = output.trimEnd().split("\n");
  return (lines.length > TAIL_LINES ? ["...", ...lines.slice(-TAIL_LINES)] : lines).join("\n");
}

function describeRun(block: DocBlock, run: BlockRun): string {
  const ended = run.timedOut
    ? `was killed after ${BLOCK_TIMEOUT_MS / 1000} s`
    : run.signal !== null
      ? `was ended by ${run.signal}`
      : `exited ${run.code}`;
  return [
    `${where(block)}: the block ${ended}; its annotation expects exit ${block.exit}.`,
    "The block:",
    block.script.trimEnd(),
    `Its output (last ${TAIL_LINES} lines):`,
    tail(run.output),
  ].join("\n");
}

describe("the documented shell blocks", () => {
  it("each carry a doc-test annotation that says how they are tested", () => {
    const all = [...problems, ...emulatorBlockProblems(blocks)];
    expect(all.map((p) => `${where(p)}: ${p.message}`)).toEqual([]);
  });
});

describe("every run block, in document order, in a fresh copy of the workspace", () => {
  let copy: WorkspaceCopy | undefined;
  let stopInterrupt: (() => void) | undefined;
  let failed: DocBlock | undefined;
  const timings: string[] = [];

  beforeAll(() => {
    const started = Date.now();
    copy = makeWorkspaceCopy(WORKSPACE_ROOT);
    const made = copy;
    stopInterrupt = onInterrupt(() => made.remove());
    timings.push(`  copy of ${made.files.length} files  ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterAll(() => {
    const started = Date.now();
    copy?.remove();
    stopInterrupt?.();
    timings.push(`  removal of the copy  ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`doc-test timings:\n${timings.join("\n")}`);
  });

  it.each(runBlocks.map((b) => [where(b), b] as const))(
    "%s",
    async (_name, block) => {
      if (copy === undefined) throw new Error("the workspace copy was not made");
      if (failed !== undefined)
        throw new Error(`not run: ${where(failed)}, an earlier block, failed, and later blocks build on it`);
      const run = await runShellBlock(block.script, { cwd: copy.root, timeoutMs: BLOCK_TIMEOUT_MS });
      timings.push(`  ${where(block)}  ${(run.ms / 1000).toFixed(1)} s  exit ${run.code ?? run.signal}`);
      if (run.timedOut || run.code !== block.exit) {
        failed = block;
        throw new Error(describeRun(block, run));
      }
    },
    BLOCK_TIMEOUT_MS + 60_000,
  );
});
