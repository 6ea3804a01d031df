// The sweep runner: claims a shard's runs, executes them in parallel and
// appends each finished run to the checksummed manifest (resumable).
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
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>
#include <utility>

#include "blocsim/engine/metrics.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/input/scenario.h"
#include "blocsim/output/format.h"
#include "blocsim/parallel.h"

#include "blocsim/output/metadata.h"
#include "sweep/sweep_detail.h"
#include "sweep/sweep_metadata.h"

namespace blocsim {

using namespace sweep_detail;
namespace fs = std::filesystem;

struct SweepRunner::Impl {
  const SweepSetup& setup;
  SweepOptions opt;
  bool writer = false;
  fs::path out;
  Layout layout;
  std::string resolved_text, plan_text;  // formatted once: the plan hash and the folder's files (~13M instructions)
  // Per thread slot, one per lane of its lockstep group (execute_group): a
  // copy of the base scenario made by the thread on the lane's first use (a
  // copy is ~0.4M instructions, ~0.18 ms, for the default world; eight made
  // before the first run at -j 2 were ~1.4 ms of the bench shard's serial
  // start). Every run sets all its plan's parameters, so a lane's earlier
  // runs never show in its next one.
  mutable std::vector<ScenarioConfig> cfgs;
  mutable std::vector<char> cfg_made;
  ScenarioConfig& cfg(std::size_t i) const {
    if (!cfg_made[i]) {
      cfgs[i] = setup.base;
      cfg_made[i] = 1;
    }
    return cfgs[i];
  }
  // Per thread slot: the tick dates of the calendar last used (timeseries rows).
  struct Dates {
    Calendar calendar;
    std::vector<std::string> text;
    const std::string& of(const Calendar& c, int tick) {
      if (c.start_year != calendar.start_year || c.start_month != calendar.start_month || c.step != calendar.step) {
        calendar = c;
        text.clear();
      }
      while (static_cast<int>(text.size()) <= tick) text.push_back(tick_date(calendar, static_cast<int>(text.size())));
      return text[static_cast<std::size_t>(tick)];
    }
  };
  mutable std::vector<Dates> dates;
  mutable WorldCache worlds;  // tick-0 worlds shared by replicates and points (issue 14)
  bool serial_runs = false;
  std::vector<std::int64_t> todo;
  std::int64_t skipped = 0;
  bool already_complete = false;
  // writer state
  int lock_fd = -1;
  FILE* man = nullptr;
  FILE* ts = nullptr;
  std::uint64_t ts_size = 0;
  std::chrono::steady_clock::time_point last_sync = std::chrono::steady_clock::now();
  // The folder's new files (layout, plan, sweep, resolved scenario, metadata)
  // are written and fsynced by a thread of their own while the first runs
  // execute: their five fsyncs (~1.5 ms on the project's VM) were the largest
  // part of a sweep's serial start. Joined before the first manifest record
  // (record) and before finalising, so no record is durable before them.
  std::vector<std::pair<fs::path, std::string>> pending_files;  // what `files` writes, in order
  std::thread files;
  std::exception_ptr files_error;
  void join_files() {
    if (files.joinable()) files.join();
    pending_files.clear();
    if (files_error) std::rethrow_exception(std::exchange(files_error, nullptr));
  }

  explicit Impl(const SweepSetup& s) : setup(s) {}
  ~Impl() {
    if (files.joinable()) files.join();  // (an error of its own is moot here)
    if (man) std::fclose(man);
    if (ts) std::fclose(ts);
    if (lock_fd >= 0) ::close(lock_fd);
  }

  std::string metadata_text() const {
    return sweep_metadata_yaml({&setup, layout.params, layout.summaries, layout.hash});
  }

  std::string plan_csv() const {
    std::ostringstream o;
    write_plan_csv(setup.plan, o);
    return o.str();
  }

