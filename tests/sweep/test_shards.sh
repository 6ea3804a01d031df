#!/usr/bin/env bash
# Single process vs --shard 0/3, 1/3, 2/3 (into one folder, and into three
# folders) merged: runs.csv, points.csv, timeseries.csv, metadata.yaml byte-identical.
source "$(dirname "$0")/common.sh" "$@"
reference

# three shards into one folder, then merge
for i in 0 1 2; do
  "$BLOCSIM" sweep "$SWEEP" --out one --shard $i/3 --quiet || fail "shard $i/3 failed"
done
[[ ! -f one/runs.csv ]] || fail "a shard wrote final outputs before the merge"
"$BLOCSIM" sweep merge one || fail "merge (one folder) failed"
same_results ref one

# three shards into three folders (e.g. node-local disks), merged into a new folder
for i in 0 1 2; do
  "$BLOCSIM" sweep "$SWEEP" --out part$i --shard $i/3 --quiet -j 1 || fail "shard $i/3 failed"
done
if "$BLOCSIM" sweep merge part0 part1 --out incomplete 2>/dev/null; then fail "merge of 2 of 3 shards succeeded"; fi
"$BLOCSIM" sweep merge part0 part1 part2 --out merged || fail "merge (three folders) failed"
same_results ref merged

# rerunning a complete sweep runs nothing and keeps the result
"$BLOCSIM" sweep "$SWEEP" --out ref --quiet || fail "rerun of a complete sweep failed"
same_results ref one
echo "PASS: shards merged == single process"
