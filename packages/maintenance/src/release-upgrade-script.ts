/**
 * The shell script of the release upgrade document, with the placeholder
 * Systems Manager replaces by the document parameter.
 */

/** Name of the document parameter holding the release to upgrade to. */
export const RELEASE_PARAMETER = "Release";

/** Exit code with which a Linux script asks SSM Agent to reboot the instance and run the script again afterwards. */
export const SSM_REBOOT_AND_RERUN_EXIT_CODE = 194;

/** Files and folders the script reads and writes, each set in one line of the script (tests point them elsewhere). */
export const RELEASE_UPGRADE_SCRIPT_PATHS = {
  osRelease: "/etc/os-release",
  releaseverFile: "/etc/dnf/vars/releasever",
  bootDir: "/boot",
} as const;

/**
 * The script, one line per element of the document's `runCommand`.
 *
 * What it does, in order:
 * 1. refuses (exit 1) unless `/etc/os-release` says Amazon Linux 2023 and the
 *    `system-release` package gives the instance's release;
 * 2. already on the release and pinned to it: nothing to do (exit 0); on the
 *    release but not pinned: pins it (exit 0); on a newer release (an instance
 *    launched from a newer image): fails (exit 1) naming the instance, both
 *    releases and the fix, and changes nothing, since a release upgrade never
 *    goes back and the environment would otherwise run an untested release;
 * 3. otherwise `dnf upgrade --releasever=<release> -y`, checks that
 *    `system-release` now is that release, and pins it in
 *    `/etc/dnf/vars/releasever` so a later plain `dnf upgrade` (and Patch
 *    Manager) stays on it;
 * 4. reboots only when needed: `dnf needs-restarting -r` says so, or the
 *    running kernel is not the newest one in `/boot` (and when neither can be
 *    told, to be safe), by exiting 194.
 */
