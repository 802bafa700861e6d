import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { memoryIo } from "@ssm-access/terraform-kit";
import { main } from "../../src/cli";
import { affectedEnvironments, changedFiles, ciEnvironments, classifyChange } from "../../src/ci/environments";

const PLAN = (account: string, env: string) => `arn:aws:iam::${account}:role/ssm-access-${env}-plan`;
const APPLY = (account: string, env: string) => `arn:aws:iam::${account}:role/ssm-access-${env}-apply`;

describe("classifyChange", () => {
  it.each([
    ["apps/infra/environments/dev.json", "environment"],
    ["apps/infra/environments/environment.schema.json", "every"],
    ["apps/infra/src/config/schema.ts", "every"],
    ["packages/network/src/vpc.ts", "every"],
    ["package-lock.json", "every"],
    ["package.json", "every"],
    ["README.md", "none"],
    ["apps/infra/README.md", "none"],
    ["apps/infra/docs/operations.md", "none"],
    ["packages/core/README.md", "none"],
    ["apps/plan-review/src/cli.ts", "none"],
    [".github/workflows/deploy.yml", "none"],
  ])("%s: %s", (file, kind) => {
    expect(classifyChange(file).kind).toBe(kind);
  });
});

describe("affectedEnvironments", () => {
  const known = ["dev", "prod"];
  it("selects only the environment whose file changed", () => {
    expect(affectedEnvironments(["apps/infra/environments/dev.json", "README.md"], known)).toEqual(["dev"]);
  });
  it("selects every environment for a package change, whatever else changed", () => {
    expect(affectedEnvironments(["apps/infra/environments/dev.json", "packages/core/src/x.ts"], known)).toEqual(known);
  });
  it("selects none for documentation only", () => {
    expect(affectedEnvironments(["README.md", "apps/infra/docs/a.md"], known)).toEqual([]);
  });
  it("leaves out an environment file that no longer exists", () => {
    expect(affectedEnvironments(["apps/infra/environments/qa.json"], known)).toEqual([]);
  });
});

