#!/usr/bin/env bash
# The whole test suite, from a fresh Debian/Ubuntu machine: install what is
# missing (incl. Open MPI and Slurm for the cluster tests), build with
# warnings as errors, run ctest on all cores; then build once more with
# OpenMP off and run the unit tests there too. CI runs exactly this (.ci/run).
#   tools/test.sh [extra ctest arguments, e.g. -R unit]
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh test
jobs=$(nproc)
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DBLOCSIM_BUILD_TESTS=ON -DBLOCSIM_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build build-test -j"$jobs"
(cd build-test && ctest --output-on-failure -j"$jobs" "$@")

echo "== OpenMP off: build and unit tests =="
cmake -S . -B build-test-noomp -DCMAKE_BUILD_TYPE=Release -DBLOCSIM_USE_OPENMP=OFF -DBLOCSIM_USE_MPI=OFF \
      -DBLOCSIM_BUILD_TESTS=ON -DBLOCSIM_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build build-test-noomp -j"$jobs"
(cd build-test-noomp && ctest --output-on-failure -j"$jobs" -R "^unit\.")
