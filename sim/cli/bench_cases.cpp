// `blocsim bench`, part 1: the floors (essential operations and bytes of a
// tick), this machine's limits (STREAM triad, peak arithmetic) and the cases
// each run in a child process of their own (`blocsim bench --case …`, so that
// a case's peak resident memory is its own). See bench.cpp for the overview.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>
#include <yaml-cpp/yaml.h>

#include "blocsim/io/data_dir.h"
#include "blocsim/io/error.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/output/format.h"
#include "blocsim/engine/simulation.h"
#include "blocsim/sweep/sweep.h"
#include "blocsim/version.h"
#include "cli/cli.h"

#include "cli/bench_detail.h"

extern char** environ;

namespace blocsim::cli::bench_detail {

// Essential floating-point operations of one tick, counted from the equations
// (docs/ODD.md): per directed edge, the identity term (D differences, D
// squares, D−1 adds, a compare, D multiply-adds into the numerator, one add
// into the denominator), the alignment and standards histograms (1 and 2
// operations) and the record's interoperability (1); per agent, K utilities
// (3D for the distance, a square root, ~20 terms), K+1 standard values (~12
// terms each), the identity update (6D), courtship and material (~25 per
// power) and the record (~20). A lower bound for any implementation of the
// model: no loads, no branches, no random numbers counted.
double tick_ops(const World& w) {
  const double E = static_cast<double>(w.w.nonZeros()), N = w.n, D = w.d, K = w.k;
  const double per_edge = (3.0 * D + 1.0) + (2.0 * D + 1.0) + 1.0 + 2.0 + 1.0;
  const double per_agent = K * (3.0 * D + 21.0) + (K + 1.0) * 12.0 + 6.0 * D + 25.0 * K + 20.0;
  return E * per_edge + N * per_agent;
}

// Bytes one tick must move if each network row is walked once: every state
// array read once, the updated ones written once (no double buffers), the CSR
// arrays once, and one 64-byte line per neighbour that is not near its row in
// memory (the rewired links: ring distance > 64), all of whose state (x, bloc,
// standard, gdp) sits in that line. An estimate of the floor, not a measurement.
double tick_bytes(const World& w) {
  auto md = [](const auto& m) { return static_cast<double>(m.size()) * sizeof(typename std::decay_t<decltype(m)>::Scalar); };
  const double written = md(w.x) + md(w.capacity) + md(w.ties) + md(w.lock) + md(w.grievance) + md(w.access) +
                         md(w.aid) + md(w.dgrievance) + md(w.open_value) + md(w.utility) + md(w.margin) +
                         2.0 * static_cast<double>(w.n);  // alignment, standard
  // (the far-neighbour index, World::far_inner, is a prefetch aid, not state: not in the floor)
  const double read = static_cast<double>(world_bytes(w)) - md(w.x_next) - 2.0 * static_cast<double>(w.n) -
                      static_cast<double>((w.far_outer.size() + w.far_inner.size()) * sizeof(std::int32_t));
  std::int64_t far = 0;
  const auto* outer = w.w.outerIndexPtr();
  const auto* inner = w.w.innerIndexPtr();
  for (std::int64_t i = 0; i < w.n; ++i)
    for (auto q = outer[i]; q < outer[i + 1]; ++q) {
      std::int64_t d = std::abs(static_cast<std::int64_t>(inner[q]) - i);
      d = std::min<std::int64_t>(d, w.n - d);
      if (d > 64) ++far;
    }
  return read + written + 64.0 * static_cast<double>(far);
}

// ---- machine limits -------------------------------------------------------

// STREAM triad a = b + s·c over three arrays of `n` doubles (far beyond the
// caches), best of `reps`; bytes counted as STREAM does (24 per element).
double triad_bandwidth(std::int64_t n, int reps) {
  std::vector<double> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n), 1.0), c(static_cast<std::size_t>(n), 2.0);
  parallel_for(n, [&](std::int64_t i) { a[static_cast<std::size_t>(i)] = 0.0; });
  double best = 1e30;
  const double s = 3.0;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    parallel_for(n, [&](std::int64_t i) {
      const auto u = static_cast<std::size_t>(i);
      a[u] = b[u] + s * c[u];
    });
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  volatile double sink = a[static_cast<std::size_t>(n / 2)];
  (void)sink;
  return 24.0 * static_cast<double>(n) / best;
}

