#!/usr/bin/env bash
# Categorical (string-valued) sweep keys in grid and table designs (issue 13):
# levels are applied by name exactly as `--set` applies them (each run equals
# `blocsim run --set key=name --seed <its seed>`), names appear in plan.csv /
# runs.csv / points.csv, shards merge byte-identically, a bad level is a
# located error, and LHS/Saltelli reject names.
SWEEP=$(cd "$(dirname "$0")/../data/sweeps" && pwd)/categorical.yaml
source "$(dirname "$0")/common.sh" "$@"
DATA=$ROOT/tests/data/sweeps
reference
"$BLOCSIM" sweep "$DATA/categorical.yaml" --out sh --shard 0/2 --quiet || true
"$BLOCSIM" sweep "$DATA/categorical.yaml" --out sh --shard 1/2 --quiet || true
"$BLOCSIM" sweep merge sh 2>/dev/null || fail "merge of categorical shards"
same_results ref sh
"$BLOCSIM" sweep "$DATA/categorical_table.yaml" --out tab --quiet || fail "categorical table sweep failed"

/usr/bin/python3 - "$BLOCSIM" "$ROOT" <<'PY' || fail "categorical runs differ from --set runs"
import csv, subprocess, sys, tempfile, os
blocsim, root = sys.argv[1], sys.argv[2]
def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))
def check(folder, keys, numeric):
    runs = rows(f"{folder}/runs.csv")
    assert all(r["status"] == "ok" for r in runs), "failed runs"
    for k in keys:
        assert all(not r[k].replace(".", "").isdigit() for r in runs), f"{k} not written as names"
    seen = set()
    for r in runs:
        combo = tuple(r[k] for k in keys + numeric)
        if combo in seen or r["replicate"] != "1":
            continue
        seen.add(combo)
        d = tempfile.mkdtemp()
        args = [blocsim, "run", f"{root}/scenarios/minimal.yaml", "--seed", r["seed"], "--out", f"{d}/r", "-q"]
        for k in keys + numeric:
            args += ["--set", f"{k}={r[k]}"]
        subprocess.run(args, check=True)
        ts = rows(f"{d}/r/timeseries.csv")
        final = [t for t in ts if t["replicate"] == "0"][-1]
        for m in ["bloc_count_us"]:
            assert float(final[m]) == float(r[f"{m}_final"]), (combo, final[m], r[f"{m}_final"])
    return seen
a = check("ref", ["powers.us.capacity_building.targeting", "powers.us.export_controls.tiers.rule"], ["model.beta_peer"])
assert len(a) == 12, len(a)
levels = {r["powers.us.capacity_building.targeting"] for r in rows("ref/points.csv")}
assert levels == {"need", "swing", "allies"}, levels
b = check("tab", ["powers.cn.capacity_building.targeting", "initial.alignment"], ["model.beta_peer"])
assert len(b) == 3, b
plan = rows("tab/plan.csv")
assert plan[2]["initial.alignment"] == "nonaligned" and plan[2]["powers.cn.capacity_building.targeting"] == "population", plan[2]
print("categorical runs == --set runs:", len(a), "grid points,", len(b), "table points")
PY

# A level that is not a valid name: a located error, nothing run.
sed 's/values: \[need, swing, allies\]/values: [need, sometimes]/' "$DATA/categorical.yaml" > "$DATA/.bad_categorical_$$.yaml"
trap 'rm -f "$DATA/.bad_categorical_$$.yaml"; rm -rf "$WORK"' EXIT
set +e
"$BLOCSIM" sweep expand "$DATA/.bad_categorical_$$.yaml" -o - > /dev/null 2> bad.err
rc=$?
set -e
cat bad.err
[[ $rc -eq 2 ]] || fail "a bad categorical level exits $rc (want 2)"
grep -q "bad_categorical_$$.yaml:7:3: powers.us.capacity_building.targeting" bad.err || fail "error not located"
grep -q "sometimes" bad.err || fail "error does not name the bad level"
# LHS cannot sample names.
printf 'name: x\nscenario: %s/scenarios/minimal.yaml\nparameters:\n  powers.us.capacity_building.targeting: {values: [need, swing]}\ndesign: lhs\nsamples: 4\n' "$ROOT" > lhs.yaml
set +e; "$BLOCSIM" sweep expand lhs.yaml -o - >/dev/null 2>lhs.err; rc=$?; set -e
[[ $rc -eq 2 ]] && grep -q "samples a range" lhs.err || { cat lhs.err; fail "lhs accepted names"; }
echo "PASS: categorical sweep keys (grid and table)"
