import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { POOL_SOCKET_VARIABLE, ProviderPool, REAL_TERRAFORM_VARIABLE, poolKey } from "../src/provider-pool";
import { commandOf, leasableProvider } from "../src/terraform-with-pool";

/** The compiled client the pool's `terraform` runs (the test target depends on the build). */
const CLIENT = path.join(__dirname, "..", "dist", "terraform-with-pool.js");

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "provider-pool-test-"));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(file: string, text: string, mode = 0o644): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  return file;
}

/** A stack folder with `providers` AWS provider configurations and an installed provider binary. */
function stackFolder(name: string, providers: Array<Record<string, unknown>>, binary: string): string {
  const dir = path.join(tmp, name);
  write(path.join(dir, "cdk.tf.json"), JSON.stringify({ provider: { aws: providers } }));
  const installed = path.join(dir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "aws", "5.100.0");
  fs.mkdirSync(path.join(installed, "linux_amd64"), { recursive: true });
  fs.symlinkSync(binary, path.join(installed, "linux_amd64", "terraform-provider-aws_v5.100.0_x5"));
  return dir;
}

/** A stand-in provider: prints where it listens as `-debug` does (its pid in the address), then waits. */
function fakeProvider(): string {
  return write(
    path.join(tmp, "bin", "terraform-provider-aws"),
    `#!${process.execPath}
const config = { "registry.terraform.io/hashicorp/aws": { Protocol: "grpc", Pid: process.pid, Test: true, Addr: { Network: "unix", String: "/tmp/plugin" + process.pid } } };
console.log("Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:");
console.log("\\tTF_REATTACH_PROVIDERS='" + JSON.stringify(config) + "'");
setInterval(() => {}, 1000);
`,
    0o755,
  );
}

/**
 * A stand-in Terraform: prints the provider it was given (or "none"), exits
 * with $EXIT_WITH. With $MEET_IN (a folder) it first waits there until
 * $MEET_COUNT commands have arrived (20 s at most): commands that meet run at
 * the same time, however slowly a loaded machine starts them.
 */
function fakeTerraform(): string {
  return write(
    path.join(tmp, "bin", "terraform"),
    `#!/bin/sh
if [ -n "$TF_REATTACH_PROVIDERS" ]; then echo "$TF_REATTACH_PROVIDERS" | sed 's/.*"Pid":\\([0-9]*\\).*/provider \\1/'; else echo none; fi
if [ -n "$MEET_IN" ]; then
  : > "$MEET_IN/$$"
  i=0
  while [ "$(ls "$MEET_IN" | wc -l)" -lt "$MEET_COUNT" ] && [ "$i" -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
fi
exit "\${EXIT_WITH:-0}"
`,
    0o755,
  );
}

/** Runs the pool's `terraform` client with `args` in `cwd`. */
function runClient(
  pool: ProviderPool,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT, ...args], {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: os.homedir(),
        [POOL_SOCKET_VARIABLE]: pool.socketPath,
        [REAL_TERRAFORM_VARIABLE]: path.join(tmp, "bin", "terraform"),
        ...env,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout: stdout.trim() }));
  });
}

function isAlive(pid: number): boolean {
  const stat = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim();
  return stat !== "" && !stat.startsWith("Z");
}

/** Whether `pid` is still alive after up to 10 s of waiting for it to end. */
async function aliveAfterWaiting(pid: number): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return isAlive(pid);
}

describe("commandOf", () => {
  it("reads the subcommand after the global options, and -chdir", () => {
    expect(commandOf(["-chdir=stacks/dev", "plan", "-out=x"], "/w")).toEqual({
      dir: "/w/stacks/dev",
      subcommand: "plan",
    });
    expect(commandOf(["show", "-json", "dev.tfplan"], "/w")).toEqual({ dir: "/w", subcommand: "show" });
    expect(commandOf(["-version"], "/w")).toEqual({ dir: "/w" });
  });
});

