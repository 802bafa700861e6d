// @ts-check
/**
 * Keeps one GitHub issue per drifting environment, for the drift workflow
 * (run by actions/github-script): the review of a refresh-only plan exited 3
 * (drift found) → the open issue of the environment is updated, or one is
 * opened; 0 or 2 (no drift) → the open issue is closed with a comment; any
 * other code → the step fails and no issue changes. An issue is found by its
 * hidden marker, among open issues with the `drift` label.
 */

const LABEL = "drift";

/** The hidden marker of an environment's drift issue. */
function markerOf(environment) {
  return `<!-- ssm-access-drift:${environment} -->`;
}

/**
 * @param {{ github: any, context: any, core: any }} actions the github-script globals
 * @param {{ environment: string, exitCode: string, review: string | undefined, runUrl: string }} drift
 * @returns {Promise<"opened" | "updated" | "closed" | "none" | "failed">}
 */
async function syncDriftIssue({ github, context, core }, { environment, exitCode, review, runUrl }) {
  const { owner, repo } = context.repo;
  const marker = markerOf(environment);
  const open = await github.paginate(github.rest.issues.listForRepo, {
    owner,
    repo,
    state: "open",
    labels: LABEL,
    per_page: 100,
  });
  const existing = open.find((issue) => !issue.pull_request && issue.body?.includes(marker));
  if (exitCode === "3") {
    const title = `Drift in ${environment}`;
    const body = `${marker}\nFound by ${runUrl}\n\n${review ?? "(the review is missing: see the run's artifact)"}`;
    if (existing) {
      await github.rest.issues.update({ owner, repo, issue_number: existing.number, body });
      core.warning(`${environment} has drifted: updated #${existing.number}`);
      return "updated";
    }
    const { data } = await github.rest.issues.create({ owner, repo, title, body, labels: [LABEL] });
    core.warning(`${environment} has drifted: opened #${data.number}`);
    return "opened";
  }
  if (exitCode === "0" || exitCode === "2") {
    if (!existing) {
      core.info(`${environment}: no drift.`);
      return "none";
    }
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: existing.number,
      body: `No drift in ${environment} any more (${runUrl}).`,
    });
    await github.rest.issues.update({ owner, repo, issue_number: existing.number, state: "closed" });
    core.info(`${environment}: no drift; closed #${existing.number}`);
    return "closed";
  }
  core.setFailed(`The drift review of ${environment} failed (exit code ${exitCode || "none"}); no issue changed.`);
  return "failed";
}

module.exports = { syncDriftIssue, markerOf, LABEL };
