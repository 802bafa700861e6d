/**
 * The README shell blocks annotated `<!-- doc-test: emulator name=<id> -->`,
 * run by the tier against the landscape it deployed: each block's script by
 * bash from a workspace root, with the environment the README tells users
 * to set, and its exit code checked against the annotation.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import {
  EMULATOR_CREDENTIALS,
  Landscape,
  emulatorOf,
  parseUpOutput,
  processesUsing,
  signalExitCode,
  stateLocation,
  writeAwsConfig,
} from "@ssm-access/aws-emulator";
import { DocBlock, readDocBlocks } from "@ssm-access/doc-tests";
import { REPO_ROOT, Ran, runScript } from "./apps";

/** The emulator blocks the tier knows how to run. */
export const HANDLED_BLOCKS = ["up-keep", "connect-print", "doctor-dev", "review-base"] as const;
export type HandledBlock = (typeof HANDLED_BLOCKS)[number];

/** Every `emulator` block of the documented Markdown files. */
export function emulatorBlocks(root = REPO_ROOT): DocBlock[] {
  return readDocBlocks(root).blocks.filter((b) => b.mode === "emulator");
}

/** What is wrong with the emulator blocks: a name no test handles, a handled name with no block, blocks of one name that differ. */
export function blockProblems(blocks: readonly DocBlock[]): string[] {
  const problems: string[] = [];
  for (const b of blocks) {
    if (!(HANDLED_BLOCKS as readonly string[]).includes(b.name ?? ""))
      problems.push(`${b.file}:${b.line}: no test of the emulator tier handles name=${b.name}`);
  }
  for (const name of HANDLED_BLOCKS) {
    const same = blocks.filter((b) => b.name === name);
    if (same.length === 0) problems.push(`no README has the emulator block name=${name}`);
    const first = same[0];
    for (const other of same.slice(1)) {
      if (other.script !== first.script || other.exit !== first.exit)
        problems.push(`${other.file}:${other.line}: name=${name} differs from ${first.file}:${first.line}`);
    }
  }
  return problems;
}

/** The block of `name` (they are identical when several READMEs carry it; see {@link blockProblems}). */
export function blockOf(name: HandledBlock, blocks: readonly DocBlock[] = emulatorBlocks()): DocBlock {
  const block = blocks.find((b) => b.name === name);
  if (!block) throw new Error(`no README has the emulator block name=${name}`);
  return block;
}

/** The environment of a user's shell: this one without the tier's own Nx, AWS and workspace variables. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|SSM_ACCESS_|NX_)/.test(key) && key !== "CDKTF_OUTDIR") env[key] = value;
  }
  return { ...env, NX_DAEMON: "false", NX_ISOLATE_PLUGINS: "false", FORCE_COLOR: "0", ...extra };
}

/**
 * What the emulator README tells users to export to reach an environment's
 * emulator (as `aws-emulator up` prints it): static credentials, the
 * emulator's certificate, the endpoint of the environment's account, and
 * the AWS config file holding the profiles the environment files name.
 */
export function emulatorVariables(land: Landscape, env: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.access_key,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secret_key,
    AWS_CA_BUNDLE: land.ws.certificateFile,
    AWS_ENDPOINT_URL: emulatorOf(land, stateLocation(land, env).accountId).endpoint,
    AWS_CONFIG_FILE: writeAwsConfig(land, path.join(REPO_ROOT, "apps", "infra", "environments")),
  };
}

/** Runs a block's script by bash from `root` (a workspace root). */
export function runBlock(block: DocBlock, env: NodeJS.ProcessEnv, logFile: string, root = REPO_ROOT): Promise<Ran> {
  return runScript(block.script, { cwd: root, env, logFile });
}

/** The exit status a shell reports for a run: its code, or 128 + the signal that ended it. */
export function exitStatus(ran: Ran): number {
  return ran.code ?? (ran.signal ? signalExitCode(ran.signal) : -1);
}

/** Throws unless the block exited as annotated, with what it printed. */
export function assertExit(block: DocBlock, ran: Ran): void {
  if (exitStatus(ran) !== block.exit) {
    throw new Error(
      `${block.file}:${block.line} (name=${block.name}) exited ${exitStatus(ran)}, not ${block.exit}:\n${block.script}\n--- stdout\n${ran.stdout.slice(-3000)}\n--- stderr\n${ran.stderr.slice(-3000)}`,
    );
  }
}

