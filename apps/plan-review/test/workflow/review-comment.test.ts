import * as path from "node:path";

/** The plan-review workflow's comment logic, against an in-memory pull request. */

const ROOT = path.resolve(__dirname, "../../../..");
const { syncReviewComment, markerOf } = require(path.join(ROOT, ".github/scripts/review-comment.js")) as {
  syncReviewComment: (
    actions: { github: unknown; context: unknown; core: unknown },
    review: { environment: string; against: string; review: string | undefined },
  ) => Promise<string>;
  markerOf: (environment: string) => string;
};

interface Comment {
  id: number;
  body: string;
  user: { type: string };
  html_url: string;
}

function fakePullRequest(existing: Comment[]) {
  const created: string[] = [];
  const updated: { id: number; body: string }[] = [];
  const warnings: string[] = [];
  const listComments = jest.fn();
  const github = {
    paginate: async (method: unknown, params: Record<string, unknown>) => {
      expect(method).toBe(listComments);
      expect(params).toEqual({ owner: "acme", repo: "ssm-access", issue_number: 42, per_page: 100 });
      return existing;
    },
    rest: {
      issues: {
        listComments,
        createComment: async (p: { issue_number: number; body: string }) => {
          expect(p.issue_number).toBe(42);
          created.push(p.body);
          return { data: { html_url: "https://example.com/c" } };
        },
        updateComment: async (p: { comment_id: number; body: string }) => {
          updated.push({ id: p.comment_id, body: p.body });
        },
      },
    },
  };
  const context = { repo: { owner: "acme", repo: "ssm-access" }, issue: { number: 42 } };
  const core = { info: jest.fn(), warning: (m: string) => warnings.push(m) };
  const run = (environment: string, against: string, review: string | undefined) =>
    syncReviewComment({ github, context, core }, { environment, against, review });
  return { run, created, updated, warnings };
}

describe("the review comment", () => {
  it("says the review was made against the real state, with the plan role", async () => {
    const pr = fakePullRequest([]);
    expect(await pr.run("prod", "real-state", "# prod review")).toBe("created");
    expect(pr.created).toEqual([
      `${markerOf("prod")}\nReviewed against the real state of prod: a plan made with its plan role.\n\n# prod review`,
    ]);
  });

  it("says the review was made against an emulated baseline, and why", async () => {
    const pr = fakePullRequest([]);
    await pr.run("dev", "emulated-baseline", "# dev review");
    expect(pr.created[0]).toMatch(
      /^<!-- ssm-access-plan-review:dev -->\nReviewed against an emulated baseline .*: dev has no plan role this pull request may use\.\n\n# dev review$/,
    );
  });

  it("updates the bot's comment that carries the environment's marker, not a human's quoting it", async () => {
    const pr = fakePullRequest([
      { id: 1, body: `a human quoting ${markerOf("dev")}`, user: { type: "User" }, html_url: "" },
      { id: 2, body: `${markerOf("prod")}\nold`, user: { type: "Bot" }, html_url: "" },
      { id: 3, body: `${markerOf("dev")}\nold`, user: { type: "Bot" }, html_url: "" },
    ]);
    expect(await pr.run("dev", "emulated-baseline", "new dev")).toBe("updated");
    expect(pr.updated).toEqual([
      { id: 3, body: expect.stringMatching(/^<!-- ssm-access-plan-review:dev -->\n.*\n\nnew dev$/) },
    ]);
    expect(pr.created).toEqual([]);
  });

  it("warns, and comments nothing, when the review is missing", async () => {
    const pr = fakePullRequest([]);
    expect(await pr.run("dev", "real-state", undefined)).toBe("missing");
    expect(pr.created).toEqual([]);
    expect(pr.warnings).toEqual([expect.stringContaining("dev")]);
  });
});
