#!/usr/bin/env bash
# A sweep at -j 2 writes its manifest in run order even when later runs finish
# first (SweepRunner::execute_and_record: no batch barrier, a finished group
# waits until every earlier run is written). Runs 4-7 (the second lockstep
# group of 4) fail at once by fault injection, so the thread that takes them is
# done long before the first group; their lines must still follow runs 0-3.
# The rerun with --retry-failed then completes the sweep, byte-identical to an
# uninterrupted one.
source "$(dirname "$0")/common.sh" "$@"
reference
total=$(($(wc -l < ref/runs.csv) - 1))
man=part/manifest/shard-0-of-1.csv

set +e
BLOCSIM_FAIL_RUNS=4,5,6,7 "$BLOCSIM" sweep "$SWEEP" --out part --quiet -j 2 2> fail.log
rc=$?
set -e
[[ $rc -eq 4 ]] || { cat fail.log >&2; fail "expected exit code 4 (failed runs), got $rc"; }
runs=$(grep -v '^#' "$man" | cut -d, -f1 | tr '\n' ' ')
expected=$(seq 0 $((total - 1)) | tr '\n' ' ')
[[ "$runs" == "$expected" ]] || fail "manifest runs out of order or incomplete: '$runs' (expected '$expected')"
failed=$(grep -v '^#' "$man" | awk -F, '$5 == "failed" {print $1}' | tr '\n' ' ')
[[ "$failed" == "4 5 6 7 " ]] || fail "expected runs 4-7 to be recorded as failed, got '$failed'"
echo "manifest in run order: $total runs, 4-7 failed"

"$BLOCSIM" sweep "$SWEEP" --out part --quiet -j 2 --retry-failed || fail "the rerun with --retry-failed failed"
same_results ref part
echo "PASS: records in run order; the retried sweep equals an uninterrupted one"
