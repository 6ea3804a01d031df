# Shared helpers for the sweep integration tests (sourced, not run).
# Usage in a test:  source "$(dirname "$0")/common.sh" "$@"
set -euo pipefail
BLOCSIM=${1:?usage: $0 /path/to/blocsim}
BLOCSIM=$(readlink -f "$BLOCSIM")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SWEEP=${SWEEP:-$ROOT/tests/data/sweeps/small.yaml}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blocsim-sweep-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }

# skip_without_mpi: exit 77 (skipped) if this blocsim has no MPI plugin. Decided
# before launching anything: under mpirun/srun such a build lets every rank run
# the whole sweep into one folder, where a rank may stop on another's lock
# first, so its launch can fail before the log says why.
skip_without_mpi() {
  local version
  version=$("$BLOCSIM" --version) || fail "blocsim --version failed"
  if grep -qx 'MPI plugin: none (built without MPI)' <<<"$version"; then
    echo "SKIP: blocsim built without MPI"
    exit 77
  fi
}

# same_results DIR_A DIR_B: the final outputs must be byte-identical.
same_results() {
  local a=$1 b=$2 f
  for f in runs.csv points.csv metadata.yaml plan.csv; do
    [[ -f $a/$f ]] || fail "$a/$f missing"
    [[ -f $b/$f ]] || fail "$b/$f missing"
    cmp -s "$a/$f" "$b/$f" || { diff <(head -c 2000 "$a/$f") <(head -c 2000 "$b/$f") | head -20 >&2; fail "$f differs between $a and $b"; }
  done
  if [[ -f $a/timeseries.csv || -f $b/timeseries.csv ]]; then
    cmp -s "$a/timeseries.csv" "$b/timeseries.csv" || fail "timeseries.csv differs between $a and $b"
  fi
  grep -q '^status: complete$' "$a/metadata.yaml" || fail "$a not complete"
}

# reference: one uninterrupted single-process sweep in ./ref
reference() {
  "$BLOCSIM" sweep "$SWEEP" --out ref --quiet -j 2 || fail "reference sweep failed"
  local n; n=$(($(wc -l < ref/runs.csv) - 1))
  [[ $n -gt 0 ]] || fail "reference has no runs"
  echo "reference: $n runs"
}

# start_local_cluster: start the one-node Slurm cluster of
# tools/slurm/local_cluster.sh for this test (its state under $WORK/slurm),
# export its environment (SLURM_CONF) and stop it when the test exits.
# Exits 77 (skipped) if Slurm cannot be installed or started as this user.
start_local_cluster() {
  export BLOCSIM_SLURM_DIR=$WORK/slurm
  CLUSTER=$ROOT/tools/slurm/local_cluster.sh
  local envline rc
  set +e
  envline=$("$CLUSTER" start)
  rc=$?
  set -e
  if [[ $rc -eq 77 ]]; then echo "SKIP: Slurm cannot be installed or started here"; exit 77; fi
  [[ $rc -eq 0 ]] || fail "local cluster did not start (logs in $BLOCSIM_SLURM_DIR)"
  eval "$envline"
  trap '"$CLUSTER" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
}

# wait_jobs ID...: poll squeue (not sbatch --wait) until the jobs have left
# the queue, up to 5 minutes; fails at once, showing the job logs in the
# working directory, if one of them waits on a dependency that can never be
# satisfied (an afterok on a failed job).
wait_jobs() {
  local ids; ids=$(IFS=,; echo "$*")
  for _ in $(seq 1 600); do
    [[ -z $(squeue -h -j "$ids" 2>/dev/null) ]] && return 0
    if squeue -h -j "$ids" -o '%r' 2>/dev/null | grep -q DependencyNeverSatisfied; then
      cat ./*.out logs/*.out >&2 2>/dev/null || true
      scancel "$@" 2>/dev/null || true
      fail "a job failed and a dependent job can never start (jobs $ids)"
    fi
    sleep 0.5
  done
  squeue >&2
  fail "jobs $ids still queued after 5 minutes"
}
