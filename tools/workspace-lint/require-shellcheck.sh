#!/usr/bin/env bash
# Runs before `npm test` (its `pretest` script): the maintenance package's
# tests lint the shell script it generates with the real shellcheck, which a
# fresh machine may lack. When shellcheck is missing and this runs as root
# with apt-get (Debian, Ubuntu, CI containers), it installs Debian's
# `shellcheck` package; otherwise it stops the test run with the command to
# run. It never lets the tests start without a working shellcheck.
set -euo pipefail

install_hint="apt-get install -y shellcheck (Debian/Ubuntu; macOS: brew install shellcheck)"

works() {
  command -v shellcheck >/dev/null 2>&1 && shellcheck --version >/dev/null 2>&1
}

if works; then
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "npm test needs shellcheck, which is not installed. Install it, then run npm test again: $install_hint" >&2
  exit 1
fi

echo "shellcheck is not installed; installing Debian's package: apt-get update && apt-get install -y shellcheck" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends shellcheck; }; then
  echo "apt-get could not install shellcheck; install it, then run npm test again: $install_hint" >&2
  exit 1
fi
if ! works; then
  echo "apt-get installed shellcheck, but no working shellcheck is on PATH; install it, then run npm test again: $install_hint" >&2
  exit 1
fi
echo "installed $(shellcheck --version | sed -n 2p)" >&2
