#!/usr/bin/env bash
# The cluster workflow never stalls (issue 13): on the local Slurm cluster, a
# job array in which one run fails (fault injection: BLOCSIM_FAIL_RUNS) is
# followed by its merge job anyway (afterany); the merge reports the failed
# run and the shard to rerun; `submit_sweep.sh --rerun` resubmits only that
# shard (with --retry-failed) and a new merge, and the final outputs are then
# byte-identical to a sweep that never failed.
# Exit 77 (skipped) only if Slurm cannot be installed/started as this user.
source "$(dirname "$0")/common.sh" "$@"
reference
start_local_cluster
SUBMIT=$ROOT/tools/slurm/submit_sweep.sh
export BLOCSIM


# Run 5 of 24 fails; 5 % 3 = 2, so shard 2 of 3 holds it.
read -r jid mid < <(BLOCSIM_FAIL_RUNS=5 "$SUBMIT" "$SWEEP" "$WORK/out" 3 --cpus-per-task=1 | tail -1)
echo "array $jid, merge $mid"
wait_jobs "$jid" "$mid"
cat blocsim-sweep-*.out
mlog=$(ls blocsim-sweep-"$mid"_*.out)
grep -q "1 failed" "$mlog" || fail "the merge job did not run or did not report the failed run"
grep -q "failed runs: 5$" "$mlog" || fail "the merge log does not name run 5"
grep -q "injected failure" "$mlog" || fail "the merge log does not show the run's error"
grep -q "rerun shard 2 of 3" "$mlog" || fail "the merge log does not say which shard to rerun"
[[ -f out/runs.csv ]] || fail "the merge wrote no runs.csv"
grep -q '^5,1,1,[0-9]*,failed,' out/runs.csv || fail "runs.csv does not mark run 5 failed"
set +e; "$BLOCSIM" sweep status out >/dev/null; rc=$?; set -e
[[ $rc -eq 4 ]] || fail "sweep status exits $rc with a failed run (want 4)"
[[ $("$BLOCSIM" sweep status out --rerun-shards) == 2 ]] || fail "status does not name shard 2 only"

# Rerun only what failed (the fault is gone now).
rr=$("$SUBMIT" --rerun "$SWEEP" "$WORK/out" --cpus-per-task=1 2>&1) || fail "submit_sweep --rerun: $rr"
echo "$rr"
grep -q "rerunning shards 2 of 3" <<<"$rr" || fail "--rerun did not pick shard 2 alone"
read -r jid2 mid2 < <(tail -1 <<<"$rr")
wait_jobs "$jid2" "$mid2"
cat blocsim-sweep-"$jid2"_*.out blocsim-sweep-"$mid2"_*.out
[[ $(ls blocsim-sweep-"$jid2"_*.out | wc -l) -eq 1 ]] || fail "more than one shard was resubmitted"
"$BLOCSIM" sweep status out || fail "sweep status still reports problems after the rerun"
same_results ref out
echo "PASS: failed run reported by the afterany merge; rerun of its shard completes the sweep byte-identically"
