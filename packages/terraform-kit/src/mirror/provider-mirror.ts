import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Short source address of the AWS provider, as CLI configurations spell it.
 * Terraform expands it to the provider's registry host; a mirror keeps it
 * below that host's directory (`<host>/hashicorp/aws`).
 */
export const AWS_PROVIDER_ADDRESS = "hashicorp/aws";

/** Environment variable naming the provider mirror directory; it wins over the search. */
export const MIRROR_ENV_VAR = "TF_PROVIDER_MIRROR";

/** A Terraform platform: `<os>_<arch>` in mirror directory names (`linux_amd64`). */
export interface ProviderPlatform {
  readonly os: string;
  readonly arch: string;
}

/** A directory that holds the AWS provider in Terraform's filesystem mirror layout. */
export interface ProviderMirror {
  /** The mirror root: the directory that contains the provider's registry host directory (`<host>/hashicorp/aws`). */
  readonly path: string;
  /** AWS provider versions found for the platform, sorted. */
  readonly versions: readonly string[];
  /** Whether the mirror came from `TF_PROVIDER_MIRROR` or from the search of conventional places. */
  readonly source: "env" | "search";
}

/** Where to look for a mirror. */
export interface MirrorSearch {
  /** Value of `TF_PROVIDER_MIRROR`; empty or undefined means "not set". */
  readonly envValue?: string;
  /** Candidate mirror roots, tried in order; the first holding the provider wins. */
  readonly candidates: readonly string[];
  /** Platform to look for. @default - the platform of this process */
  readonly platform?: ProviderPlatform;
}

/** Raised when `TF_PROVIDER_MIRROR` is set to a directory without the AWS provider. */
export class ProviderMirrorError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "ProviderMirrorError";
  }
}

const OS_NAMES: Readonly<Record<string, string>> = { win32: "windows" };
const ARCH_NAMES: Readonly<Record<string, string>> = { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" };

/** The Terraform platform of this process (`linux_amd64` on a 64-bit Linux PC). */
export function currentPlatform(): ProviderPlatform {
  return {
    os: OS_NAMES[process.platform] ?? process.platform,
    arch: ARCH_NAMES[process.arch] ?? process.arch,
  };
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function listDir(p: string): string[] {
  try {
    return fs.readdirSync(p);
  } catch {
    return [];
  }
}

/**
 * AWS provider versions that `root` holds for `platform`, in either mirror layout,
 * under any of its host directories (the provider's registry host directory):
 * unpacked (`<root>/<host>/hashicorp/aws/<version>/<os>_<arch>/`) or
 * packed (`<root>/<host>/hashicorp/aws/terraform-provider-aws_<version>_<os>_<arch>.zip`).
 * Only the direct children of `root` are looked at as host directories; nothing deeper.
 */
export function providerVersionsIn(root: string, platform: ProviderPlatform = currentPlatform()): string[] {
  const target = `${platform.os}_${platform.arch}`;
  const packedSuffix = `_${target}.zip`;
  const versions = new Set<string>();
  for (const host of listDir(root).sort()) {
    const providerDir = path.join(root, host, ...AWS_PROVIDER_ADDRESS.split("/"));
    for (const entry of listDir(providerDir)) {
      if (entry.startsWith("terraform-provider-aws_") && entry.endsWith(packedSuffix)) {
        versions.add(entry.slice("terraform-provider-aws_".length, -packedSuffix.length));
      } else if (isDirectory(path.join(providerDir, entry, target))) {
        versions.add(entry);
      }
    }
  }
  return [...versions].sort();
}

/**
 * Finds the provider mirror: `TF_PROVIDER_MIRROR` when set (an error if it holds
 * no AWS provider for the platform), else the first candidate that holds one.
 * Returns `undefined` when nothing is found: Terraform then installs from the
 * registry directly.
 */
export function findProviderMirror(search: MirrorSearch): ProviderMirror | undefined {
  const platform = search.platform ?? currentPlatform();
  if (search.envValue !== undefined && search.envValue !== "") {
    const root = path.resolve(search.envValue);
    const versions = providerVersionsIn(root, platform);
    if (versions.length === 0) {
      throw new ProviderMirrorError(
        `${MIRROR_ENV_VAR}=${search.envValue} holds no AWS provider for ${platform.os}_${platform.arch}: ` +
          `expected ${path.join(root, "<host>", AWS_PROVIDER_ADDRESS, "<version>", `${platform.os}_${platform.arch}`)}/ ` +
          `(unset ${MIRROR_ENV_VAR} to search the usual places or install from the registry)`,
      );
    }
    return { path: root, versions, source: "env" };
  }
  for (const candidate of search.candidates) {
    const versions = providerVersionsIn(candidate, platform);
    if (versions.length > 0) {
      return { path: path.resolve(candidate), versions, source: "search" };
    }
  }
  return undefined;
}

/** Inputs of {@link defaultMirrorCandidates}; each has a default from this process. */
export interface MirrorCandidateOptions {
  /** Environment to read `XDG_DATA_HOME`, `XDG_DATA_DIRS` and `APPDATA` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Home directory. @default os.homedir() */
  readonly home?: string;
  /** Directory whose direct children are candidates too (one level, no deeper). @default "/opt" */
  readonly scanDir?: string;
}

/**
 * The conventional places for a provider mirror, in order: Terraform's own
 * implied local mirror directories (`~/.terraform.d/plugins`,
 * `$XDG_DATA_HOME/terraform/plugins`, each `$XDG_DATA_DIRS/terraform/plugins`,
 * `/usr/local/share/terraform/plugins`, `/usr/share/terraform/plugins`), then
 * every direct child of `/opt`. The scan is one level deep and never recursive.
 */
export function defaultMirrorCandidates(options: MirrorCandidateOptions = {}): string[] {
  const env = options.env ?? process.env;
  const home = options.home ?? os.homedir();
  const scanDir = options.scanDir ?? "/opt";
  const dataHome = env.XDG_DATA_HOME || path.join(home, ".local", "share");
  const dataDirs = (env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(path.delimiter).filter((d) => d !== "");
  const candidates = [
    path.join(home, ".terraform.d", "plugins"),
    ...(env.APPDATA ? [path.join(env.APPDATA, "terraform.d", "plugins")] : []),
    path.join(dataHome, "terraform", "plugins"),
    ...dataDirs.map((d) => path.join(d, "terraform", "plugins")),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    ...listDir(scanDir)
      .sort()
      .map((child) => path.join(scanDir, child))
      .filter(isDirectory),
  ];
  return [...new Set(candidates)];
}

/** {@link findProviderMirror} over `TF_PROVIDER_MIRROR` and {@link defaultMirrorCandidates}. */
export function discoverProviderMirror(env: NodeJS.ProcessEnv = process.env): ProviderMirror | undefined {
  const candidates = defaultMirrorCandidates({ env, home: env.HOME || os.homedir() });
  return findProviderMirror({ envValue: env[MIRROR_ENV_VAR], candidates });
}
