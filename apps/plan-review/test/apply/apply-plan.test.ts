import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { STACK_FILE, memoryIo, runTerraform } from "@ssm-access/terraform-kit";
import { applySavedPlan } from "../../src/apply/apply-plan";
import { main } from "../../src/cli";
import { PlanProvenance, provenanceFileOf, sha256OfFile, writeProvenance } from "../../src/apply/provenance";

/**
 * `applySavedPlan` on a real Terraform working folder: a `terraform_data`
 * resource (Terraform's built-in provider, nothing to download) in a local
 * state, planned to a file, then applied or refused.
 */

const COMMIT = "a".repeat(40);
const OTHER_COMMIT = "b".repeat(40);

let dir: string;

function writeStack(value: string): void {
  fs.writeFileSync(
    path.join(dir, STACK_FILE),
    JSON.stringify({ resource: { terraform_data: { marker: { input: value } } } }, null, 2),
  );
}

async function terraform(...args: string[]): Promise<string> {
  const r = await runTerraform([...args, "-no-color"], { cwd: dir, env: process.env });
  if (r.code !== 0) throw new Error(`terraform ${args.join(" ")} failed:\n${r.output}`);
  return r.output;
}

/** Plans the current stack to `name` and records its provenance (what `plan` does). */
async function planTo(name: string, provenance: Partial<PlanProvenance> = {}): Promise<string> {
  await terraform("plan", "-input=false", `-out=${name}`);
  const file = path.join(dir, name);
  writeProvenance(file, {
    stack: "dev",
    commit: COMMIT,
    stackSha256: sha256OfFile(path.join(dir, STACK_FILE)),
    ...provenance,
  });
  return file;
}

function deployedValue(): unknown {
  const state = JSON.parse(fs.readFileSync(path.join(dir, "terraform.tfstate"), "utf8"));
  return state.resources?.[0]?.instances?.[0]?.attributes?.input;
}

