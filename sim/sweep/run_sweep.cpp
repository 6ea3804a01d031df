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
  runner.execute_and_record(todo, [&](const RunRecord& r) {
    progress.add(1);
    progress.maybe_print();
    res.failed += r.failed ? 1 : 0;
  });
  res.executed = static_cast<std::int64_t>(todo.size());
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
