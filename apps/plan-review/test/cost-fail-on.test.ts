import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "@ssm-access/terraform-kit";
import { main, parseCommand } from "../src";

/** The workspace's app folder, with the shipped environment files. */
const APP = path.resolve(__dirname, "..", "..", "infra");

describe("plan-review review --fail-on cost-increase=<USD>", () => {
  test("exits 3 when the monthly fixed cost rises by more than the amount, 2 otherwise; the JSON holds the cost", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-cost-"));
    try {
      const app = path.join(dir, "apps", "infra");
      const write = (file: string, json: unknown) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(json));
      };
      write(path.join(app, "environments", "dev.json"), { region: "eu-west-1" });
      write(path.join(app, "cdktf.out", "stacks", "dev", "cdk.tf.json"), { resource: {} });
      const endpoint = (azs: number) => ({
        vpc_endpoint_type: "Interface",
        service_name: "com.amazonaws.eu-west-1.ssm",
        subnet_ids: Array.from({ length: azs }, (_, i) => `subnet-${i}`),
      });
      const plan = path.join(app, "cdktf.out", "stacks", "dev", "plan.json");
      write(plan, {
        format_version: "1.2",
        resource_changes: [
          {
            address: "aws_vpc_endpoint.ssm",
            mode: "managed",
            type: "aws_vpc_endpoint",
            name: "ssm",
            change: { actions: ["update"], before: endpoint(1), after: endpoint(3), after_unknown: {} },
          },
        ],
      });
      const outDir = path.join(dir, "review");
      const errors: string[] = [];
      const review = (failOn: string) =>
        main(
          ["review", "--stack=dev", `--app=${app}`, `--plan=${plan}`, `--out-dir=${outDir}`, `--fail-on=${failOn}`],
          { out: () => undefined, err: (line) => errors.push(line) },
          app,
        );
      // 2 more AZs × 730 h × $0.011 = +$16.06 a month
      expect([await review("cost-increase=16"), errors.filter((e) => !e.startsWith("review written"))]).toEqual([
        3,
        [],
      ]);
      expect(await review("cost-increase=16.06")).toBe(2);
      expect(await review("destroy,cost-increase=100")).toBe(2);
      const json = JSON.parse(fs.readFileSync(path.join(outDir, "dev.json"), "utf8")) as {
        cost: { deltaFixed: number };
      };
      expect(json.cost.deltaFixed).toBe(16.06);
      expect(fs.readFileSync(path.join(outDir, "dev.md"), "utf8")).toContain("| Fixed | $8.03 | $24.09 | +$16.06 |");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("keeps the other kinds and takes the amount", () => {
    const command = parseCommand(["review", "--stack=prod", "--base=main", "--fail-on=replace,cost-increase=50"], APP);
    expect(command).toMatchObject({ failOn: ["replace"], costIncrease: 50 });
    expect(parseCommand(["review", "--stack=prod", "--base=main", "--fail-on=cost-increase=0"], APP)).toMatchObject({
      failOn: [],
      costIncrease: 0,
    });
  });

  test.each([["cost-increase=fifty"], ["cost-increase"], ["cost-increase=5,cost-increase=6"]])(
    "--fail-on=%s is refused",
    (failOn) => {
      expect(() => parseCommand(["review", "--stack=prod", "--base=main", `--fail-on=${failOn}`], APP)).toThrow(
        UsageError,
      );
    },
  );
});
