import { parseDocBlocks } from "../src/blocks";
import { EMULATOR_BLOCK_IDS, emulatorBlockProblems } from "../src/emulator-blocks";

const md = (...lines: string[]): string => `${lines.join("\n")}\n`;
const block = (name: string, script: string, exit = 0): string[] => [
  `<!-- doc-test: emulator name=${name}${exit === 0 ? "" : ` exit=${exit}`} -->`,
  "```sh",
  script,
  "```",
];

describe("emulatorBlockProblems", () => {
  it("accepts the emulator tier's ids, and blocks of one id that are identical", () => {
    const a = parseDocBlocks("README.md", md(...block("doctor-dev", "npx session-doctor doctor --stack=dev", 2)));
    const b = parseDocBlocks(
      "apps/x/README.md",
      md(...block("doctor-dev", "npx session-doctor doctor --stack=dev", 2)),
    );
    expect(EMULATOR_BLOCK_IDS).toEqual(["up-keep", "connect-print", "doctor-dev", "review-base"]);
    expect(emulatorBlockProblems([...a.blocks, ...b.blocks])).toEqual([]);
  });

  it("names an id no test of the emulator tier runs, with the file and line", () => {
    const { blocks } = parseDocBlocks("README.md", md("# T", ...block("deploy-prod", "npx nx run infra:deploy")));
    expect(emulatorBlockProblems(blocks)).toEqual([
      {
        file: "README.md",
        line: 3,
        message: expect.stringMatching(/name=deploy-prod is not a test of the emulator tier \(known: up-keep, /),
      },
    ]);
  });

  it("names a block whose script or exit code differs from an earlier block of the same id", () => {
    const { blocks } = parseDocBlocks(
      "README.md",
      md(
        ...block("review-base", "npx plan-review review --stack=dev --base=HEAD", 2),
        ...block("review-base", "npx plan-review review --stack=prod --base=HEAD", 2),
        ...block("review-base", "npx plan-review review --stack=dev --base=HEAD", 3),
      ),
    );
    expect(emulatorBlockProblems(blocks).map((p) => [p.line, p.message])).toEqual([
      [6, expect.stringMatching(/name=review-base differs from the block of that name at README.md:2/)],
      [10, expect.stringMatching(/name=review-base differs/)],
    ]);
  });

  it("leaves run and no-run blocks alone", () => {
    const { blocks } = parseDocBlocks(
      "README.md",
      md("<!-- doc-test: run -->", "```sh", "true", "```", '<!-- doc-test: no-run reason="x" -->', "```sh", "x", "```"),
    );
    expect(emulatorBlockProblems(blocks)).toEqual([]);
  });
});
