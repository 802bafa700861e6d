import * as path from "node:path";

/** The repository root, where `.github/workflows` is. */
export const ROOT = path.resolve(__dirname, "../../../..");

/** The parts of a workflow step the workflow tests read. */
export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "working-directory"?: string;
}

/** The parts of a workflow job the workflow tests read; a job that calls a reusable workflow (`uses`) has no steps. */
export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  "runs-on"?: string;
  uses?: string;
  with?: Record<string, unknown>;
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { "max-parallel"?: number; "fail-fast"?: boolean; matrix?: Record<string, unknown> };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps?: Step[];
}

/** A job that runs steps. */
export type StepsJob = Job & { steps: Step[] };
