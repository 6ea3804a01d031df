// MPI sweep driver: master/worker dynamic load balancing (see sweep_mpi.h).
//
// Protocol (MPI_COMM_WORLD, rank 0 = master and only writer):
//   worker → master  kTagResult: packed RunRecords of its last chunk (empty at start)
//   master → worker  kTagWork:   int64 run ids of the next chunk (empty = stop)
// Chunks shrink as the run list drains (guided), so ranks finish together.
// The master records results in arrival order; the final outputs are sorted by
// run, hence byte-identical to a single-process sweep at any rank count.
#include "mpi/sweep_mpi.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "blocsim/io/error.h"
#include "blocsim/parallel.h"
#include "mpi/mpi_api.h"

namespace blocsim::mpi {

namespace {

constexpr int kTagResult = 11;
constexpr int kTagWork = 12;

void put(std::string& buf, const void* p, std::size_t n) { buf.append(static_cast<const char*>(p), n); }

std::string pack(const std::vector<RunRecord>& recs) {
  std::string buf;
  for (const RunRecord& r : recs) {
    const std::int64_t run = r.run;
    const std::uint8_t failed = r.failed ? 1 : 0;
    const std::uint64_t rl = r.row.size(), tl = r.ts.size();
    put(buf, &run, sizeof run);
    put(buf, &failed, sizeof failed);
    put(buf, &rl, sizeof rl);
    put(buf, &tl, sizeof tl);
    buf += r.row;
    buf += r.ts;
  }
  return buf;
}

std::vector<RunRecord> unpack(const std::vector<char>& buf) {
  std::vector<RunRecord> out;
  std::size_t pos = 0;
  auto get = [&](void* p, std::size_t n) {
    if (pos + n > buf.size()) throw RunError("MPI sweep: truncated result message");
    std::memcpy(p, buf.data() + pos, n);
    pos += n;
  };
  while (pos < buf.size()) {
    RunRecord r;
    std::uint8_t failed = 0;
    std::uint64_t rl = 0, tl = 0;
    get(&r.run, sizeof r.run);
    get(&failed, sizeof failed);
    get(&rl, sizeof rl);
    get(&tl, sizeof tl);
    if (pos + rl + tl > buf.size()) throw RunError("MPI sweep: truncated result message");
    r.failed = failed != 0;
    r.row.assign(buf.data() + pos, rl);
    pos += rl;
    r.ts.assign(buf.data() + pos, tl);
    pos += tl;
    out.push_back(std::move(r));
  }
  return out;
}

int master(const blocsim_mpi_api& M, const SweepSetup& setup, const SweepOptions& opt, int size) {
  std::unique_ptr<SweepRunner> runner;
  int status = 0;
  std::string message;
  try {
    runner = std::make_unique<SweepRunner>(setup, opt, true);
  } catch (const ConfigError& e) {
    status = kExitConfig;
    message = e.what();
  } catch (const std::exception& e) {
    status = kExitRun;
    message = std::string("blocsim: run failed: ") + e.what();
  }
  M.bcast_int(&status, 1, 0);
  if (status != 0) {
    std::cerr << message << "\n";
    return status;
  }
  const std::vector<std::int64_t>& todo = runner->todo();
  const int workers = size - 1;
  std::size_t next = 0;
  int active = workers;
  std::int64_t done = 0, failed = 0;
  const auto total = static_cast<std::int64_t>(todo.size());
  const auto t0 = std::chrono::steady_clock::now();
  auto last = t0;
  std::vector<char> buf;
  while (active > 0) {
    int count = 0;
    const int source = M.probe(-1, kTagResult, &count);
    buf.resize(static_cast<std::size_t>(count));
    M.recv(buf.data(), count, source, kTagResult);
    const std::vector<RunRecord> recs = unpack(buf);
    if (!recs.empty()) {
      runner->record(recs);
      done += static_cast<std::int64_t>(recs.size());
      for (const auto& r : recs) failed += r.failed ? 1 : 0;
    }
    const std::size_t remaining = todo.size() - next;
    const std::size_t chunk =
        std::min(remaining, std::clamp<std::size_t>(remaining / (4 * static_cast<std::size_t>(workers)), 8, 1024));
    std::vector<std::int64_t> work(todo.begin() + static_cast<std::ptrdiff_t>(next),
                                   todo.begin() + static_cast<std::ptrdiff_t>(next + chunk));
    next += chunk;
    M.send(work.data(), static_cast<int>(work.size() * sizeof(std::int64_t)), source, kTagWork);
    if (work.empty()) --active;
    const auto now = std::chrono::steady_clock::now();
    if (!opt.quiet && now - last > std::chrono::seconds(10)) {
      last = now;
      std::fprintf(stderr, "sweep (MPI, %d workers): %lld/%lld runs\n", workers, static_cast<long long>(done),
                   static_cast<long long>(total));
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  bool complete = false;
  if (opt.shard.count == 1) complete = runner->finalize_if_complete(true, &failed);
  if (!opt.quiet) {
    std::fprintf(stderr, "sweep: %lld runs executed on %d MPI workers in %.2f s (%.0f runs/s), %lld skipped, %lld failed\n",
                 static_cast<long long>(done), workers, secs, secs > 0 ? static_cast<double>(done) / secs : 0.0,
                 static_cast<long long>(runner->skipped()), static_cast<long long>(failed));
    if (complete) std::fprintf(stderr, "sweep: complete → %s\n", runner->out().c_str());
    else std::fprintf(stderr, "sweep: shard %s done; merge with `blocsim sweep merge %s`\n", opt.shard.tag().c_str(),
                      runner->out().c_str());
  }
  return failed > 0 ? kExitSweepFailures : 0;
}

void worker(const blocsim_mpi_api& M, const SweepSetup& setup, const SweepOptions& opt) {
  int status = 0;
  M.bcast_int(&status, 1, 0);
  if (status != 0) return;
  SweepRunner runner(setup, opt, false);
  std::string out;  // results of the previous chunk
  std::vector<std::int64_t> work;
  while (true) {
    M.send(out.data(), static_cast<int>(out.size()), 0, kTagResult);
    int bytes = 0;
    (void)M.probe(0, kTagWork, &bytes);
    work.resize(static_cast<std::size_t>(bytes) / sizeof(std::int64_t));
    M.recv(work.data(), bytes, 0, kTagWork);
    if (work.empty()) return;
    out = pack(runner.execute_batch(work));
  }
}

}  // namespace

int run_sweep(const std::filesystem::path& sweep_file, const SweepOptions& opt) {
  std::string why;
  const blocsim_mpi_api* const m = api(&why);
  if (!m) throw RunError(why);
  const blocsim_mpi_api& M = *m;
  int rank = 0, size = 1;
  M.init(&rank, &size);
  if (size == 1) {
    const char* step = std::getenv("SLURM_STEP_NUM_TASKS");
    if (step && std::atoi(step) > 1) {
      if (std::getenv("SLURM_PROCID") && std::atoi(std::getenv("SLURM_PROCID")) == 0)
        std::cerr << "blocsim: srun started " << step << " tasks but MPI sees one rank (Open MPI without Slurm "
                     "PMI support?): use mpirun inside the allocation, srun --mpi=pmix, or --shard\n";
      M.finalize();
      return kExitRun;
    }
  }
  if (opt.jobs > 0) set_threads(opt.jobs);
  // Every rank loads the sweep (deterministic, so all get the same plan);
  // agree on success before anyone starts talking.
  SweepSetup setup;
  std::string load_error;
  int load_code = 0;
  try {
    setup = load_sweep(sweep_file);
  } catch (const ConfigError& e) {
    load_error = std::string(e.what()) + "\nblocsim: invalid sweep; nothing was written";
    load_code = kExitConfig;
  } catch (const std::exception& e) {
    load_error = std::string("blocsim: run failed: ") + e.what();
    load_code = kExitRun;
  }
  int worst = 0;
  M.allreduce_max_int(&load_code, &worst, 1);
  if (worst != 0) {
    if (!load_error.empty() && (rank == 0 || load_code != 0)) std::cerr << load_error << "\n";
    M.finalize();
    return worst;
  }
  int code = 0;
  try {
    if (size == 1) {
      const SweepOutcome r = blocsim::run_sweep(setup, opt);
      if (!opt.quiet)
        std::fprintf(stderr, "sweep: %lld runs executed in %.2f s (%.0f runs/s)%s\n",
                     static_cast<long long>(r.executed), r.seconds,
                     r.seconds > 0 ? static_cast<double>(r.executed) / r.seconds : 0.0,
                     r.complete ? ", complete" : "");
      code = r.failed > 0 ? kExitSweepFailures : 0;
    } else if (rank == 0) {
      code = master(M, setup, opt, size);
    } else {
      worker(M, setup, opt);
    }
  } catch (const std::exception& e) {
    std::cerr << "blocsim: rank " << rank << ": run failed: " << e.what() << "\n";
    M.abort(kExitRun);
  }
  M.bcast_int(&code, 1, 0);
  M.finalize();
  return code;
}

}  // namespace blocsim::mpi
