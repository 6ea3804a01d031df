// MPI sweep driver (compiled into the blocsim executable only; the core
// library never includes mpi.h). Its MPI calls go through blocsim_mpi.so,
// loaded only under mpirun/srun (mpi_api.h), which CMake builds when it finds
// MPI; mpi::usable_under_launcher (mpi_api.h) says whether it can run.
#pragma once

#include <filesystem>

#include "blocsim/sweep/sweep.h"

namespace blocsim::mpi {

//! Run a sweep across the ranks of MPI_COMM_WORLD: rank 0 reads the manifest,
//! hands out chunks of runs on request (dynamic load balancing), receives the
//! formatted results and writes the one result set; workers run their chunks
//! with OpenMP over runs. With one rank it runs the local driver. Calls
//! MPI_Init/MPI_Finalize itself; throws RunError if the plugin cannot be loaded. Prints errors (from rank 0) and the summary.
//! @returns the process exit code (0, 2, 3 or 4), the same on every rank.
int run_sweep(const std::filesystem::path& sweep_file, const SweepOptions& opt);

}  // namespace blocsim::mpi
