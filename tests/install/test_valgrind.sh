#!/usr/bin/env bash
# blocsim must run under valgrind: `blocsim bench` counts instructions with
# it, and developers debug with memcheck. Valgrind decodes a subset of x86-64
# (Debian 12's 3.19 rejects AVX-512 — hence -mno-avx512f — and the
# register-to-register form of VEX VMOVQ, 66 0F D6, which GCC emitted for the
# record phase's {1, gdp, pop, 0.0}: a 2-thread run of a world of more than
# kParallelGrain countries died of SIGILL). This runs the engine's code paths
# under `valgrind --tool=none` (decoding only; ~5x slower than native):
#   test_valgrind.sh PATH/TO/blocsim
# the default world at 1 and 2 threads, a synthetic world above the
# large-world threshold (prefetching, far-neighbour index, parallel
# reductions) at 1 and 2 threads, a sweep shard at -j 2, and the bench's
# interleaved case (the reference paths next to the current ones).
# Exit 77 (skipped) when valgrind is not installed.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind not found: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/blocsim-valgrind.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
vg() {  # vg LABEL ARGS…: blocsim ARGS under valgrind; any failure (SIGILL: 132) fails the test
  local label=$1; shift
  local rc=0
  valgrind --tool=none --quiet "$bin" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if ((rc != 0)); then
    grep -E "Unrecognised instruction|unhandled instruction bytes|at 0x" "$tmp/err" | head -5 >&2 || true
    fail "$label: exit $rc under valgrind"
  fi
  echo "ok: $label"
}
# 16,400 agents: above 4·kParallelGrain = 16,384 (parallel.h: large_world)
cat >"$tmp/synthetic.yaml" <<'YAML'
name: valgrind_synthetic
seed: 3
ticks: 2
calendar: {start: 2025-07, step: quarter}
dimensions: [democracy, sovereignty, multilateralism, market]
world:
  synthetic: {countries: 16400, degree: 10, rewire: 0.1}
initial: {alignment: nonaligned, standards: nonaligned}
powers:
  - id: us
    identity: [0.85, 0.35, 0.40, 0.90]
    frontier: 1.0
    export_controls: {strictness: 0.4}
    open_models: 0.2
    capacity_building: {budget: 0.1, targeting: need}
    standards_diplomacy: 0.2
    narrative: 0.02
  - id: cn
    identity: [0.10, 0.90, 0.70, 0.45]
    frontier: 0.8
    open_models: 0.8
    capacity_building: {budget: 0.2, targeting: need}
    standards_diplomacy: 0.3
    narrative: 0.02
outputs: {countries: true}
YAML
for t in 1 2; do
  vg "default world, -t $t" run "$root/scenarios/baseline.yaml" -r 2 -t "$t" --set ticks=4 -q -o "$tmp/run$t"
  vg "synthetic 16,400 agents, -t $t" run "$tmp/synthetic.yaml" -t "$t" -q -o "$tmp/synthetic$t"
done
vg "sweep shard, -j 2" sweep "$root/scenarios/sweeps/strictness_openness.yaml" --shard 0/60 -j 2 -q -o "$tmp/sweep"
vg "bench interleaved case (reference paths), 2 threads" bench --scenario "$root/scenarios/baseline.yaml" \
  --case ab:16400 --case-threads 2 --ticks 2
test -s "$tmp/synthetic2/countries.csv" || fail "the synthetic run wrote no countries.csv"
cmp -s "$tmp/synthetic1/timeseries.csv" "$tmp/synthetic2/timeseries.csv" || fail "1 and 2 threads disagree under valgrind"
echo "OK: every run completed under valgrind"
