import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * `npx session-doctor ...` as operators run it: the committed launcher, the
 * compiled program and its exit code (the `smoke` target builds first; a
 * first run absorbs any rebuild the launcher still finds due). `connect
 * --print` runs in an app folder of its own inside the workspace: dev
 * synthesized by the compiled app with a local state backend, whose state
 * file holds the outputs a deploy would leave, so no AWS account is needed.
 */
const ROOT = path.resolve(__dirname, "..", "..", "..");
const INFRA = path.join(ROOT, "apps", "infra");
const INSTANCE_ID = "i-0123456789abcdef0";

/** The environment of the commands; a `TF_CLI_CONFIG_FILE` naming no file is dropped, so the provider mirror is found as on a clean machine. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: "false" };
  if (env.TF_CLI_CONFIG_FILE !== undefined && !fs.existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}

function npx(args: readonly string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync("npx", [...args], { cwd, encoding: "utf8", env: childEnv(), timeout: 300_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

let app: string;
let madeTmp = false;
beforeAll(() => {
  npx(["session-doctor", "--help"]);
  madeTmp = !fs.existsSync(path.join(ROOT, "tmp"));
  fs.mkdirSync(path.join(ROOT, "tmp"), { recursive: true });
  app = fs.mkdtempSync(path.join(ROOT, "tmp", "session-doctor-smoke-"));
  fs.writeFileSync(path.join(app, "cdktf.json"), JSON.stringify({ app: "node ../../apps/infra/cdktf-app.js" }));
  fs.mkdirSync(path.join(app, "environments"));
  const dev = JSON.parse(fs.readFileSync(path.join(INFRA, "environments", "dev.json"), "utf8")) as Record<
    string,
    unknown
  >;
  dev.backend = { type: "local" };
  fs.writeFileSync(path.join(app, "environments", "dev.json"), JSON.stringify(dev, null, 2));
  const synth = spawnSync(
    process.execPath,
    [path.join(INFRA, "dist", "main.js"), "--env", "dev", "--outdir", "cdktf.out"],
    {
      cwd: app,
      encoding: "utf8",
    },
  );
  if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  // Until every environment stack carries the outputs region and account_id, the fixture stack is given them.
  const stackFile = path.join(app, "cdktf.out", "stacks", "dev", "cdk.tf.json");
  const stack = JSON.parse(fs.readFileSync(stackFile, "utf8")) as { output: Record<string, { value: unknown }> };
  stack.output.region ??= { value: dev.region };
  stack.output.account_id ??= { value: dev.accountId };
  fs.writeFileSync(stackFile, JSON.stringify(stack, null, 2));
  // The state a deploy would leave (outputs only), where the local backend keeps it: terraform.dev.tfstate in the app folder.
  const state = {
    version: 4,
    terraform_version: "1.11.0",
    serial: 1,
    lineage: "7d0bb0bc-0000-4000-8000-000000000001",
    outputs: {
      instance_ids: { value: { "app-1": INSTANCE_ID }, type: ["map", "string"] },
      port_forwarding_documents: { value: stack.output.port_forwarding_documents.value, type: ["map", "string"] },
    },
    resources: [],
    check_results: null,
  };
  fs.writeFileSync(path.join(app, "terraform.dev.tfstate"), JSON.stringify(state));
}, 300_000);

afterAll(() => {
  if (app !== undefined) fs.rmSync(app, { recursive: true, force: true });
  if (madeTmp) fs.rmSync(path.join(ROOT, "tmp"), { recursive: true, force: true });
});

it("a stack without an environment file: exit 64, the reason, then the usage", () => {
  const r = npx(["session-doctor", "connect", "--stack=staging", "--print"]);
  expect(r.code).toBe(64);
  expect(r.stdout).toBe("");
  expect(r.stderr.split("\n").slice(0, 2)).toEqual([
    "session-doctor: --stack=staging: there is no environment file apps/infra/environments/staging.json; environments: dev, prod",
    "Usage:",
  ]);
});

it("connect --stack=dev --print, from the app folder: the aws ssm start-session command, Region from the stack, id from the state", () => {
  const r = npx(["session-doctor", "connect", "--stack=dev", "--print"], app);
  expect(r.stderr).toMatch(
    /^(terraform init -input=false in cdktf\.out\/stacks\/dev \(first use of this folder\)\n)?$/,
  );
  expect(r.stdout).toBe(`aws ssm start-session --target ${INSTANCE_ID} --region eu-west-1\n`);
  expect(r.code).toBe(0);
  const forward = npx(["session-doctor", "connect", "--stack=dev", "--port=8080:18080", "--print"], app);
  expect(forward.stdout).toBe(
    `aws ssm start-session --target ${INSTANCE_ID} --region eu-west-1 --document-name ssm-access-dev-forward-8080 --parameters localPortNumber=18080\n`,
  );
});

it("connect --print of a port the stack does not forward: exit 1 naming the ones it does", () => {
  const r = npx(["session-doctor", "connect", "--stack=dev", "--port=5432", "--print"], app);
  expect(r.code).toBe(1);
  expect(r.stderr.split("\n")[0]).toMatch(/^session-doctor: dev does not forward port 5432; it forwards 8080 /);
});
