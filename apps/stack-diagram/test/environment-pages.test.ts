import * as fs from "node:fs";
import * as path from "node:path";
import { comparePages, environmentPages, writePages } from "../src";
import { appFolder, removeAppFolders } from "./support/app-folder";
import { demoStack, routedStack } from "./support/stacks";

afterAll(removeAppFolders);

describe("environment pages", () => {
  test("one page per stack, sorted, except state-bootstrap", () => {
    const app = appFolder({ prod: demoStack(), dev: routedStack(), "state-bootstrap": {} });
    expect(environmentPages(app, "regen").map((p) => [p.stack, p.file])).toEqual([
      ["dev", "dev.md"],
      ["prod", "prod.md"],
    ]);
  });

  test("an app that was not synthesized, or holds no environment stack, is an error saying to synthesize", () => {
    expect(() => environmentPages(appFolder({}), "regen")).toThrow(/synthesize/);
    expect(() => environmentPages(appFolder({ "state-bootstrap": {} }), "regen")).toThrow(
      /no environment stack: synthesize the app first/,
    );
  });

  test("writing writes changed pages only and removes generated pages of stacks gone; other files stay", () => {
    const app = appFolder({ dev: demoStack() });
    const docs = path.join(app, "docs");
    const pages = environmentPages(app, "regen");
    expect(writePages(docs, pages)).toEqual({ written: ["dev.md"], unchanged: [], removed: [] });
    expect(writePages(docs, pages)).toEqual({ written: [], unchanged: ["dev.md"], removed: [] });

    fs.writeFileSync(path.join(docs, "qa.md"), pages[0].content.replace(/dev/g, "qa"));
    fs.writeFileSync(path.join(docs, "notes.md"), "# Notes\n");
    expect(comparePages(docs, pages)).toEqual({ stale: [], missing: [], orphaned: ["qa.md"] });
    expect(writePages(docs, pages).removed).toEqual(["qa.md"]);
    expect(fs.readdirSync(docs).sort()).toEqual(["dev.md", "notes.md"]);
  });

  test("comparing names stale and missing pages", () => {
    const app = appFolder({ dev: demoStack(), prod: demoStack({ bucket: true }) });
    const docs = path.join(app, "docs");
    const pages = environmentPages(app, "regen");
    writePages(docs, pages);
    expect(comparePages(docs, pages)).toEqual({ stale: [], missing: [], orphaned: [] });
    fs.appendFileSync(path.join(docs, "prod.md"), "hand edit\n");
    fs.rmSync(path.join(docs, "dev.md"));
    expect(comparePages(docs, pages)).toEqual({ stale: ["prod.md"], missing: ["dev.md"], orphaned: [] });
  });
});
