#!/usr/bin/env bash
# `mpirun -np 2` and `-np 3` `blocsim calibrate --fast` vs one process: the same
# bytes in every file; an MPI run resumes a folder a single process started.
# Exit 77 (skipped) without mpirun or without MPI in this blocsim.
#   test_mpi.sh PATH/TO/blocsim
set -euo pipefail
blocsim=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
calib="$root/scenarios/calibration/hindcast_2018.yaml"
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found"; exit 77; }
# Decided before launching: under mpirun a build without MPI runs the whole job
# on every rank, which can fail before its log says why.
version=$("$blocsim" --version)
if grep -qx 'MPI plugin: none (built without MPI)' <<<"$version"; then echo "SKIP: blocsim built without MPI"; exit 77; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none  # containers without CMA
export OMP_NUM_THREADS=1
sums() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
"$blocsim" calibrate "$calib" --fast -q -o "$tmp/one"
for np in 2 3; do
  mpirun --oversubscribe -np $np "$blocsim" calibrate "$calib" --fast -o "$tmp/mpi$np" > "$tmp/log$np" 2>&1 \
    || { cat "$tmp/log$np" >&2; echo "mpirun -np $np failed"; exit 1; }
  # plain mpirun as root may refuse yet exit 0: check that the ranks shared the work
  grep -q "on $np MPI ranks" "$tmp/log$np" || { cat "$tmp/log$np" >&2; echo "np=$np: not an MPI run"; exit 1; }
  [ "$(sums "$tmp/one")" = "$(sums "$tmp/mpi$np")" ] || { echo "np=$np: different bytes"; exit 1; }
done
# resume: a single process's folder cut back to generation 0, finished by 2 ranks
cp -r "$tmp/one" "$tmp/resumed"
head -n 2 "$tmp/one/generations.csv" > "$tmp/resumed/generations.csv"
rm -f "$tmp/resumed/posterior.csv" "$tmp/resumed/validation.csv"
mpirun --oversubscribe -np 2 "$blocsim" calibrate "$calib" --fast -q -o "$tmp/resumed" > "$tmp/logr" 2>&1 \
  || { cat "$tmp/logr" >&2; echo "mpirun resume failed"; exit 1; }
[ "$(sums "$tmp/one")" = "$(sums "$tmp/resumed")" ] || { echo "resume under MPI: different bytes"; exit 1; }
echo "PASS: calibrate under mpirun -np 2/3 == one process; MPI resumes a single-process folder"
