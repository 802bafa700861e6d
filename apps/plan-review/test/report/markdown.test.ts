import { Review, buildReview, renderMarkdown } from "../../src/report";
import { change, inputOf, planOf, policy, scenarioInput, stackOf } from "./support";

const NOT_SHOWN = /… \d+ more not shown; the full review is in the JSON file\./;

describe("Markdown", () => {
  it("puts the sections in order, with the provenance in the title", () => {
    const markdown = renderMarkdown(buildReview(scenarioInput("mixed")));
    const order = [
      "## Plan review: `prod`",
      "Predicted against an emulated baseline (main (1a2b3c4)).",
      "### 1. Counts",
      "### 2. Destroys and replacements",
      "### 3. Security posture before → after",
      "#### Policy statements",
      "### 4. Drift",
      "### 5. Outputs",
      "### 6. Everything else",
      "<details><summary>3 to create, 3 to update</summary>",
      "</details>",
    ];
    const positions = order.map((text) => markdown.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(markdown).toContain("| 3 | 3 | 0 | 2 | 0 |");
    expect(markdown).toMatch(/\| port-forwarding \| stack \| off \| port 8080 .*\| ⚠ yes \|/);
  });

  it("shows the destroys with their reason, source and notes, and the rest collapsed", () => {
    const markdown = renderMarkdown(buildReview(scenarioInput("mixed")));
    const destroys = markdown.slice(markdown.indexOf("### 2."), markdown.indexOf("### 3."));
    expect(destroys).toContain(
      "**`aws_instance.instances_app_2`** delete (`Instances/app-2/Resource`): because it is no longer in the configuration; from `prod.json` field `instances[1]`",
    );
    expect(destroys).toContain("Termination protection does not stop Terraform");
    const rest = markdown.slice(markdown.indexOf("<details>"));
    expect(rest).toContain(
      "**`aws_instance.instances_app_1`** update (`Instances/app-1/Resource`): changes `instance_type`; from `prod.json` field `instances[0].instanceType`",
    );
    expect(rest).toContain("  - See the note on `aws_instance.instances_app_2` above.");
  });

  it("labels a saved plan and says plainly when nothing changes", () => {
    const noOp = change({
      address: "aws_vpc.network",
      actions: ["no-op"],
      before: { cidr_block: "10.0.0.0/16" },
      after: { cidr_block: "10.0.0.0/16" },
    });
    const markdown = renderMarkdown(buildReview(inputOf(planOf({ changes: [noOp] }))));
    expect(markdown).toContain("From a saved plan: prod.tfplan.");
    expect(markdown).toContain("**No changes.**");
    expect(markdown).not.toContain("### 2.");
  });
});

describe("Markdown truncation", () => {
  /** A plan of 2,000 updates, 40 replacements, 30 weakened policies, 300 outputs and 200 drifted resources. */
  function largeReview(): Review {
    const changes: Record<string, unknown>[] = [];
    const paths: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) {
      const address = `aws_ssm_parameter.p${i}`;
      paths[address] = `Maintenance/Parameter${i}`;
      changes.push(
        change({
          address,
          actions: ["update"],
          before: { value: `v${i}`, tags: { Name: `p${i}` } },
          after: { value: `w${i}`, tags: { Name: `p${i}` } },
        }),
      );
    }
    for (let i = 0; i < 40; i++) {
      const address = `aws_instance.big_${i}`;
      paths[address] = `Instances/big-${i}/Resource`;
      changes.push(
        change({
          address,
          actions: ["delete", "create"],
          // Root volumes kept: no data loss here (its truncation is tested apart).
          before: {
            disable_api_termination: true,
            subnet_id: "subnet-1",
            root_block_device: [{ delete_on_termination: false }],
          },
          after: { disable_api_termination: true },
          afterUnknown: { subnet_id: true },
          replacePaths: [["subnet_id"]],
        }),
      );
    }
    for (let i = 0; i < 30; i++) {
      const statements = Array.from({ length: 6 }, (_, s) => ({
        Sid: `S${s}`,
        Effect: "Allow",
        Action: [`s3:GetObject`, `s3:PutObject`],
        Resource: `arn:aws:s3:::bucket-${i}/${s}/*`,
      }));
      changes.push(
        change({
          address: `aws_iam_policy.pol_${i}`,
          actions: ["update"],
          before: { policy: policy(...statements.slice(0, 3)) },
          after: { policy: policy(...statements) },
        }),
      );
    }
    const drift = Array.from({ length: 200 }, (_, i) =>
      change({
        address: `aws_ssm_parameter.p${i}`,
        actions: ["update"],
        before: { description: "a" },
        after: { description: `changed by hand ${i}` },
      }),
    );
    const outputs = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `output_${i}`,
        {
          actions: ["update"],
          before: `before-${i}`,
          after: `after-${i}`,
          before_sensitive: false,
          after_sensitive: false,
        },
      ]),
    );
    return buildReview(inputOf(planOf({ changes, drift, outputs }), { stackJson: stackOf(paths) }));
  }

  const review = largeReview();

  function sectionOf(markdown: string, heading: string, next?: string): string {
    const start = markdown.indexOf(heading);
    const end = next === undefined ? markdown.length : markdown.indexOf(next);
    return start < 0 ? "" : markdown.slice(start, end < 0 ? markdown.length : end);
  }

  it("stays within the default 65,000 characters, cutting the collapsed section first", () => {
    const markdown = renderMarkdown(review);
    expect(markdown.length).toBeLessThanOrEqual(65000);
    expect(review.counts).toEqual({ create: 0, update: 2030, replace: 40, delete: 0, read: 0 });
    expect(markdown).toContain("| 0 | 2030 | 40 | 0 | 0 |");
    // destroys and security intact
    const destroys = sectionOf(markdown, "### 2.", "### 3.");
    expect(destroys.match(/^- \*\*`aws_instance\.big_\d+`\*\* replace/gm)).toHaveLength(40);
    expect(sectionOf(markdown, "### 3.", "#### Policy statements").match(/^\| iam-policy /gm)).toHaveLength(30);
    // the collapsed section is cut, saying so
    expect(sectionOf(markdown, "### 6.")).toMatch(NOT_SHOWN);
  });

  it.each([40000, 20000, 8000, 3000, 1500, 600, 200, 50])(
    "respects maxChars %i and keeps the key sections as long as they fit",
    (maxChars) => {
      const markdown = renderMarkdown(review, { maxChars });
      expect(markdown.length).toBeLessThanOrEqual(maxChars);
      if (maxChars >= 600) {
        expect(markdown).toContain("## Plan review: `prod`");
        expect(markdown).toContain("| 0 | 2030 | 40 | 0 | 0 |");
        expect(markdown).toContain("### 2. Destroys and replacements");
        expect(markdown).toContain("### 3. Security posture before → after");
        expect(markdown).toMatch(NOT_SHOWN);
      }
      if (maxChars >= 20000) {
        // shortened, not dropped: every destroy and every security row is still there
        expect(sectionOf(markdown, "### 2.", "### 3.").match(/^- (\*\*)?`aws_instance\.big_\d+`/gm)).toHaveLength(40);
        expect(sectionOf(markdown, "### 3.", "#### Policy statements").match(/^\| iam-policy /gm)).toHaveLength(30);
      }
      if (maxChars >= 40000) {
        // the optional sections go before the key ones lose anything
        expect(sectionOf(markdown, "### 2.", "### 3.").match(/^- \*\*`aws_instance\.big_\d+`\*\*/gm)).toHaveLength(40);
        expect(markdown).not.toContain("### 6. Everything else\n\n<details>");
      }
    },
  );

  it("shortens statement bodies before dropping security rows", () => {
    const markdown = renderMarkdown(review, { maxChars: 12000 });
    expect(markdown).not.toContain("```json");
    expect(sectionOf(markdown, "### 3.", "#### Policy statements").match(/^\| iam-policy /gm)).toHaveLength(30);
  });

  it("cuts entries of the collapsed section from the end, keeping the outputs", () => {
    const small = buildReview(
      inputOf(
        planOf({
          changes: Array.from({ length: 50 }, (_, i) =>
            change({ address: `aws_ssm_parameter.p${i}`, actions: ["create"], after: { value: "x" } }),
          ),
          outputs: {
            vpc_id: {
              actions: ["update"],
              before: "vpc-1",
              after: "vpc-2",
              before_sensitive: false,
              after_sensitive: false,
            },
          },
        }),
      ),
    );
    const full = renderMarkdown(small);
    const cut = renderMarkdown(small, { maxChars: full.length - 200 });
    expect(cut.length).toBeLessThanOrEqual(full.length - 200);
    expect(cut).toContain("- `vpc_id` update: `vpc-1` → `vpc-2`");
    expect(cut).toContain("`aws_ssm_parameter.p0`");
    expect(cut).not.toContain("`aws_ssm_parameter.p49`");
    expect(sectionOf(cut, "### 6.")).toMatch(NOT_SHOWN);
  });

  describe("data gone for good and apply-time failures", () => {
    /** 30 transcript buckets deleted (each a data loss and an apply-time failure) beside 500 updates and 300 outputs. */
    function bucketsReview(): Review {
      const changes: Record<string, unknown>[] = [];
      for (let i = 0; i < 30; i++) {
        changes.push(
          change({
            address: `aws_s3_bucket.transcripts_${i}`,
            actions: ["delete"],
            before: { bucket: `transcripts-${i}`, force_destroy: false },
          }),
        );
      }
      for (let i = 0; i < 500; i++) {
        changes.push(
          change({
            address: `aws_ssm_parameter.p${i}`,
            actions: ["update"],
            before: { value: `v${i}` },
            after: { value: `w${i}` },
          }),
        );
      }
      return buildReview(inputOf(planOf({ changes })));
    }
    const buckets = bucketsReview();

    it("come first, before the counts", () => {
      const markdown = renderMarkdown(buckets);
      const order = [
        "**The apply will stop partway**",
        "### Data gone for good",
        "### Apply-time failures",
        "### 1. Counts",
      ];
      const positions = order.map((text) => markdown.indexOf(text));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    });

    it.each([30000, 12000, 6000, 2500])("are kept whole while anything else can be cut (maxChars %i)", (maxChars) => {
      const markdown = renderMarkdown(buckets, { maxChars });
      expect(markdown.length).toBeLessThanOrEqual(maxChars);
      const loss = sectionOf(markdown, "### Data gone for good", "### Apply-time failures");
      const failures = sectionOf(markdown, "### Apply-time failures", "### 1. Counts");
      if (maxChars >= 30000) {
        expect(loss.match(/^- \*\*`aws_s3_bucket\.transcripts_\d+`\*\*/gm)).toHaveLength(30);
        expect(failures.match(/^- \*\*`aws_s3_bucket\.transcripts_\d+`\*\* \(bucket-not-empty/gm)).toHaveLength(30);
        expect(sectionOf(markdown, "### 6.")).toMatch(NOT_SHOWN);
      } else {
        // shortened last, never dropped: each entry on one short line, cut from the end, saying so
        expect(loss.match(/^- (\*\*)?`aws_s3_bucket\.transcripts_\d+`/gm)?.length ?? 0).toBeGreaterThan(0);
        expect(failures.match(/^- (\*\*)?`aws_s3_bucket\.transcripts_\d+`/gm)?.length ?? 0).toBeGreaterThan(0);
        expect(markdown.indexOf("### Data gone for good")).toBeLessThan(markdown.indexOf("### 1. Counts"));
        expect(markdown).not.toContain("### 6. Everything else\n\n<details>");
      }
    });
  });

  it("shortens the data loss with the destroys, before any destroy is cut, and keeps failures that depend on what is outside the plan as notes", () => {
    const changes: Record<string, unknown>[] = [];
    for (let i = 0; i < 25; i++) {
      changes.push(
        change({
          address: `aws_instance.app_${i}`,
          actions: ["delete", "create"],
          before: { id: `i-${i}`, root_block_device: [{ volume_id: `vol-${i}`, volume_size: 8 }] },
          replacePaths: [["subnet_id"]],
        }),
      );
    }
    changes.push(
      change({
        address: "aws_security_group.instances",
        actions: ["delete", "create"],
        before: { id: "sg-1", name: "x" },
      }),
    );
    const review = buildReview(inputOf(planOf({ changes })));
    expect(review.applyFailures.map((f) => f.likelihood)).toEqual(["possible"]);
    const full = renderMarkdown(review);
    expect(full).not.toContain("### Apply-time failures");
    expect(full).toContain("DependencyViolation");
    // Room for every destroy in short form, not for the data loss in full beside them.
    const cut = renderMarkdown(review, { maxChars: 3600 });
    expect(cut.length).toBeLessThanOrEqual(3600);
    expect(
      sectionOf(cut, "### Data gone for good", "### 1.").match(/^- `aws_instance\.app_\d+` \(root-volume\)$/gm),
    ).toHaveLength(25);
    expect(sectionOf(cut, "### 2.", "### 3.").match(/^- `aws_instance\.app_\d+` replace/gm)).toHaveLength(25);
  });
});