describe("leasableProvider", () => {
  it("gives the installed binary of a folder that configures the AWS provider once, overrides merged", () => {
    const binary = fakeProvider();
    const dir = stackFolder("dev", [{ region: "eu-west-1" }], binary);
    write(path.join(dir, "zz_emulator_override.tf.json"), JSON.stringify({ provider: { aws: { endpoints: [] } } }));
    expect(leasableProvider(dir)).toBe(fs.realpathSync(binary));
  });

  it("gives none for two AWS provider configurations, HCL files, or no installed provider", () => {
    const binary = fakeProvider();
    expect(leasableProvider(stackFolder("two", [{ alias: "a" }, { alias: "b" }], binary))).toBeUndefined();
    const hcl = stackFolder("hcl", [{}], binary);
    write(path.join(hcl, "extra.tf"), 'provider "aws" { alias = "b" }\n');
    expect(leasableProvider(hcl)).toBeUndefined();
    const bare = path.join(tmp, "bare");
    write(path.join(bare, "cdk.tf.json"), JSON.stringify({ provider: { aws: [{}] } }));
    expect(leasableProvider(bare)).toBeUndefined();
  });
});

describe("poolKey", () => {
  it("tells providers apart by binary and by the variables a provider reads, nothing else", () => {
    const base = { AWS_ENDPOINT_URL: "https://127.0.0.1:1", NX_TASK_HASH: "a" };
    expect(poolKey("/p", base)).toBe(poolKey("/p", { ...base, NX_TASK_HASH: "b", TF_REATTACH_PROVIDERS: "{}" }));
    expect(poolKey("/p", base)).not.toBe(poolKey("/p", { ...base, AWS_ENDPOINT_URL: "https://127.0.0.1:2" }));
    expect(poolKey("/p", base)).not.toBe(poolKey("/q", base));
  });
});

describe("the pool's terraform", () => {
  let pool: ProviderPool;
  beforeEach(() => {
    fakeTerraform();
    pool = new ProviderPool(path.join(tmp, "pool"));
  });
  afterEach(() => pool.close());

  it("lends one provider to successive commands, a second only to a command running meanwhile, and none to init", async () => {
    const dir = stackFolder("dev", [{}], fakeProvider());
    const first = await runClient(pool, ["plan"], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^provider \d+$/);
    expect((await runClient(pool, ["show", "-json", "x"], dir)).stdout).toBe(first.stdout);
    const meet = path.join(tmp, "meet");
    fs.mkdirSync(meet);
    const meanwhile = { MEET_IN: meet, MEET_COUNT: "2" };
    const [a, b] = await Promise.all([
      runClient(pool, ["plan"], dir, meanwhile),
      runClient(pool, ["apply"], dir, meanwhile),
    ]);
    expect(fs.readdirSync(meet)).toHaveLength(2);
    expect(new Set([a.stdout, b.stdout]).size).toBe(2);
    expect((await runClient(pool, ["init"], dir)).stdout).toBe("none");
    expect(pool.counts).toEqual({ started: 2, leases: 4 });
  });

  it("passes the exit code through, and kills a provider whose command failed, keeping one whose plan found changes", async () => {
    const dir = stackFolder("dev", [{}], fakeProvider());
    const changes = await runClient(pool, ["plan", "-detailed-exitcode"], dir, { EXIT_WITH: "2" });
    expect(changes.code).toBe(2);
    const failed = await runClient(pool, ["apply"], dir, { EXIT_WITH: "1" });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe(changes.stdout);
    const pid = Number(failed.stdout.split(" ")[1]);
    expect(await aliveAfterWaiting(pid)).toBe(false);
    const next = await runClient(pool, ["plan"], dir);
    expect(next.stdout).not.toBe(failed.stdout);
    expect(pool.counts.started).toBe(2);
  });

  it("lends a provider only to commands with the same AWS variables", async () => {
    const dir = stackFolder("dev", [{}], fakeProvider());
    const one = await runClient(pool, ["plan"], dir, { AWS_ENDPOINT_URL: "https://127.0.0.1:1" });
    const two = await runClient(pool, ["plan"], dir, { AWS_ENDPOINT_URL: "https://127.0.0.1:2" });
    expect(one.stdout).not.toBe(two.stdout);
  });

  it("close kills every provider", async () => {
    const dir = stackFolder("dev", [{}], fakeProvider());
    const pid = Number((await runClient(pool, ["plan"], dir)).stdout.split(" ")[1]);
    expect(isAlive(pid)).toBe(true);
    pool.close();
    expect(await aliveAfterWaiting(pid)).toBe(false);
  });
});
