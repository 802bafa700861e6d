/**
 * The packages through a real registry (registry-flow.ts): published to a
 * local Verdaccio by `nx release publish`, installed by range by a consumer
 * project that deploys into the emulator, then an upgrade that only adds an
 * optional prop checked by `plan-review upgrade-check`, and a release that
 * renames a construct id stopped by `plan-review release-gate`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Emulator, keepTempDir, makeTempDir, removeTempDir, startEmulator } from "@ssm-access/aws-emulator";
import { REPO_ROOT } from "./apps";
import { CONSUMER_ACCOUNT, CONSUMER_PACKAGES, CONSUMER_STACK, RegistryFlow, runRegistryFlow } from "./registry-flow";

/** The text block a Markdown file shows under `<!-- output: <name> -->`: what a command printed, to compare. */
function documentedOutput(file: string, name: string): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), "utf8");
  const m = new RegExp(`<!-- output: ${name} -->\n\`\`\`text\n([\\s\\S]*?)\`\`\`\n`).exec(text);
  if (!m) throw new Error(`${file}: no text block under <!-- output: ${name} -->`);
  return m[1];
}

let tmp: string;
let emulator: Emulator | undefined;
let flow: Promise<RegistryFlow>;

beforeAll(() => {
  tmp = makeTempDir("ssm-access-registry-");
  flow = startEmulator({
    accountId: CONSUMER_ACCOUNT,
    logDir: path.join(tmp, "emulator"),
    tlsDir: path.join(tmp, "emulator", "tls"),
  }).then((e) => {
    emulator = e;
    return runRegistryFlow({ emulator: e, tmp, log: (line) => process.stderr.write(`registry flow: ${line}\n`) });
  });
  flow.catch(() => undefined);
});

afterAll(async () => {
  await flow.catch(() => undefined);
  await emulator?.stop();
  if (!tmp) return;
  if (process.env.SSM_ACCESS_E2E_KEEP_FILES === "1") keepTempDir(tmp);
  else removeTempDir(tmp);
}, 120_000);

describe("the packages published to a registry and upgraded by a consumer", () => {
  it("nx release publish puts the five packages of the working tree's version on the registry", async () => {
    const f = await flow;
    for (const p of ["core", "network", "iam-ssm", "compute", "maintenance"])
      expect(f.published.output).toContain(`@ssm-access/${p}@${f.previous}`);
  });

  it("the consumer installs @ssm-access/*@^0.1.0 from the registry: the registry's tarballs, no file, no link", async () => {
    const f = await flow;
    for (const name of CONSUMER_PACKAGES) {
      const entry = f.lockEntries[`node_modules/${name}`];
      // npm leaves `resolved` out of the lock for a package of the configured registry; the integrity is the registry's.
      expect({ name, ...entry }).toEqual(
        expect.objectContaining({ name, version: f.previous, integrity: f.registryIntegrity[name] }),
      );
      expect(f.registryIntegrity[name]).toMatch(/^sha512-/);
      expect(entry.link).toBeUndefined();
      expect(entry.resolved ?? f.registry.url).toMatch(new RegExp(`^${f.registry.url}`));
    }
    expect(Object.keys(f.lockEntries).sort()).toEqual(
      ["core", ...CONSUMER_PACKAGES.map((n) => n.split("/")[1])].map((p) => `node_modules/@ssm-access/${p}`).sort(),
    );
  });

  it("the consumer compiles, synthesizes and deploys into the emulator", async () => {
    const f = await flow;
    expect(f.deployed).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_instance\./), expect.stringMatching(/^aws_vpc\./)]),
    );
  });

  it("upgrade-check to the release that adds an optional prop reports no replacement, destroy or weakened posture", async () => {
    const f = await flow;
    const { result, json } = f.upgradeCheck;
    expect({ code: result.code, output: result.output }).toEqual(expect.objectContaining({ code: expect.any(Number) }));
    expect([0, 2]).toContain(result.code);
    expect(json).toEqual(
      expect.objectContaining({ from: f.previous, to: f.minor, packages: [...CONSUMER_PACKAGES].sort() }),
    );
    const review = json.stacks[CONSUMER_STACK];
    expect(review.counts).toEqual(expect.objectContaining({ replace: 0, delete: 0, create: 0 }));
    expect(review.security.filter((s) => s.weakened)).toEqual([]);
    expect(result.stdout).toContain(`upgraded from ${f.previous} to ${f.minor}`);
  });

  it.each(["README.md", "docs/upgrade-check.md"])(
    "%s shows the start of the upgrade check's output as it printed it",
    async (file) => {
      const { stdout } = (await flow).upgradeCheck.result;
      const documented = documentedOutput(file, "plan-review upgrade-check");
      expect(stdout.slice(0, documented.length)).toBe(documented);
    },
  );

  it("release-gate --example blocks the patch that renames the instance's construct id without a moved block, naming the address: the patch published to a staging registry only, team-stack deployed at the previous release", async () => {
    const f = await flow;
    const { result, json } = f.gate;
    expect({ code: result.code, output: result.output }).toEqual(expect.objectContaining({ code: 3 }));
    expect(json.verdict.breaking).toBe(false);
    const blocked = json.verdict.blocking.map((b) => b.address);
    expect(blocked).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_instance\.Instances_worker-1_/)]));
    const address = blocked.find((a) => a.startsWith("aws_instance."));
    expect(result.stdout).toContain(`BLOCKS: examples/team-stack ${CONSUMER_STACK}: ${address}`);
    // The rehearsal: the release on a staging registry in front of the registry, the example deployed at the previous one.
    expect(result.stderr).toMatch(
      new RegExp(`staging registry http://127\\.0\\.0\\.1:\\d+/ in front of ${f.registry.url}`),
    );
    expect(result.stderr).toContain(`team-stack: ${CONSUMER_STACK} deployed at ${f.previous} into an emulator`);
    expect(f.registryVersions).toEqual([f.previous, f.minor]);
    expect(json.upgradeChecks["examples/team-stack"]).toEqual(
      expect.objectContaining({ from: f.previous, to: f.renamed, packages: [...CONSUMER_PACKAGES].sort() }),
    );
  });

  it("CONTRIBUTING.md shows the release gate's output as it printed it", async () => {
    const { stdout } = (await flow).gate.result;
    expect(stdout).toBe(documentedOutput("CONTRIBUTING.md", "plan-review release-gate"));
  });
});
