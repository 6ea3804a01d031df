// MPI driver of `blocsim calibrate` (compiled into the blocsim executable only;
// the core library never includes mpi.h).
#pragma once

#include "blocsim/calibrate/calibrate.h"

namespace blocsim::mpi {

//! Run a calibration across the ranks of MPI_COMM_WORLD: each generation's
//! particles (and the predictive draws) are split by index over the ranks
//! (i % size == rank) and their results summed back with MPI_Allreduce, so
//! every rank continues with the same population and rank 0 writes the one
//! result folder — byte-identical to a single process at any rank count.
//! Calls MPI_Init/MPI_Finalize itself; prints errors from rank 0.
//! @returns the process exit code, the same on every rank.
int run_calibration(const calib::CalibSpec& spec, calib::CalibOptions opt);

}  // namespace blocsim::mpi
