#!/usr/bin/env bash
# A real single-node Slurm cluster on localhost (tools/slurm/local_cluster.sh)
# runs the job array of shards with tools/slurm/sweep_array.sbatch and a
# dependent merge job; the merged result must equal the single-process one.
# Exit 77 (skipped) only if Slurm cannot be installed/started as this user.
source "$(dirname "$0")/common.sh" "$@"
reference
start_local_cluster

export BLOCSIM
mkdir -p logs
jid=$(sbatch --parsable --array=0-2 --cpus-per-task=1 --output="$WORK/logs/shard-%a.out" \
  "$ROOT/tools/slurm/sweep_array.sbatch" "$SWEEP" "$WORK/slurm_out" --quiet) || fail "sbatch (array) failed"
mid=$(sbatch --parsable --dependency=afterany:$jid --output="$WORK/logs/merge.out" \
  "$ROOT/tools/slurm/sweep_array.sbatch" --merge "$WORK/slurm_out") || fail "sbatch (merge) failed"
echo "submitted array $jid and merge $mid"
wait_jobs "$jid" "$mid"
cat logs/*.out
[[ -f slurm_out/runs.csv ]] || fail "the merge job wrote no runs.csv"
ls slurm_out/manifest | grep -q 'shard-2-of-3.csv' || fail "no manifest of array task 2"
same_results ref slurm_out
echo "PASS: Slurm job array + merge == single process"
