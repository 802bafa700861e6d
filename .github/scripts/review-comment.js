// @ts-check
/**
 * Keeps one comment per environment on a pull request, for the plan-review
 * workflow (run by actions/github-script): the review of the environment,
 * after a line that says what it was reviewed against (the real state, with
 * the environment's plan role, or an emulated baseline). The comment is
 * found by its hidden marker among the bot's comments and updated in place.
 */

/** The hidden marker of an environment's review comment. */
function markerOf(environment) {
  return `<!-- ssm-access-plan-review:${environment} -->`;
}

/** The line that says what the review was made against. */
function againstLine(environment, against) {
  return against === "real-state"
    ? `Reviewed against the real state of ${environment}: a plan made with its plan role.`
    : `Reviewed against an emulated baseline (the base commit deployed into a local AWS emulator): ${environment} has no plan role this pull request may use.`;
}

/**
 * @param {{ github: any, context: any, core: any }} actions the github-script globals
 * @param {{ environment: string, against: string, review: string | undefined }} review
 * @returns {Promise<"created" | "updated" | "missing">}
 */
async function syncReviewComment({ github, context, core }, { environment, against, review }) {
  if (review === undefined) {
    core.warning(`No review of ${environment} to comment.`);
    return "missing";
  }
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const marker = markerOf(environment);
  const body = `${marker}\n${againstLine(environment, against)}\n\n${review}`;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const existing = comments.find((comment) => comment.user?.type === "Bot" && comment.body?.includes(marker));
  if (existing) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    core.info(`Updated the ${environment} review: ${existing.html_url}`);
    return "updated";
  }
  const { data } = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  core.info(`Commented the ${environment} review: ${data.html_url}`);
  return "created";
}

module.exports = { syncReviewComment, markerOf, againstLine };
