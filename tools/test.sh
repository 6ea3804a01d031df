#!/usr/bin/env bash
# The whole test suite, from a fresh Debian/Ubuntu machine: install what is
# missing (incl. Open MPI and Slurm for the cluster tests), build with
# warnings as errors, run ctest on all cores. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh test
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DBLOCSIM_BUILD_TESTS=ON -DBLOCSIM_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build build-test -j"$(nproc)"
cd build-test
ctest --output-on-failure -j"$(nproc)" "$@"