function stateBytes(): string {
  const file = path.join(dir, "terraform.tfstate");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-review-apply-test-"));
  writeStack("one");
  await terraform("init", "-input=false");
}, 60_000);

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("applySavedPlan", () => {
  it("applies the plan made for this stack, commit and synth, and a re-plan is then clean", async () => {
    const plan = await planTo("dev.tfplan");
    const outcome = await applySavedPlan({ stack: "dev", planFile: plan, stackDir: dir, commit: COMMIT });
    expect(outcome).toEqual({ kind: "applied" });
    expect(deployedValue()).toEqual({ type: "string", value: "one" });
    const replan = await runTerraform(["plan", "-detailed-exitcode", "-no-color"], { cwd: dir, env: process.env });
    expect(replan.code).toBe(0);
  }, 60_000);

  it("refuses a plan the state moved past (Terraform's stale plan), changing nothing, and says to plan again", async () => {
    const older = await planTo("older.tfplan");
    const newer = await planTo("newer.tfplan");
    expect(await applySavedPlan({ stack: "dev", planFile: newer, stackDir: dir, commit: COMMIT })).toEqual({
      kind: "applied",
    });
    const before = stateBytes();
    const outcome = await applySavedPlan({ stack: "dev", planFile: older, stackDir: dir, commit: COMMIT });
    expect(outcome).toEqual({
      kind: "refused",
      reasons: [
        expect.stringMatching(/state of dev changed since the plan was made .*Saved plan is stale.*plan again/),
      ],
    });
    expect(stateBytes()).toBe(before);
  }, 60_000);

  it("refuses a plan made for another stack, before Terraform runs", async () => {
    const plan = await planTo("dev.tfplan");
    const outcome = await applySavedPlan({ stack: "prod", planFile: plan, stackDir: dir, commit: COMMIT });
    expect(outcome).toEqual({ kind: "refused", reasons: ["the plan was made for stack dev, not prod"] });
    expect(stateBytes()).toBe("");
  }, 60_000);

  it("refuses a plan made at another commit", async () => {
    const plan = await planTo("dev.tfplan", { commit: OTHER_COMMIT });
    const outcome = await applySavedPlan({ stack: "dev", planFile: plan, stackDir: dir, commit: COMMIT });
    expect(outcome).toEqual({
      kind: "refused",
      reasons: [`the plan was made at commit ${"b".repeat(12)}, but ${"a".repeat(12)} is checked out`],
    });
    expect(stateBytes()).toBe("");
  }, 60_000);

  it("refuses a plan made from another synthesized stack", async () => {
    const plan = await planTo("dev.tfplan");
    writeStack("two");
    const outcome = await applySavedPlan({ stack: "dev", planFile: plan, stackDir: dir, commit: COMMIT });
    expect(outcome).toEqual({
      kind: "refused",
      reasons: [expect.stringMatching(/^the plan was made from another synthesized dev stack \(cdk\.tf\.json sha256/)],
    });
    expect(stateBytes()).toBe("");
  }, 60_000);

  it("refuses a plan without provenance, naming the missing file", async () => {
    const plan = await planTo("dev.tfplan");
    fs.rmSync(provenanceFileOf(plan));
    const outcome = await applySavedPlan({ stack: "dev", planFile: plan, stackDir: dir, commit: COMMIT });
    expect(outcome).toEqual({
      kind: "refused",
      reasons: [expect.stringContaining(`${provenanceFileOf(plan)} is missing`)],
    });
    expect(stateBytes()).toBe("");
  }, 60_000);

  it("refuses a provenance file with a wrong field, naming it", async () => {
    const plan = await planTo("dev.tfplan");
    fs.writeFileSync(provenanceFileOf(plan), JSON.stringify({ stack: "dev", commit: "HEAD", stackSha256: "x" }));
    const outcome = await applySavedPlan({ stack: "dev", planFile: plan, stackDir: dir, commit: COMMIT });
    expect(outcome).toEqual({
      kind: "refused",
      reasons: [expect.stringMatching(/provenance\.json: commit: must be a string matching/)],
    });
  }, 60_000);
});

describe("plan-review apply, the command line", () => {
  const workspace = path.resolve(__dirname, "../../../..");

  it.each([
    [["apply", "--stack=dev"], /apply needs --plan=<file>/],
    [["apply", "--stack=dev", "--plan=x", "--base=main"], /--base is an option of review, not apply/],
    [["apply", "--stack=dev", "--plan=x", "--json"], /--json is an option of environments, not apply/],
    [["apply", "--plan=x"], /--stack=<env> is required/],
  ])("%j is a wrong command line (64)", async (argv, message) => {
    const io = memoryIo();
    expect(await main(argv, io.io, workspace)).toBe(64);
    expect(io.err()).toMatch(message);
  });

  it("refuses a plan file that does not exist (4), before any synth", async () => {
    const io = memoryIo();
    expect(await main(["apply", "--stack=dev", `--plan=${path.join(dir, "missing.tfplan")}`], io.io, workspace)).toBe(
      4,
    );
    expect(io.err()).toMatch(/refused to apply .*nothing was changed:\n {2}- --plan .*missing\.tfplan does not exist/);
  });

  it("refuses a plan recorded for another stack (4) before the synth: nothing reaches that stack's backend", async () => {
    const planFile = await planTo("dev.tfplan");
    const synthesized = path.join(workspace, "apps", "infra", "cdktf.out", "stacks", "prod", STACK_FILE);
    const before = fs.existsSync(synthesized) ? fs.statSync(synthesized).mtimeMs : undefined;
    const io = memoryIo();
    const code = await main(["apply", "--stack=prod", `--plan=${planFile}`], io.io, workspace);
    expect(io.err()).toMatch(/the plan was made for stack dev, not prod/);
    expect(code).toBe(4);
    // Refused before the synth: prod's synthesized stack is as it was.
    expect(fs.existsSync(synthesized) ? fs.statSync(synthesized).mtimeMs : undefined).toBe(before);
  });
});
