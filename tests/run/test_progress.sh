#!/usr/bin/env bash
# `blocsim run` with many replicates shows progress on a terminal (issue 13),
# and nothing extra when stderr is a file or with --quiet.
#   test_progress.sh PATH/TO/blocsim
set -euo pipefail
B=$(readlink -f "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
command -v script >/dev/null || { echo "SKIP: no script(1) to give the run a terminal"; exit 77; }
script -qec "$B run $root/scenarios/minimal.yaml -r 64 --out tty" /dev/null > tty.txt
grep -q "64/64 replicates" tty.txt || { cat tty.txt; echo "FAIL: no progress on a terminal"; exit 1; }
grep -q "\[=*\]" tty.txt || { echo "FAIL: no progress bar"; exit 1; }
"$B" run "$root/scenarios/minimal.yaml" -r 64 --out file > out.txt 2> err.txt
! grep -q "replicates  " err.txt || { echo "FAIL: progress written to a non-terminal"; exit 1; }
script -qec "$B run $root/scenarios/minimal.yaml -r 64 --out quiet -q" /dev/null > quiet.txt
[[ ! -s quiet.txt ]] || { cat quiet.txt; echo "FAIL: --quiet printed something"; exit 1; }
cmp -s tty/timeseries.csv file/timeseries.csv || { echo "FAIL: the progress display changed the results"; exit 1; }
echo "PASS: run progress on a terminal only"
