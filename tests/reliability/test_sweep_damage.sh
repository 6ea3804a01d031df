#!/usr/bin/env bash
# Issue 15 regressions (defects 5, 6, 10): a sweep's resume verifies the
# time-series bytes its manifest points to (short, missing or altered .ts
# files are redone, never zero-filled), a complete sweep whose final files
# were deleted is repaired by rerunning it, a damaged manifest names --fresh,
# and a plan of 10^12 runs is refused before anything is allocated.
#   test_sweep_damage.sh BLOCSIM_BINARY
source "$(dirname "$0")/../sweep/common.sh" "$@"
reference   # small.yaml: 24 runs with time series, in ./ref

damage_and_resume() {  # NAME HOW: run shard 0/2, damage its .ts, resume, finish
  local d=$1 how=$2 ts
  "$BLOCSIM" sweep "$SWEEP" --out "$d" --shard 0/2 --quiet || fail "$d: shard 0/2 failed"
  ts=$d/manifest/shard-0-of-2.ts
  [[ -s $ts ]] || fail "$d: no time-series part"
  case $how in
    short) truncate -s $(($(stat -c %s "$ts") / 2)) "$ts" ;;
    missing) rm "$ts" ;;
    altered) printf 'X' | dd of="$ts" bs=1 seek=$(($(stat -c %s "$ts") / 3)) conv=notrunc status=none ;;
  esac
  "$BLOCSIM" sweep "$SWEEP" --out "$d" --shard 0/2 2> "$d.log" || { cat "$d.log" >&2; fail "$d: resume failed"; }
  grep -q "missing or damaged" "$d.log" || { cat "$d.log" >&2; fail "$d: resume did not notice the damaged time series"; }
  "$BLOCSIM" sweep "$SWEEP" --out "$d" --shard 1/2 --quiet || fail "$d: shard 1/2 failed"
  "$BLOCSIM" sweep merge "$d" 2>/dev/null || fail "$d: merge failed"
  same_results ref "$d"
  echo "ok: $how .ts redone, results identical"
}
damage_and_resume short short
damage_and_resume missing missing
damage_and_resume altered altered

# a complete sweep with runs.csv (or timeseries.csv) deleted is repaired
for f in runs.csv timeseries.csv; do
  cp -r ref "rep-$f"
  rm "rep-$f/$f"
  "$BLOCSIM" sweep "$SWEEP" --out "rep-$f" 2> "rep-$f.log" || { cat "rep-$f.log" >&2; fail "repair of $f failed"; }
  grep -q "repairing" "rep-$f.log" || fail "no repair message for $f"
  same_results ref "rep-$f"
  echo "ok: deleted $f repaired"
done

# a damaged manifest header says how to go on
"$BLOCSIM" sweep "$SWEEP" --out hdr --shard 0/2 --quiet
printf 'garbage\n' > hdr/manifest/shard-0-of-2.csv.new && cat hdr/manifest/shard-0-of-2.csv >> hdr/manifest/shard-0-of-2.csv.new
mv hdr/manifest/shard-0-of-2.csv.new hdr/manifest/shard-0-of-2.csv
if "$BLOCSIM" sweep "$SWEEP" --out hdr --shard 0/2 2> hdr.log; then fail "a damaged manifest was accepted"; fi
grep -q -- "--fresh" hdr.log || { cat hdr.log >&2; fail "no --fresh hint for a damaged manifest"; }
"$BLOCSIM" sweep "$SWEEP" --out hdr --shard 0/2 --fresh --quiet || fail "--fresh did not recover"
echo "ok: damaged manifest names --fresh, and --fresh recovers"

# a plan of 10^12 runs is refused up front, located, with an estimate
cp "$ROOT/scenarios/minimal.yaml" base.yaml
cat > huge.yaml <<'YAML'
name: huge
scenario: base.yaml
parameters:
  model.mu: {min: 0.0, max: 0.5, steps: 1000000}
  powers.us.open_models: {min: 0.0, max: 1.0, steps: 1000}
replicates: 1000
metrics: [fragmentation]
YAML
start=$(date +%s)
if "$BLOCSIM" sweep huge.yaml --out huge 2> huge.log; then fail "a 10^12-run sweep was accepted"; fi
cat huge.log
grep -q "huge.yaml:[0-9]*:[0-9]*: .*the plan is too large" huge.log || fail "no located plan-size error"
grep -q "[GT]B" huge.log || fail "no memory estimate"
[[ ! -e huge ]] || fail "a folder was written for a refused sweep"
(( $(date +%s) - start < 30 )) || fail "the refusal took too long (allocating first?)"
echo "PASS: sweep damage, repair and plan limits"
