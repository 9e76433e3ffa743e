#!/usr/bin/env bash
# The calendar guard (CONTRIBUTING.md, "Tests and the calendar"): the suites that start the real
# service run again with the process clock a year ahead (Debian's `faketime`, a preloaded library;
# the test kit passes it on to every process a test starts: test/support/child-env.ts). A test that
# only passes in the month it was written fails here, not on the day its dates expire.
#   scripts/test-year-ahead.sh             # +365 days
#   YEAR_AHEAD=+730d scripts/test-year-ahead.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v faketime >/dev/null 2>&1; then
  echo "test-year-ahead: faketime is missing (Debian: apt-get install faketime)" >&2
  exit 1
fi
# Timers keep real time (a monotonic clock moved by hand would only slow the waits); dates move.
export FAKETIME_DONT_FAKE_MONOTONIC=1
shift_by=${YEAR_AHEAD:-+365d}
echo "test-year-ahead: the clock reads $(faketime -f "$shift_by" date -u +%Y-%m-%dT%H:%MZ)"
exec faketime -f "$shift_by" npx mocha 'test/component/**/*.test.ts' 'test/bot/**/*.test.ts' 'test/manifest/**/*.test.ts'
