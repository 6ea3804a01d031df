#!/usr/bin/env bash
# A real single-node Slurm cluster on localhost (tools/slurm/local_cluster.sh)
# runs the job array of shards with tools/slurm/sweep_array.sbatch and a
# dependent merge job; the merged result must equal the single-process one.
# Exit 77 (skipped) only if Slurm cannot be installed/started as this user.
source "$(dirname "$0")/common.sh" "$@"
reference
export BLOCSIM_SLURM_DIR=$WORK/slurm
CLUSTER=$ROOT/tools/slurm/local_cluster.sh
set +e
envline=$("$CLUSTER" start)
rc=$?
set -e
if [[ $rc -eq 77 ]]; then echo "SKIP: Slurm cannot be installed or started here"; exit 77; fi
[[ $rc -eq 0 ]] || fail "local cluster did not start (logs in $BLOCSIM_SLURM_DIR)"
eval "$envline"
trap '"$CLUSTER" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

export BLOCSIM
mkdir -p logs
jid=$(sbatch --parsable --array=0-2 --cpus-per-task=1 --output="$WORK/logs/shard-%a.out" \
  "$ROOT/tools/slurm/sweep_array.sbatch" "$SWEEP" "$WORK/slurm_out" --quiet) || fail "sbatch (array) failed"
mid=$(sbatch --parsable --dependency=afterany:$jid --output="$WORK/logs/merge.out" \
  "$ROOT/tools/slurm/sweep_array.sbatch" --merge "$WORK/slurm_out") || fail "sbatch (merge) failed"
echo "submitted array $jid and merge $mid"
for _ in $(seq 1 600); do
  [[ -z $(squeue -h -j "$jid,$mid" 2>/dev/null) ]] && break
  if squeue -h -j "$mid" -o '%r' 2>/dev/null | grep -q DependencyNeverSatisfied; then
    cat logs/*.out >&2 || true
    scancel "$mid" || true
    fail "an array task failed (merge dependency never satisfied)"
  fi
  sleep 0.5
done
[[ -z $(squeue -h -j "$jid,$mid" 2>/dev/null) ]] || { squeue >&2; fail "jobs still queued after 5 minutes"; }
cat logs/*.out
[[ -f slurm_out/runs.csv ]] || fail "the merge job wrote no runs.csv"
ls slurm_out/manifest | grep -q 'shard-2-of-3.csv' || fail "no manifest of array task 2"
same_results ref slurm_out
echo "PASS: Slurm job array + merge == single process"
