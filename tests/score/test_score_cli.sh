#!/usr/bin/env bash
# `blocsim score` end to end on a real run: the hindcast against the GPAI list
# (a one-sided list), the report folder, determinism of the intervals given
# --seed, and the score figure (tools/plot score).
#   test_score_cli.sh PATH/TO/blocsim
set -euo pipefail
blocsim=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$blocsim" run "$root/scenarios/hindcast_2018.yaml" -r 4 -q --set outputs.countries_every=2 --out "$tmp/run" >/dev/null
"$blocsim" score "$tmp/run" "$root/scenarios/observed/gpai_2024.yaml" --out "$tmp/s1" > "$tmp/report.txt"
for f in report.txt scores.csv differences.csv reliability.csv countries.csv score.yaml; do
  test -s "$tmp/s1/$f" || { echo "missing $f"; exit 1; }
done
for b in "everyone nonaligned" "base rate" "democracy alone" "UNGA position alone" "alliances -> blocs"; do
  grep -q "^\"baseline: $b\",auc," "$tmp/s1/differences.csv" || { echo "no difference row for $b"; exit 1; }
done
grep -q "reliability of BlocSim (P(us))" "$tmp/report.txt"
# same seed: the same bytes; another seed: other intervals
"$blocsim" score "$tmp/run" "$root/scenarios/observed/gpai_2024.yaml" --out "$tmp/s2" >/dev/null
cmp "$tmp/s1/differences.csv" "$tmp/s2/differences.csv"
"$blocsim" score "$tmp/run" "$root/scenarios/observed/gpai_2024.yaml" --seed 2 --out "$tmp/s3" >/dev/null
if cmp -s "$tmp/s1/differences.csv" "$tmp/s3/differences.csv"; then echo "--seed changed nothing"; exit 1; fi
# the 3-class example file still scores (backward compatible format)
"$blocsim" score "$tmp/run" "$root/scenarios/observed/example_security_2025.yaml" --date 2025-01 >/dev/null
BLOCSIM_SCORE_DIR="$tmp/s1" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$root/tests/python/test_score_figures.py"
