#!/usr/bin/env bash
# Submit a BlocSim sweep to Slurm as a job array of shards plus a merge job
# that runs whatever happened to the tasks (afterany), or resubmit only the
# shards that have failed or missing runs.
#
#   tools/slurm/submit_sweep.sh SWEEP.yaml OUT_DIR N [sbatch options...]
#       N array tasks (shards 0..N-1) + a merge job; prints both job ids.
#   tools/slurm/submit_sweep.sh --rerun SWEEP.yaml OUT_DIR [sbatch options...]
#       asks `blocsim sweep status OUT_DIR` which shards have failed or missing
#       runs and resubmits just those (with --retry-failed) plus a new merge.
#
# OUT_DIR must be on a file system the compute nodes share. Set BLOCSIM to the
# binary if `blocsim` is not on PATH (exported to the jobs). Extra sbatch
# options (e.g. --cpus-per-task=4 --time=01:00:00 --partition=short) apply to
# the array tasks; the merge job gets one CPU.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BLOCSIM=${BLOCSIM:-blocsim}
export BLOCSIM
rerun=0
if [[ ${1:-} == --rerun ]]; then rerun=1; shift; fi
sweep=${1:?usage: submit_sweep.sh [--rerun] SWEEP.yaml OUT_DIR [N] [sbatch options]}
out=${2:?usage: submit_sweep.sh [--rerun] SWEEP.yaml OUT_DIR [N] [sbatch options]}
shift 2
extra=()
if ((rerun)); then
  set +e
  shards=$("$BLOCSIM" sweep status "$out" --rerun-shards)
  rc=$?
  set -e
  if [[ $rc -eq 0 ]]; then echo "submit_sweep: every run of $out is done; nothing to rerun" >&2; exit 0; fi
  [[ $rc -eq 4 ]] || { echo "submit_sweep: cannot read $out" >&2; exit "$rc"; }
  # Every shard counts toward SLURM_ARRAY_TASK_COUNT, so resubmitting only some
  # indices must keep n: the shard count is passed explicitly.
  n=$(ls "$out/manifest" | sed -n 's/^shard-[0-9]*-of-\([0-9]*\)\.csv$/\1/p' | sort -n | tail -1)
  [[ -n $shards ]] || { echo "submit_sweep: no shard to rerun (merge may be enough): blocsim sweep merge $out" >&2; exit 4; }
  array=$shards
  extra=(--retry-failed)
  echo "submit_sweep: rerunning shards $shards of $n" >&2
else
  n=${1:?usage: submit_sweep.sh SWEEP.yaml OUT_DIR N [sbatch options]}
  shift
  array="0-$((n - 1))"
fi
jid=$(sbatch --parsable --array="$array" "$@" --export=ALL,BLOCSIM_SHARD_COUNT="$n" \
  "$here/sweep_array.sbatch" "$sweep" "$out" --quiet "${extra[@]}")
mid=$(sbatch --parsable --dependency=afterany:"$jid" --cpus-per-task=1 --export=ALL \
  "$here/sweep_array.sbatch" --merge "$out")
echo "array $jid (shards $array of $n), merge $mid (afterany)"
echo "$jid $mid"
