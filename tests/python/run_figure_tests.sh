#!/usr/bin/env bash
# Figure tests on a small *real* run and a small *real* sweep (issue 5):
#   run_figure_tests.sh PATH/TO/blocsim
set -euo pipefail
blocsim=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$blocsim" run "$root/scenarios/minimal.yaml" --replicates 3 --out "$tmp/run" -q
"$blocsim" sweep "$root/tests/data/sweeps/small.yaml" --out "$tmp/sweep" >/dev/null
test -s "$tmp/run/timeseries.csv"
test -s "$tmp/sweep/points.csv"
exec /usr/bin/python3 "$root/tests/python/test_figures.py" "$tmp/run" "$tmp/sweep"
