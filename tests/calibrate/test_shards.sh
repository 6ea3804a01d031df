#!/usr/bin/env bash
# `blocsim calibrate --fast --shard i/n`: n processes meeting through files give
# the same bytes as one process (n = 2, 3); a shard whose partners never come
# stops with a clear message after --shard-timeout.
#   test_shards.sh PATH/TO/blocsim
set -euo pipefail
blocsim=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
calib="$root/scenarios/calibration/hindcast_2018.yaml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=1
sums() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
"$blocsim" calibrate "$calib" --fast -q -o "$tmp/one"
for n in 2 3; do
  pids=()
  for ((i = n - 1; i >= 0; i--)); do
    "$blocsim" calibrate "$calib" --fast -q -o "$tmp/s$n" --shard $i/$n --shard-timeout 300 & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo "a shard of $n failed"; exit 1; }; done
  [ "$(sums "$tmp/one")" = "$(sums "$tmp/s$n")" ] || { echo "$n shards: different bytes"; exit 1; }
  ls "$tmp/s$n.shards"/*_gen_000_$((n - 1)).bin >/dev/null || { echo "$n shards: no exchange files"; exit 1; }
done
# a lone shard times out with a message naming the missing shard
set +e
"$blocsim" calibrate "$calib" --fast -q -o "$tmp/lone" --shard 0/2 --shard-timeout 1 2>"$tmp/err"
rc=$?
set -e
[ $rc -ne 0 ] || { echo "a lone shard succeeded"; exit 1; }
grep -q "waited 1 s for shard 1" "$tmp/err" || { cat "$tmp/err"; exit 1; }
echo "PASS: calibrate --shard i/n (n = 2, 3) == one process; lone shard times out"
