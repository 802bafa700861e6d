import * as fs from "node:fs";
import * as path from "node:path";
import { CliIo, main, parseCommand, regenerateCommandOf, UsageError } from "../src";
import { appFolder, removeAppFolders } from "./support/app-folder";
import { demoStack } from "./support/stacks";

afterAll(removeAppFolders);

function run(argv: string[], cwd: string): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  return { code: main(argv, io, cwd), out, err };
}

describe("stack-diagram command line", () => {
  test("--app resolves from the current folder", () => {
    expect(parseCommand(["check", "--app", "apps/infra"], "/repo")).toEqual({
      command: "check",
      appDir: path.join("/repo", "apps/infra"),
    });
  });

  test.each([
    [[], /no command/],
    [["draw", "--app=."], /unknown command "draw"/],
    [["write"], /--app <dir> is required/],
    [["write", "--app=.", "extra"], /unexpected argument "extra"/],
    [["write", "--app=.", "--svg"], /--svg/],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseCommand(argv, "/repo")).toThrow(UsageError);
    expect(() => parseCommand(argv, "/repo")).toThrow(message);
  });

  test("a wrong command line exits 64 with the usage on stderr", () => {
    const r = run(["write"], "/repo");
    expect(r.code).toBe(64);
    expect(r.out).toEqual([]);
    expect(r.err.join("\n")).toMatch(/--app <dir> is required[\s\S]*Usage:/);
  });

  test("the regenerate command is the app's Nx diagram target, else this command", () => {
    expect(regenerateCommandOf(appFolder({}, "infra"))).toBe("npx nx run infra:diagram");
    const bare = appFolder({});
    fs.rmSync(path.join(bare, "project.json"));
    expect(regenerateCommandOf(bare)).toBe("stack-diagram write --app .");
  });

  test("write writes docs/<env>.md for each environment stack; check then passes", () => {
    const app = appFolder({ dev: demoStack(), "state-bootstrap": {} });
    expect(run(["write", "--app", "."], app)).toEqual({
      code: 0,
      out: [`wrote ${path.join("docs", "dev.md")}`],
      err: [],
    });
    expect(fs.readdirSync(path.join(app, "docs"))).toEqual(["dev.md"]);
    expect(fs.readFileSync(path.join(app, "docs", "dev.md"), "utf8")).toContain(
      "regenerate with `npx nx run demo-app:diagram`",
    );
    expect(run(["check", "--app", "."], app)).toEqual({
      code: 0,
      out: [`current: ${path.join("docs", "dev.md")}`],
      err: [],
    });
  });

  test("check exits 1 naming a stale page and the command that regenerates it", () => {
    const app = appFolder({ dev: demoStack(), prod: demoStack() });
    expect(run(["write", "--app", app], app).code).toBe(0);
    fs.writeFileSync(
      path.join(app, "cdktf.out", "stacks", "prod", "cdk.tf.json"),
      JSON.stringify(demoStack({ bucket: true })),
    );
    const r = run(["check", "--app", "."], app);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([
      `stack-diagram: ${path.join("docs", "prod.md")} is stale: it differs from what cdktf.out/stacks/prod/cdk.tf.json gives`,
      "regenerate the pages: npx nx run demo-app:diagram",
    ]);
    expect(run(["write", "--app", "."], app).out).toEqual([
      `wrote ${path.join("docs", "prod.md")}`,
      `unchanged ${path.join("docs", "dev.md")}`,
    ]);
    expect(run(["check", "--app", "."], app).code).toBe(0);
  });

  test("check exits 1 for a missing page and for the page of a stack no longer synthesized", () => {
    const app = appFolder({ dev: demoStack() });
    expect(run(["check", "--app", "."], app)).toMatchObject({
      code: 1,
      err: [`stack-diagram: ${path.join("docs", "dev.md")} is missing`, expect.any(String)],
    });
    run(["write", "--app", "."], app);
    fs.copyFileSync(path.join(app, "docs", "dev.md"), path.join(app, "docs", "qa.md"));
    expect(run(["check", "--app", "."], app).err[0]).toBe(
      `stack-diagram: ${path.join("docs", "qa.md")} belongs to a stack that is no longer synthesized`,
    );
  });

  test("an app that was not synthesized exits 1 saying to synthesize", () => {
    const r = run(["check", "--app", "."], appFolder({}));
    expect(r.code).toBe(1);
    expect(r.err.join("\n")).toMatch(/synthesize/);
  });
});
