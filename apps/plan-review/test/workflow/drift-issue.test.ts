import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The drift workflow's issue logic, run against an in-memory repository; and the workflow linter. */

const ROOT = path.resolve(__dirname, "../../../..");
const { syncDriftIssue, markerOf } = require(path.join(ROOT, ".github/scripts/drift-issue.js")) as {
  syncDriftIssue: (
    actions: { github: unknown; context: unknown; core: unknown },
    drift: { environment: string; exitCode: string; review: string | undefined; runUrl: string },
  ) => Promise<string>;
  markerOf: (environment: string) => string;
};

interface Issue {
  number: number;
  body: string;
  state: string;
  title?: string;
  labels?: string[];
  pull_request?: unknown;
}

function fakeRepository(issues: Issue[]) {
  const calls: string[] = [];
  const failures: string[] = [];
  const listForRepo = jest.fn();
  const github = {
    paginate: async (method: unknown, params: Record<string, unknown>) => {
      expect(method).toBe(listForRepo);
      expect(params).toEqual({ owner: "acme", repo: "infra", state: "open", labels: "drift", per_page: 100 });
      return issues.filter((i) => i.state === "open");
    },
    rest: {
      issues: {
        listForRepo,
        create: async (p: { title: string; body: string; labels: string[] }) => {
          const issue = { number: 100 + issues.length, state: "open", ...p };
          issues.push(issue);
          calls.push(`create #${issue.number} ${p.title}`);
          return { data: issue };
        },
        update: async (p: { issue_number: number; body?: string; state?: string }) => {
          const issue = issues.find((i) => i.number === p.issue_number) as Issue;
          if (p.body !== undefined) issue.body = p.body;
          if (p.state !== undefined) issue.state = p.state;
          calls.push(`update #${p.issue_number}${p.state ? ` ${p.state}` : ""}`);
        },
        createComment: async (p: { issue_number: number; body: string }) => {
          calls.push(`comment #${p.issue_number}: ${p.body}`);
        },
      },
    },
  };
  const core = { info: jest.fn(), warning: jest.fn(), setFailed: (m: string) => failures.push(m) };
  const context = { repo: { owner: "acme", repo: "infra" } };
  const run = (environment: string, exitCode: string, review?: string) =>
    syncDriftIssue({ github, context, core }, { environment, exitCode, review, runUrl: "https://run/1" });
  return { run, calls, failures, issues };
}

describe("the drift issue", () => {
  it("opens one issue per drifting environment, labelled drift, with the review", async () => {
    const repo = fakeRepository([]);
    expect(await repo.run("dev", "3", "## Drift\n- aws_security_group.x")).toBe("opened");
    expect(repo.calls).toEqual(["create #100 Drift in dev"]);
    expect(repo.issues[0]).toMatchObject({
      labels: ["drift"],
      body: `${markerOf("dev")}\nFound by https://run/1\n\n## Drift\n- aws_security_group.x`,
    });
  });

  it("updates the open issue of that environment, not another's or a pull request", async () => {
    const repo = fakeRepository([
      { number: 1, body: `${markerOf("prod")}\nold`, state: "open" },
      { number: 2, body: `${markerOf("dev")}\nold`, state: "open", pull_request: {} },
      { number: 3, body: `${markerOf("dev")}\nold`, state: "open" },
    ]);
    expect(await repo.run("dev", "3", "new")).toBe("updated");
    expect(repo.calls).toEqual(["update #3"]);
    expect(repo.issues[2].body).toContain("new");
    expect(repo.issues[0].body).toBe(`${markerOf("prod")}\nold`);
  });

  it.each(["0", "2"])("closes the issue with a comment when the drift is gone (exit code %s)", async (code) => {
    const repo = fakeRepository([{ number: 7, body: `${markerOf("dev")}\nold`, state: "open" }]);
    expect(await repo.run("dev", code)).toBe("closed");
    expect(repo.calls).toEqual(["comment #7: No drift in dev any more (https://run/1).", "update #7 closed"]);
    expect(repo.issues[0].state).toBe("closed");
  });

  it("does nothing without drift and without an issue", async () => {
    const repo = fakeRepository([]);
    expect(await repo.run("dev", "0")).toBe("none");
    expect(repo.calls).toEqual([]);
  });

  it.each(["1", "64", ""])("fails the step and changes no issue when the review failed (%j)", async (code) => {
    const repo = fakeRepository([{ number: 7, body: `${markerOf("dev")}\nold`, state: "open" }]);
    expect(await repo.run("dev", code)).toBe("failed");
    expect(repo.calls).toEqual([]);
    expect(repo.failures).toEqual([expect.stringContaining("The drift review of dev failed")]);
  });
});

describe("scripts/lint-workflows.mjs", () => {
  const script = path.join(ROOT, "scripts/lint-workflows.mjs");

  it("finds no error in the repository's workflows", () => {
    const out = execFileSync(process.execPath, [script], { cwd: ROOT, encoding: "utf8" });
    expect(out).toMatch(/^actionlint: [1-9]\d* workflow\(s\), 0 error\(s\)$/m);
  });

  it("reports each error with its file, line and column, and exits 1", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lint-workflows-"));
    try {
      fs.writeFileSync(
        path.join(dir, "bad.yml"),
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.head_commit.message }}\n",
      );
      const r = spawnSync(process.execPath, [script, dir], { cwd: ROOT, encoding: "utf8" });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/bad\.yml:6:\d+: "github\.event\.head_commit\.message" is potentially untrusted/);
      expect(r.stdout).toContain("1 workflow(s), 1 error(s)");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits 2 for a folder without workflows, not 0", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lint-workflows-"));
    try {
      const r = spawnSync(process.execPath, [script, dir], { cwd: ROOT, encoding: "utf8" });
      expect(r.status).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
