# Shared helpers for the sweep integration tests (sourced, not run).
# Usage in a test:  source "$(dirname "$0")/common.sh" "$@"
set -euo pipefail
BLOCSIM=${1:?usage: $0 /path/to/blocsim}
BLOCSIM=$(readlink -f "$BLOCSIM")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SWEEP=${SWEEP:-$ROOT/tests/data/sweeps/small.yaml}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blocsim-sweep-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }

# same_results DIR_A DIR_B: the final outputs must be byte-identical.
same_results() {
  local a=$1 b=$2 f
  for f in runs.csv points.csv metadata.yaml plan.csv; do
    [[ -f $a/$f ]] || fail "$a/$f missing"
    [[ -f $b/$f ]] || fail "$b/$f missing"
    cmp -s "$a/$f" "$b/$f" || { diff <(head -c 2000 "$a/$f") <(head -c 2000 "$b/$f") | head -20 >&2; fail "$f differs between $a and $b"; }
  done
  if [[ -f $a/timeseries.csv || -f $b/timeseries.csv ]]; then
    cmp -s "$a/timeseries.csv" "$b/timeseries.csv" || fail "timeseries.csv differs between $a and $b"
  fi
  grep -q '^status: complete$' "$a/metadata.yaml" || fail "$a not complete"
}

# reference: one uninterrupted single-process sweep in ./ref
reference() {
  "$BLOCSIM" sweep "$SWEEP" --out ref --quiet -j 2 || fail "reference sweep failed"
  local n; n=$(($(wc -l < ref/runs.csv) - 1))
  [[ $n -gt 0 ]] || fail "reference has no runs"
  echo "reference: $n runs"
}
