import * as fs from "node:fs";
import * as path from "node:path";
import { WORKSPACE_ROOT } from "./support/run";
import { CDKTN_CLI, CDKTN_DEPENDENCIES, CDKTN_OVERRIDES } from "./support/cdktn";

/**
 * This project's README shows examples/team-stack/main.ts verbatim, and the consumer
 * test compiles, synthesizes and validates that file: so the snippet people
 * copy is the code that is proven to work.
 */
describe("the documentation", () => {
  it("examples/team-stack/README.md shows main.ts verbatim under the marker comment", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const main = fs.readFileSync(path.join(__dirname, "..", "main.ts"), "utf8");
    const m = /<!-- verbatim: examples\/team-stack\/main\.ts -->\n```ts\n([\s\S]*?)```\n/.exec(readme);
    expect(m).not.toBeNull();
    expect(m?.[1]).toBe(main);
  });

  it("docs/cdk-terrain.md shows the dependencies and overrides the consumer test moves to", () => {
    const readme = fs.readFileSync(path.join(WORKSPACE_ROOT, "docs", "cdk-terrain.md"), "utf8");
    const m = /<!-- verbatim: cdktn package\.json -->\n```json\n([\s\S]*?)```\n/.exec(readme);
    expect(m).not.toBeNull();
    const [cli, version] = CDKTN_CLI.split("@");
    expect(JSON.parse(m?.[1] ?? "null")).toEqual({
      dependencies: CDKTN_DEPENDENCIES,
      devDependencies: { [cli]: version },
      overrides: CDKTN_OVERRIDES,
    });
  });
});
