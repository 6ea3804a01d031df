#!/usr/bin/env bash
# Fuzz every loader with libFuzzer + ASan/UBSan (Clang), see docs/reliability.md.
#   tools/fuzz.sh [SECONDS_PER_HARNESS] [HARNESS...]   default: 600 s, all five
# Builds build-fuzz/ (Clang, -DBLOCSIM_FUZZ=ON), then runs each harness on a
# work corpus seeded from tests/fuzz/corpus/<harness>/ and prints its figures
# (executions, seconds, new inputs). Crashes land in build-fuzz/tests/fuzz/
# as crash-*/oom-*/timeout-*: minimise with `fuzz_<h> -minimize_crash=1 FILE`,
# fix, and commit the input to tests/fuzz/corpus/<h>/ as a regression.
# A long run (the one quoted in docs/reliability.md):
#   tools/fuzz.sh 3600        # one hour per harness
# Parallel jobs on a bigger machine: FUZZ_JOBS=8 tools/fuzz.sh 3600
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
shift || true
harnesses=("$@")
[[ ${#harnesses[@]} -gt 0 ]] || harnesses=(scenario countries_csv sweep observed overrides yaml_block yaml_writer)
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 77; }
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBLOCSIM_FUZZ=ON \
      -DBLOCSIM_USE_MPI=OFF -DBLOCSIM_USE_OPENMP=OFF -DBLOCSIM_NATIVE=OFF -DBLOCSIM_BUILD_TESTS=OFF >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build build-fuzz -j"${BUILD_JOBS:-2}" --target "${targets[@]}"
status=0
for h in "${harnesses[@]}"; do
  work=build-fuzz/tests/fuzz/work/$h
  mkdir -p "$work"
  log=build-fuzz/tests/fuzz/$h.log
  echo "== fuzz_$h: ${secs} s =="
  (cd build-fuzz/tests/fuzz && ./fuzz_"$h" -rss_limit_mb=1024 -malloc_limit_mb=1024 -timeout=20 -print_final_stats=1 \
     -dict=../../../tests/fuzz/yaml.dict -max_total_time="$secs" ${FUZZ_JOBS:+-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS} \
     "work/$h" "../../../tests/fuzz/corpus/$h") >"$log" 2>&1 || { status=1; echo "fuzz_$h: FINDING (see $log)"; }
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  echo "fuzz_$h: ${execs:-?} executions in ${secs} s, corpus $(ls "$work" | wc -l) inputs"
done
exit $status