  void prepare_folder() {
    const bool exists = fs::exists(out);
    bool is_sweep = fs::exists(out / "manifest" / "layout.txt");
    if (exists && !is_sweep && !fs::is_empty(out)) {
      // Another shard may be creating this folder right now (job arrays start
      // together): wait for its layout if everything present is sweep output.
      static const std::set<std::string> known = {"manifest", "plan.csv", "sweep.yaml", "scenario.resolved.yaml",
                                                  "metadata.yaml", "runs.csv", "points.csv", "timeseries.csv",
                                                  "sobol.csv"};
      for (const auto& e : fs::directory_iterator(out)) {
        const std::string n = e.path().filename().string();
        if (!known.count(n) && n[0] != '.')
          throw RunError(out.string() + ": exists and is not a sweep folder; choose another --out");
      }
      for (int i = 0; i < 100 && !is_sweep; ++i) {
        ::usleep(50000);
        is_sweep = fs::exists(out / "manifest" / "layout.txt");
      }
    }
    if (is_sweep) {
      const Layout old = Layout::read(out);
      bool complete = metadata_complete(out);
      if (complete && old.hash == layout.hash && opt.retry_failed && !opt.overwrite &&
          metadata_failed(out) > 0) {
        // Reopen a folder finalised with failed runs: it is running again
        // until the merge rewrites the final outputs.
        write_atomic(out / "metadata.yaml", metadata_text());
        complete = false;
      }
      if (complete && old.hash == layout.hash && !opt.overwrite) {
        // A complete sweep whose final files were deleted is repaired: the
        // manifests are resumed (runs whose data are gone run again) and the
        // outputs written anew.
        std::vector<std::string> lost;
        for (const char* f : {"runs.csv", "points.csv"})
          if (!fs::exists(out / f)) lost.push_back(f);
        if (layout.timeseries && !fs::exists(out / "timeseries.csv")) lost.push_back("timeseries.csv");
        if (!lost.empty()) {
          std::string names;
          for (const auto& f : lost) names += (names.empty() ? "" : ", ") + f;
          std::fprintf(stderr, "sweep: %s is complete but %s %s missing; repairing\n", out.string().c_str(),
                       names.c_str(), lost.size() == 1 ? "is" : "are");
          write_atomic(out / "metadata.yaml", metadata_text());  // status: running again
          complete = false;
        }
      }
      if (old.hash != layout.hash || complete) {
        if (opt.overwrite) {
          fs::remove_all(out);
        } else if (old.hash != layout.hash) {
          throw RunError(out.string() + ": holds a different sweep (plan " + old.hash + ", this sweep " +
                         layout.hash + "); use --overwrite to replace it or --out to choose another folder");
        } else {
          already_complete = true;
          return;
        }
      }
    }
    fs::create_directories(out / "manifest");
    std::vector<std::pair<fs::path, std::string>> new_files;  // in this order: the layout marks a sweep folder
    auto ensure = [&](const fs::path& p, const std::string& content) {
      if (!fs::exists(p)) new_files.emplace_back(p, content);
    };
    ensure(out / "manifest" / "layout.txt", layout.str());
    ensure(out / "plan.csv", plan_text);
    ensure(out / "sweep.yaml", setup.source_text);
    ensure(out / "scenario.resolved.yaml", resolved_text);
    // the text only when the file is new (a second shard finds it)
    if (const fs::path m = out / "metadata.yaml"; !fs::exists(m)) new_files.emplace_back(m, metadata_text());
    if (new_files.empty()) return;
    pending_files = std::move(new_files);
    auto write = [this] {
      try {
        for (const auto& [path, content] : pending_files) write_atomic(path, content);
      } catch (...) {
        files_error = std::current_exception();
      }
    };
    // Only where the runs use threads anyway: the first thread a process
    // starts switches glibc's malloc to its locked paths for good, which a
    // -j 1 sweep's runs would then pay (the bench shard at -j 1: task-clock
    // 1.016 with the thread, 0.996 without, against the code before it; 40
    // ABBA rounds each).
    if (max_threads() < 2) {
      write();
      return;
    }
    try {
      files = std::thread(write);
    } catch (const std::system_error&) {
      write();  // no thread to be had (a process or thread limit): write them now
    }
  }

