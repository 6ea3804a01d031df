#!/usr/bin/env bash
# The README's Python quickstart, exactly, after the set-up step that
# tools/quickstart.sh runs (tools/python_setup.sh), in a throw-away user site:
#   test_setup.sh BUILD_DIR
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYTHONUSERBASE=$tmp/userbase
unset PYTHONPATH
cd "$root"
# Without the set-up step the module is not importable...
if /usr/bin/python3 -c "import blocsim" 2>/dev/null; then
  echo "note: blocsim already importable without the set-up (system install?)"
fi
tools/python_setup.sh "$build"
# ... and with it, the README's one-liner works (and prints the shape).
out=$(/usr/bin/python3 -c "import blocsim; r = blocsim.run('scenarios/minimal.yaml'); print(r.timeseries.shape)")
echo "$out"
[[ $out == "(13, 35)" ]] || { echo "FAIL: unexpected output '$out'" >&2; exit 1; }
grep -q "python3 -c \"import blocsim; r = blocsim.run('scenarios/minimal.yaml'); print(r.timeseries.shape)\"" README.md \
  || { echo "FAIL: README does not show this one-liner" >&2; exit 1; }
