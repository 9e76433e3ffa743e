#!/usr/bin/env bash
# Runs the tests with both cores of a 2-core machine pinned by busy loops, as a shared CI machine
# may be: the suite must hold there too (CONTRIBUTING.md, "Tests that hold under load").
#   scripts/test-under-load.sh                 # npm test
#   scripts/test-under-load.sh -n 20 npx mocha test/component/partner-center/webhook-in.test.ts
# -n N runs the command N times in a row and stops at the first failure. The busy loops end with
# the script, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=1
if [ "${1:-}" = "-n" ]; then
  runs=$2
  shift 2
fi
[ $# -gt 0 ] || set -- npm test

busy=()
stop_busy() { [ ${#busy[@]} -eq 0 ] || kill "${busy[@]}" 2>/dev/null || true; }
trap stop_busy EXIT INT TERM
for _ in $(seq "$(nproc)"); do
  node -e 'for (;;) {}' &
  busy+=($!)
done

for run in $(seq "$runs"); do
  started=$(date +%s)
  if ! "$@"; then
    echo "under load: run $run of $runs failed after $(($(date +%s) - started)) s" >&2
    exit 1
  fi
  echo "under load: run $run of $runs passed in $(($(date +%s) - started)) s"
done