  void open_own_manifest() {
    const std::string tag = opt.shard.tag();
    const fs::path mp = out / "manifest" / (tag + ".csv");
    const fs::path tp = out / "manifest" / (tag + ".ts");
    lock_fd = ::open(mp.c_str(), O_RDWR | O_CREAT, 0644);
    if (lock_fd < 0) throw RunError(mp.string() + ": cannot open: " + std::strerror(errno));
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0)
      throw RunError(mp.string() + ": another blocsim process is running this shard of the sweep");
    if (opt.fresh) {
      if (::ftruncate(lock_fd, 0) != 0) throw RunError(mp.string() + ": cannot truncate");
      fs::remove(tp);
    }
    // Keep the valid prefix only: a kill -9 may have torn the last line, and
    // a node crash may have lost time-series bytes a line points to (each
    // line carries their checksum). Runs after the first damaged one are
    // dropped and run again.
    std::uint64_t ts_end = 0;
    std::size_t valid = 0;
    {
      MappedFile mf(mp);
      std::unique_ptr<MappedFile> tsf;
      if (layout.timeseries && fs::exists(tp)) tsf = std::make_unique<MappedFile>(tp);
      const std::string_view tsv = tsf ? tsf->view() : std::string_view();
      std::size_t cut = 0;
      std::int64_t bad_run = -1, dropped = 0;
      valid = scan_manifest(mf.view(), layout.hash, mp, [&](const ManifestEntry& e) {
        if (bad_run < 0 && layout.timeseries && !ts_matches(e, tsv)) {
          bad_run = e.run;
          cut = static_cast<std::size_t>(e.row.data() - mf.view().data());
        }
        if (bad_run >= 0) {
          ++dropped;
          return;
        }
        ts_end = std::max(ts_end, e.ts_off + e.ts_len);
      });
      if (bad_run >= 0) {
        valid = cut;
        std::fprintf(stderr,
                     "sweep: %s: the time series of run %lld is missing or damaged (checksum mismatch); "
                     "%lld finished run%s of this shard will run again\n",
                     tp.string().c_str(), static_cast<long long>(bad_run), static_cast<long long>(dropped),
                     dropped == 1 ? "" : "s");
      }
    }
    if (::ftruncate(lock_fd, static_cast<off_t>(valid)) != 0) throw RunError(mp.string() + ": cannot truncate");
    man = std::fopen(mp.c_str(), "ab");
    if (!man) throw RunError(mp.string() + ": cannot append");
    if (valid == 0) {
      const std::string h = std::string(kManifestMagic) + layout.hash + "\n";
      std::fputs(h.c_str(), man);
      std::fflush(man);
    }
    if (layout.timeseries) {
      if (fs::exists(tp)) fs::resize_file(tp, ts_end);
      ts = std::fopen(tp.c_str(), "ab");
      if (!ts) throw RunError(tp.string() + ": cannot append");
      ts_size = ts_end;
    }
  }

  //! Per run: 0 = no record, 1 = recorded only as failed, 2 = recorded ok.
  std::vector<std::uint8_t> done_runs() const {
    std::vector<std::uint8_t> done(static_cast<std::size_t>(layout.runs), 0);
    for (const auto& mf : manifest_files(out)) {
      MappedFile m(mf);
      scan_manifest(m.view(), layout.hash, mf, [&](const ManifestEntry& e) {
        if (e.run >= layout.runs) return;
        auto& d = done[static_cast<std::size_t>(e.run)];
        d = std::max<std::uint8_t>(d, row_failed(e.row) ? 1 : 2);
      });
    }
    return done;
  }
};

