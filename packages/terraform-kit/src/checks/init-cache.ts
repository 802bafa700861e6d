import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { initRequirements, StackJson } from "../stack/stack-json";

/** File next to `.terraform/` recording what the last successful init installed. */
export const INIT_STAMP_FILE = ".terraform-check-init.json";

/** What the last successful `terraform init` of a working copy was run for. */
export interface InitStamp {
  /** {@link initFingerprint} of the stack at that init. */
  readonly fingerprint: string;
  /** Whether the local backend of the offline plan is configured in `.terraform/`. */
  readonly localBackend: boolean;
}

/** Whether to run `terraform init`, and why (for the log). */
export interface InitDecision {
  readonly init: boolean;
  /** Pass `-upgrade`: the requirements changed, so the lock file may pin versions they no longer allow. */
  readonly upgrade: boolean;
  readonly reason: string;
}

/** What the coming Terraform command needs. */
export interface InitNeeds {
  /** Fingerprint of the stack as it is now. */
  readonly fingerprint: string;
  /** The command needs the local backend configured (offline plan). */
  readonly localBackend: boolean;
  /** `.terraform/` and `.terraform.lock.hcl` exist in the working copy. */
  readonly installed: boolean;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * Hash of what init depends on: the stack's provider requirements and module
 * sources, and the Terraform version. Key order in the JSON does not matter.
 */
export function initFingerprint(json: StackJson, terraformVersion: string): string {
  const text = JSON.stringify(canonical({ terraformVersion, ...initRequirements(json) }));
  return createHash("sha256").update(text).digest("hex");
}

/** Decides whether init can be skipped: same fingerprint, providers installed, backend as needed. */
export function initDecision(previous: InitStamp | undefined, needs: InitNeeds): InitDecision {
  if (!needs.installed) {
    return {
      init: true,
      upgrade: false,
      reason: "providers not installed (no .terraform/, no lock file, or a provider package missing)",
    };
  }
  if (previous === undefined) {
    return { init: true, upgrade: true, reason: "no record of a previous init" };
  }
  if (previous.fingerprint !== needs.fingerprint) {
    return { init: true, upgrade: true, reason: "provider requirements changed" };
  }
  if (needs.localBackend && !previous.localBackend) {
    return { init: true, upgrade: false, reason: "local backend not configured yet" };
  }
  return { init: false, upgrade: false, reason: "provider requirements unchanged" };
}

/** Reads the stamp of a working copy; `undefined` when missing or unreadable. */
export function readInitStamp(workDir: string): InitStamp | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(workDir, INIT_STAMP_FILE), "utf8")) as Partial<InitStamp>;
    if (typeof parsed.fingerprint === "string" && typeof parsed.localBackend === "boolean") {
      return { fingerprint: parsed.fingerprint, localBackend: parsed.localBackend };
    }
  } catch {
    // no usable stamp: init again
  }
  return undefined;
}

/** Records a successful init. */
export function writeInitStamp(workDir: string, stamp: InitStamp): void {
  fs.writeFileSync(path.join(workDir, INIT_STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** Removes the stamp (before an init, so a failed init is never taken for a good one). */
export function clearInitStamp(workDir: string): void {
  fs.rmSync(path.join(workDir, INIT_STAMP_FILE), { force: true });
}

/**
 * Package folders under `.terraform/providers` (`<host>/<namespace>/<type>/<version>/<os_arch>`)
 * that are missing: Terraform links them from the plugin cache, so removing the
 * cache (`npm ci` empties `node_modules/.cache`) leaves dangling links behind.
 */
export function missingProviderPackages(workDir: string): string[] {
  const root = path.join(workDir, ".terraform", "providers");
  const missing: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const entry of fs.readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (depth === 5) {
        // existsSync follows the link: false when its target is gone.
        if (!fs.existsSync(full)) missing.push(path.relative(root, full));
      } else if (fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()) {
        walk(full, depth + 1);
      }
    }
  };
  if (fs.existsSync(root)) walk(root, 1);
  return missing;
}

/** Whether a working copy has its providers installed: `.terraform/`, the lock file, and no provider package missing. */
export function hasInstalledProviders(workDir: string): boolean {
  return (
    fs.existsSync(path.join(workDir, ".terraform")) &&
    fs.existsSync(path.join(workDir, ".terraform.lock.hcl")) &&
    missingProviderPackages(workDir).length === 0
  );
}