export const RELEASE_UPGRADE_SCRIPT_LINES: readonly string[] = [
  "#!/bin/bash",
  "# Upgrades Amazon Linux 2023 in place to exactly one release and keeps it there.",
  "set -euo pipefail",
  "",
  `release='{{ ${RELEASE_PARAMETER} }}'`,
  `os_release_file=${RELEASE_UPGRADE_SCRIPT_PATHS.osRelease}`,
  `releasever_file=${RELEASE_UPGRADE_SCRIPT_PATHS.releaseverFile}`,
  `boot_dir=${RELEASE_UPGRADE_SCRIPT_PATHS.bootDir}`,
  "",
  "say() { printf 'release upgrade: %s\\n' \"$*\"; }",
  "fail() { printf 'release upgrade refused or failed: %s\\n' \"$*\" >&2; exit 1; }",
  'os_field() { sed -n "s/^$1=//p" "$os_release_file" | tr -d "\\"\'" | head -n 1; }',
  'minor_of() { local rest="${1#2023.}"; printf \'%s\' "${rest%%.*}"; }',
  "date_of() { printf '%s' \"${1##*.}\"; }",
  "# Whether release $1 is newer than release $2: minor number first, then date.",
  "newer_than() {",
  '  if [ "$(minor_of "$1")" -ne "$(minor_of "$2")" ]; then',
  '    [ "$(minor_of "$1")" -gt "$(minor_of "$2")" ]',
  "  else",
  '    [ "$(date_of "$1")" -gt "$(date_of "$2")" ]',
  "  fi",
  "}",
  "pin_release() {",
  '  mkdir -p "$(dirname "$releasever_file")"',
  '  printf \'%s\\n\' "$release" > "$releasever_file.new"',
  '  mv -f "$releasever_file.new" "$releasever_file"',
  "}",
  "",
  'if ! [[ "$release" =~ ^2023\\.(0|[1-9][0-9]{0,3})\\.[0-9]{8}$ ]]; then',
  "  fail \"'$release' is not an Amazon Linux 2023 release version such as 2023.9.20251117\"",
  "fi",
  "",
  "# Amazon Linux 2023 only: no other system has its versioned repositories.",
  'if [ ! -r "$os_release_file" ]; then',
  '  fail "$os_release_file not found; this document upgrades Amazon Linux 2023 only, nothing was changed"',
  "fi",
  'if [ "$(os_field ID)" != amzn ] || [ "$(os_field VERSION_ID)" != 2023 ]; then',
  '  os_name="$(os_field PRETTY_NAME)"',
  '  fail "this instance runs ${os_name:-an unknown system}, not Amazon Linux 2023; nothing was changed"',
  "fi",
  'if ! current="$(rpm -q --qf \'%{VERSION}\' system-release 2>/dev/null)" || [[ "$current" != 2023.* ]]; then',
  '  fail "the system-release package gives no Amazon Linux 2023 release; nothing was changed"',
  "fi",
  "pinned=''",
  'if [ -r "$releasever_file" ]; then pinned="$(tr -d \'[:space:]\' < "$releasever_file")"; fi',
  "",
  "# Idempotent: also what the run after a reboot finds.",
  'if [ "$current" = "$release" ]; then',
  '  if [ "$pinned" = "$release" ]; then',
  '    say "already on $release and pinned to it: nothing to do"',
  "  else",
  "    pin_release",
  '    say "already on $release; pinned dnf to it in $releasever_file"',
  "  fi",
  "  exit 0",
  "fi",
  "# Ahead of the pin: launched from a newer image than the release the environment",
  "# tested. A release upgrade never goes back, and succeeding here would let the",
  "# environment run what was never tested: fail, saying what to do.",
  'if newer_than "$current" "$release"; then',
  "  # The agent sets AWS_SSM_INSTANCE_ID for the commands it runs.",
  "  instance=\"${AWS_SSM_INSTANCE_ID:-$(hostname 2>/dev/null || printf 'this instance')}\"",
  '  fail "$instance runs Amazon Linux 2023 $current, newer than the pinned release $release (maintenance.osRelease); it was launched from a newer image, and a release upgrade never goes back, so nothing was changed. Fix: test $current and pin it (maintenance.osRelease $current, in the environment it is promoted from first), or pin the image to $release (ami.ssmParameter with the :<version> of the parameter that held the $release image) and replace the instance (replacementGeneration)"',
  "fi",
  "",
  'say "upgrading from $current to $release"',
  'if ! dnf upgrade --releasever="$release" -y; then',
  '  fail "dnf upgrade --releasever=$release failed (see its output above; is $release a published release?)"',
  "fi",
  "now=\"$(rpm -q --qf '%{VERSION}' system-release)\"",
  'if [ "$now" != "$release" ]; then',
  '  fail "after the upgrade the system-release package is $now, not $release"',
  "fi",
  "pin_release",
  'say "upgraded to $release and pinned dnf to it in $releasever_file"',
  "",
  "# Reboot only when needed.",
  "reboot_reason=''",
  "can_tell=no",
  "if dnf needs-restarting --help >/dev/null 2>&1; then",
  "  can_tell=yes",
  "  if ! dnf needs-restarting -r; then",
  "    reboot_reason='dnf needs-restarting -r reports updated core packages'",
  "  fi",
  "fi",
  'running_kernel="$(uname -r)"',
  "newest_kernel=\"$(find \"$boot_dir\" -maxdepth 1 -name 'vmlinuz-*' ! -name '*rescue*' -printf '%f\\n' 2>/dev/null | sed 's/^vmlinuz-//' | sort -V | tail -n 1 || true)\"",
  'if [ -n "$newest_kernel" ]; then',
  "  can_tell=yes",
  '  if [ "$newest_kernel" != "$running_kernel" ]; then',
  '    reboot_reason="${reboot_reason:+$reboot_reason; }running kernel $running_kernel, newest installed $newest_kernel"',
  "  fi",
  "fi",
  'if [ "$can_tell" = no ]; then',
  '  reboot_reason="neither dnf needs-restarting nor $boot_dir tells whether a reboot is needed"',
  "fi",
  'if [ -n "$reboot_reason" ]; then',
  '  say "rebooting: $reboot_reason"',
  "  # 194, not 3010: on Linux, 194 has SSM Agent reboot the instance and run this",
  "  # script again once it is back (3010 is the Windows code). That second run finds",
  "  # the release in place and exits 0, so the command succeeds only when the",
  "  # instance is up again, and the next instance of the rollout waits until then.",
  `  exit ${SSM_REBOOT_AND_RERUN_EXIT_CODE}`,
  "fi",
  "say 'no reboot needed'",
];

/** The script as one text, as the agent writes it to the instance. */
export function releaseUpgradeScript(): string {
  return `${RELEASE_UPGRADE_SCRIPT_LINES.join("\n")}\n`;
}
