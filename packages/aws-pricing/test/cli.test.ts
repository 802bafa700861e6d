import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../src";

const golden = path.join(__dirname, "..", "..", "..", "apps", "infra", "test", "golden", "shipped");
const environments = path.join(__dirname, "..", "..", "..", "apps", "infra", "environments");

describe("aws-pricing estimate", () => {
  let app: string;
  const output: string[] = [];
  beforeAll(() => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), "aws-pricing-cli-"));
    for (const stack of ["dev", "prod"]) {
      fs.mkdirSync(path.join(app, "cdktf.out", "stacks", stack), { recursive: true });
      fs.copyFileSync(
        path.join(golden, `${stack}.cdk.tf.json`),
        path.join(app, "cdktf.out", "stacks", stack, "cdk.tf.json"),
      );
    }
    fs.mkdirSync(path.join(app, "environments"));
    const prod = JSON.parse(fs.readFileSync(path.join(environments, "prod.json"), "utf8"));
    fs.writeFileSync(
      path.join(app, "environments", "prod.json"),
      JSON.stringify({ ...prod, cost: { usage: { endpointGB: 100 } } }),
    );
    jest.spyOn(console, "log").mockImplementation((line: string) => void output.push(line));
    jest.spyOn(console, "error").mockImplementation((line: string) => void output.push(line));
  });
  afterAll(() => {
    jest.restoreAllMocks();
    fs.rmSync(app, { recursive: true, force: true });
  });
  beforeEach(() => {
    output.length = 0;
  });

  it("writes <app>/.cost/<env>.json and .md, with the usage of the environment file's cost.usage", async () => {
    expect(await main(["estimate", "--stack=dev,prod", "--app", app])).toBe(0);
    const prod = JSON.parse(fs.readFileSync(path.join(app, ".cost", "prod.json"), "utf8"));
    expect(prod).toMatchObject({ version: 1, stack: "prod", region: "eu-west-1", currency: "USD" });
    expect(prod.usage.endpointGB).toBe(100);
    expect(prod.monthlyTotal).toBeCloseTo(prod.monthlyFixed + prod.monthlyUsage, 2);
    // 5 interface endpoints × 3 AZs × 730 h × $0.011 (eu-west-1)
    const hours = prod.lines.filter((l: { product: string }) => l.product === "vpce.hours");
    expect(hours.reduce((t: number, l: { monthly: number }) => t + l.monthly, 0)).toBeCloseTo(5 * 3 * 730 * 0.011, 2);
    const markdown = fs.readFileSync(path.join(app, ".cost", "prod.md"), "utf8");
    expect(markdown).toContain("# Monthly cost of prod");
    // every line priced in eu-west-1, each source cited (the key requests' one included)
    expect(prod.unpriced).toBe(0);
    expect(markdown).not.toContain("no price");
    expect(markdown).toContain("nsheinbe/MossHatch:docs/research/tech-kms-envelope-encryption.md");
    expect(output.join("\n")).toMatch(/^dev: \$[\d.,]+ a month \(fixed/m);
  });

  it("exits 1 naming the stack that was not synthesized", async () => {
    expect(await main(["estimate", "--stack=staging", "--app", app])).toBe(1);
    expect(output.join("\n")).toContain("no synthesized stack staging (stacks: dev, prod)");
  });

  it("exits 64 without --stack", async () => {
    expect(await main(["estimate", "--app", app])).toBe(64);
  });
});
