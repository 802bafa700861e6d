import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CliIo, UsageError } from "@ssm-access/terraform-kit";
import { main, parseCommand, regenerateCommandOf } from "../src";
import { appFolder, removeAppFolders } from "./support/app-folder";
import { demoStack } from "./support/stacks";

afterAll(removeAppFolders);

async function run(argv: string[], cwd: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  return { code: await main(argv, io, cwd), out, err };
}

describe("stack-diagram command line", () => {
  test("--app resolves from the current folder", () => {
    expect(parseCommand(["check", "--app", "apps/infra"], "/repo")).toEqual({
      command: "check",
      appDir: path.join("/repo", "apps/infra"),
    });
  });

  test("without --app, the app is the nearest folder from the current one upward with a cdktf.json", () => {
    const app = appFolder({});
    fs.mkdirSync(path.join(app, "docs", "deep"), { recursive: true });
    expect(parseCommand(["write"], path.join(app, "docs", "deep"))).toEqual({ command: "write", appDir: app });
  });

  test.each([
    [[], /a command is required: write, check/],
    [["draw", "--app=."], /unknown command "draw"/],
    [["write", "--app=.", "extra"], /unexpected argument "extra"/],
    [["write", "--app=.", "--svg"], /--svg/],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseCommand(argv, "/repo")).toThrow(UsageError);
    expect(() => parseCommand(argv, "/repo")).toThrow(message);
  });

  test("a wrong command line exits 64 with the usage on stderr", async () => {
    const r = await run(["write", "--svg"], "/repo");
    expect(r.code).toBe(64);
    expect(r.out).toEqual([]);
    expect(r.err.join("\n")).toMatch(/^stack-diagram: Unknown option '--svg'[\s\S]*Usage:/);
  });

  test("the regenerate command is the app's Nx diagram target, else this command", () => {
    expect(regenerateCommandOf(appFolder({}, "infra"))).toBe("npx nx run infra:diagram");
    const bare = appFolder({});
    fs.rmSync(path.join(bare, "project.json"));
    expect(regenerateCommandOf(bare)).toBe("stack-diagram write --app .");
  });

  test("write writes docs/<env>.md for each environment stack the app synthesizes; check then passes", async () => {
    const app = appFolder({ dev: demoStack(), "state-bootstrap": {} });
    expect(await run(["write", "--app", "."], app)).toEqual({
      code: 0,
      out: [`wrote ${path.join("docs", "dev.md")}`],
      err: [],
    });
    expect(fs.readdirSync(path.join(app, "docs"))).toEqual(["dev.md"]);
    expect(fs.readFileSync(path.join(app, "docs", "dev.md"), "utf8")).toContain(
      "regenerate with `npx nx run demo-app:diagram`",
    );
    expect(await run(["check", "--app", "."], app)).toEqual({
      code: 0,
      out: [`current: ${path.join("docs", "dev.md")}`],
      err: [],
    });
  });

  test("check exits 1 naming a stale page and the command that regenerates it", async () => {
    const app = appFolder({ dev: demoStack(), prod: demoStack() });
    expect((await run(["write", "--app", app], app)).code).toBe(0);
    fs.writeFileSync(
      path.join(app, "cdktf.out", "stacks", "prod", "cdk.tf.json"),
      JSON.stringify(demoStack({ bucket: true })),
    );
    const r = await run(["check", "--app", "."], app);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([
      `stack-diagram: ${path.join("docs", "prod.md")} is stale: it differs from what the stack prod gives`,
      "regenerate the pages: npx nx run demo-app:diagram",
    ]);
    expect((await run(["write", "--app", "."], app)).out).toEqual([
      `wrote ${path.join("docs", "prod.md")}`,
      `unchanged ${path.join("docs", "dev.md")}`,
    ]);
    expect((await run(["check", "--app", "."], app)).code).toBe(0);
  });

  test("check exits 1 for a missing page and for the page of a stack no longer synthesized", async () => {
    const app = appFolder({ dev: demoStack() });
    expect(await run(["check", "--app", "."], app)).toMatchObject({
      code: 1,
      err: [`stack-diagram: ${path.join("docs", "dev.md")} is missing`, expect.any(String)],
    });
    await run(["write", "--app", "."], app);
    fs.copyFileSync(path.join(app, "docs", "dev.md"), path.join(app, "docs", "qa.md"));
    expect((await run(["check", "--app", "."], app)).err[0]).toBe(
      `stack-diagram: ${path.join("docs", "qa.md")} belongs to a stack that is no longer synthesized`,
    );
  });

  test("an app whose synth fails exits 1 naming its command, and leaves no synth folder behind", async () => {
    const synthFolders = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("stack-diagram-synth-"));
    const before = synthFolders();
    const app = appFolder({});
    const r = await run(["check", "--app", "."], app);
    expect(r.code).toBe(1);
    expect(r.err.join("\n")).toMatch(
      /^stack-diagram: node -e .* \(the app command of .*cdktf\.json\) failed with exit code 1$/,
    );
    expect(synthFolders()).toEqual(before);
  });

  test("an app folder without cdktf.json exits 1 naming the file", async () => {
    const app = appFolder({ dev: demoStack() });
    fs.rmSync(path.join(app, "cdktf.json"));
    const r = await run(["check", "--app", "."], app);
    expect(r.code).toBe(1);
    expect(r.err.join("\n")).toMatch(/cdktf\.json: cannot read it/);
  });
});
