import { parseDocBlocks } from "../src/blocks";

const md = (...lines: string[]): string => `${lines.join("\n")}\n`;

describe("parseDocBlocks", () => {
  it("reads a run block with its script, line and default exit code 0", () => {
    const { blocks, problems } = parseDocBlocks(
      "README.md",
      md("# Title", "", "<!-- doc-test: run -->", "```sh", "npm ci && npm run synth   # writes stacks", "```"),
    );
    expect(problems).toEqual([]);
    expect(blocks).toEqual([
      {
        file: "README.md",
        line: 4,
        lang: "sh",
        script: "npm ci && npm run synth   # writes stacks\n",
        mode: "run",
        exit: 0,
      },
    ]);
  });

  it("reads the expected exit code, the emulator test's name and a no-run reason", () => {
    const { blocks, problems } = parseDocBlocks(
      "README.md",
      md(
        "<!-- doc-test: emulator name=review-dev exit=2 -->",
        "```bash",
        "npx plan-review review --stack=dev --base=HEAD",
        "```",
        "",
        '<!-- doc-test: no-run reason="needs AWS credentials" -->',
        "```sh",
        "npx nx run infra:deploy --stack=dev",
        "```",
      ),
    );
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.mode, b.exit, b.name, b.reason])).toEqual([
      ["emulator", 2, "review-dev", undefined],
      ["no-run", 0, undefined, "needs AWS credentials"],
    ]);
  });

  it("removes a list item's indentation from an indented block", () => {
    const { blocks } = parseDocBlocks(
      "README.md",
      md("1. Check:", "   <!-- doc-test: run -->", "   ```sh", "   aws --version \\", "     --debug", "   ```"),
    );
    expect(blocks[0].script).toBe("aws --version \\\n  --debug\n");
  });

  it("leaves blocks of other languages alone, annotated or not", () => {
    const { blocks, problems } = parseDocBlocks(
      "README.md",
      md("```ts", "const a = 1;", "```", "```mermaid", "x", "```"),
    );
    expect(blocks).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("does not read a fence inside another block as a block", () => {
    const { blocks, problems } = parseDocBlocks(
      "README.md",
      md("````md", "```sh", "rm -rf /", "```", "````", "<!-- doc-test: run -->", "```sh", "true", "```"),
    );
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.line, b.script])).toEqual([[7, "true\n"]]);
  });

  describe("problems, each with the file and the line of the fence", () => {
    it.each([
      [md("```sh", "ls", "```"), 1, /without a doc-test annotation/],
      [md("<!-- a comment -->", "```sh", "ls", "```"), 2, /without a doc-test annotation/],
      [md("<!-- doc-test: runs -->", "```sh", "ls", "```"), 2, /unknown doc-test mode "runs"/],
      [md("<!-- doc-test: no-run -->", "```sh", "ls", "```"), 2, /no-run needs reason/],
      [md('<!-- doc-test: no-run reason="" -->', "```sh", "ls", "```"), 2, /reason is empty/],
      [md("<!-- doc-test: run exit=300 -->", "```sh", "ls", "```"), 2, /exit=300 is not an exit code/],
      [md("<!-- doc-test: emulator -->", "```sh", "ls", "```"), 2, /emulator needs name=<id>/],
      [md("<!-- doc-test: run name=x -->", "```sh", "ls", "```"), 2, /name is for emulator blocks/],
      [md('<!-- doc-test: run reason="x" -->', "```sh", "ls", "```"), 2, /reason is for no-run blocks/],
      [md("<!-- doc-test: run timeout=3 -->", "```sh", "ls", "```"), 2, /unknown doc-test option "timeout"/],
      [md("<!-- doc-test: run -->", "", "```sh", "ls", "```"), 3, /without a doc-test annotation/],
    ])("%j is a problem at line %i", (text, line, message) => {
      const { blocks, problems } = parseDocBlocks("apps/x/README.md", text);
      expect(blocks).toEqual([]);
      expect(problems).toEqual([{ file: "apps/x/README.md", line, message: expect.stringMatching(message) }]);
    });
  });
});
