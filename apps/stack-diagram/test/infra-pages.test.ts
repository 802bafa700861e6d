/**
 * The committed pages of the infra app (`apps/infra/docs/<env>.md`) are what
 * its environments synthesize to now. Synthesizes the built app
 * (`apps/infra/dist`, built by the test target's `infra:build` dependency)
 * into a temporary folder, so the app's own `cdktf.out` is never touched.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { comparePages, environmentPages, regenerateCommandOf } from "../src";

const APP = path.resolve(__dirname, "..", "..", "..", "apps", "infra");
let outside: string;

beforeAll(() => {
  outside = fs.mkdtempSync(path.join(os.tmpdir(), "stack-diagram-infra-"));
});
afterAll(() => {
  fs.rmSync(outside, { recursive: true, force: true });
});

test("apps/infra/docs holds the page of every environment as the current synth draws it", () => {
  const main = path.join(APP, "dist", "main.js");
  expect(
    fs.existsSync(main) ? main : "apps/infra/dist/main.js is missing: build the app (npx nx run infra:build)",
  ).toBe(main);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("SSM_ACCESS_") && k !== "CDKTF_OUTDIR"),
  );
  const synth = spawnSync(process.execPath, [main, "--outdir", path.join(outside, "cdktf.out")], {
    cwd: APP,
    env,
    encoding: "utf8",
  });
  expect({ status: synth.status, stderr: synth.stderr }).toEqual({ status: 0, stderr: "" });

  const regenerate = regenerateCommandOf(APP);
  const pages = environmentPages(outside, regenerate);
  expect(pages.map((p) => p.file)).toEqual(expect.arrayContaining(["dev.md", "prod.md"]));
  // On failure: regenerate the pages with the command below and commit them.
  expect({ regenerate, ...comparePages(path.join(APP, "docs"), pages) }).toEqual({
    regenerate,
    stale: [],
    missing: [],
    orphaned: [],
  });
});
