import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EnvironmentInput } from "../src/config/schema";

/** The shipped environments folder. */
export const SHIPPED_ENVIRONMENTS = path.join(__dirname, "..", "environments");

/** A minimal valid environment file. */
export function validEnvironment(overrides: Partial<EnvironmentInput> = {}): EnvironmentInput {
  return {
    accountId: "123456789012",
    region: "eu-west-1",
    network: { cidr: "10.30.0.0/16", availabilityZones: ["eu-west-1a", "eu-west-1b"] },
    instances: [{ name: "app-1" }],
    backend: { type: "local" },
    ...overrides,
  };
}

const tempDirs: string[] = [];

/** A new folder under the OS temp folder, removed by {@link removeTempDirs}. */
export function tempDir(prefix = "ssm-access-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} (and {@link environmentsDir}) made; each test file calls it in `afterAll`. */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `files` (name → content; objects are JSON-encoded) into a new temp folder and returns it. */
export function environmentsDir(files: Record<string, unknown>): string {
  const dir = tempDir("ssm-access-envs-");
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}