describe("on a git repository", () => {
  let repo: string;
  let base: string;

  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: repo,
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
      },
    }).trim();

  function write(file: string, content: unknown): void {
    const full = path.join(repo, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }

  function commit(files: Record<string, unknown>): string {
    for (const [file, content] of Object.entries(files)) write(file, content);
    git("add", "-A");
    git("commit", "-q", "-m", "change");
    return git("rev-parse", "HEAD");
  }

  const envFile = (account: string, _name: string, ci: Record<string, unknown> | undefined, extra = {}) => ({
    accountId: account,
    region: "eu-west-1",
    ...(ci ? { ci } : {}),
    ...extra,
  });

  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-affected-"));
    git("init", "-q", "-b", "main");
    base = commit({
      "package.json": { name: "ws", workspaces: ["apps/*", "packages/*"] },
      "package-lock.json": "{}",
      "apps/infra/cdktf.json": { app: "node dist/main.js" },
      "apps/infra/src/main.ts": "export {};\n",
      "apps/infra/environments/environment.schema.json": {},
      "apps/infra/environments/prod.json": envFile("222222222222", "prod", {
        planRoleArn: PLAN("222222222222", "prod"),
        applyRoleArn: APPLY("222222222222", "prod"),
        deployAfter: ["dev"],
      }),
      "apps/infra/environments/dev.json": envFile("111111111111", "dev", {
        planRoleArn: PLAN("111111111111", "dev"),
        applyRoleArn: APPLY("111111111111", "dev"),
      }),
      "apps/infra/environments/qa.json": envFile("333333333333", "qa", undefined),
      "packages/core/src/index.ts": "export {};\n",
      "README.md": "# ws\n",
    });
  });

  afterEach(() => {
    fs.rmSync(repo, { recursive: true, force: true });
  });

  async function affected(...extra: string[]) {
    const io = memoryIo();
    const code = await main(["environments", "--affected", `--base=${base}`, ...extra], io.io, repo);
    return { code, out: io.out().trim(), err: io.err() };
  }

  it("lists the files changed since the merge base", () => {
    commit({ "README.md": "# changed\n", "apps/infra/environments/dev.json": envFile("111111111111", "dev", {}) });
    expect(changedFiles(repo, base).sort()).toEqual(["README.md", "apps/infra/environments/dev.json"]);
  });

  it("a change to dev.json selects dev only", async () => {
    commit({ "apps/infra/environments/dev.json": envFile("111111111111", "dev", {}, { tags: { a: "b" } }) });
    const { code, out } = await affected("--json");
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([
      {
        name: "dev",
        githubEnvironment: "dev",
        region: "eu-west-1",
        planRoleArn: "",
        applyRoleArn: "",
        reviewAgainst: "emulated-baseline",
        runsIn: "github",
        hcpWorkspace: "",
        hcpTokenVariable: "",
      },
    ]);
  });

  it.each([
    ["a package", "packages/core/src/index.ts"],
    ["the app", "apps/infra/src/main.ts"],
    ["the lock file", "package-lock.json"],
  ])("a change to %s selects every environment, dev before prod", async (_what, file) => {
    commit({ [file]: "// changed\n" });
    const { code, out } = await affected("--json");
    expect(code).toBe(0);
    const list = JSON.parse(out) as { name: string; planRoleArn: string; applyRoleArn: string }[];
    expect(list.map((e) => e.name)).toEqual(["dev", "prod", "qa"]);
    expect(list[1]).toMatchObject({
      planRoleArn: PLAN("222222222222", "prod"),
      applyRoleArn: APPLY("222222222222", "prod"),
      reviewAgainst: "real-state",
    });
  });

  it("a change to docs selects none", async () => {
    commit({ "README.md": "# more docs\n", "apps/infra/docs/x.md": "x\n" });
    const { code, out } = await affected("--json");
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
  });

  it("without --json, prints one environment a line", async () => {
    commit({
      "apps/infra/environments/prod.json": envFile("222222222222", "prod", {
        planRoleArn: PLAN("222222222222", "prod"),
      }),
    });
    const { out } = await affected();
    expect(out).toBe("prod\treal-state");
  });

  it("without --affected, lists every environment in deploy order", async () => {
    const io = memoryIo();
    expect(await main(["environments", "--json"], io.io, repo)).toBe(0);
    expect((JSON.parse(io.out()) as { name: string }[]).map((e) => e.name)).toEqual(["dev", "prod", "qa"]);
  });

  it("--role=apply keeps the environments CI deploys, --role=plan those it can plan", async () => {
    commit({ "package-lock.json": "{ }" });
    const names = async (role: string) =>
      (JSON.parse((await affected("--json", `--role=${role}`)).out) as { name: string }[]).map((e) => e.name);
    expect(await names("apply")).toEqual(["dev", "prod"]);
    write(
      "apps/infra/environments/qa.json",
      envFile("333333333333", "qa", { planRoleArn: PLAN("333333333333", "qa") }),
    );
    expect(await names("plan")).toEqual(["dev", "prod", "qa"]);
    expect(await names("apply")).toEqual(["dev", "prod"]);
  });

  describe("HCP Terraform (the cloud backend)", () => {
    const cloud = (workspace: string, extra: Record<string, unknown> = {}) => ({
      backend: { type: "cloud", organization: "acme", workspace, ...extra },
    });

    it("an environment with the cloud backend runs in its HCP Terraform workspace: no AWS role, a token variable, deployed and planned from CI", async () => {
      write("apps/infra/environments/qa.json", envFile("333333333333", "qa", undefined, cloud("ssm-access-qa")));
      const io = memoryIo();
      expect(await main(["environments", "--json", "--role=apply"], io.io, repo)).toBe(0);
      const listed = JSON.parse(io.out()) as Array<Record<string, string>>;
      expect(listed.map((e) => e.name)).toEqual(["dev", "prod", "qa"]);
      expect(listed[2]).toEqual({
        name: "qa",
        githubEnvironment: "qa",
        region: "eu-west-1",
        planRoleArn: "",
        applyRoleArn: "",
        reviewAgainst: "real-state",
        runsIn: "hcp-terraform",
        hcpWorkspace: "acme/ssm-access-qa",
        hcpTokenVariable: "TF_TOKEN_app_terraform_io",
      });
      expect(listed[0]).toMatchObject({ runsIn: "github", hcpWorkspace: "", hcpTokenVariable: "" });
      const text = memoryIo();
      expect(await main(["environments"], text.io, repo)).toBe(0);
      expect(text.out()).toMatch(/^qa\treal-state\truns in HCP Terraform \(acme\/ssm-access-qa\)$/m);
    });

    it("names the token variable of a Terraform Enterprise host", () => {
      write(
        "apps/infra/environments/qa.json",
        envFile("333333333333", "qa", undefined, cloud("qa", { hostname: "tfe.example-corp.com" })),
      );
      const qa = ciEnvironments(path.join(repo, "apps/infra/environments")).find((e) => e.name === "qa");
      expect(qa?.hcpTokenVariable).toBe("TF_TOKEN_tfe_example__corp_com");
    });

    it("refuses two environments in one workspace, naming the file, the field and the other environment", () => {
      write("apps/infra/environments/qa.json", envFile("333333333333", "qa", undefined, cloud("shared")));
      write("apps/infra/environments/dev.json", envFile("111111111111", "dev", undefined, cloud("shared")));
      expect(() => ciEnvironments(path.join(repo, "apps/infra/environments"))).toThrow(
        /qa\.json: backend\.workspace: acme\/shared is already the workspace of dev\.json: each environment needs a workspace of its own/,
      );
    });
  });

  it("an unknown base is an error naming it", async () => {
    base = "no-such-ref";
    const { code, err } = await affected("--json");
    expect(code).toBe(1);
    expect(err).toMatch(/git diff no-such-ref\.\.\.HEAD .* failed/);
  });

  it("--affected without --base is a wrong command line", async () => {
    const io = memoryIo();
    expect(await main(["environments", "--affected"], io.io, repo)).toBe(64);
    expect(io.err()).toMatch(/--affected needs --base/);
  });

  describe("deploy order", () => {
    it("rejects an order naming no environment, naming the file and field", () => {
      write("apps/infra/environments/qa.json", envFile("333333333333", "qa", { deployAfter: ["staging"] }));
      expect(() => ciEnvironments(path.join(repo, "apps/infra/environments"))).toThrow(
        /qa\.json: ci\.deployAfter: no environment "staging" \(there are dev, prod, qa\)/,
      );
    });

    it("rejects a cycle", () => {
      write("apps/infra/environments/dev.json", envFile("111111111111", "dev", { deployAfter: ["prod"] }));
      expect(() => ciEnvironments(path.join(repo, "apps/infra/environments"))).toThrow(
        /ci\.deployAfter: a cycle \((dev → prod → dev|prod → dev → prod)\)/,
      );
    });

    it("rejects a role that is not a role ARN", () => {
      write("apps/infra/environments/qa.json", envFile("333333333333", "qa", { planRoleArn: "plan" }));
      expect(() => ciEnvironments(path.join(repo, "apps/infra/environments"))).toThrow(
        /qa\.json: ci\.planRoleArn: must be an IAM role ARN, got "plan"/,
      );
    });
  });
});