// Peak arithmetic of one core: 12 independent 4-wide multiply-add chains
// (vector extension; one fused FMA per lane on FMA hardware via __builtin_fma
// semantics is not assumed — a multiply and an add are 2 flops either way).
double peak_flops(int reps) {
  using v4d = double __attribute__((vector_size(32)));
  constexpr int kChains = 12;
  v4d acc[kChains];
  for (int j = 0; j < kChains; ++j) acc[j] = v4d{1.0 + j, 2.0, 3.0, 4.0} * 1e-3;
  const v4d m = {0.999999, 0.999998, 0.999997, 0.999996}, add = {1e-7, 2e-7, 3e-7, 4e-7};
  const std::int64_t iters = 2000000;
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t it = 0; it < iters; ++it)
      for (int j = 0; j < kChains; ++j) acc[j] = acc[j] * m + add;
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    __asm__ volatile("" : : "g"(&acc) : "memory");
  }
  double sum = 0.0;
  for (int j = 0; j < kChains; ++j) sum += acc[j][0];
  volatile double sink = sum;
  (void)sink;
  return 2.0 * 4.0 * kChains * static_cast<double>(iters) / best;
}

// The largest data or unified cache of cpu0 (the last level), bytes, from
// sysfs; 0 if unknown. (sysconf(_SC_LEVEL3_CACHE_SIZE) is not used: under KVM
// it reported 256 MB for this VM's 32 MB L3.)
std::int64_t last_level_cache_bytes() {
  std::int64_t best = 0;
  int best_level = 0;
  for (int i = 0; i < 16; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    std::ifstream fl(dir + "level"), ft(dir + "type"), fs(dir + "size");
    int level = 0;
    std::string type, size;
    if (!(fl >> level) || !(ft >> type) || !(fs >> size) || type == "Instruction" || size.empty()) continue;
    std::int64_t bytes = std::strtoll(size.c_str(), nullptr, 10);
    if (size.back() == 'K') bytes <<= 10;
    if (size.back() == 'M') bytes <<= 20;
    if (level > best_level || (level == best_level && bytes > best)) best = bytes, best_level = level;
  }
  return best;
}

// CPU time of this process (all its threads), seconds.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double load_average() {
  // BLOCSIM_LOADAVG_FILE: a file in /proc/loadavg's format read instead (the
  // tests of --wait-idle set the load they need)
  const char* path = std::getenv("BLOCSIM_LOADAVG_FILE");
  std::ifstream f(path && *path ? path : "/proc/loadavg");
  double l = -1.0;
  if (!(f >> l)) return -1.0;
  return l;
}

std::string format_load(double load) {
  if (load < 0.0) return "unknown";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", load);
  return buf;
}

void wait_for_idle(double limit, double timeout) {
  const auto t0 = std::chrono::steady_clock::now();
  auto waited = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  double l = load_average();
  if (l < 0.0) {
    std::printf("--wait-idle: this system reports no load average (/proc/loadavg); not waiting\n");
    return;
  }
  while (l >= limit) {
    if (waited() >= timeout) {
      // the limit, not waited(): a late wake-up on a busy machine would print a larger number
      std::printf("--wait-idle: waited %.0f s (the limit) for the load average (1 min) to fall below %.2f; it is %.2f — "
                  "measuring anyway\n",
                  timeout, limit, l);
      std::fflush(stdout);
      return;
    }
    ::sleep(1);
    if (const double now = load_average(); now >= 0.0) l = now;  // (a failed read keeps the last value)
  }
  std::printf("--wait-idle: waited %.0f s for the load average (1 min) to fall below %.2f (now %.2f)\n", waited(), limit, l);
  std::fflush(stdout);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) v.push_back(item);
  return v;
}

