#!/usr/bin/env bash
# Golden-file regression test: run one case and compare its outputs byte for
# byte with the committed files in tests/regression/<case>/expected/.
#   tests/regression/run_case.sh BLOCSIM CASE            compare (exit 1 on any difference)
#   tests/regression/run_case.sh BLOCSIM CASE --update   rewrite expected/ on purpose
# A case is a folder with `args` (the arguments after `blocsim`, one line; the
# output folder is appended as `--out DIR`) and `expected/` (every output file
# except metadata.yaml, which holds timestamps, timings and the git SHA, and a
# sweep's manifest/, whose lines are in completion order).
# Run from the repository root (paths in args are relative to it).
set -euo pipefail
blocsim=$1 case=$2 mode=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
dir=$here/$case
[[ -f $dir/args ]] || { echo "regression: no case '$case' ($dir/args missing)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/blocsim-regression-$case.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
read -r -a args < "$dir/args"
"$blocsim" "${args[@]}" --out "$tmp/out" --quiet
rm -rf "$tmp/out/metadata.yaml" "$tmp/out/manifest"
# absolute paths of the checkout (world files named in scenario.resolved.yaml) become <repo>,
# so the golden files do not depend on where the repository is cloned
root=$(cd "$here/../.." && pwd)
find "$tmp/out" -name '*.yaml' -exec sed -i "s|$root/|<repo>/|g" {} +
if [[ $mode == --update ]]; then
  rm -rf "$dir/expected"
  cp -r "$tmp/out" "$dir/expected"
  echo "regression: rewrote $dir/expected ($(ls "$dir/expected" | wc -l) files)"
  exit 0
fi
status=0
files() { (cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort); }
while read -r name; do
  [[ -e $dir/expected/$name ]] || { echo "regression $case: new output file $name (not in expected/)"; status=1; }
done < <(files "$tmp/out")
while read -r name; do
  f=$dir/expected/$name
  [[ -e $tmp/out/$name ]] || { echo "regression $case: output file $name is no longer written"; status=1; continue; }
  if ! cmp -s "$f" "$tmp/out/$name"; then
    status=1
    line=$(cmp "$f" "$tmp/out/$name" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p' || true)
    echo "regression $case: $name differs from the golden file (first at line ${line:-?}):"
    diff <(sed -n "${line:-1}p" "$f") <(sed -n "${line:-1}p" "$tmp/out/$name") | head -5 | cut -c1-400 || true
  fi
done < <(files "$dir/expected")
if (( status )); then
  echo "regression $case: FAILED. If the change is intended, rewrite the golden files with"
  echo "  tools/update_golden.sh   (see CONTRIBUTING.md) and say why in the commit message."
fi
exit $status
