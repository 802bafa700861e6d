import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildReview } from "../../src/report";
import { isBreaking, judgeRelease, releaseNotes, renderVerdict } from "../../src/upgrade/release-gate";
import { change, planOf, scenarioInput } from "../report/support";

describe("isBreaking: outside the caret range of the previous release", () => {
  it.each([
    ["0.1.0", "0.1.1", false],
    ["0.1.0", "0.1.9", false],
    ["0.1.3", "0.2.0", true],
    ["0.1.0", "1.0.0", true],
    ["1.2.0", "1.3.0", false],
    ["1.2.0", "1.2.1", false],
    ["1.2.0", "2.0.0", true],
  ])("%s → %s: %s", (from, to, breaking) => {
    expect(isBreaking(from, to)).toBe(breaking);
  });

  it("names the flag of a version that is not major.minor.patch", () => {
    expect(() => isBreaking("0.1", "0.2.0")).toThrow("--from 0.1: not a semantic version (major.minor.patch)");
    expect(() => isBreaking("0.1.0", "next")).toThrow("--to next: not a semantic version");
  });
});

/** A stack whose instance moved from construct id `Resource` to `Instance`, planned as a destroy and a create. */
function renamedInstance() {
  const at = (address: string, construct: string) => ({
    resource: {
      aws_instance: { [address]: { "//": { metadata: { path: `team-x-dev/Instances/worker-1/${construct}` } } } },
    },
  });
  const values = { instance_type: "t3.micro", tags: { Name: "team-x-dev-worker-1" } };
  return buildReview({
    stack: "team-x-dev",
    plan: planOf({
      changes: [
        change({ address: "aws_instance.Instances_worker-1_47BA366F", actions: ["delete"], before: values }),
        change({ address: "aws_instance.Instances_worker-1_Instance_C2D7FDC4", actions: ["create"], after: values }),
      ],
    }),
    stackJson: at("Instances_worker-1_Instance_C2D7FDC4", "Instance"),
    baseStackJson: at("Instances_worker-1_47BA366F", "Resource"),
    environment: { file: "cdktf.out/stacks/team-x-dev/cdk.tf.json", json: {} },
    provenance: { kind: "upgrade", from: "0.1.0", to: "0.1.2", project: "team-stack" },
  });
}

describe("judgeRelease", () => {
  const replaced = buildReview(scenarioInput("cidr"));
  const replacedAddresses = replaced.changes.filter((c) => c.action === "replace").map((c) => c.address);

  it("the fixture replaces resources, each with the attributes forcing it", () => {
    expect(replacedAddresses.length).toBeGreaterThan(0);
  });

  it("blocks a release the caret range takes for every replacement, with its cause", () => {
    const verdict = judgeRelease("0.1.0", "0.1.1", [{ source: "apps/infra", review: replaced }], "");
    expect(verdict.breaking).toBe(false);
    expect(verdict.blocking.filter((f) => f.kind === "replace").map((f) => f.address)).toEqual(replacedAddresses);
    const first = replaced.changes.find((c) => c.action === "replace");
    expect(verdict.blocking[0].detail).toBe(`replaced because of ${first?.replacedBecause.join(", ")}`);
  });

  it("blocks it even when the notes name the addresses: npm install takes it without asking", () => {
    const verdict = judgeRelease(
      "0.1.0",
      "0.1.1",
      [{ source: "apps/infra", review: replaced }],
      replacedAddresses.join("\n"),
    );
    expect(verdict.blocking.length).toBeGreaterThanOrEqual(replacedAddresses.length);
  });

  it("lets a breaking release replace what its notes name, and blocks what they do not", () => {
    const [named, ...unnamed] = replacedAddresses;
    const some = judgeRelease("0.1.0", "0.2.0", [{ source: "apps/infra", review: replaced }], `Moves ${named}.`);
    expect(some.breaking).toBe(true);
    expect(some.blocking.filter((f) => f.kind === "replace").map((f) => f.address)).toEqual(unnamed);
    const all = judgeRelease(
      "0.1.0",
      "0.2.0",
      [{ source: "apps/infra", review: replaced }],
      replacedAddresses.join(" "),
    );
    expect(all.blocking.filter((f) => f.kind === "replace")).toEqual([]);
  });

  it("reports a renamed construct id as a rename to the new address, and accepts its construct path in the notes of a breaking release", () => {
    const review = renamedInstance();
    const patch = judgeRelease("0.1.0", "0.1.2", [{ source: "team-stack", review }], "");
    expect(patch.blocking).toEqual([
      expect.objectContaining({
        address: "aws_instance.Instances_worker-1_47BA366F",
        kind: "rename",
        constructPath: "Instances/worker-1/Resource",
        detail:
          "destroyed and created again as aws_instance.Instances_worker-1_Instance_C2D7FDC4 (its construct id changed; a moved block keeps it)",
      }),
    ]);
    const major = judgeRelease(
      "0.1.0",
      "0.2.0",
      [{ source: "team-stack", review }],
      "Moves Instances/worker-1/Resource.",
    );
    expect(major.blocking).toEqual([]);
  });

  it("blocks a weakened security posture in any release", () => {
    const weakened = {
      ...replaced,
      changes: [],
      security: [
        {
          aspect: "imds" as const,
          address: "aws_instance.a",
          before: "IMDSv2 required",
          after: "IMDSv1 allowed",
          weakened: true,
        },
      ],
    };
    for (const to of ["0.1.1", "0.2.0"])
      expect(
        judgeRelease("0.1.0", to, [{ source: "apps/infra", review: weakened }], "aws_instance.a").blocking,
      ).toEqual([
        expect.objectContaining({ kind: "weakened-security", detail: "imds: IMDSv2 required → IMDSv1 allowed" }),
      ]);
  });

  it("passes a release that changes nothing deployed", () => {
    const quiet = { ...replaced, changes: [], security: [] };
    const verdict = judgeRelease("0.1.0", "0.1.1", [{ source: "team-stack", review: quiet }], "");
    expect(verdict.blocking).toEqual([]);
    expect(renderVerdict(verdict)).toBe(
      [
        "Release gate: 0.1.0 → 0.1.1 is not a breaking release (^0.1.0 takes it).",
        "No deployed resource is replaced, destroyed or renamed, and no security posture is weakened.",
        "Passed.",
      ].join("\n"),
    );
  });
});

describe("releaseNotes", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "release-notes-"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("reads the pending version plans and each package's changelog entry of the release, not older entries", () => {
    fs.mkdirSync(path.join(root, ".nx", "version-plans"), { recursive: true });
    fs.writeFileSync(
      path.join(root, ".nx", "version-plans", "a.md"),
      "---\ncompute: major\n---\n\nMoves aws_instance.x.\n",
    );
    fs.mkdirSync(path.join(root, "packages", "compute"), { recursive: true });
    fs.writeFileSync(
      path.join(root, "packages", "compute", "CHANGELOG.md"),
      "## 0.2.0 (2026-12-04)\n\n- Moves aws_vpc.y.\n\n## 0.1.0\n\n- Once moved aws_subnet.z.\n",
    );
    const notes = releaseNotes(root, "0.2.0");
    expect(notes).toContain("Moves aws_instance.x.");
    expect(notes).toContain("Moves aws_vpc.y.");
    expect(notes).not.toContain("aws_subnet.z");
  });
});
