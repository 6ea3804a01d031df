//! \file parallel.h
//! \brief The one place that knows about OpenMP.
//!
//! Phases call `parallel_for(n, body)`; replicates, sweep runs and docking
//! replicates call `parallel_for_runs(n, threads, body)`. With OpenMP off
//! (BLOCSIM_USE_OPENMP=OFF) both are plain loops. No other file uses OpenMP. Loop bodies write only to index-owned slots, so results
//! never depend on the schedule. Reductions use `fixed_sum`, which adds fixed
//! blocks in a fixed order, so a sum is the same bit pattern at any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace blocsim {

//! Below this many items a phase loop runs serially (fork/join costs more
//! than the work for the ~195-country default world).
inline constexpr std::int64_t kParallelGrain = 4096;

//! Threads a parallel region would use (1 without OpenMP).
inline int max_threads() noexcept {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

//! Set the thread count for later parallel regions (no-op without OpenMP).
inline void set_threads(int n) noexcept {
#ifdef _OPENMP
  if (n > 0) omp_set_num_threads(n);
#else
  (void)n;
#endif
}

//! Index of the calling thread in its parallel region (0 outside one).
inline int thread_index() noexcept {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

//! Whether OpenMP support was compiled in.
inline constexpr bool openmp_enabled() noexcept {
#ifdef _OPENMP
  return true;
#else
  return false;
#endif
}

//! body(i) for i in [0, n); parallel when n ≥ grain (kParallelGrain items;
//! loops over groups of g items pass kParallelGrain / g). Loops over items
//! (grain = kParallelGrain) use the static schedule; loops over blocks of
//! items (grain < kParallelGrain: a few dozen blocks of kParallelGrain rows)
//! are dealt out one block at a time (dynamic schedule): statically, 2
//! threads of a 10⁵-agent world got 13 and 12 blocks, the last one partial —
//! 53 % and 47 % of the rows, so every block phase waited ~6 % of its time
//! at the barrier — and a thread the OS preempts stalls its whole half.
//! Blocks write only their own slots, so the schedule never changes a result.
template <class F>
inline void parallel_for(std::int64_t n, F&& body, std::int64_t grain = kParallelGrain) {
#ifdef _OPENMP
  if (n >= grain && omp_get_max_threads() > 1 && !omp_in_parallel()) {
    if (grain < kParallelGrain) {
#pragma omp parallel for schedule(dynamic, 1)
      for (std::int64_t i = 0; i < n; ++i) body(i);
    } else {
#pragma omp parallel for schedule(static)
      for (std::int64_t i = 0; i < n; ++i) body(i);
    }
    return;
  }
#else
  (void)grain;
#endif
  for (std::int64_t i = 0; i < n; ++i) body(i);
}

//! Fixed-order vector reduction into `total` (length `width`, overwritten):
//! `body(i, acc)` adds item i's contributions into `acc`. Items are grouped
//! in blocks of kParallelGrain, each block sums into its own zeroed
//! accumulator, and `total` = 0 + block results added in block order —
//! bit-identical at every thread count. Serially (one block, one thread, or
//! inside a parallel region) each block's accumulator is a stack buffer
//! (widths up to kReduceStack) and is added into `total` as soon as the block
//! ends: the same additions in the same order as storing every block first,
//! and no allocation. Only the parallel path stores the block results.
inline constexpr std::size_t kReduceStack = 256;

//! Scratch of `width` doubles (uninitialised): on the stack up to
//! kReduceStack, else on the heap. For reductions that must not allocate in
//! the usual case (fixed_reduce_into's serial path, the record phase).
class ReduceScratch {
 public:
  explicit ReduceScratch(std::size_t width) {
    if (width > kReduceStack) {
      heap_.resize(width);
      data_ = heap_.data();
    }
  }
  ReduceScratch(const ReduceScratch&) = delete;
  ReduceScratch& operator=(const ReduceScratch&) = delete;
  double* data() noexcept { return data_; }

 private:
  double stack_[kReduceStack];
  std::vector<double> heap_;
  double* data_ = stack_;
};

template <class F>
inline void fixed_reduce_into(std::int64_t n, std::size_t width, double* total, F&& body) {
  const std::int64_t nblocks = n > 0 ? (n + kParallelGrain - 1) / kParallelGrain : 0;
  for (std::size_t j = 0; j < width; ++j) total[j] = 0.0;
  auto block = [&](std::int64_t b, double* acc) {
    const std::int64_t hi = (b + 1) * kParallelGrain < n ? (b + 1) * kParallelGrain : n;
    for (std::int64_t i = b * kParallelGrain; i < hi; ++i) body(i, acc);
  };
#ifdef _OPENMP
  if (nblocks > 1 && omp_get_max_threads() > 1 && !omp_in_parallel()) {
    // Each block sums into its thread's own zeroed scratch (a stack buffer
    // up to kReduceStack) and stores the result once at its end: the same
    // additions, in the same order, as summing into its row of `partial`
    // directly — but no cache line of `partial` is written by two threads
    // per item (adjacent blocks' rows share a line, and with width 1, as
    // fixed_sum has, eight blocks share one). Blocks one at a time (dynamic
    // schedule), as parallel_for deals blocks.
    std::vector<double> partial(static_cast<std::size_t>(nblocks) * width);
#pragma omp parallel
    {
      ReduceScratch scratch(width);
      double* const acc = scratch.data();
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t b = 0; b < nblocks; ++b) {
        for (std::size_t j = 0; j < width; ++j) acc[j] = 0.0;
        block(b, acc);
        double* const dst = partial.data() + static_cast<std::size_t>(b) * width;
        for (std::size_t j = 0; j < width; ++j) dst[j] = acc[j];
      }
    }
    for (std::int64_t b = 0; b < nblocks; ++b)
      for (std::size_t j = 0; j < width; ++j) total[j] += partial[static_cast<std::size_t>(b) * width + j];
    return;
  }
#endif
  ReduceScratch scratch(width);
  double* const acc = scratch.data();
  for (std::int64_t b = 0; b < nblocks; ++b) {
    for (std::size_t j = 0; j < width; ++j) acc[j] = 0.0;
    block(b, acc);
    for (std::size_t j = 0; j < width; ++j) total[j] += acc[j];
  }
}

//! fixed_reduce_into returning the totals as a vector (one allocation).
template <class F>
inline std::vector<double> fixed_reduce(std::int64_t n, std::size_t width, F&& body) {
  std::vector<double> total(width);
  fixed_reduce_into(n, width, total.data(), body);
  return total;
}

//! Σ_i term(i) in the fixed order of `fixed_reduce` (blocks of kParallelGrain
//! summed from 0 in index order, block sums added to 0 in block order):
//! bit-identical at every thread count. No allocation: serially the block sum
//! is a register (the same additions as fixed_reduce's memory accumulator).
template <class F>
inline double fixed_sum(std::int64_t n, F&& term) {
  const std::int64_t nblocks = n > 0 ? (n + kParallelGrain - 1) / kParallelGrain : 0;
#ifdef _OPENMP
  if (nblocks > 1 && omp_get_max_threads() > 1 && !omp_in_parallel()) {
    double total = 0.0;
    fixed_reduce_into(n, 1, &total, [&](std::int64_t i, double* acc) { acc[0] += term(i); });
    return total;
  }
#endif
  double total = 0.0;
  for (std::int64_t b = 0; b < nblocks; ++b) {
    const std::int64_t hi = (b + 1) * kParallelGrain < n ? (b + 1) * kParallelGrain : n;
    double acc = 0.0;
    for (std::int64_t i = b * kParallelGrain; i < hi; ++i) acc += term(i);
    total += acc;
  }
  return total;
}

//! body(i, slot) for i in [0, n): independent runs (replicates, sweep runs,
//! docking replicates), one per thread, dynamic schedule (runs differ in
//! length). `slot` is the thread's index in [0, threads), for per-thread
//! scratch. Each run must write only its own result slot, so the outcome does
//! not depend on the schedule; phase loops inside run serially (parallel_for
//! sees omp_in_parallel). `threads` ≤ 0: the OpenMP default. At most n
//! threads: with one run (or one thread) the loop runs on the calling thread,
//! outside any parallel region, so that run's phase loops may use the team
//! (only large worlds' do; the same bits at any thread count). An exception
//! thrown by a body is rethrown (the first one) after all runs have finished.
template <class F>
inline void parallel_for_runs(std::int64_t n, int threads, F&& body) {
  std::exception_ptr error;
  std::mutex m;
  auto guarded = [&](std::int64_t i, int slot) {
    try {
      body(i, slot);
    } catch (...) {
      std::lock_guard<std::mutex> lock(m);
      if (!error) error = std::current_exception();
    }
  };
  int nt = 1;
#ifdef _OPENMP
  // never more threads than runs: a thread without a run would only spin at
  // the region's end (libgomp's default wait policy) on a core the others
  // need — a one-run sweep process at -j 2 took 12–19 % longer with its idle
  // worker spinning beside the files' thread and the run (issue 14, round 29)
  const std::int64_t want = threads > 0 ? threads : omp_get_max_threads();
  nt = static_cast<int>(want < n ? want : n);
  if (nt > 1) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (std::int64_t i = 0; i < n; ++i) guarded(i, omp_get_thread_num());
  }
#else
  (void)threads;
#endif
  if (nt <= 1)  // one run or one thread, and every build without OpenMP: the calling thread
    for (std::int64_t i = 0; i < n; ++i) guarded(i, 0);
  if (error) std::rethrow_exception(error);
}

