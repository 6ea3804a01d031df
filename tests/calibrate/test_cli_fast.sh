#!/usr/bin/env bash
# `blocsim calibrate --fast` of the shipped hindcast calibration (CI variant),
# resume of a finished folder, a bad file, and the calibration figures.
#   test_cli_fast.sh PATH/TO/blocsim
set -euo pipefail
blocsim=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$blocsim" calibrate "$root/scenarios/calibration/hindcast_2018.yaml" --fast -q -o "$tmp/c"
for f in posterior.csv posterior_summary.csv generations.csv observed.csv ppc.csv predictive_countries.csv \
         validation.csv scenario.calibrated.yaml scenario.resolved.yaml calibration.yaml generations/gen_000.csv; do
  test -s "$tmp/c/$f" || { echo "missing $f"; exit 1; }
done
# the calibrated scenario is a valid scenario
"$blocsim" validate "$tmp/c/scenario.calibrated.yaml" >/dev/null
# rerunning a finished calibration changes nothing
sum1=$(cd "$tmp/c" && find . -name '*.csv' -o -name '*.yaml' | sort | xargs sha256sum)
"$blocsim" calibrate "$root/scenarios/calibration/hindcast_2018.yaml" --fast -q -o "$tmp/c"
sum2=$(cd "$tmp/c" && find . -name '*.csv' -o -name '*.yaml' | sort | xargs sha256sum)
[ "$sum1" = "$sum2" ] || { echo "rerun changed the folder"; exit 1; }
# without --fast the settings differ: refused (exit 3), folder untouched
if "$blocsim" calibrate "$root/scenarios/calibration/hindcast_2018.yaml" -q -o "$tmp/c" 2>"$tmp/err"; then
  echo "a different calibration was accepted into the folder"; exit 1
fi
grep -q "holds a different calibration" "$tmp/err"
# a bad file: exit 2 with file:line:col
sed 's/spearman: 1/spearmann: 1/' "$root/scenarios/calibration/hindcast_2018.yaml" > "$root/scenarios/calibration/.bad_test.yaml"
set +e
"$blocsim" calibrate "$root/scenarios/calibration/.bad_test.yaml" 2>"$tmp/err2"
rc=$?
set -e
rm -f "$root/scenarios/calibration/.bad_test.yaml"
[ $rc -eq 2 ] || { echo "bad file: exit $rc, expected 2"; exit 1; }
grep -Eq "\.bad_test\.yaml:[0-9]+:[0-9]+: targets\.spearmann: unknown key 'spearmann' \(did you mean 'spearman'\?\)" "$tmp/err2"
BLOCSIM_CALIB_DIR="$tmp/c" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$root/tests/python/test_calibration_figures.py"
