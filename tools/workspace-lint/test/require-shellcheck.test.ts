import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * `npm test` starts with require-shellcheck.sh (the root package.json's
 * `pretest`): shellcheck is there, or it gets installed with apt-get when
 * that can work, or the run stops with the install command. It is run here
 * with a PATH holding only fakes of `id`, `apt-get` and `shellcheck` (and
 * the real `sed`, `cat` and `chmod`), so every case is tested on any machine,
 * without installing anything.
 */

const WORKSPACE_ROOT = path.resolve(__dirname, "..", "..", "..");
const SCRIPT = path.join(WORKSPACE_ROOT, "tools", "workspace-lint", "require-shellcheck.sh");
const BASH = ["/bin/bash", "/usr/bin/bash"].find((p) => fs.existsSync(p)) ?? "bash";

const FAKE_SHELLCHECK = `#!${BASH}\nif [ "$1" = --version ]; then printf 'ShellCheck - shell script analysis tool\\nversion: 0.9.0\\n'; fi\n`;

interface Machine {
  /** What `id -u` prints. */
  readonly uid: number;
  /** Whether shellcheck is installed. */
  readonly shellcheck?: boolean;
  /** Whether apt-get exists, and what its install does. */
  readonly aptGet?: "installs" | "fails" | "installs-nothing";
}

interface Ran {
  readonly status: number | null;
  readonly stderr: string;
  /** The arguments of every apt-get call. */
  readonly aptGetCalls: string[];
  /** Whether a shellcheck is in the fake PATH afterwards. */
  readonly installed: boolean;
}

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function toolPath(name: string): string {
  const found = ["/usr/bin", "/bin"].map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
  if (found === undefined) throw new Error(`${name} not found in /usr/bin or /bin; the fake machine needs it`);
  return found;
}

function write(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o755 });
}

function run(machine: Machine): Ran {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "require-shellcheck-"));
  dirs.push(dir);
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const log = path.join(dir, "apt-get.log");
  write(path.join(bin, "id"), `#!${BASH}\necho ${machine.uid}\n`);
  for (const tool of ["sed", "cat", "chmod"]) fs.symlinkSync(toolPath(tool), path.join(bin, tool));
  if (machine.shellcheck) write(path.join(bin, "shellcheck"), FAKE_SHELLCHECK);
  if (machine.aptGet !== undefined) {
    const install =
      machine.aptGet === "installs"
        ? `cat > "${bin}/shellcheck" <<'FAKE'\n${FAKE_SHELLCHECK}FAKE\nchmod +x "${bin}/shellcheck"`
        : machine.aptGet === "fails"
          ? "echo 'E: Unable to locate package shellcheck' >&2; exit 100"
          : "true";
    write(
      path.join(bin, "apt-get"),
      `#!${BASH}\necho "$*" >> "${log}"\ncase " $* " in *" install "*) ${install} ;; esac\n`,
    );
  }
  const r = spawnSync(BASH, [SCRIPT], { encoding: "utf8", env: { PATH: bin } });
  return {
    status: r.status,
    stderr: r.stderr,
    aptGetCalls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [],
    installed: fs.existsSync(path.join(bin, "shellcheck")),
  };
}

describe("require-shellcheck.sh, before npm test", () => {
  it("is the root package.json's pretest script", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(WORKSPACE_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.pretest).toBe("bash tools/workspace-lint/require-shellcheck.sh");
  });

  it("with shellcheck installed, passes and installs nothing", () => {
    const r = run({ uid: 0, shellcheck: true, aptGet: "installs" });
    expect(r.status).toBe(0);
    expect(r.aptGetCalls).toEqual([]);
  });

  it("without shellcheck, as root with apt-get, installs Debian's package and passes", () => {
    const r = run({ uid: 0, aptGet: "installs" });
    expect(r.status).toBe(0);
    expect(r.aptGetCalls).toEqual(["update -qq", "install -y -qq --no-install-recommends shellcheck"]);
    expect(r.installed).toBe(true);
    expect(r.stderr).toMatch(/installed version: 0\.9\.0/);
  });

  it.each([
    ["as another user", { uid: 1000, aptGet: "installs" } as Machine],
    ["as root without apt-get", { uid: 0 } as Machine],
  ])("without shellcheck, %s, fails with the install command and installs nothing", (_, machine) => {
    const r = run(machine);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/npm test needs shellcheck.*apt-get install -y shellcheck.*brew install shellcheck/);
    expect(r.aptGetCalls).toEqual([]);
    expect(r.installed).toBe(false);
  });

  it("fails with the install command when apt-get cannot install it", () => {
    const r = run({ uid: 0, aptGet: "fails" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/apt-get could not install shellcheck.*apt-get install -y shellcheck/);
  });

  it("fails when apt-get succeeds but no shellcheck works afterwards: the lint never passes without the linter", () => {
    const r = run({ uid: 0, aptGet: "installs-nothing" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no working shellcheck is on PATH/);
  });
});
