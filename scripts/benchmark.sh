#!/usr/bin/env bash
# Measures wall time and peak memory (max RSS of the largest process) of
#   1. one synth of every environment (compiled JavaScript, no Nx),
#   2. the deploy lifecycle against the local AWS emulator, alone, without the Nx cache,
#   3. one plan review of prod against HEAD deployed into the emulator (`infra:review --base=HEAD`),
#   4. the full test command (every tier), without the Nx cache.
# Usage: scripts/benchmark.sh [synth|emulator|review|test|all]   (default: all)
# Needs GNU time at /usr/bin/time (Debian: apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}

measure() {
  local label=$1; shift
  local log
  log=$(mktemp)
  # shellcheck disable=SC2064
  trap "rm -f '$log' '$log.out'" RETURN
  if ! /usr/bin/time -v "$@" >"$log.out" 2>"$log"; then
    cat "$log.out" "$log" >&2
    echo "$label: failed" >&2
    exit 1
  fi
  local wall rss
  wall=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
  rss=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$log")
  printf '%-28s wall %s  peak RSS %d MB\n' "$label" "$wall" "$((rss / 1024))"
  rm -f "$log" "$log.out"
}

export NX_DAEMON=false NX_NO_CLOUD=true
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, node $(node --version), $(terraform version 2>/dev/null | head -1)"
if [ "$what" = synth ] || [ "$what" = all ]; then
  npx nx run infra:build --output-style=static >/dev/null
  out=$(mktemp -d)
  measure "synth (dev, prod, bootstrap)" node apps/infra/dist/main.js --environments-dir apps/infra/environments --outdir "$out/cdktf.out"
  rm -rf "$out"
fi
if [ "$what" = emulator ] || [ "$what" = all ]; then
  npx nx run-many -t build -p aws-emulator infra --output-style=static >/dev/null
  measure "emulator lifecycle tier" npx nx run emulator-e2e:e2e --skip-nx-cache --output-style=static
fi
if [ "$what" = review ] || [ "$what" = all ]; then
  npx nx run-many -t build -p plan-review infra --output-style=static >/dev/null
  # Exit 2 (changes in the working tree) is a result, not a failure.
  export REVIEW_OUT
  REVIEW_OUT=$(mktemp -d)
  measure "review prod --base=HEAD" bash -c 'cd apps/infra && node ../../tools/plan-review/dist/cli.js review --stack=prod --base=HEAD --fail-on=none --out-dir "$REVIEW_OUT" >/dev/null; rc=$?; [ "$rc" = 0 ] || [ "$rc" = 2 ]'
  rm -rf "$REVIEW_OUT"
fi
if [ "$what" = test ] || [ "$what" = all ]; then
  measure "npm test (no Nx cache)" npx nx run-many -t lint typecheck test tf-validate tf-test tf-plan e2e --skip-nx-cache --output-style=static
fi
