// MPI driver of `blocsim calibrate` (see calibrate_mpi.h): particles of a
// generation split over ranks by index, results shared by MPI_Allreduce.
#include "mpi/calibrate_mpi.h"

#ifdef BLOCSIM_WITH_MPI
#include <mpi.h>
#endif

#include <cstdio>
#include <string>
#include <vector>

#include "blocsim/io/error.h"

namespace blocsim::mpi {

#ifndef BLOCSIM_WITH_MPI

int run_calibration(const calib::CalibSpec&, calib::CalibOptions) {
  throw RunError("this blocsim was built without MPI; rebuild with Open MPI installed (BLOCSIM_USE_MPI=ON)");
}

#else

int run_calibration(const calib::CalibSpec& spec, calib::CalibOptions opt) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  opt.rank = rank;
  opt.size = size;
  if (rank != 0) opt.quiet = true;
  // called from the main thread only (between OpenMP regions): FUNNELED suffices
  opt.allreduce = [](std::vector<double>& buf, const std::string&) {
    if (!buf.empty())
      MPI_Allreduce(MPI_IN_PLACE, buf.data(), static_cast<int>(buf.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  };
  int code = 0;
  try {
    const calib::CalibOutcome r = calib::run_calibration(spec, opt);
    if (rank == 0 && !opt.quiet) {
      std::printf("Calibration %s on %d MPI ranks: %zu generations (%.1f s)\n", spec.name.c_str(), size,
                  r.generations.size(), r.seconds);
      std::printf("  %-40s %12s %12s %12s\n", "parameter", "median", "q05", "q95");
      for (std::size_t d = 0; d < r.params.size(); ++d)
        std::printf("  %-40s %12.4g %12.4g %12.4g\n", r.params[d].c_str(), r.median[d], r.q05[d], r.q95[d]);
      std::printf("Wrote %s/\n", r.out.string().c_str());
    }
  } catch (const std::exception& e) {
    // every rank fails the same way (the algorithm is deterministic); rank 0 reports
    if (rank == 0) std::fprintf(stderr, "blocsim calibrate: %s\n", e.what());
    code = 3;
  }
  MPI_Finalize();
  return code;
}

#endif

}  // namespace blocsim::mpi