//! Rows ahead that the identity phase prefetches neighbours' identities.
//! In large sparse worlds the rewired (random) neighbours are cache and TLB
//! misses; touching row i + kPrefetchAhead's neighbours while working on row
//! i overlaps them (10⁶ agents: identity phase 1.6× faster).
inline constexpr std::int64_t kPrefetchAhead = 16;

//! Worlds of at least this many countries are "large" (large_world): their
//! state outgrows the caches, so their phase loops split the countries
//! between threads and prefetch neighbours' data, and each run builds its own
//! world. Smaller worlds live in cache: a run folder or sweep runs their
//! replicates / runs in parallel, one world per thread, and WorldCache keeps
//! their built worlds for reuse.
inline constexpr std::int64_t kLargeWorld = 4 * kParallelGrain;
inline constexpr bool large_world(std::int64_t n) { return n >= kLargeWorld; }

//! Whether loops over the rows of an n-country world prefetch neighbours'
//! data: in large worlds (smaller ones live in cache). The far-neighbour
//! index (World::far_inner) is built exactly for these.
inline constexpr bool prefetches_neighbours(std::int64_t n) { return large_world(n); }

//! Neighbours within this many rows of a row are "near": the fused walk has
//! just read their state (rows behind) or streams it in with its row-ordered
//! prefetches, 4·kPrefetchAhead rows ahead (network_pass.cpp), so only the
//! others (World::far_inner) are prefetched one by one. The bench's memory
//! floor counts a cache line per neighbour beyond the same distance.
inline constexpr std::int64_t kNearRows = 4 * kPrefetchAhead;

}  // namespace blocsim
