// MPI driver of `blocsim calibrate` (see calibrate_mpi.h): particles of a
// generation split over ranks by index, results shared by MPI_Allreduce
// (through blocsim_mpi.so: mpi_api.h).
#include "mpi/calibrate_mpi.h"

#include <cstdio>
#include <string>
#include <vector>

#include "blocsim/io/error.h"
#include "mpi/mpi_api.h"

namespace blocsim::mpi {

int run_calibration(const calib::CalibSpec& spec, calib::CalibOptions opt) {
  std::string why;
  const blocsim_mpi_api* const m = api(&why);
  if (!m) throw RunError(why);
  int rank = 0, size = 1;
  m->init(&rank, &size);
  opt.rank = rank;
  opt.size = size;
  if (rank != 0) opt.quiet = true;
  // called from the main thread only (between OpenMP regions): FUNNELED suffices
  opt.allreduce = [m](std::vector<double>& buf, const std::string&) {
    if (!buf.empty()) m->allreduce_sum_double(buf.data(), static_cast<int>(buf.size()));
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
  m->finalize();
  return code;
}

}  // namespace blocsim::mpi
