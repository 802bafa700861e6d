/**
 * Test helpers for shell scripts: the real `shellcheck`, and a fake Amazon
 * Linux host (os-release, rpm, dnf, uname, /boot) to run a script against.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RELEASE_PARAMETER, RELEASE_UPGRADE_SCRIPT_PATHS } from "../src/release-upgrade-script";

/** How to get shellcheck where it is missing. */
export const SHELLCHECK_INSTALL = "apt-get install -y shellcheck (Debian/Ubuntu; macOS: brew install shellcheck)";

/** What shellcheck said about a script. */
export interface ShellcheckResult {
  readonly status: number;
  readonly output: string;
}

/**
 * Runs the real `shellcheck` on `script` (read from stdin; the shell comes
 * from its shebang). Throws, naming the install command, when shellcheck is
 * not installed: a missing linter must fail the test, never skip it.
 */
export function shellcheck(script: string): ShellcheckResult {
  const run = spawnSync("shellcheck", ["--format=gcc", "-"], { input: script, encoding: "utf8" });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(
      missing
        ? `shellcheck is not installed; install it: ${SHELLCHECK_INSTALL}`
        : `shellcheck could not run: ${run.error.message}`,
    );
  }
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

/** The state of a fake Amazon Linux host before the script runs. */
export interface FakeHost {
  /** Content of /etc/os-release. */
  readonly osRelease: string;
  /** Version of the installed system-release package; absent: the package is not installed. */
  readonly systemRelease?: string;
  /** Content of /etc/dnf/vars/releasever; absent: no such file. */
  readonly pinned?: string;
  /** Exit code of `dnf needs-restarting -r`; absent: dnf has no needs-restarting command. */
  readonly needsRestarting?: number;
  /** Kernels in /boot (`vmlinuz-<version>`). */
  readonly kernels?: readonly string[];
  /** What `uname -r` prints. */
  readonly runningKernel?: string;
  /** A kernel `dnf upgrade` installs into /boot. */
  readonly upgradeInstallsKernel?: string;
  /** Whether `dnf upgrade` fails (e.g. a release that was never published). */
  readonly upgradeFails?: boolean;
}

/** What a run of the script did. */
export interface ScriptRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The arguments of every dnf call, one string each. */
  readonly dnfCalls: readonly string[];
  /** Content of /etc/dnf/vars/releasever afterwards, if any. */
  readonly pinned?: string;
  /** Version of system-release afterwards. */
  readonly systemRelease?: string;
}

/** Tools the script and the fakes use, linked into the fake host's only PATH folder. */
const TOOLS = ["bash", "cat", "dirname", "find", "head", "mkdir", "mv", "sed", "sort", "tail", "touch", "tr"];

