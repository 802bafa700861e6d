import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT, type Step, type Job } from "./workflow-shape";

/**
 * The deploy, drift and state-bootstrap workflows: what they run, with which
 * permissions and credentials, and the shell they run, executed with a fake
 * `npx` that records its arguments.
 */

const WORKFLOWS = path.join(ROOT, ".github/workflows");

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

function load(name: string): Workflow {
  return parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8")) as Workflow;
}

function job(workflow: Workflow, id: string): Job {
  const found = workflow.jobs[id];
  if (found === undefined) throw new Error(`no job ${id}`);
  return found;
}

function step(j: Job, pattern: RegExp): Step {
  const found = (j.steps ?? []).filter((s) => pattern.test(s.name ?? "") || pattern.test(s.uses ?? ""));
  expect(found).toHaveLength(1);
  return found[0] as Step;
}

/** Runs a step's script with bash -e, a fake `npx` first on PATH that prints its arguments, and the given env. */
function runStep(script: string, env: Record<string, string>, npxOutput = "[]") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-step-"));
  try {
    const calls = path.join(dir, "calls");
    fs.writeFileSync(
      path.join(dir, "npx"),
      `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${calls}"\nprintf '%s\\n' '${npxOutput}'\n`,
      { mode: 0o755 },
    );
    const output = path.join(dir, "output");
    fs.writeFileSync(output, "");
    const result = spawnSync("bash", ["-e", "-c", script], {
      env: { PATH: `${dir}:${process.env.PATH}`, GITHUB_OUTPUT: output, ...env },
      encoding: "utf8",
    });
    return {
      status: result.status,
      calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
      output: fs.readFileSync(output, "utf8"),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every job that assumes AWS credentials asks for an OIDC token, and no other job does. */
function expectIdTokenOnlyWhereCredentialsAreAssumed(workflow: Workflow): void {
  expect(workflow.permissions).toEqual({});
  for (const [id, j] of Object.entries(workflow.jobs)) {
    const assumes = (j.steps ?? []).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    const callsDeploy = j.uses !== undefined;
    expect([id, j.permissions?.["id-token"]]).toEqual([id, assumes || callsDeploy ? "write" : undefined]);
    expect([id, j.permissions?.contents]).toEqual([id, "read"]);
  }
}

describe("deploy workflow", () => {
  const deploy = load("deploy.yml");
  const environments = job(deploy, "environments");
  const list = step(environments, /List the environments/);

  it("runs on push to main and by hand", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
  });

  it("grants nothing by default, and an OIDC token only to the job that deploys", () => {
    expectIdTokenOnlyWhereCredentialsAreAssumed(deploy);
  });

  it("checks out the history, to compare the push with its previous head", () => {
    expect(step(environments, /actions\/checkout/).with).toEqual({ "fetch-depth": 0 });
    expect(list.env).toEqual({ BEFORE: "${{ github.event.before }}" });
  });

  it.each([
    [
      "a push",
      "0123456789abcdef0123456789abcdef01234567",
      "environments --json --role=apply --affected --base=0123456789abcdef0123456789abcdef01234567",
    ],
    ["a dispatch (no previous head)", "", "environments --json --role=apply"],
    ["a new branch's first push", "0000000000000000000000000000000000000000", "environments --json --role=apply"],
  ])("on %s, lists the environments with plan-review", (_what, before, args) => {
    const entry = '[{"name":"dev"}]';
    const { status, calls, output } = runStep(String(list.run), { BEFORE: before }, entry);
    expect(status).toBe(0);
    expect(calls).toEqual([`plan-review ${args}`]);
    expect(output).toBe(`list=${entry}\n`);
  });

  it("deploys the listed environments one at a time, in order, stopping at the first failure", () => {
    const d = job(deploy, "deploy");
    expect(d.needs).toBe("environments");
    expect(d.if).toBe("${{ needs.environments.outputs.list != '[]' }}");
    expect(d.strategy).toEqual({
      "max-parallel": 1,
      "fail-fast": true,
      matrix: { include: "${{ fromJSON(needs.environments.outputs.list) }}" },
    });
    expect(d.uses).toBe("./.github/workflows/deploy-environment.yml");
    expect(d.with).toEqual({
      environment: "${{ matrix.name }}",
      "github-environment": "${{ matrix.githubEnvironment }}",
      region: "${{ matrix.region }}",
      "plan-role": "${{ matrix.planRoleArn }}",
      "apply-role": "${{ matrix.applyRoleArn }}",
      "runs-in": "${{ matrix.runsIn }}",
      "hcp-token-variable": "${{ matrix.hcpTokenVariable }}",
    });
    expect((d as Job & { secrets?: unknown }).secrets).toEqual({ TF_API_TOKEN: "${{ secrets.TF_API_TOKEN }}" });
  });
});

describe("deploy-environment workflow", () => {
  const called = load("deploy-environment.yml");
  const plan = job(called, "plan");
  const apply = job(called, "apply");

  it("is called with the matrix entry's fields", () => {
    const inputs = (called.on.workflow_call as { inputs: Record<string, { required: boolean }> }).inputs;
    expect(Object.keys(inputs)).toEqual([
      "environment",
      "github-environment",
      "region",
      "plan-role",
      "apply-role",
      "runs-in",
      "hcp-token-variable",
    ]);
    for (const input of Object.values(inputs)) expect(input.required).toBe(true);
  });

  it("deploys one environment at a time and never cancels a running apply", () => {
    expect(called.concurrency).toEqual({ group: "deploy-${{ inputs.environment }}", "cancel-in-progress": false });
  });

  it("asks for an OIDC token only in the jobs that assume a role", () => {
    expectIdTokenOnlyWhereCredentialsAreAssumed(called);
  });

  it("plans with the plan role and applies with the apply role, in the environment's Region", () => {
    expect(step(plan, /configure-aws-credentials/).with).toMatchObject({
      "role-to-assume": "${{ inputs.plan-role }}",
      "aws-region": "${{ inputs.region }}",
    });
    expect(step(apply, /configure-aws-credentials/).with).toMatchObject({
      "role-to-assume": "${{ inputs.apply-role }}",
      "aws-region": "${{ inputs.region }}",
    });
  });

  describe("an environment whose runs execute in HCP Terraform (the cloud backend)", () => {
    it.each([
      ["plan", plan],
      ["apply", apply],
    ])("%s: takes the HCP Terraform token instead of an AWS role", (_name, j) => {
      expect(step(j, /configure-aws-credentials/).if).toBe("${{ inputs.runs-in != 'hcp-terraform' }}");
      const token = step(j, /^HCP Terraform token$/);
      expect(token.if).toBe("${{ inputs.runs-in == 'hcp-terraform' }}");
      expect(token.env).toEqual({
        TOKEN: "${{ secrets.TF_API_TOKEN }}",
        TOKEN_VARIABLE: "${{ inputs.hcp-token-variable }}",
      });
      // Before the plan-review step that runs Terraform.
      const steps = j.steps ?? [];
      const runsTerraform = steps.findIndex((s) => /npx plan-review (plan|apply)/.test(s.run ?? ""));
      expect(steps.indexOf(token)).toBeLessThan(runsTerraform);
    });

    it("the token step gives Terraform the host's token variable, and fails without the secret", () => {
      const script = String(step(plan, /^HCP Terraform token$/).run);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-env-"));
      try {
        const githubEnv = path.join(dir, "env");
        fs.writeFileSync(githubEnv, "");
        const given = { GITHUB_ENV: githubEnv, TOKEN_VARIABLE: "TF_TOKEN_app_terraform_io" };
        expect(runStep(script, { ...given, TOKEN: "team-token" }).status).toBe(0);
        expect(fs.readFileSync(githubEnv, "utf8")).toBe("TF_TOKEN_app_terraform_io=team-token\n");
        const missing = spawnSync("bash", ["-e", "-c", script], { env: { ...given, TOKEN: "" }, encoding: "utf8" });
        expect(missing.status).toBe(1);
        expect(missing.stdout).toMatch(/TF_API_TOKEN secret is not set/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("plans with plan-review, which records the plan's provenance", () => {
    expect(step(plan, /^Plan$/).run?.trim()).toBe('npx plan-review plan --stack="$STACK"');
    expect(plan.env?.STACK).toBe("${{ inputs.environment }}");
  });

  describe("the review step", () => {
    const review = step(plan, /^Review$/);

    function runReview(code: number) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-review-"));
      try {
        fs.mkdirSync(path.join(dir, "apps/infra/.review"), { recursive: true });
        fs.writeFileSync(path.join(dir, "apps/infra/.review/dev.md"), "# Review of dev\n");
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "npx"), `#!/usr/bin/env bash\necho "$*" > "${dir}/call"\nexit ${code}\n`, {
          mode: 0o755,
        });
        fs.writeFileSync(path.join(dir, "summary"), "");
        fs.writeFileSync(path.join(dir, "output"), "");
        const result = spawnSync("bash", ["-e", "-c", String(review.run)], {
          cwd: dir,
          env: {
            PATH: `${bin}:${process.env.PATH}`,
            STACK: "dev",
            GITHUB_OUTPUT: path.join(dir, "output"),
            GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
          },
          encoding: "utf8",
        });
        return {
          status: result.status,
          call: fs.readFileSync(path.join(dir, "call"), "utf8").trim(),
          summary: fs.readFileSync(path.join(dir, "summary"), "utf8"),
          output: fs.readFileSync(path.join(dir, "output"), "utf8"),
          stdout: result.stdout,
        };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    it.each([
      [0, "changes=false\n"],
      [2, "changes=true\n"],
    ])("on exit code %d, writes the review as the job summary and %j", (code, output) => {
      const r = runReview(code);
      expect(r.status).toBe(0);
      expect(r.call).toBe(
        "plan-review review --stack=dev --plan=apps/infra/cdktf.out/stacks/dev/dev.tfplan --fail-on=none",
      );
      expect(r.summary).toBe("# Review of dev\n");
      expect(r.output).toBe(output);
    });

    it.each([1, 64])("fails on exit code %d, the summary still written", (code) => {
      const r = runReview(code);
      expect(r.status).toBe(1);
      expect(r.summary).toBe("# Review of dev\n");
      expect(r.stdout).toContain(`the review failed (exit code ${code})`);
    });
  });

  it("uploads the plan, its provenance and the review, and applies only a plan with changes", () => {
    const upload = step(plan, /upload-artifact/);
    expect(upload.with?.name).toBe("plan-${{ inputs.environment }}");
    expect(String(upload.with?.path).trim().split("\n")).toEqual([
      "apps/infra/cdktf.out/stacks/${{ inputs.environment }}/${{ inputs.environment }}.tfplan",
      "apps/infra/cdktf.out/stacks/${{ inputs.environment }}/${{ inputs.environment }}.tfplan.provenance.json",
      "apps/infra/.review/${{ inputs.environment }}.md",
      "apps/infra/.review/${{ inputs.environment }}.json",
    ]);
    expect(upload.with?.["if-no-files-found"]).toBe("error");
    expect(plan.outputs).toEqual({ changes: "${{ steps.review.outputs.changes }}" });
    expect(apply.needs).toBe("plan");
    expect(apply.if).toBe("${{ needs.plan.outputs.changes == 'true' }}");
  });

  it("applies from the GitHub environment, exactly the downloaded plan", () => {
    expect(apply.environment).toBe("${{ inputs.github-environment }}");
    const download = step(apply, /download-artifact/);
    expect(download.with).toEqual({ name: "plan-${{ inputs.environment }}", path: "reviewed-plan" });
    // upload-artifact keeps the paths below the files' common folder, apps/infra.
    expect(step(apply, /Apply the reviewed plan/).run?.trim()).toBe(
      'npx plan-review apply --stack="$STACK" --plan="reviewed-plan/cdktf.out/stacks/$STACK/$STACK.tfplan"',
    );
    const order = (apply.steps ?? []).map((s) => s.name ?? s.uses ?? "");
    expect(order.findIndex((s) => s.includes("download-artifact") || s.includes("Download"))).toBeLessThan(
      order.findIndex((s) => s.includes("Apply the reviewed plan")),
    );
  });
});

describe("drift workflow", () => {
  const drift = load("drift.yml");
  const check = job(drift, "drift");

  it("runs on a schedule and by hand, with an OIDC token only where the plan role is assumed", () => {
    expect(Object.keys(drift.on)).toEqual(["schedule", "workflow_dispatch"]);
    expectIdTokenOnlyWhereCredentialsAreAssumed(drift);
    expect(check.permissions).toEqual({ contents: "read", "id-token": "write", issues: "write" });
  });

  it("lists the environments with a plan role", () => {
    const { calls } = runStep(String(step(job(drift, "environments"), /List/).run), {});
    expect(calls).toEqual(["plan-review environments --json --role=plan"]);
  });

  it("plans refresh-only with the plan role and fails the review on drift", () => {
    expect(step(check, /configure-aws-credentials/).with).toMatchObject({
      "role-to-assume": "${{ matrix.planRoleArn }}",
    });
    expect(step(check, /Refresh-only plan/).run?.trim()).toBe('npx plan-review plan --stack="$STACK" --refresh-only');
    expect(step(check, /Review the drift/).run).toContain("--fail-on=drift");
    const issue = step(check, /drift issue/);
    expect(issue.env).toMatchObject({ EXIT_CODE: "${{ steps.review.outputs.exit-code }}" });
    expect(String(issue.with?.script)).toContain(".github/scripts/drift-issue.js");
  });
});

describe("state-bootstrap workflow", () => {
  const bootstrap = load("state-bootstrap.yml");
  const j = job(bootstrap, "bootstrap");

  it("runs by hand only, from its own GitHub environment, applying only when asked", () => {
    expect(Object.keys(bootstrap.on)).toEqual(["workflow_dispatch"]);
    expect(j.environment).toBe("state-bootstrap");
    expect(step(j, /^Apply$/).if).toBe("${{ inputs.apply }}");
    expectIdTokenOnlyWhereCredentialsAreAssumed(bootstrap);
  });

  it("keeps the stack's state in the bucket it is given, refusing to run without one", () => {
    const plan = String(step(j, /^Plan$/).run);
    const { status } = runStep(plan, { STATE_BUCKET: "", STATE_REGION: "eu-west-1", RUNNER_TEMP: os.tmpdir() });
    expect(status).not.toBe(0);
    expect(plan).toContain("backend_override.tf.json");
    expect(plan).toContain('SSM_ACCESS_TERRAFORM_OVERRIDES="$overrides"');
  });
});
