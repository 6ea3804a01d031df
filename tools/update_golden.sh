#!/usr/bin/env bash
# Rewrite the golden files of the regression tests (tests/regression/<case>/expected/)
# from the current build — only when a change of results is intended; say why
# in the commit message and the changelog.
#   tools/update_golden.sh [BUILD_DIR (default build)] [CASE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
cmake --build "$build" --target blocsim -j2 >/dev/null
cases=("$@")
if (( ${#cases[@]} == 0 )); then
  for d in tests/regression/*/; do [[ -f $d/args ]] && cases+=("$(basename "$d")"); done
fi
for c in "${cases[@]}"; do tests/regression/run_case.sh "$build/blocsim" "$c" --update; done
