#!/usr/bin/env bash
# The shipped Snakemake workflow (tools/workflow/Snakefile): shards → merge →
# Sobol → figures, run locally and then with every rule as a job on the local
# Slurm cluster; both final result sets must equal the single-process sweep
# byte for byte, sobol.csv must equal `blocsim sweep sobol` on it, and the
# figures must exist. Exit 77 if snakemake is missing; the Slurm half is
# skipped (with a message) if Slurm cannot start here.
SWEEP=${SWEEP:-$(cd "$(dirname "$0")/../data/sweeps" && pwd)/saltelli.yaml}
source "$(dirname "$0")/common.sh" "$@"
command -v snakemake >/dev/null || { echo "SKIP: snakemake not installed"; exit 77; }
reference
"$BLOCSIM" sweep sobol ref --bootstrap 200 > /dev/null
SNAKE=(snakemake -s "$ROOT/tools/workflow/Snakefile" --quiet --config "sweep=$SWEEP" shards=3 bootstrap=200
       "blocsim=$BLOCSIM" "plot=$ROOT/tools/plot")

check() {  # check OUT
  same_results ref "$1"
  cmp -s ref/sobol.csv "$1/sobol.csv" || fail "$1/sobol.csv differs from blocsim sweep sobol"
  ls "$1"/figures/sobol.png >/dev/null 2>&1 || fail "no Sobol figure in $1/figures"
  grep -q "0 failed, 0 missing" "$1/status.txt" || fail "$1/status.txt does not report a clean sweep"
  [[ $(ls "$1"/manifest/shard-*-of-3.csv | wc -l) -eq 3 ]] || fail "$1 was not run as 3 shards"
}

echo "== local"
mkdir -p wd
"${SNAKE[@]}" out="$WORK/local" --cores 2 -d wd > local.log 2>&1 || { cat local.log >&2; fail "snakemake (local) failed"; }
check local
# A second invocation has nothing to do.
"${SNAKE[@]}" out="$WORK/local" --cores 2 -d wd -n 2>&1 | grep -qi "nothing to be done" || fail "workflow not up to date after a run"

echo "== Slurm"
export BLOCSIM_SLURM_DIR=$WORK/slurm
CLUSTER=$ROOT/tools/slurm/local_cluster.sh
set +e
envline=$("$CLUSTER" start)
rc=$?
set -e
if [[ $rc -ne 0 ]]; then echo "Slurm could not start here (rc $rc): the Slurm half is skipped"; echo "PASS (local only)"; exit 0; fi
eval "$envline"
trap '"$CLUSTER" stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
mkdir -p wd2 logs
"${SNAKE[@]}" out="$WORK/slurm_out" --jobs 4 --latency-wait 10 -d wd2 \
  --cluster "sbatch --parsable --cpus-per-task={threads} --output=$WORK/logs/slurm-%j.out" > slurm.log 2>&1 \
  || { cat slurm.log logs/* >&2; fail "snakemake (Slurm) failed"; }
n_jobs=$(ls logs/slurm-*.out | wc -l)
[[ $n_jobs -ge 6 ]] || { cat slurm.log >&2; fail "only $n_jobs Slurm jobs ran (want 3 shards + merge + sobol + figures)"; }
check slurm_out
echo "PASS: Snakemake workflow locally and on Slurm ($n_jobs jobs) == single-process sweep"
