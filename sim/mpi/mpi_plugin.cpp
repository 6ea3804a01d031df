// blocsim_mpi.so: the MPI calls of mpi_api.h on Open MPI (or any MPI). Loaded
// by the program with dlopen under mpirun/srun (mpi_load.cpp); it depends on
// nothing of BlocSim's, only on the MPI library.
#include <mpi.h>

#include "mpi/mpi_api.h"

namespace {

void init(int* rank, int* size) {
  int provided = 0;
  // called from the main thread only (between OpenMP regions): FUNNELED suffices
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
}
void finalize() { MPI_Finalize(); }
void abort_all(int code) { MPI_Abort(MPI_COMM_WORLD, code); }
void bcast_int(int* v, int n, int root) { MPI_Bcast(v, n, MPI_INT, root, MPI_COMM_WORLD); }
void allreduce_max_int(const int* in, int* out, int n) { MPI_Allreduce(in, out, n, MPI_INT, MPI_MAX, MPI_COMM_WORLD); }
void allreduce_sum_double(double* v, int n) {
  if (n > 0) MPI_Allreduce(MPI_IN_PLACE, v, n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
void send(const void* buf, int bytes, int dest, int tag) { MPI_Send(buf, bytes, MPI_BYTE, dest, tag, MPI_COMM_WORLD); }
int probe(int source, int tag, int* bytes) {
  MPI_Status st;
  MPI_Probe(source < 0 ? MPI_ANY_SOURCE : source, tag, MPI_COMM_WORLD, &st);
  MPI_Get_count(&st, MPI_BYTE, bytes);
  return st.MPI_SOURCE;
}
void recv(void* buf, int bytes, int source, int tag) {
  MPI_Recv(buf, bytes, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

const blocsim_mpi_api kApi = {BLOCSIM_MPI_API_VERSION, init, finalize, abort_all, bcast_int, allreduce_max_int,
                              allreduce_sum_double, send, probe, recv};

}  // namespace

extern "C" __attribute__((visibility("default"))) const blocsim_mpi_api* blocsim_mpi_api_v1(void) { return &kApi; }
