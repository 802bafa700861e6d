#!/usr/bin/env bash
# Measures wall time and peak memory (max RSS of the largest process) of
#   synth        one synth of every environment (compiled JavaScript, no Nx),
#   cdktf-synth  `npx cdktf synth` (nothing to build) beside `node dist/main.js`, in apps/infra, and their ratio,
#   infra-test   the app's unit tests, without the Nx cache (`npx nx run infra:test --skip-nx-cache`),
#   cold         every tier but the emulator's, without the Nx cache, compiled output or Terraform working
#                copies (as in a fresh clone), and its ten longest tasks,
#   emulator     the deploy lifecycle against the local AWS emulator, alone, without the Nx cache,
#   doc-test     the documented commands run in a fresh copy of the workspace, alone, without the Nx cache,
#   review       one plan review of prod against HEAD deployed into the emulator (`infra:review --base=HEAD`),
#   test         the full test command, `npm test` (every tier), as cold as `cold`.
# Usage: scripts/benchmark.sh [synth|cdktf-synth|infra-test|cold|emulator|doc-test|review|test|all]   (default: all)
# Needs GNU time at /usr/bin/time (Debian: apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
root=$PWD

# The targets of `npm test` without the emulator tier (`e2e`) and the documented commands (`doc-test`).
COLD_TARGETS=(format-check lint typecheck test smoke tf-test tf-plan)

# Wall time in seconds of the last `measure`.
seconds=0

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
  seconds=$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$wall")
  printf '%-36s wall %s  peak RSS %d MB\n' "$label" "$wall" "$((rss / 1024))"
  rm -f "$log" "$log.out"
}

# The ten longest tasks of an Nx task profile (NX_PROFILE).
longest_tasks() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const tasks = require(process.argv[1]).filter((e) => e.ph === "X").sort((a, b) => b.dur - a.dur);
    for (const t of tasks.slice(0, 10)) console.log(`  ${(t.dur / 1e6).toFixed(1).padStart(6)} s  ${t.name}`);
  ' "$1"
}

runs() { [ "$what" = all ] || [ "$what" = "$1" ]; }

export NX_DAEMON=false NX_NO_CLOUD=true
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, node $(node --version), $(terraform version 2>/dev/null | head -1)"
if runs synth; then
  npx nx run infra:build --output-style=static >/dev/null
  out=$(mktemp -d)
  measure "synth (dev, prod, bootstrap)" node apps/infra/dist/main.js --environments-dir apps/infra/environments --outdir "$out/cdktf.out"
  rm -rf "$out"
fi
if runs cdktf-synth; then
  npx nx run infra:build --output-style=static >/dev/null
  out=$(mktemp -d)
  (
    cd apps/infra
    # Once unmeasured: builds if a source is newer than dist/, and warms the file cache.
    npx cdktf synth --output "$out/warm.out" >/dev/null 2>&1
    node dist/main.js --outdir "$out/warm.out" >/dev/null
    measure "node dist/main.js (apps/infra)" node dist/main.js --outdir "$out/node.out"
    node_seconds=$seconds
    measure "npx cdktf synth (apps/infra)" npx cdktf synth --output "$out/cdktf.out"
    awk -v c="$seconds" -v n="$node_seconds" 'BEGIN { printf "cdktf synth / node dist/main.js: %.1fx\n", c / n }'
  )
  rm -rf "$out"
fi
if runs infra-test; then
  measure "infra:test (no Nx cache)" npx nx run infra:test --skip-nx-cache --output-style=static
fi
# What a fresh clone has not got: compiled output (tsc -b would find it up to
# date) and the Terraform working copies (init would be skipped).
remove_build_state() {
  local dir
  for dir in packages/*/ apps/*/ tools/*/; do
    rm -rf "${dir}dist" "${dir}.terraform-check"
  done
}

if runs cold; then
  remove_build_state
  profile=$(mktemp --suffix=.json)
  # Nx writes the profile relative to the working folder.
  NX_PROFILE=$(realpath --relative-to="$root" "$profile")
  export NX_PROFILE
  measure "npm test without emulator (no cache)" npx nx run-many -t "${COLD_TARGETS[@]}" --skip-nx-cache --output-style=static
  unset NX_PROFILE
  echo "longest tasks:"
  longest_tasks "$profile"
  rm -f "$profile"
fi
if runs emulator; then
  npx nx run-many -t build -p aws-emulator infra --output-style=static >/dev/null
  measure "emulator tier" env NX_SKIP_NX_CACHE=true npm run test:emulator
fi
if runs doc-test; then
  measure "documented commands" npx nx run doc-tests:doc-test --skip-nx-cache --output-style=static
fi
if runs review; then
  npx nx run-many -t build -p plan-review infra --output-style=static >/dev/null
  # Exit 2 (changes in the working tree) is a result, not a failure.
  export REVIEW_OUT
  REVIEW_OUT=$(mktemp -d)
  # shellcheck disable=SC2016 # expanded by the inner shell
  measure "review prod --base=HEAD" bash -c 'cd apps/infra && node ../../apps/plan-review/dist/cli.js review --stack=prod --base=HEAD --fail-on=none --out-dir "$REVIEW_OUT" >/dev/null; rc=$?; [ "$rc" = 0 ] || [ "$rc" = 2 ]'
  rm -rf "$REVIEW_OUT"
fi
if runs test; then
  remove_build_state
  measure "npm test (no Nx cache)" env NX_SKIP_NX_CACHE=true npm test
fi
