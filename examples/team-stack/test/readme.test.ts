import * as fs from "node:fs";
import * as path from "node:path";
import { WORKSPACE_ROOT } from "./support/run";

/**
 * The root README shows examples/team-stack/main.ts verbatim, and the consumer
 * test compiles, synthesizes and validates that file: so the snippet people
 * copy is the code that is proven to work.
 */
describe("the root README", () => {
  it("shows examples/team-stack/main.ts verbatim under the marker comment", () => {
    const readme = fs.readFileSync(path.join(WORKSPACE_ROOT, "README.md"), "utf8");
    const main = fs.readFileSync(path.join(__dirname, "..", "main.ts"), "utf8");
    const m = /<!-- verbatim: examples\/team-stack\/main\.ts -->\n```ts\n([\s\S]*?)```\n/.exec(readme);
    expect(m).not.toBeNull();
    expect(m?.[1]).toBe(main);
  });
});
