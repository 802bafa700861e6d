import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "@ssm-access/terraform-kit";
import { DEFAULT_FAIL_ON, main, parseCommand, parseFailOn } from "../src";

/** The workspace's app folder, with the shipped environment files. */
const APP = path.resolve(__dirname, "..", "..", "infra");

describe("plan-review command line", () => {
  test("review --base: paths resolve from the app folder; defaults are the comment limit, the app's .review folder and the default fail-on", () => {
    expect(parseCommand(["review", "--stack=prod", "--base=main"], APP)).toEqual({
      command: "review",
      stack: "prod",
      base: "main",
      appDir: APP,
      environmentsDir: path.join(APP, "environments"),
      failOn: DEFAULT_FAIL_ON,
      outDir: path.join(APP, ".review"),
      maxChars: 65000,
      skipBucketRead: false,
    });
  });

  test("review --plan resolves the plan file; --fail-on, --out-dir and --max-chars are taken", () => {
    const c = parseCommand(
      [
        "review",
        "--stack",
        "dev",
        "--plan",
        "cdktf.out/stacks/dev/dev.tfplan",
        "--fail-on=destroy,drift",
        "--out-dir=/tmp/r",
        "--max-chars=20000",
      ],
      APP,
    );
    expect(c).toMatchObject({
      plan: path.join(APP, "cdktf.out/stacks/dev/dev.tfplan"),
      failOn: ["destroy", "drift"],
      outDir: path.resolve("/tmp/r"),
      maxChars: 20000,
    });
  });

  test("review --plan --base-app: the base revision's app folder, resolved; it goes with --plan only", () => {
    expect(
      parseCommand(["review", "--stack=prod", "--plan=p.json", "--base-app=../base/apps/infra"], APP),
    ).toMatchObject({
      plan: path.join(APP, "p.json"),
      baseApp: path.resolve(APP, "../base/apps/infra"),
    });
    expect(() => parseCommand(["review", "--stack=prod", "--base=main", "--base-app=x"], APP)).toThrow(
      /--base-app goes with --plan/,
    );
  });

  test("--skip-bucket-read goes with --plan, and --fail-on takes apply-failure and data-loss", () => {
    expect(
      parseCommand(
        ["review", "--stack=prod", "--plan=p.json", "--skip-bucket-read", "--fail-on=apply-failure,data-loss"],
        APP,
      ),
    ).toMatchObject({ skipBucketRead: true, failOn: ["apply-failure", "data-loss"] });
    expect(() => parseCommand(["review", "--stack=prod", "--base=main", "--skip-bucket-read"], APP)).toThrow(
      /--skip-bucket-read goes with --plan/,
    );
  });

  test("a review of a saved plan with --base-app traces the change to the field that changed, and names a missing base file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-base-app-"));
    try {
      const app = path.join(dir, "apps", "infra");
      const base = path.join(dir, "base");
      const resource = {
        aws_vpc: { network: { cidr_block: "10.0.0.0/16", "//": { metadata: { path: "dev/Network/Resource" } } } },
      };
      const write = (file: string, json: unknown) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(json));
      };
      write(path.join(app, "environments", "dev.json"), { network: { cidr: "10.1.0.0/16", flowLogs: false } });
      write(path.join(base, "environments", "dev.json"), { network: { cidr: "10.0.0.0/16", flowLogs: false } });
      write(path.join(app, "cdktf.out", "stacks", "dev", "cdk.tf.json"), { resource });
      write(path.join(base, "cdktf.out", "stacks", "dev", "cdk.tf.json"), { resource });
      const change = (actions: string[], cidr: string) => ({
        address: "aws_vpc.network",
        mode: "managed",
        type: "aws_vpc",
        name: "network",
        change: { actions, before: { cidr_block: "10.0.0.0/16" }, after: { cidr_block: cidr }, after_unknown: {} },
      });
      const plan = path.join(app, "cdktf.out", "stacks", "dev", "plan.json");
      write(plan, { format_version: "1.2", resource_changes: [change(["delete", "create"], "10.1.0.0/16")] });
      const outDir = path.join(dir, "review");
      const review = (extra: string[]) =>
        main(
          [
            "review",
            "--stack=dev",
            `--app=${app}`,
            `--plan=${plan}`,
            `--out-dir=${outDir}`,
            "--fail-on=none",
            ...extra,
          ],
          { out: () => undefined, err: () => undefined },
          app,
        );
      expect(await review([`--base-app=${base}`])).toBe(2);
      const json = JSON.parse(fs.readFileSync(path.join(outDir, "dev.json"), "utf8")) as {
        changes: Array<{ source?: { field: string } }>;
      };
      expect(json.changes[0].source).toEqual({
        file: "apps/infra/environments/dev.json",
        field: "network.cidr",
        before: "10.0.0.0/16",
        after: "10.1.0.0/16",
      });
      expect(await review([])).toBe(2);
      const plain = JSON.parse(fs.readFileSync(path.join(outDir, "dev.json"), "utf8")) as typeof json;
      expect(plain.changes[0].source?.field).toBe("network");
      const err: string[] = [];
      const missing = await main(
        ["review", "--stack=dev", `--app=${app}`, `--plan=${plan}`, `--out-dir=${outDir}`, `--base-app=${app}/nowhere`],
        { out: () => undefined, err: (l) => err.push(l) },
        app,
      );
      expect(missing).toBe(1);
      expect(err.join("\n")).toMatch(/--base-app .*nowhere: .*environments\/dev\.json is missing/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [["review", "--stack=prod"], /exactly one of --base/],
    [["review", "--stack=prod", "--base=main", "--plan=x"], /exactly one of --base/],
    [["review", "--base=main"], /--stack=<env> is required/],
    [
      ["review", "--stack=staging", "--base=main"],
      /--stack=staging: there is no environment file environments\/staging\.json; environments: dev, prod$/,
    ],
    [["review", "--stack=Prod!", "--base=main"], /not an environment name/],
    [["review", "--stack=prod", "--base=main", "--fail-on=destroy,everything"], /unknown everything/],
    [["review", "--stack=prod", "--base=main", "--max-chars=12"], /--max-chars "12"/],
    [["plan", "--stack=prod", "--base=main"], /--base is an option of review/],
    [["review", "--stack=prod", "--base=main", "--refresh-only"], /--refresh-only is an option of plan, not review/],
    [["environments", "--role=admin"], /--role "admin": use plan or apply/],
    [["environments", "--base=main"], /--base=<git ref> of environments goes with --affected/],
    [["environments", "--stack=prod"], /--stack is an option of review, not environments/],
    [["deploy", "--stack=prod"], /unknown command "deploy"/],
    [["review", "--stack=prod", "--base=main", "--colour"], /--colour/],
  ])("%j is refused: %s", (argv, message) => {
    expect(() => parseCommand(argv, APP)).toThrow(UsageError);
    expect(() => parseCommand(argv, APP)).toThrow(message);
  });

  test("plan takes --refresh-only, for the drift of an environment", () => {
    expect(parseCommand(["plan", "--stack=prod", "--refresh-only"], APP)).toMatchObject({
      command: "plan",
      stack: "prod",
      refreshOnly: true,
    });
    expect(parseCommand(["plan", "--stack=prod"], APP)).toMatchObject({ refreshOnly: false });
  });

  test("apply takes the stack and the plan file, resolved from the current folder", () => {
    expect(parseCommand(["apply", "--stack=dev", "--plan=reviewed/dev.tfplan"], APP)).toEqual({
      command: "apply",
      stack: "dev",
      plan: path.join(APP, "reviewed/dev.tfplan"),
      appDir: APP,
      environmentsDir: path.join(APP, "environments"),
    });
  });

  test("--fail-on=none never fails; an empty list is refused", () => {
    expect(parseFailOn("none")).toEqual([]);
    expect(parseFailOn(" change ")).toEqual(["change"]);
    expect(() => parseFailOn(",")).toThrow(UsageError);
  });

  test("a wrong command line exits 64 with the usage on stderr, and writes nothing to stdout", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["review", "--stack=prod"], { out: (t) => out.push(t), err: (l) => err.push(l) }, APP);
    expect(code).toBe(64);
    expect(out).toEqual([]);
    expect(err.join("\n")).toMatch(/exactly one of --base[\s\S]*Usage:/);
  });

  test("an error exits 1 and names the file: a saved plan that does not exist", async () => {
    const err: string[] = [];
    const code = await main(
      ["review", "--stack=prod", "--plan=/nowhere/prod.tfplan"],
      { out: () => undefined, err: (l) => err.push(l) },
      APP,
    );
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(
      /\/nowhere\/prod\.tfplan does not exist; make one with `npx plan-review plan --stack=<env>`/,
    );
  });
});