// The ticks whose instructions `blocsim bench` counts: callgrind runs the
// `instr:T1:T2` case with --toggle-collect on this function, so exactly the
// step() and record phase of ticks T1+1 … T2 are counted, as simulate() runs
// them (world building, the tick-0 equilibrium, ticks 1 … T1 and loading are
// not). Not inlined, so that callgrind sees it.
[[gnu::noinline]] void bench_instruction_ticks(World& w, const ScenarioConfig& cfg, Recorder& rec, int from, int to) {
  for (int t = from + 1; t <= to; ++t) {
    step(w, cfg);
    rec.record(w);
  }
  __asm__ volatile("" : : : "memory");
}

ScenarioConfig synthetic_config(const ScenarioConfig& base, std::int64_t n, int ticks, double rewire) {
  ScenarioConfig cfg = synthetic_variant(base, n, 10.0);
  cfg.world.synthetic->rewire = rewire;
  cfg.ticks = ticks;
  cfg.initial.alignment = InitialMode::nonaligned;  // the equilibrium search is set-up, not ticks
  cfg.initial.standards = InitialMode::nonaligned;
  return cfg;
}

// A synthetic world whose arrays (world_bytes) fill a sixteenth of the last-level
// cache, rounded down to whole thousands of agents (2,000 … 50,000; 4,000 if
// the cache is unknown): its time per agent-update is what a tick's own work
// costs when the memory system does not hold it up, the reference for the
// "× cache-resident" column (bench.cpp). A sixteenth, not more: on the
// project's VM (32 MB L3, 512 KB L2 per core) the time per agent-update was
// flat from 2,000 to 4,000 agents (1–2 MB of arrays) and grew from ~6,000;
// at a quarter of the cache (19,000) it was ~35 % slower.
std::int64_t cache_resident_agents(const ScenarioConfig& base, double rewire, std::int64_t llc_bytes) {
  if (llc_bytes <= 0) return 4000;
  const World w = make_world(synthetic_config(base, 2000, 1, rewire), 1);
  const double per_agent = static_cast<double>(world_bytes(w)) / 2000.0;
  const auto n = static_cast<std::int64_t>(static_cast<double>(llc_bytes) / 16.0 / per_agent) / 1000 * 1000;
  return std::clamp<std::int64_t>(n, 2000, 50000);
}

// The peak resident memory of this process's own address space since it
// started (VmHWM; 0 if unknown). Not getrusage's ru_maxrss: the bench starts
// cases with posix_spawn, whose child shares the parent's address space until
// it executes, and the kernel carries that space's peak (the parent's, ~100 MB
// after `--against` compared output files) into the child's ru_maxrss — the
// 10⁵-agent case then showed ~1,430 instead of ~450 bytes per agent.
static long own_peak_rss_kb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