SweepRunner::SweepRunner(const SweepSetup& setup, const SweepOptions& opt, bool writer)
    : impl_(std::make_unique<Impl>(setup)) {
  Impl& m = *impl_;
  m.opt = opt;
  m.writer = writer;
  m.out = opt.out.empty() ? default_sweep_out(setup.spec) : opt.out;
  const SweepSpec& sp = setup.spec;
  m.layout.runs = setup.plan.runs();
  m.layout.replicates = setup.plan.replicates;
  m.layout.points = setup.plan.points;
  m.layout.design = std::string(design_name(sp.design));
  m.layout.samples = sp.samples;
  m.layout.timeseries = sp.timeseries;
  m.layout.params = setup.plan.params;
  m.layout.summaries = summary_columns(sp);
  m.layout.metrics = sp.metrics;
  m.resolved_text = resolved_yaml(setup.base);
  m.plan_text = m.plan_csv();
  {
    Hasher h;
    h.add("blocsim-sweep 1.1");
    h.add(m.resolved_text);
    h.add(m.plan_text);
    h.add(m.layout.str());
    m.layout.hash = h.hex();
  }
  const int slots = std::max(1, max_threads());
  m.cfgs.resize(static_cast<std::size_t>(slots) * static_cast<std::size_t>(phase::kSumsBatch));
  m.cfg_made.assign(m.cfgs.size(), 0);
  m.dates.assign(static_cast<std::size_t>(slots), {});
  const auto& syn = setup.base.world.synthetic;
  m.serial_runs = slots == 1 || (syn && large_world(syn->countries));
  if (!writer) return;
  m.prepare_folder();
  if (m.already_complete) return;
  m.open_own_manifest();
  const std::vector<std::uint8_t> done = m.done_runs();
  for (std::int64_t r = 0; r < m.layout.runs; ++r) {
    if (!opt.shard.contains(r)) continue;
    const std::uint8_t d = done[static_cast<std::size_t>(r)];
    if (d == 2 || (d == 1 && !opt.retry_failed)) ++m.skipped;
    else m.todo.push_back(r);
  }
  // Announce the runs' tick-0 worlds (their points' numeric values; points
  // with a categorical value bypass the cache): a world is then kept only
  // until its last run takes it over. The slot-0 config is reset by every
  // run (execute sets every plan parameter).
  bool any_categorical = false;
  for (std::size_t i = 0; i < setup.plan.params.size(); ++i) any_categorical = any_categorical || setup.plan.categorical(i);
  if (!any_categorical) {
    ScenarioConfig& cfg = m.cfg(0);
    for (const std::int64_t r : m.todo) {
      const std::int64_t point = setup.plan.point_of(r);
      try {
        for (std::size_t i = 0; i < setup.plan.params.size(); ++i)
          set_param(cfg, setup.plan.params[i], setup.plan.value(point, i));
        m.worlds.expect(cfg, setup.plan.seed_of(r));
      } catch (const std::exception&) {
        // the run reports this itself (execute); unannounced, its world is kept as before
      }
    }
  }
}

SweepRunner::~SweepRunner() = default;

const std::vector<std::int64_t>& SweepRunner::todo() const noexcept { return impl_->todo; }
std::int64_t SweepRunner::skipped() const noexcept { return impl_->skipped; }
const fs::path& SweepRunner::out() const noexcept { return impl_->out; }

RunRecord SweepRunner::execute(std::int64_t run, int slot) const {
  return std::move(execute_group(std::span<const std::int64_t>(&run, 1), slot).front());
}

