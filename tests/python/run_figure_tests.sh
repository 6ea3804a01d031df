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
BLOCSIM_FIG_RUN="$tmp/run" BLOCSIM_FIG_SWEEP="$tmp/sweep" \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider "$root/tests/python/test_figures.py"