// Child side: run one case, print "RESULT agents edges sec_per_tick sec_per_run world_bytes ops bytes cpu peak_rss_kb".
void run_case(const BenchArgs& a) {
  set_threads(a.one_threads);
  set_reference_paths(a.reference);
  using Clock = std::chrono::steady_clock;
  CaseResult r;
  if (a.one_case == "limits") {
    // bandwidth (this thread count), then peak arithmetic of one core
    r.sec_per_tick = triad_bandwidth(a.quick ? (1 << 22) : (1 << 24), a.quick ? 3 : 6);
    r.sec_per_run = peak_flops(a.quick ? 2 : 5);
    std::printf("RESULT 0 0 %.9g %.9g 0 0 0 0 0\n", r.sec_per_tick, r.sec_per_run);
    return;
  }
  const ScenarioConfig base = load_scenario(a.scenario);
  if (a.one_case.rfind("instr:", 0) == 0) {
    // the default world advanced T1 ticks, then T1+1 … T2 in
    // bench_instruction_ticks (counted under callgrind); prints the tick
    // window's essential operations (tick_ops of the tick-T1 world)
    // (instr:T1:T2:N: a synthetic world of N agents instead, as the
    // synthetic cases build it)
    const auto c = a.one_case.find(':', 6), c2 = a.one_case.find(':', c + 1);
    const int t1 = std::stoi(a.one_case.substr(6, c - 6)), t2 = std::stoi(a.one_case.substr(c + 1, c2 - c - 1));
    const std::int64_t syn = c2 == std::string::npos ? 0 : std::stoll(a.one_case.substr(c2 + 1));
    ScenarioConfig cfg = syn > 0 ? synthetic_config(base, syn, t2, a.rewire) : base;
    cfg.ticks = std::max(cfg.ticks, t2);
    World w = syn > 0 ? make_world(cfg, 1) : make_world(cfg, cfg.seed);
    std::vector<std::vector<double>> rows;
    rows.reserve(static_cast<std::size_t>(t2) + 1);
    Recorder rec(rows);
    rec.record(w);
    for (int t = 1; t <= t1; ++t) {
      step(w, cfg);
      rec.record(w);
    }
    r.ops_per_tick = tick_ops(w);
    bench_instruction_ticks(w, cfg, rec, t1, t2);
    rec.finish(w);
    r.agents = w.n;
    r.edges = w.w.nonZeros() / 2;
    r.sec_per_tick = static_cast<double>(t2 - t1);
  } else if (a.one_case == "scenario") {
    // whole runs of the scenario world (as replicates and sweeps run them:
    // through a WorldCache; reference: make_world every run), median of `runs`
    std::vector<double> t;
    SimulateResult last;
    WorldCache cache;
    const double c0 = cpu_seconds();
    for (int i = 0; i < a.runs; ++i) {
      const auto t0 = Clock::now();
      last = simulate(base, base.seed + static_cast<std::uint64_t>(i), {}, &cache);
      t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    r.sec_per_run = t[t.size() / 2];
    r.sec_per_tick = r.sec_per_run / base.ticks;
    r.cpu_per_tick = (cpu_seconds() - c0) / a.runs / base.ticks;  // mean, not median
    r.agents = static_cast<std::int64_t>(base.world.countries.size());
    r.world_bytes = static_cast<double>(last.world_bytes);
    World w = make_world(base, base.seed);
    r.edges = w.w.nonZeros() / 2;
    r.ops_per_tick = tick_ops(w);
    r.bytes_per_tick = tick_bytes(w);
  } else if (a.one_case == "batch") {
    // a run folder of `replicates` replicates with countries.csv
    const auto dir = std::filesystem::temp_directory_path() / ("blocsim-bench-batch-" + std::to_string(::getpid()));
    RunOptions opt;
    opt.replicates = a.replicates;
    opt.out = dir;
    opt.overwrite = true;
    ScenarioConfig cfg = base;
    cfg.outputs.countries = true;
    const auto t0 = Clock::now();
    run_scenario(cfg, opt);
    r.sec_per_run = std::chrono::duration<double>(Clock::now() - t0).count();
    r.agents = static_cast<std::int64_t>(cfg.world.countries.size());
    std::filesystem::remove_all(dir);
  } else if (a.one_case == "sweep") {
    const auto dir = std::filesystem::temp_directory_path() / ("blocsim-bench-sweep-" + std::to_string(::getpid()));
    const SweepSetup setup = load_sweep(a.sweep);
    SweepOptions opt;
    opt.out = dir;
    opt.overwrite = true;
    opt.fresh = true;
    opt.quiet = true;
    opt.limit = a.sweep_runs;
    opt.jobs = a.one_threads;
    const auto t0 = Clock::now();
    const SweepOutcome o = run_sweep(setup, opt);
    r.sec_per_run = std::chrono::duration<double>(Clock::now() - t0).count();
    r.agents = o.executed;
    std::filesystem::remove_all(dir);
  } else if (a.one_case.rfind("ab:", 0) == 0) {
    // the same synthetic world advanced on the reference paths and on the
    // current ones, tick by tick in alternation, so that both see the same
    // load on a shared machine: sec_per_tick = current, sec_per_run =
    // reference, both in CPU time per tick (step and record)
    const std::int64_t n = std::stoll(a.one_case.substr(3));
    const ScenarioConfig cfg = synthetic_config(base, n, a.ticks, a.rewire);
    World ref = make_world(cfg, 1), now = ref;
    std::vector<std::vector<double>> rows_ref, rows_now;
    Recorder rec_ref(rows_ref), rec_now(rows_now);
    set_reference_paths(true);
    rec_ref.record(ref);
    set_reference_paths(false);
    rec_now.record(now);
    double c_ref = 0.0, c_now = 0.0;
    std::array<double, 7> ph_ref{}, ph_now{};
    for (int t = 0; t < a.ticks; ++t) {
      set_reference_paths(true);
      double c0 = cpu_seconds();
      step(ref, cfg, ph_ref.data());
      { const auto r0 = std::chrono::steady_clock::now(); rec_ref.record(ref); ph_ref[6] += std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count(); }
      if (t + 1 == a.ticks) rec_ref.finish(ref);
      c_ref += cpu_seconds() - c0;
      set_reference_paths(false);
      c0 = cpu_seconds();
      step(now, cfg, ph_now.data());
      { const auto r0 = std::chrono::steady_clock::now(); rec_now.record(now); ph_now[6] += std::chrono::duration<double>(std::chrono::steady_clock::now() - r0).count(); }
      if (t + 1 == a.ticks) rec_now.finish(now);
      c_now += cpu_seconds() - c0;
    }
    if (rows_ref.back() != rows_now.back()) throw RunError("bench: reference and current paths disagree");
    if (std::getenv("BLOCSIM_BENCH_PHASES")) {
      std::fprintf(stderr, "PHASES wall ms/tick, reference|current, policy courtship identity(current: the fused walk) choice standards material record:");
      for (int p = 0; p < 7; ++p) std::fprintf(stderr, " %.2f|%.2f", 1e3 * ph_ref[p] / a.ticks, 1e3 * ph_now[p] / a.ticks);
      std::fprintf(stderr, "\n");
    }
    r.agents = n;
    r.sec_per_tick = c_now / a.ticks;
    r.sec_per_run = c_ref / a.ticks;
  } else if (a.one_case.rfind("threads:", 0) == 0) {
    // threads:N:LO (this process at --case-threads HI): two copies of one
    // synthetic world, one advanced on LO threads and one on HI, tick by
    // tick in alternation (which goes first alternates too), so both see
    // the same load; the result is the median over ticks of (LO time / HI
    // time), a scaling figure a burst of load on this VM cannot move the
    // way it moves two separate processes' times (round 19: the 10⁵-agent
    // speed-up read 1.37× and 2.55× in two bench runs of separate
    // processes, 1.96×–2.08× in four quiet ones). The two worlds must end
    // with the same metrics, bit for bit (results do not depend on the
    // thread count; a metric a synthetic world does not define is NaN).
    const auto c = a.one_case.find(':', 8);
    const std::int64_t n = std::stoll(a.one_case.substr(8, c - 8));
    const int lo = std::stoi(a.one_case.substr(c + 1)), hi = a.one_threads;
    const int ticks = a.quick ? a.ticks : std::max(a.ticks, 9);
    const ScenarioConfig cfg = synthetic_config(base, n, ticks, a.rewire);
    World w_lo = make_world(cfg, 1), w_hi = w_lo;
    std::vector<std::vector<double>> rows_lo, rows_hi;
    Recorder rec_lo(rows_lo), rec_hi(rows_hi);
    rec_lo.record(w_lo);
    rec_hi.record(w_hi);
    auto advance = [&](World& w, Recorder& rec, int threads, bool last) {
      set_threads(threads);
      const auto t0 = Clock::now();
      step(w, cfg);
      rec.record(w);
      if (last) rec.finish(w);
      return std::chrono::duration<double>(Clock::now() - t0).count();
    };
    std::vector<double> ratio;
    double s_lo = 0.0, s_hi = 0.0;
    for (int t = 0; t < ticks; ++t) {
      const bool last = t + 1 == ticks;
      double t_lo = 0.0, t_hi = 0.0;
      if (t % 2 == 0) {
        t_lo = advance(w_lo, rec_lo, lo, last);
        t_hi = advance(w_hi, rec_hi, hi, last);
      } else {
        t_hi = advance(w_hi, rec_hi, hi, last);
        t_lo = advance(w_lo, rec_lo, lo, last);
      }
      ratio.push_back(t_lo / t_hi);
      s_lo += t_lo;
      s_hi += t_hi;
    }
    auto same_bits = [](const std::vector<double>& x, const std::vector<double>& y) {
      return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0);
    };
    bool same = rows_lo.size() == rows_hi.size();
    for (std::size_t i = 0; same && i < rows_lo.size(); ++i) same = same_bits(rows_lo[i], rows_hi[i]);
    if (!same)
      throw RunError("bench: the world advanced on " + std::to_string(lo) + " and on " + std::to_string(hi) +
                     " threads gave different metrics");
    r.agents = n;
    r.sec_per_run = median(ratio);  // the speed-up
    r.sec_per_tick = s_hi / ticks;  // mean wall time per tick on HI threads
    r.cpu_per_tick = s_lo / ticks;  // … and on LO (reported in the RESULT line only)
  } else {
    const std::int64_t n = std::stoll(a.one_case);
    const ScenarioConfig cfg = synthetic_config(base, n, a.ticks, a.rewire);
    World w = make_world(cfg, 1);
    r.agents = n;
    r.edges = w.w.nonZeros() / 2;
    r.world_bytes = static_cast<double>(world_bytes(w));
    r.ops_per_tick = tick_ops(w);
    r.bytes_per_tick = tick_bytes(w);
    // ticks and their record phase as simulate() runs them (the tick-0 row is
    // recorded before the clock starts; finish() measures the last tick's
    // interoperability and is timed: it belongs to the run)
    std::vector<std::vector<double>> rows;
    Recorder record(rows);
    record.record(w);
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    for (int t = 0; t < a.ticks; ++t) {
      step(w, cfg);
      record.record(w);
    }
    record.finish(w);
    r.sec_per_tick = std::chrono::duration<double>(Clock::now() - t0).count() / a.ticks;
    r.cpu_per_tick = (cpu_seconds() - c0) / a.ticks;
  }
  std::printf("RESULT %lld %lld %.9g %.9g %.9g %.9g %.9g %.9g %ld\n", static_cast<long long>(r.agents), static_cast<long long>(r.edges),
              r.sec_per_tick, r.sec_per_run, r.world_bytes, r.ops_per_tick, r.bytes_per_tick, r.cpu_per_tick, own_peak_rss_kb());
}

