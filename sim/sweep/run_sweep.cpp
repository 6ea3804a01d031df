// Driving a sweep from the command line: progress reporting, run_sweep()
// and merge_sweeps() over shard folders.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/version.h"
#include "sweep/sweep_detail.h"

namespace blocsim {

using namespace sweep_detail;
namespace fs = std::filesystem;

namespace {

class Progress {
 public:
  Progress(std::int64_t total, bool quiet) : total_(total), quiet_(quiet), tty_(::isatty(2) == 1) {}
  void add(std::int64_t n) { done_ += n; }
  //! Called from any thread; prints only from the thread that wins the slot.
  void maybe_print(bool force = false) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (!force && since < (tty_ ? 0.2 : 10.0)) return;
    bool expected = false;
    if (!printing_.compare_exchange_strong(expected, true)) return;
    last_ = now;
    const std::int64_t d = done_.load();
    const double el = std::chrono::duration<double>(now - start_).count();
    const double rate = el > 0 ? static_cast<double>(d) / el : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - d) / rate : 0.0;
    const double frac = total_ > 0 ? static_cast<double>(d) / static_cast<double>(total_) : 1.0;
    char eta_s[32];
    std::snprintf(eta_s, sizeof eta_s, "%d:%02d:%02d", static_cast<int>(eta) / 3600,
                  (static_cast<int>(eta) / 60) % 60, static_cast<int>(eta) % 60);
    if (tty_) {
      constexpr int kWidth = 30;
      const int fill = static_cast<int>(frac * kWidth);
      std::string bar(static_cast<std::size_t>(fill), '=');
      if (fill < kWidth) bar += '>';
      bar.resize(kWidth, ' ');
      std::fprintf(stderr, "\r[%s] %5.1f%% %" PRId64 "/%" PRId64 " runs  %.0f runs/s  ETA %s   ", bar.c_str(),
                   100.0 * frac, d, total_, rate, eta_s);
    } else {
      std::fprintf(stderr, "sweep: %" PRId64 "/%" PRId64 " runs (%.1f%%), %.0f runs/s, ETA %s\n", d, total_,
                   100.0 * frac, rate, eta_s);
    }
    std::fflush(stderr);
    printing_ = false;
  }
  void finish() {
    if (quiet_ || total_ == 0) return;
    maybe_print(true);
    if (tty_) std::fputc('\n', stderr);
  }

 private:
  std::int64_t total_;
  bool quiet_, tty_;
  std::atomic<std::int64_t> done_{0};
  std::atomic<bool> printing_{false};
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace

SweepOutcome run_sweep(const SweepSetup& setup, const SweepOptions& opt) {
  if (opt.jobs > 0) set_threads(opt.jobs);
  SweepRunner runner(setup, opt, true);
  SweepOutcome res;
  res.out = runner.out();
  res.runs = setup.plan.runs();
  res.skipped = runner.skipped();
  std::vector<std::int64_t> todo = runner.todo();
  if (opt.limit >= 0 && static_cast<std::int64_t>(todo.size()) > opt.limit)
    todo.resize(static_cast<std::size_t>(opt.limit));
  Progress progress(static_cast<std::int64_t>(todo.size()), opt.quiet);
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t threads = static_cast<std::size_t>(std::max(1, max_threads()));
  std::size_t batch = std::max<std::size_t>(16, 4 * threads);
  for (std::size_t pos = 0; pos < todo.size();) {
    const std::size_t n = std::min(batch, todo.size() - pos);
    const auto b0 = std::chrono::steady_clock::now();
    auto recs = runner.execute_batch(std::span<const std::int64_t>(todo.data() + pos, n), [&](std::int64_t) {
      progress.add(1);
#ifdef _OPENMP
      if (omp_get_thread_num() == 0) progress.maybe_print();
#else
      progress.maybe_print();
#endif
    });
    runner.record(recs);
    for (const auto& r : recs) res.failed += r.failed ? 1 : 0;
    pos += n;
    res.executed += static_cast<std::int64_t>(n);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - b0).count();
    if (secs < 0.5 && batch < 8192) batch *= 2;  // aim for ~0.5-1 s per flushed batch
  }
  progress.finish();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (opt.shard.count == 1 && opt.limit < 0) {
    std::int64_t failed = 0;
    res.complete = runner.finalize_if_complete(true, &failed);
    if (res.complete) res.failed = failed;
  }
  return res;
}

SweepOutcome merge_sweeps(const std::vector<fs::path>& dirs, const fs::path& out) {
  if (dirs.empty()) throw RunError("sweep merge: no folders given");
  SweepOutcome res;
  res.out = out;
  const Layout layout = Layout::read(dirs.front());
  res.runs = layout.runs;
  if (metadata_complete(out) && fs::exists(out / "runs.csv")) {
    const Layout lo = Layout::read(out);
    if (lo.hash != layout.hash) throw RunError(out.string() + ": holds a different, complete sweep");
    res.complete = true;
    const std::string meta = read_text(out / "metadata.yaml");
    const auto p = meta.find("\nfailed: ");
    res.failed = p == std::string::npos ? 0 : std::stoll(meta.substr(p + 9));
    return res;
  }
  if (fs::exists(out) && !fs::exists(out / "manifest" / "layout.txt") && !fs::is_empty(out))
    throw RunError(out.string() + ": exists and is not a sweep folder");
  const std::int64_t missing = finalize_folders(dirs, out, true, &res.failed);
  if (missing > 0)
    throw RunError("sweep merge: " + std::to_string(missing) + " of " + std::to_string(layout.runs) +
                   " runs are missing from the manifests of the given folders; rerun the unfinished shards "
                   "(they resume) and merge again");
  res.complete = true;
  return res;
}

}  // namespace blocsim