// Up to phase::kSumsBatch runs on one thread: each run's point set into its
// own config (slot · kSumsBatch + lane), then simulate_batch — the runs in
// lockstep, their identity neighbour sums in one pass — or simulate() alone
// for a run whose point sets a categorical value (WorldCache keys on numeric
// parameters only: such a run builds its own tick-0 world). Each record is
// the same bytes as executing the run alone.
std::vector<RunRecord> SweepRunner::execute_group(std::span<const std::int64_t> runs, int slot) const {
  const SweepSetup& s = impl_->setup;
  const SweepPlan& plan = s.plan;
  const std::size_t count = runs.size();
  std::vector<RunRecord> recs(count);
  std::vector<std::string> errors(count);
  std::vector<SimulateResult> results(count);
  std::vector<char> done(count, 0);
  auto config = [&](std::size_t k) -> ScenarioConfig& {
    return impl_->cfg(static_cast<std::size_t>(slot) * static_cast<std::size_t>(phase::kSumsBatch) + k);
  };
  std::vector<BatchRun> batch;
  std::vector<std::size_t> batch_lane;
  for (std::size_t k = 0; k < count; ++k) {
    const std::int64_t run = runs[k];
    ScenarioConfig& cfg = config(k);
    const std::int64_t point = plan.point_of(run);
    recs[k].run = run;
    try {
      if (injected_failure(run)) throw RunError("injected failure (BLOCSIM_FAIL_RUNS)");
      bool categorical = false;
      for (std::size_t i = 0; i < plan.params.size(); ++i) {
        if (plan.categorical(i)) {
          categorical = true;
          apply_overrides(cfg, {plan.params[i] + "=" + plan.value_text(point, i)});
        } else {
          set_param(cfg, plan.params[i], plan.value(point, i));
        }
      }
      if (categorical) {
        results[k] = simulate(cfg, plan.seed_of(run), {}, nullptr);
        done[k] = 1;
      } else {
        batch.push_back({&cfg, plan.seed_of(run)});
        batch_lane.push_back(k);
      }
    } catch (const std::exception& e) {
      recs[k].failed = true;
      errors[k] = e.what();
    }
  }
  if (!batch.empty()) {
    std::vector<BatchOutcome> outcomes = simulate_batch(batch, &impl_->worlds, false);  // (no phase times in a sweep)
    for (std::size_t b = 0; b < batch.size(); ++b) {
      const std::size_t k = batch_lane[b];
      if (outcomes[b].error) {
        try {
          std::rethrow_exception(outcomes[b].error);
        } catch (const std::exception& e) {
          recs[k].failed = true;
          errors[k] = e.what();
        }
      } else {
        results[k] = std::move(outcomes[b].result);
        done[k] = 1;
      }
    }
  }
  for (std::size_t k = 0; k < count; ++k) {
    const std::int64_t run = runs[k];
    const ScenarioConfig& cfg = config(k);
    const std::int64_t point = plan.point_of(run);
    const std::uint64_t seed = plan.seed_of(run);
    RunRecord& rec = recs[k];
    std::vector<double> sums;
    if (done[k]) {
      const SimulateResult& res = results[k];
      try {
        sums = summarise(res.metrics, s.spec);
        if (s.spec.timeseries) {
          std::vector<int> cols;
          for (const auto& m : s.spec.metrics) cols.push_back(res.metrics.column(m));
          const std::string prefix = std::to_string(run) + ",";
          for (std::size_t t = 0; t < res.metrics.rows.size(); ++t) {
            rec.ts += prefix;
            rec.ts += std::to_string(t);
            rec.ts += ',';
            rec.ts += impl_->dates[static_cast<std::size_t>(slot)].of(cfg.calendar, static_cast<int>(t));
            for (int c : cols) {
              rec.ts += ',';
              append_number(rec.ts, res.metrics.rows[t][static_cast<std::size_t>(c)]);
            }
            rec.ts += '\n';
          }
        }
      } catch (const std::exception& e) {
        rec.failed = true;
        errors[k] = e.what();
      }
    }
    if (rec.failed) {
      rec.ts.clear();
      sums.assign(impl_->layout.summaries.size(), std::numeric_limits<double>::quiet_NaN());
    }
    std::string& row = rec.row;
    row = std::to_string(run) + "," + std::to_string(point) + "," + std::to_string(plan.replicate_of(run)) + "," +
          std::to_string(seed) + (rec.failed ? ",failed," + one_line_csv_field(errors[k]) : ",ok,");
    for (std::size_t i = 0; i < plan.params.size(); ++i) row += "," + csv_field(plan.value_text(point, i));
    for (double v : sums) {
      row += ',';
      append_number(row, v);
    }
  }
  return recs;
}

void SweepRunner::each_group(std::span<const std::int64_t> runs,
                             const std::function<void(std::span<const std::int64_t>, std::int64_t, int)>& body) const {
  // groups of up to kSumsBatch consecutive runs, each in lockstep on one
  // thread (fewer a group while that leaves a thread without one)
  const auto n = static_cast<std::int64_t>(runs.size());
  const int threads = impl_->serial_runs ? 1 : static_cast<int>(impl_->dates.size());
  const std::int64_t G = lockstep_group(n, threads);
  const std::int64_t groups = (n + G - 1) / G;
  auto group = [&](std::int64_t g, int slot) {
    const std::int64_t lo = g * G;
    body(runs.subspan(static_cast<std::size_t>(lo), static_cast<std::size_t>(std::min(G, n - lo))), lo, slot);
  };
  if (threads == 1) {
    for (std::int64_t g = 0; g < groups; ++g) group(g, 0);
  } else {
    parallel_for_runs(groups, threads, group);
  }
}

std::vector<RunRecord> SweepRunner::execute_batch(std::span<const std::int64_t> runs,
                                                  const std::function<void(std::int64_t)>& tick) const {
  std::vector<RunRecord> out(runs.size());
  each_group(runs, [&](std::span<const std::int64_t> group, std::int64_t lo, int slot) {
    std::vector<RunRecord> recs = execute_group(group, slot);
    for (std::size_t k = 0; k < recs.size(); ++k) {
      out[static_cast<std::size_t>(lo) + k] = std::move(recs[k]);
      if (tick) tick(lo + static_cast<std::int64_t>(k));
    }
  });
  return out;
}