CaseResult spawn_case(const BenchArgs& a, const std::string& c, int threads, bool reference) {
  std::vector<std::string> argv_s = {"/proc/self/exe", "bench", "--scenario", a.scenario, "--case", c,
                                     "--case-threads", std::to_string(threads), "--ticks", std::to_string(a.ticks),
                                     "--runs", std::to_string(a.runs), "--replicates", std::to_string(a.replicates),
                                     "--sweep-runs", std::to_string(a.sweep_runs), "--sweep", a.sweep,
                                     "--rewire", format_number(a.rewire)};  // round-trips
  if (reference) argv_s.push_back("--reference");
  if (a.quick) argv_s.push_back("--quick");
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  int fds[2];
  if (pipe(fds) != 0) throw RunError("bench: pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  pid_t pid;
  if (posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv.data(), environ) != 0)
    throw RunError("bench: cannot start child process");
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t k;
  while ((k = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(k));
  close(fds[0]);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw RunError("bench: case " + c + " failed:\n" + out);
  CaseResult r;
  const auto pos = out.find("RESULT ");
  if (pos == std::string::npos) throw RunError("bench: case " + c + " printed no result");
  std::istringstream is(out.substr(pos + 7));
  long own_kb = 0;
  is >> r.agents >> r.edges >> r.sec_per_tick >> r.sec_per_run >> r.world_bytes >> r.ops_per_tick >> r.bytes_per_tick >> r.cpu_per_tick >> own_kb;
  r.maxrss_kb = own_kb > 0 ? own_kb : ru.ru_maxrss;  // see own_peak_rss_kb
  return r;
}

}  // namespace blocsim::cli::bench_detail
