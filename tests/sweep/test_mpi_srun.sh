#!/usr/bin/env bash
# MPI under `srun` (issue 13): inside an allocation of the local Slurm cluster,
# `srun --mpi=pmix -n 3 blocsim sweep` distributes runs over the ranks and
# gives the single-process result set byte for byte — the documented way on a
# cluster (tools/slurm/README.md), tested like `mpirun` in test_mpi.sh.
# Exit 77 (skipped) if Slurm cannot start here, blocsim has no MPI, or this
# Slurm has no PMI plugin Open MPI can use.
source "$(dirname "$0")/common.sh" "$@"
skip_without_mpi
start_local_cluster
mpi=""
for m in pmix pmix_v4 pmix_v3 pmi2; do
  if srun --mpi=list 2>&1 | grep -qw "$m"; then mpi=$m; break; fi
done
[[ -n $mpi ]] || { srun --mpi=list >&2 || true; echo "SKIP: this Slurm has no PMIx/PMI2 plugin"; exit 77; }
reference
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMP_NUM_THREADS=1
np=3
# The rank count must not exceed the node's CPUs without oversubscription.
(( $(nproc) < np )) && extra=(--overcommit) || extra=()
timeout 300 srun --mpi="$mpi" -n $np "${extra[@]}" "$BLOCSIM" sweep "$SWEEP" --out srun$np --quiet > srun.log 2>&1 \
  || { cat srun.log >&2; fail "srun --mpi=$mpi -n $np failed"; }
cat srun.log
[[ -f srun$np/runs.csv ]] || fail "srun -n $np wrote no runs.csv"
# Each rank must have been one MPI world of size np (not np independent sweeps).
[[ $(ls srun$np/manifest/*.csv | wc -l) -ge 1 ]] || fail "no manifest"
same_results ref srun$np
echo "PASS: srun --mpi=$mpi -n $np == single process"
