// The MPI calls of BlocSim's MPI drivers (sweep_mpi.cpp, calibrate_mpi.cpp),
// behind a C table that a plugin fills: blocsim_mpi.so (mpi_plugin.cpp, the
// only file that includes mpi.h), which the program loads with dlopen only
// when it runs under mpirun/srun (mpi_load.cpp). Linked into the program,
// Open MPI's nine shared libraries cost every process ~1.2 ms to load
// (issue 14, round 19: ~8 % of a `blocsim validate`), and a program whose
// MPI libraries are missing (a node without the module loaded) could not
// start at all; now only an MPI run needs them.
#pragma once

#include <string>

extern "C" {

//! Bumped when the table changes: the program refuses a plugin of another version.
#define BLOCSIM_MPI_API_VERSION 1

struct blocsim_mpi_api {
  int version;  //!< BLOCSIM_MPI_API_VERSION
  //! MPI_Init_thread (MPI_THREAD_FUNNELED), then this rank and the size of MPI_COMM_WORLD.
  void (*init)(int* rank, int* size);
  void (*finalize)(void);
  void (*abort)(int code);
  //! MPI_Bcast of n ints from `root`.
  void (*bcast_int)(int* v, int n, int root);
  //! MPI_Allreduce, MPI_MAX over n ints.
  void (*allreduce_max_int)(const int* in, int* out, int n);
  //! MPI_Allreduce in place, MPI_SUM over n doubles.
  void (*allreduce_sum_double)(double* v, int n);
  //! MPI_Send of `bytes` bytes (MPI_BYTE) to `dest` with `tag`.
  void (*send)(const void* buf, int bytes, int dest, int tag);
  //! MPI_Probe from `source` (-1: any) with `tag`: returns the sender, its size in bytes in *bytes.
  int (*probe)(int source, int tag, int* bytes);
  //! MPI_Recv of `bytes` bytes from `source` with `tag`.
  void (*recv)(void* buf, int bytes, int source, int tag);
};

//! The plugin's one exported function (dlsym name "blocsim_mpi_api_v1").
typedef const struct blocsim_mpi_api* (*blocsim_mpi_api_fn)(void);
}

namespace blocsim::mpi {

//! The MPI table of blocsim_mpi.so, loaded at the first call (nullptr if it
//! cannot be loaded; `why` then says why: not built, not found, dlopen's
//! message — e.g. Open MPI's libraries missing).
const blocsim_mpi_api* api(std::string* why = nullptr);

//! Whether this build has an MPI plugin at all (CMake found MPI).
bool plugin_built() noexcept;

//! Under mpirun/srun: whether the MPI drivers can run. If this build has a
//! plugin that cannot be loaded, throws RunError with the reason (every rank
//! would otherwise run the whole job into one folder); if it has no MPI,
//! prints "blocsim: launched by mpirun/srun but built without MPI: " and
//! `consequence` (every rank then runs the whole job, as before) and returns false.
bool usable_under_launcher(const char* consequence);

//! For `blocsim --version`: the plugin's path once loaded, or why it is not
//! (loads it: ~1 ms with Open MPI's libraries).
std::string status();

}  // namespace blocsim::mpi