function answers(endpoint: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`${endpoint}/moto-api/data.json`, { ca: fs.readFileSync(ca) }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/**
 * `up-keep`: starts the block (it runs `aws-emulator up --keep`), waits for
 * the endpoints it prints to answer, interrupts it as a terminal's Ctrl-C
 * does (SIGINT to its process group), and checks the exit code, that its
 * folder is gone and that no process of it is left.
 */
export async function upKeepBlock(
  block: DocBlock,
  logFile: string,
): Promise<{ endpoints: readonly string[]; root: string }> {
  let stdout = "";
  let pid = 0;
  const running = runScript(block.script, {
    cwd: REPO_ROOT,
    env: userEnv(),
    logFile,
    onStart: (p) => (pid = p),
    onStdout: (t) => (stdout += t),
  });
  const deadline = Date.now() + 120000;
  let parsed = parseUpOutput(stdout);
  for (;;) {
    parsed = parseUpOutput(stdout);
    if (parsed.endpoints.length > 0 && parsed.caBundle && (await answers(parsed.endpoints[0], parsed.caBundle))) break;
    if (Date.now() > deadline) {
      process.kill(-pid, "SIGKILL");
      throw new Error(`${block.file}:${block.line}: no emulator answered within 120 s:\n${stdout}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const root = path.dirname(path.dirname(parsed.caBundle as string));
  process.kill(-pid, "SIGINT");
  const ran = await running;
  assertExit(block, ran);
  for (let i = 0; processesUsing(root).length > 0; i++) {
    if (i > 50)
      throw new Error(`${block.file}:${block.line}: processes left in ${root}: ${processesUsing(root).join(", ")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  if (fs.existsSync(root)) throw new Error(`${block.file}:${block.line}: ${root} is left behind`);
  for (const endpoint of parsed.endpoints) {
    if (await answers(endpoint, path.join(REPO_ROOT, "package.json")))
      throw new Error(`${endpoint} still answers after the interrupt`);
  }
  return { endpoints: parsed.endpoints, root };
}

/**
 * Copies every project's compiled `dist/` of the workspace into the same
 * project of `root`, dated now. The checkout just dated every source of
 * `root` now, so a program's launcher would otherwise find its output stale
 * and build the whole workspace again there, for a minute, beside the tier's
 * own processes. Copies, not links: nothing run in `root` writes into this
 * workspace's output while the tier loads it.
 */
function copyBuiltOutput(root: string): void {
  const now = new Date();
  const touch = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) touch(full);
      fs.utimesSync(full, now, now);
    }
  };
  for (const group of ["packages", "apps"]) {
    for (const project of fs.readdirSync(path.join(REPO_ROOT, group))) {
      const built = path.join(REPO_ROOT, group, project, "dist");
      const target = path.join(root, group, project);
      if (!fs.existsSync(built) || !fs.existsSync(target)) continue;
      fs.cpSync(built, path.join(target, "dist"), { recursive: true });
      touch(path.join(target, "dist"));
    }
  }
}

/**
 * A copy of the workspace at HEAD (a git worktree under `dir`, the installed
 * `node_modules` linked in and the compiled output copied) in which `edit` changes the
 * environment files, as the README asks users to before a review; returns
 * its root, and how to remove it.
 */
export function editedWorkspace(
  dir: string,
  edit: (environmentsDir: string) => void,
): { root: string; remove(): void } {
  const root = path.join(dir, "workspace");
  execFileSync("git", ["worktree", "add", "--detach", root, "HEAD"], { cwd: REPO_ROOT, stdio: "ignore" });
  const remove = () => {
    execFileSync("git", ["worktree", "remove", "--force", root], { cwd: REPO_ROOT, stdio: "ignore" });
  };
  try {
    // The installed dependencies, the workspace's and each project's own (a project may pin another version).
    for (const group of ["", "packages", "apps", "tools", "e2e", "examples"]) {
      const projects =
        group === ""
          ? [""]
          : fs.existsSync(path.join(REPO_ROOT, group))
            ? fs.readdirSync(path.join(REPO_ROOT, group)).map((p) => path.join(group, p))
            : [];
      for (const project of projects) {
        const modules = path.join(REPO_ROOT, project, "node_modules");
        if (fs.existsSync(modules) && fs.existsSync(path.join(root, project)))
          fs.symlinkSync(modules, path.join(root, project, "node_modules"));
      }
    }
    copyBuiltOutput(root);
    edit(path.join(root, "apps", "infra", "environments"));
  } catch (e) {
    remove();
    throw e;
  }
  return { root, remove };
}
