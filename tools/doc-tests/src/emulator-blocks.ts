/**
 * `emulator` blocks are run by the emulator tier (e2e/emulator), each by the
 * test that knows its id, against the landscape that tier deploys. Here they
 * are only checked: an id no test knows, or two different blocks under one
 * id (the tier runs one of them), would leave a documented command untested.
 */
import type { DocBlock, DocBlockProblem } from "./blocks";

/** The ids of the emulator tier's documented-command tests. */
export const EMULATOR_BLOCK_IDS: readonly string[] = ["up-keep", "connect-print", "doctor-dev", "review-base"];

/** Problems of the `emulator` blocks among `blocks`: unknown ids, and blocks of one id that differ. */
export function emulatorBlockProblems(blocks: readonly DocBlock[]): DocBlockProblem[] {
  const problems: DocBlockProblem[] = [];
  const seen = new Map<string, DocBlock>();
  for (const block of blocks) {
    if (block.mode !== "emulator" || block.name === undefined) continue;
    if (!EMULATOR_BLOCK_IDS.includes(block.name)) {
      problems.push({
        file: block.file,
        line: block.line,
        message: `emulator name=${block.name} is not a test of the emulator tier (known: ${EMULATOR_BLOCK_IDS.join(", ")})`,
      });
      continue;
    }
    const first = seen.get(block.name);
    if (first === undefined) seen.set(block.name, block);
    else if (first.script !== block.script || first.exit !== block.exit)
      problems.push({
        file: block.file,
        line: block.line,
        message: `emulator name=${block.name} differs from the block of that name at ${first.file}:${first.line}; the emulator tier runs one of them, so blocks sharing an id must be identical`,
      });
  }
  return problems;
}