function toolPath(name: string): string {
  const found = ["/usr/bin", "/bin", "/usr/local/bin"].map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${name} not found; the fake host needs it`);
  return found;
}

function writeExecutable(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o755 });
}

/**
 * A fake host in a fresh temporary folder. `run(script, release)` runs the
 * script there as Systems Manager would (the `{{ Release }}` placeholder
 * replaced by `release`), with its file paths pointed into the folder and a
 * PATH holding only fakes of `dnf`, `rpm` and `uname` and the basic tools.
 * The host keeps its state between runs, as a real one does across a reboot.
 */
export class FakeHostDir {
  private readonly root: string;
  private readonly state: string;
  private readonly bin: string;
  private readonly boot: string;
  private readonly releasever: string;

  constructor(host: FakeHost) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "release-upgrade-host-"));
    this.state = path.join(this.root, "state");
    this.bin = path.join(this.root, "bin");
    this.boot = path.join(this.root, "boot");
    this.releasever = path.join(this.root, "etc", "dnf", "vars", "releasever");
    for (const dir of [this.state, this.bin, this.boot, path.join(this.root, "etc")])
      fs.mkdirSync(dir, { recursive: true });

    fs.writeFileSync(path.join(this.root, "etc", "os-release"), host.osRelease);
    if (host.systemRelease !== undefined) fs.writeFileSync(path.join(this.state, "system-release"), host.systemRelease);
    if (host.pinned !== undefined) {
      fs.mkdirSync(path.dirname(this.releasever), { recursive: true });
      fs.writeFileSync(this.releasever, host.pinned);
    }
    if (host.needsRestarting !== undefined)
      fs.writeFileSync(path.join(this.state, "needs-restarting"), String(host.needsRestarting));
    for (const kernel of host.kernels ?? []) fs.writeFileSync(path.join(this.boot, `vmlinuz-${kernel}`), "");
    fs.writeFileSync(path.join(this.state, "running-kernel"), host.runningKernel ?? "6.1.0-1.amzn2023.x86_64");
    if (host.upgradeInstallsKernel !== undefined)
      fs.writeFileSync(path.join(this.state, "new-kernel"), host.upgradeInstallsKernel);
    if (host.upgradeFails) fs.writeFileSync(path.join(this.state, "upgrade-fails"), "");

    for (const tool of TOOLS) fs.symlinkSync(toolPath(tool), path.join(this.bin, tool));
    const bash = toolPath("bash");
    writeExecutable(
      path.join(this.bin, "dnf"),
      [
        `#!${bash}`,
        'printf "%s\\n" "$*" >> "$STATE/dnf.log"',
        'case "$1" in',
        "  upgrade)",
        '    if [ -e "$STATE/upgrade-fails" ]; then echo "Errors during downloading metadata for repository amazonlinux" >&2; exit 1; fi',
        '    printf "%s" "${2#--releasever=}" > "$STATE/system-release"',
        '    if [ -e "$STATE/new-kernel" ]; then touch "$BOOT/vmlinuz-$(cat "$STATE/new-kernel")"; fi',
        "    ;;",
        "  needs-restarting)",
        '    if [ ! -e "$STATE/needs-restarting" ]; then echo "No such command: needs-restarting." >&2; exit 1; fi',
        '    if [ "$2" = --help ]; then exit 0; fi',
        '    exit "$(cat "$STATE/needs-restarting")"',
        "    ;;",
        "esac",
        "",
      ].join("\n"),
    );
    writeExecutable(
      path.join(this.bin, "rpm"),
      [
        `#!${bash}`,
        'if [ -e "$STATE/system-release" ]; then cat "$STATE/system-release"; else echo "package system-release is not installed"; exit 1; fi',
        "",
      ].join("\n"),
    );
    writeExecutable(path.join(this.bin, "uname"), [`#!${bash}`, 'cat "$STATE/running-kernel"', ""].join("\n"));
  }

  /** Runs `script` on this host with the document parameter set to `release` (and `env`, as the agent sets it). */
  public run(script: string, release: string, env: Record<string, string> = {}): ScriptRun {
    let localized = script.split(`{{ ${RELEASE_PARAMETER} }}`).join(release);
    const moves: Array<[string, string]> = [
      [RELEASE_UPGRADE_SCRIPT_PATHS.osRelease, path.join(this.root, "etc", "os-release")],
      [RELEASE_UPGRADE_SCRIPT_PATHS.releaseverFile, this.releasever],
      [RELEASE_UPGRADE_SCRIPT_PATHS.bootDir, this.boot],
    ];
    for (const [from, to] of moves) {
      if (!localized.includes(`=${from}\n`))
        throw new Error(`the script sets no variable to ${from}: the fake host cannot redirect it`);
      localized = localized.replace(`=${from}\n`, `=${to}\n`);
    }
    const file = path.join(this.root, "_script.sh");
    fs.writeFileSync(file, localized);
    const run = spawnSync(path.join(this.bin, "bash"), [file], {
      encoding: "utf8",
      env: { ...env, PATH: this.bin, STATE: this.state, BOOT: this.boot },
    });
    const read = (p: string): string | undefined => (fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined);
    const log = read(path.join(this.state, "dnf.log")) ?? "";
    return {
      status: run.status ?? -1,
      stdout: run.stdout,
      stderr: run.stderr,
      dnfCalls: log.split("\n").filter((l) => l.length > 0),
      pinned: read(this.releasever),
      systemRelease: read(path.join(this.state, "system-release")),
    };
  }

  /** Removes the folder. */
  public remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
