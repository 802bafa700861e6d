/**
 * Instance families the environment schema accepts (kept equal to
 * `SUPPORTED_INSTANCE_FAMILIES` of `@ssm-access/compute` by the infra app's
 * cost test).
 */
export const PRICED_INSTANCE_FAMILIES: readonly string[] = [
  "t2",
  "t3",
  "t3a",
  "t4g",
  "m5",
  "m6i",
  "m7i",
  "m7i-flex",
  "m6g",
  "m7g",
  "c5",
  "c6i",
  "c7i",
  "c6g",
  "c7g",
  "r5",
  "r6i",
  "r7i",
  "r6g",
  "r7g",
];
