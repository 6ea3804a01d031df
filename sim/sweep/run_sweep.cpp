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
#include "blocsim/output/progress.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/version.h"
#include "blocsim/output/metadata.h"
#include "sweep/sweep_detail.h"

namespace blocsim {

using namespace sweep_detail;
namespace fs = std::filesystem;

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
  Progress progress(static_cast<std::int64_t>(todo.size()), opt.quiet, "sweep", "runs");
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t threads = static_cast<std::size_t>(std::max(1, max_threads()));
  std::size_t batch = std::max<std::size_t>(16, 4 * threads);
  for (std::size_t pos = 0; pos < todo.size();) {
    const std::size_t n = std::min(batch, todo.size() - pos);
    const auto b0 = std::chrono::steady_clock::now();
    auto recs = runner.execute_batch(std::span<const std::int64_t>(todo.data() + pos, n), [&](std::int64_t) {
      progress.add(1);
      if (thread_index() == 0) progress.maybe_print();
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
    res.failed = metadata_failed(out);
    if (res.failed == 0) {
      res.complete = true;
      return res;
    }
    // Finalised with failed runs: merge again (reruns may have succeeded since).
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