void SweepRunner::execute_and_record(std::span<const std::int64_t> runs,
                                     const std::function<void(const RunRecord&)>& done) {
  // One loop over all the runs instead of batches with a barrier each (issue
  // 14, round 28): the batches (16, 32, 64, … runs, doubling to ~0.5 s) each
  // ended with one thread idle until the other's last group was done, and
  // then wrote the manifest with both idle; without them the bench's 202-run
  // shard at -j 2 (~110 ms) ran ~2 % faster. The groups are execute_batch's
  // (each_group) and the manifest gets the same lines in the same order.
  Impl& m = *impl_;
  if (runs.empty()) return;  // (also a complete folder's rerun: nothing to write)
  if (!m.man) throw RunError("SweepRunner::execute_and_record on a non-writer");
  std::mutex mu;
  std::map<std::int64_t, std::vector<RunRecord>> early;  // finished groups after a gap, by first index
  std::int64_t next = 0;                                  // the first run not yet in `ready`
  std::vector<RunRecord> ready;                           // in order, not yet written
  auto last = std::chrono::steady_clock::now();
  std::atomic<bool> stop{false};
  each_group(runs, [&](std::span<const std::int64_t> group, std::int64_t lo, int slot) {
    if (stop.load(std::memory_order_relaxed)) return;
    std::vector<RunRecord> recs = execute_group(group, slot);
    std::lock_guard<std::mutex> lock(mu);
    early.emplace(lo, std::move(recs));
    for (auto it = early.begin(); it != early.end() && it->first == next; it = early.erase(it))
      for (RunRecord& r : it->second) {
        if (done) done(r);
        ready.push_back(std::move(r));
        ++next;
      }
    const auto now = std::chrono::steady_clock::now();
    if (!ready.empty() && now - last >= kRecordEvery) {
      try {
        record(ready);
      } catch (...) {
        stop = true;
        throw;
      }
      ready.clear();
      last = now;
    }
  });
  if (!ready.empty()) record(ready);
}

void SweepRunner::record(const std::vector<RunRecord>& records) {
  Impl& m = *impl_;
  if (!m.man) throw RunError("SweepRunner::record on a non-writer");
  m.join_files();
  std::string lines;
  for (const RunRecord& r : records) {
    std::uint64_t off = m.ts_size, len = 0;
    if (m.ts && !r.ts.empty()) {
      if (std::fwrite(r.ts.data(), 1, r.ts.size(), m.ts) != r.ts.size())
        throw RunError(m.out.string() + ": cannot write time series");
      len = r.ts.size();
      m.ts_size += len;
    }
    char ts_crc[16];
    std::snprintf(ts_crc, sizeof ts_crc, "\t%08x", len ? crc32(r.ts) : 0u);
    std::string body = r.row + "\t" + std::to_string(off) + "\t" + std::to_string(len) + ts_crc;
    char crc[16];
    std::snprintf(crc, sizeof crc, "\t%08x\n", crc32(body));
    lines += body;
    lines += crc;
  }
  // The time series goes first: a manifest line never points past its data.
  if (m.ts && std::fflush(m.ts) != 0) throw RunError(m.out.string() + ": cannot write time series");
  if (std::fwrite(lines.data(), 1, lines.size(), m.man) != lines.size() || std::fflush(m.man) != 0)
    throw RunError(m.out.string() + ": cannot write manifest");
  const auto now = std::chrono::steady_clock::now();
  if (now - m.last_sync > std::chrono::milliseconds(500)) {
    if (m.ts) ::fsync(::fileno(m.ts));
    ::fsync(::fileno(m.man));
    m.last_sync = now;
  }
}

bool SweepRunner::finalize_if_complete(bool remove_parts, std::int64_t* failed) {
  Impl& m = *impl_;
  m.join_files();
  if (m.already_complete) {
    if (failed) {
      *failed = metadata_failed(m.out);
    }
    return true;
  }
  if (m.man) { std::fflush(m.man); ::fsync(::fileno(m.man)); }
  if (m.ts) { std::fflush(m.ts); ::fsync(::fileno(m.ts)); }
  return finalize_folders({m.out}, m.out, remove_parts, failed) == 0;
}

}  // namespace blocsim
