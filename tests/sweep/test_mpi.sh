#!/usr/bin/env bash
# `mpirun -np 2` (and -np 3) vs a single process: byte-identical result set.
# Exit 77 (skipped) if this blocsim was built without MPI or mpirun is missing.
source "$(dirname "$0")/common.sh" "$@"
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found"; exit 77; }
skip_without_mpi
reference
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none  # containers without CMA
export OMP_NUM_THREADS=1
for np in 2 3; do
  rm -rf mpi$np
  # plain mpirun as root may refuse yet exit 0: check the outputs, not only the code
  mpirun --oversubscribe -np $np "$BLOCSIM" sweep "$SWEEP" --out mpi$np --quiet > mpi$np.log 2>&1 \
    || { cat mpi$np.log >&2; fail "mpirun -np $np failed"; }
  [[ -f mpi$np/runs.csv ]] || { cat mpi$np.log >&2; fail "mpirun -np $np wrote no runs.csv"; }
  same_results ref mpi$np
done
# MPI resumes a folder started by one process (same manifest format)
"$BLOCSIM" sweep "$SWEEP" --out mixed --shard 0/2 --quiet || fail "shard 0/2 failed"
mpirun --oversubscribe -np 2 "$BLOCSIM" sweep "$SWEEP" --out mixed --quiet > mixed.log 2>&1 \
  || { cat mixed.log >&2; fail "mpirun resume failed"; }
same_results ref mixed
# The program loads Open MPI only under mpirun/srun, through its plugin
# (sim/mpi/mpi_api.h): it does not link libmpi, and a plugin that cannot be
# loaded stops every rank with the reason (it does not fall back to each rank
# running the whole sweep into one folder).
if command -v ldd >/dev/null && ldd "$BLOCSIM" | grep -q 'libmpi'; then fail "blocsim links libmpi (expected only its MPI plugin to)"; fi
rm -rf noplugin
# (the exit code is not checked: see above; the message and the folder are)
BLOCSIM_MPI_PLUGIN=/nonexistent/blocsim_mpi.so mpirun --oversubscribe -np 2 "$BLOCSIM" sweep "$SWEEP" --out noplugin \
  --quiet > noplugin.log 2>&1 || true
grep -q "cannot load blocsim's MPI plugin" noplugin.log || { cat noplugin.log >&2; fail "a missing plugin was not reported"; }
[[ ! -e noplugin/runs.csv ]] || fail "ranks without the plugin ran the sweep"
echo "PASS: mpirun -np 2/3 == single process; the MPI plugin is loaded only under mpirun"
