#!/usr/bin/env bash
# Kill -9 a sweep once its manifest holds some but not all runs, tear the last
# manifest line as a crash mid-write would, rerun the same command, and compare
# with an uninterrupted sweep byte for byte (runs, points, time series).
source "$(dirname "$0")/common.sh" "$@"
SWEEP=$ROOT/tests/data/sweeps/resume.yaml
reference
total=$(($(wc -l < ref/runs.csv) - 1))
man=killed/manifest/shard-0-of-1.csv

"$BLOCSIM" sweep "$SWEEP" --out killed --quiet -j 1 &
pid=$!
lines=0
for _ in $(seq 1 3000); do
  if [[ -f $man ]]; then lines=$(($(wc -l < "$man") - 1)); fi
  [[ $lines -ge 40 ]] && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.01
done
kill -9 $pid 2>/dev/null || fail "the sweep finished before it could be killed (make resume.yaml larger)"
wait $pid 2>/dev/null || true
lines=$(($(wc -l < "$man") - 1))
echo "killed with $lines of $total runs in the manifest"
[[ $lines -gt 0 && $lines -lt $total ]] || fail "expected a partial manifest, got $lines of $total lines"
[[ ! -f killed/runs.csv ]] || fail "final outputs exist after a kill"
grep -q '^status: running$' killed/metadata.yaml || fail "metadata.yaml should say running"
printf '999999,12,3,42,ok,,0.5' >> "$man"   # a torn line (no checksum, no newline)

"$BLOCSIM" sweep "$SWEEP" --out killed -j 2 2> resume.log || { cat resume.log >&2; fail "resume failed"; }
cat resume.log
grep -q "already done" resume.log || fail "the rerun did not skip the finished runs"
same_results ref killed
[[ ! -f killed/manifest/shard-0-of-1.ts ]] || fail "time-series parts should be removed after completion"

# a different sweep in the same folder is refused; --overwrite replaces it
if "$BLOCSIM" sweep "$ROOT/tests/data/sweeps/small.yaml" --out killed --quiet 2>/dev/null; then
  fail "a different sweep was run into an existing sweep folder"
fi
"$BLOCSIM" sweep "$ROOT/tests/data/sweeps/small.yaml" --out killed --quiet --overwrite || fail "--overwrite failed"
echo "PASS: killed + resumed == uninterrupted"
