import { buildReview } from "../../src/report";
import { change, inputOf, planOf } from "./support";

const task = (release: string) => ({
  max_concurrency: "1",
  task_invocation_parameters: [
    { run_command_parameters: [{ parameter: [{ name: "Release", values: [release] }], document_version: "$DEFAULT" }] },
  ],
});
const ADDRESS = "aws_ssm_maintenance_window_task.maintenance_release_upgrade_task";

describe("the Amazon Linux release pinned in maintenance", () => {
  test("a bump is a maintenance change with before → after versions and when it happens", () => {
    const review = buildReview(
      inputOf(
        planOf({
          changes: [
            change({
              address: ADDRESS,
              actions: ["update"],
              before: task("2023.9.20251117"),
              after: task("2023.9.20251208"),
            }),
          ],
        }),
      ),
    );
    const notes = review.changes.find((c) => c.address === ADDRESS)?.notes.join("\n") ?? "";
    expect(notes).toMatch(/from 2023\.9\.20251117 to 2023\.9\.20251208/);
    expect(notes).toMatch(/next maintenance window, one instance at a time/);
    expect(notes).toMatch(
      /An instance already on a release newer than 2023\.9\.20251208 \(launched from a newer image\) fails the task and stops the rollout: pin its image to 2023\.9\.20251208/,
    );
  });

  test("a first pin says where the fleet goes; an unchanged release says nothing", () => {
    const created = buildReview(
      inputOf(planOf({ changes: [change({ address: ADDRESS, actions: ["create"], after: task("2023.9.20251117") })] })),
    );
    expect(created.changes[0].notes.join("\n")).toMatch(/moves the instances to 2023\.9\.20251117/);
    const same = { ...task("2023.9.20251117"), max_concurrency: "2" };
    const unchanged = buildReview(
      inputOf(
        planOf({
          changes: [change({ address: ADDRESS, actions: ["update"], before: task("2023.9.20251117"), after: same })],
        }),
      ),
    );
    expect(unchanged.changes[0].notes.join("\n")).not.toMatch(/release upgrade/);
  });
});
