// `blocsim bench`: speed and memory of the engine (issues 2 and 14).
//
// Each case runs in a child process (`blocsim bench --case ...`) so that its
// peak resident memory (wait4 → ru_maxrss) belongs to that case alone.
// Issue 14: absolute times are not comparable across machines or loads, so
// the same run also measures this machine's limits (a STREAM triad for
// memory bandwidth, an FMA loop for peak arithmetic) and prints each
// workload's distance from its roofline floor, and times the reference
// code paths kept in this binary (`--reference`: no world reuse, record
// recomputes, per-field countries.csv) next to the current ones, for the
// default-world run, a replicate batch (run folder with countries.csv) and a
// sweep. The reference paths share this build's per-row kernels, so the code
// as it was when issue 14 was filed is timed as a separate executable:
// `--against PATH` runs whole `run` and `sweep` commands of both side by side
// (tools/bench_against.sh builds that commit). Instructions per tick are
// counted with valgrind (this machine has no hardware counters) and compared
// with the instruction floor. The load average is printed before and after.
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
#include "blocsim/engine/simulation.h"
#include "blocsim/sweep/sweep.h"
#include "blocsim/version.h"
#include "cli/cli.h"

extern char** environ;

namespace blocsim::cli {
namespace {

struct BenchArgs {
  std::string scenario;
  std::string sizes = "10000,100000,1000000";
  std::string threads = "1,2";
  int ticks = 10;
  int runs = 200;
  int replicates = 100;
  std::int64_t sweep_runs = 200;
  std::string sweep;
  bool quick = false;
  std::string one_case;  // internal: run one case in this process
  int one_threads = 1;
  bool reference = false;  // internal: run the case on today's reference paths
  std::string against;     // another blocsim executable (today's code) timed side by side
  int against_rounds = 5;  // alternating rounds per workload (median)
  bool no_instructions = false;
  std::string instr_ticks;  // T1,T2 of the instruction count ("" = 10,30; --quick 1,3)
};

struct CaseResult {
  std::int64_t agents = 0;
  std::int64_t edges = 0;
  double sec_per_tick = 0.0;
  double sec_per_run = 0.0;  // small worlds: one whole run (ticks of the scenario)
  double world_bytes = 0.0;
  double ops_per_tick = 0.0;    // essential arithmetic of one tick (estimate, see tick_ops)
  double bytes_per_tick = 0.0;  // memory traffic floor of one tick, one walk per row (estimate)
  double cpu_per_tick = 0.0;    // process CPU time (all threads) per tick: less sensitive to load than wall time
  long maxrss_kb = 0;
};

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
  const double read = static_cast<double>(world_bytes(w)) - md(w.x_next) - 2.0 * static_cast<double>(w.n);
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

// CPU time of this process (all its threads), seconds.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double load_average() {
  std::ifstream f("/proc/loadavg");
  double l = -1.0;
  f >> l;
  return l;
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

ScenarioConfig synthetic_config(const ScenarioConfig& base, std::int64_t n, int ticks) {
  ScenarioConfig cfg = synthetic_variant(base, n, 10.0);
  cfg.ticks = ticks;
  cfg.initial.alignment = InitialMode::nonaligned;  // the equilibrium search is set-up, not ticks
  cfg.initial.standards = InitialMode::nonaligned;
  return cfg;
}

// Child side: run one case, print "RESULT agents edges sec_per_tick sec_per_run world_bytes ops bytes".
void run_case(const BenchArgs& a) {
  set_threads(a.one_threads);
  set_reference_paths(a.reference);
  using Clock = std::chrono::steady_clock;
  CaseResult r;
  if (a.one_case == "limits") {
    // bandwidth (this thread count), then peak arithmetic of one core
    r.sec_per_tick = triad_bandwidth(a.quick ? (1 << 22) : (1 << 24), a.quick ? 3 : 6);
    r.sec_per_run = peak_flops(a.quick ? 2 : 5);
    std::printf("RESULT 0 0 %.9g %.9g 0 0 0 0\n", r.sec_per_tick, r.sec_per_run);
    return;
  }
  const ScenarioConfig base = load_scenario(a.scenario);
  if (a.one_case.rfind("instr:", 0) == 0) {
    // the default world advanced T1 ticks, then T1+1 … T2 in
    // bench_instruction_ticks (counted under callgrind); prints the tick
    // window's essential operations (tick_ops of the tick-T1 world)
    const auto c = a.one_case.find(':', 6);
    const int t1 = std::stoi(a.one_case.substr(6, c - 6)), t2 = std::stoi(a.one_case.substr(c + 1));
    ScenarioConfig cfg = base;
    cfg.ticks = std::max(cfg.ticks, t2);
    World w = make_world(cfg, cfg.seed);
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
    const ScenarioConfig cfg = synthetic_config(base, n, a.ticks);
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
  } else {
    const std::int64_t n = std::stoll(a.one_case);
    const ScenarioConfig cfg = synthetic_config(base, n, a.ticks);
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
  std::printf("RESULT %lld %lld %.9g %.9g %.9g %.9g %.9g %.9g\n", static_cast<long long>(r.agents), static_cast<long long>(r.edges),
              r.sec_per_tick, r.sec_per_run, r.world_bytes, r.ops_per_tick, r.bytes_per_tick, r.cpu_per_tick);
}

CaseResult spawn_case(const BenchArgs& a, const std::string& c, int threads, bool reference = false) {
  std::vector<std::string> argv_s = {"/proc/self/exe", "bench", "--scenario", a.scenario, "--case", c,
                                     "--case-threads", std::to_string(threads), "--ticks", std::to_string(a.ticks),
                                     "--runs", std::to_string(a.runs), "--replicates", std::to_string(a.replicates),
                                     "--sweep-runs", std::to_string(a.sweep_runs), "--sweep", a.sweep};
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
  is >> r.agents >> r.edges >> r.sec_per_tick >> r.sec_per_run >> r.world_bytes >> r.ops_per_tick >> r.bytes_per_tick >> r.cpu_per_tick;
  r.maxrss_kb = ru.ru_maxrss;
  return r;
}



// ---- other executables as child processes (--against, valgrind) ------------

namespace fs = std::filesystem;

struct ChildRun {
  pid_t pid = -1;
  std::chrono::steady_clock::time_point t0;
  fs::path out, err;
  std::string what;  // for messages
};

struct ChildDone {
  bool ok = false;      // exited with status 0
  std::string status;   // "exit 2", "signal 11"
  double wall = 0.0;    // seconds, spawn to wait4
  double cpu = 0.0;     // user + system time of the child (wait4 rusage)
  std::string out, err;
};

std::string read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string quoted_command(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& x : argv) s += (s.empty() ? "" : " ") + (x.find(' ') == std::string::npos ? x : "'" + x + "'");
  return s;
}

// Start argv[0] (searched on PATH if it has no slash) with stdout and stderr
// in files and stdin from /dev/null; `env` entries (NAME=value) replace or
// extend this process's environment.
ChildRun start_child(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err,
                     const std::vector<std::string>& env = {}) {
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    const std::string v = *e;
    const bool replaced = std::any_of(env.begin(), env.end(), [&](const std::string& x) {
      return v.compare(0, x.find('=') + 1, x, 0, x.find('=') + 1) == 0;
    });
    if (!replaced) env_s.push_back(v);
  }
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<std::string> argv_s = argv;
  std::vector<char*> av, ev;
  for (auto& s : argv_s) av.push_back(s.data());
  av.push_back(nullptr);
  for (auto& s : env_s) ev.push_back(s.data());
  ev.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ChildRun c;
  c.out = out;
  c.err = err;
  c.what = quoted_command(argv);
  c.t0 = std::chrono::steady_clock::now();
  const int rc = posix_spawnp(&c.pid, av[0], &fa, nullptr, av.data(), ev.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw RunError("bench: cannot start " + argv[0] + ": " + std::strerror(rc));
  return c;
}

ChildDone finish_child(const ChildRun& c) {
  int status = 0;
  rusage ru{};
  if (wait4(c.pid, &status, 0, &ru) < 0) throw RunError("bench: wait4 failed for " + c.what);
  ChildDone d;
  d.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - c.t0).count();
  d.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + 1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  d.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  d.status = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : "signal " + std::to_string(WTERMSIG(status));
  d.out = read_all(c.out);
  d.err = read_all(c.err);
  return d;
}

ChildDone run_child(const std::vector<std::string>& argv, const fs::path& dir, const std::vector<std::string>& env = {}) {
  return finish_child(start_child(argv, dir / "child.out", dir / "child.err", env));
}

// The last `n` lines of `s` (error messages of a failed child).
std::string tail_lines(const std::string& s, int n) {
  std::size_t end = s.size();
  if (end > 0 && s[end - 1] == '\n') --end;
  std::size_t start = end;
  for (int i = 0; i < n; ++i) {
    if (start == 0) return s;
    const auto p = s.rfind('\n', start - 1);
    if (p == std::string::npos) return s;
    start = p;
  }
  return s.substr(start + 1);
}

ChildDone must_succeed(const std::vector<std::string>& argv, ChildDone d) {
  if (!d.ok)
    throw RunError("bench: `" + quoted_command(argv) + "` failed (" + d.status + "):\n" + tail_lines(d.err + d.out, 12));
  return d;
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// A temporary folder removed when the bench ends (also on errors).
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag)
      : path(fs::temp_directory_path() / ("blocsim-bench-" + tag + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

std::string this_exe() { return fs::read_symlink("/proc/self/exe").string(); }

//! Checks that `path` is a blocsim executable; returns the first line of its `--version`.
std::string check_against(const std::string& path) {
  const std::string hint = " (--against takes the path of another blocsim executable, e.g. a build of commit f6d95f2 "
                           "made by tools/bench_against.sh)";
  std::error_code ec;
  if (!fs::exists(path, ec)) throw ConfigError(SourceLoc{}, "--against", path + ": no such file" + hint);
  if (fs::is_directory(path, ec) || ::access(path.c_str(), X_OK) != 0)
    throw ConfigError(SourceLoc{}, "--against", path + ": not an executable file" + hint);
  TempDir t("version");
  const std::vector<std::string> argv = {fs::absolute(path).string(), "--version"};
  ChildDone d;
  try {
    d = run_child(argv, t.path);
  } catch (const RunError& e) {
    throw ConfigError(SourceLoc{}, "--against", path + ": cannot be started: " + e.what());
  }
  if (!d.ok || d.out.rfind("blocsim ", 0) != 0)
    throw ConfigError(SourceLoc{}, "--against", path + ": not a blocsim executable (`--version` gave " + d.status + ": " +
                                                    first_line(d.out + d.err) + ")" + hint);
  return first_line(d.out);
}

// The inputs both executables run: this build's resolved scenario (every
// parameter explicit, so a default that changed between the two versions
// cannot make them run different models) when the other executable accepts
// it, else the scenario as given.
struct SharedInputs {
  std::string scenario;  // for `run`
  std::string sweep;     // rewritten sweep file ('' = none)
  std::int64_t sweep_plan_runs = 0;
  bool resolved = false;
  std::string note;                // why the resolved scenario is not used
  bool countries_key = false;      // both accept --set outputs.countries=<off>
  std::map<std::string, std::string> countries_off;  // executable → its "outputs.countries=<off>"
};

bool accepts(const std::string& exe, const std::string& scenario, const fs::path& dir) {
  return run_child({exe, "validate", scenario}, dir).ok;
}

SharedInputs shared_inputs(const BenchArgs& a, const ScenarioConfig& base, const std::vector<std::string>& exes,
                           const fs::path& dir) {
  SharedInputs s;
  const fs::path scen = dir / "scenario.resolved.yaml";
  { std::ofstream(scen) << resolved_yaml(base); }
  s.resolved = true;
  for (const auto& e : exes)
    if (!accepts(e, scen.string(), dir)) {
      s.resolved = false;
      s.note = e + " rejects this build's resolved scenario (`validate`: " + first_line(read_all(dir / "child.out") + read_all(dir / "child.err")) +
               "); both run " + a.scenario + " as written, with each version's own defaults";
      break;
    }
  s.scenario = s.resolved ? scen.string() : fs::absolute(a.scenario).string();
  // `--set outputs.countries=…` as each version spells "off" (f6d95f2 takes
  // 0, later versions false)
  s.countries_key = true;
  for (const auto& e : exes) {
    std::string off;
    for (const char* v : {"false", "0"})
      if (off.empty() && run_child({e, "validate", s.scenario, "--set", std::string("outputs.countries=") + v}, dir).ok) off = v;
    if (off.empty()) s.countries_key = false;
    s.countries_off[e] = "outputs.countries=" + off;
  }
  if (!a.sweep.empty()) {
    // the sweep file with its base scenario (resolved by this build, or made
    // absolute) and design table made absolute, so it can live in `dir`
    const SweepSetup setup = load_sweep(a.sweep);
    s.sweep_plan_runs = setup.plan.runs();
    YAML::Node n = YAML::LoadFile(a.sweep);
    const fs::path sweep_dir = fs::absolute(a.sweep).parent_path();
    std::string base_scen = (sweep_dir / n["scenario"].as<std::string>()).lexically_normal().string();
    if (s.resolved) {
      const fs::path sb = dir / "sweep_base.resolved.yaml";
      { std::ofstream(sb) << resolved_yaml(setup.base); }
      bool ok = true;
      for (const auto& e : exes) ok = ok && accepts(e, sb.string(), dir);
      if (ok) base_scen = sb.string();
    }
    n["scenario"] = base_scen;
    if (n["table"] && fs::path(n["table"].as<std::string>()).is_relative())
      n["table"] = (sweep_dir / n["table"].as<std::string>()).lexically_normal().string();
    YAML::Emitter em;
    em << n;
    s.sweep = (dir / (setup.spec.name + ".yaml")).string();
    std::ofstream(s.sweep) << em.c_str() << "\n";
  }
  return s;
}

// Byte comparison of two output files ("" = same; else what differs).
std::string compare_file(const fs::path& a, const fs::path& b) {
  const bool ea = fs::exists(a), eb = fs::exists(b);
  if (!ea && !eb) return "";
  if (ea != eb) return a.filename().string() + " written by one only";
  return read_all(a) == read_all(b) ? "" : a.filename().string();
}

// The runs.csv rows of a sweep shard's manifest (the part of each line before
// the first tab: after it come per-version bookkeeping fields), sorted: runs
// finish in any order.
std::vector<std::string> manifest_rows(const fs::path& folder) {
  std::vector<std::string> rows;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder / "manifest", ec)) {
    if (e.path().filename().string().rfind("shard-", 0) != 0) continue;
    std::istringstream is(read_all(e.path()));
    std::string line;
    while (std::getline(is, line))
      if (!line.empty() && line[0] != '#') rows.push_back(line.substr(0, line.find('\t')));
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// `blocsim bench --against PATH`: whole pipeline commands run by both
// executables as child processes in alternation (rounds; this build first in
// even rounds, the other in odd ones), median wall time and median child CPU
// time (wait4 rusage), output bytes compared.
void against_section(const BenchArgs& a, const std::string& against_version, int threads) {
  const std::string self = this_exe(), other = fs::absolute(a.against).string();
  TempDir tmp("against");
  const ScenarioConfig base = load_scenario(a.scenario);
  const SharedInputs in = shared_inputs(a, base, {self, other}, tmp.path);
  std::printf("\n## vs today's code (%s, `%s`)\n\n", other.c_str(), against_version.c_str());
  std::printf("This build: %s, `blocsim %s (%s, %s)`, %s.\n", self.c_str(), kVersion, kGitSha, kCompiler, kBuildType);
  std::printf("Both executables run the same commands as child processes, alternately (%d round%s, this build first in even rounds; "
              "median), on %s.\n", a.against_rounds, a.against_rounds == 1 ? "" : "s",
              in.resolved ? "this build's resolved scenario (every parameter explicit: both run the same model)"
                          : "the scenario as written");
  if (!in.note.empty()) std::printf("\n!! %s\n", in.note.c_str());
  std::printf("\n| workload | runs | today's code: wall | this build: wall | speed-up (wall) | today's code: CPU | this build: CPU | "
              "speed-up (CPU) | this build: runs/s (wall) | output |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  std::fflush(stdout);
  struct Workload {
    std::string name;
    std::int64_t runs;
    std::vector<std::string> args;  // after the executable; "{OUT}" = output folder
    bool sweep;
  };
  std::vector<Workload> work;
  const std::string scen_name = fs::path(a.scenario).stem().string();
  if (a.replicates > 0) {
    const std::vector<std::string> run = {"run", in.scenario, "-r", std::to_string(a.replicates), "-t", "1", "--quiet", "-o", "{OUT}",
                                          "--overwrite"};
    work.push_back({"`run " + scen_name + " -r " + std::to_string(a.replicates) + " -t 1`, countries.csv " +
                        (base.outputs.countries ? "on (as the scenario sets it)" : "off (as the scenario sets it)"),
                    a.replicates, run, false});
    if (in.countries_key && base.outputs.countries) {
      auto r = run;
      r.insert(r.end(), {"--set", "{COUNTRIES_OFF}"});
      work.push_back({"the same, countries.csv off (`--set outputs.countries=false`)", a.replicates, r, false});
    }
  }
  if (!in.sweep.empty()) {
    const std::int64_t shards = std::max<std::int64_t>(1, in.sweep_plan_runs / std::max<std::int64_t>(1, a.sweep_runs));
    const std::int64_t runs = (in.sweep_plan_runs + shards - 1) / shards;
    work.push_back({"`sweep " + fs::path(a.sweep).stem().string() + " --shard 0/" + std::to_string(shards) + " -j " + std::to_string(threads) +
                        "` (plan runs 0, " + std::to_string(shards) + ", " + std::to_string(2 * shards) + ", … of " +
                        std::to_string(in.sweep_plan_runs) + ")",
                    runs,
                    {"sweep", in.sweep, "--shard", "0/" + std::to_string(shards), "-o", "{OUT}", "-q", "-j", std::to_string(threads)},
                    true});
  }
  std::vector<std::string> problems;
  for (const auto& w : work) {
    std::vector<double> wall[2], cpu[2];  // 0 = today's code, 1 = this build
    const fs::path outs[2] = {tmp.path / "today", tmp.path / "this"};
    const std::string exes[2] = {other, self};
    for (int r = 0; r < a.against_rounds; ++r)
      for (int k = 0; k < 2; ++k) {
        const int who = (r % 2 == 0) ? 1 - k : k;
        fs::remove_all(outs[who]);
        std::vector<std::string> argv = {exes[who]};
        for (const auto& x : w.args)
          argv.push_back(x == "{OUT}" ? outs[who].string() : x == "{COUNTRIES_OFF}" ? in.countries_off.at(exes[who]) : x);
        const ChildDone d = must_succeed(argv, run_child(argv, tmp.path));
        wall[who].push_back(d.wall);
        cpu[who].push_back(d.cpu);
      }
    std::string diff;
    if (w.sweep) {
      const auto ra = manifest_rows(outs[0]), rb = manifest_rows(outs[1]);
      if (ra.empty() || ra != rb) diff = ra.empty() ? "no manifest rows" : "runs.csv rows of the manifest";
    } else {
      for (const char* f : {"timeseries.csv", "countries.csv"}) {
        const std::string c = compare_file(outs[0] / f, outs[1] / f);
        if (!c.empty()) diff += (diff.empty() ? "" : ", ") + c;
      }
    }
    if (!diff.empty()) problems.push_back(w.name + ": " + diff);
    const double w0 = median(wall[0]), w1 = median(wall[1]), c0 = median(cpu[0]), c1 = median(cpu[1]);
    std::printf("| %s | %lld | %.3f s | %.3f s | %.2f× | %.3f s | %.3f s | %.2f× | %.1f | %s |\n", w.name.c_str(),
                static_cast<long long>(w.runs), w0, w1, w0 / w1, c0, c1, c0 / c1, static_cast<double>(w.runs) / w1,
                diff.empty() ? "identical" : ("DIFFERENT: " + diff).c_str());
    std::fflush(stdout);
  }
  if (problems.empty())
    std::printf("\nidentical output: both executables wrote the same bytes (%s%s%s).\n",
                a.replicates > 0 ? "timeseries.csv and countries.csv of the runs" : "", a.replicates > 0 && !in.sweep.empty() ? "; " : "",
                in.sweep.empty() ? "" : "the runs.csv rows of the sweep shard's manifest");
  else {
    std::printf("\n!!!! OUTPUT DIFFERS between today's code and this build:\n");
    for (const auto& p : problems) std::printf("!!!!   %s\n", p.c_str());
    std::printf("!!!! Expected only if the model changed between the two versions; the speed-ups above then compare different "
                "computations.\n");
  }
  std::printf("\nWall = whole child process (start, loading, world building, ticks, writing), median; CPU = the child's user + system "
              "time (wait4 rusage), median; speed-up = today's code / this build.\n");
  std::fflush(stdout);
}

// valgrind on PATH, or "".
std::string find_on_path(const std::string& name) {
  const char* p = std::getenv("PATH");
  std::stringstream ss(p ? p : "");
  std::string dir;
  while (std::getline(ss, dir, ':'))
    if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0) return (fs::path(dir) / name).string();
  return "";
}

// A count from valgrind's summary on stderr: the number after `label` (commas removed), or −1.
double valgrind_count(const std::string& err, const std::string& label) {
  const auto p = err.rfind(label);
  if (p == std::string::npos) return -1.0;
  std::string digits;
  for (std::size_t i = p + label.size(); i < err.size() && err[i] != '\n'; ++i)
    if (std::isdigit(static_cast<unsigned char>(err[i]))) digits += err[i];
  return digits.empty() ? -1.0 : std::stod(digits);
}

// Instructions per tick, counted by valgrind (no hardware counters needed):
// (1) this build's bench case `instr:T1:T2` under callgrind, collecting only
// inside bench_instruction_ticks (step + record of ticks T1+1 … T2); (2) whole
// `run -r 1 --ticks T` of each executable under cachegrind for T1 and T2,
// differenced (world building and loading cancel; per-tick output formatting
// stays in). Instruction counts do not depend on the load, so the children
// run in parallel.
// --instructions-ticks T1,T2 (default 10,30; --quick 1,3). @throws ConfigError.
std::pair<int, int> instruction_ticks(const BenchArgs& a) {
  std::vector<int> tt;
  try {
    for (const auto& x : split(a.instr_ticks.empty() ? (a.quick ? "1,3" : "10,30") : a.instr_ticks)) {
      std::size_t used = 0;
      tt.push_back(std::stoi(x, &used));
      if (used != x.size()) tt.clear();
    }
  } catch (const std::exception&) {
    tt.clear();
  }
  if (tt.size() != 2 || tt[0] < 1 || tt[1] <= tt[0])
    throw ConfigError(SourceLoc{}, "--instructions-ticks",
                      "expected two tick counts T1,T2 with 1 <= T1 < T2 (e.g. 10,30), got '" + a.instr_ticks + "'");
  return {tt[0], tt[1]};
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

void instruction_section(const BenchArgs& a, const std::string& against_version) {
  std::printf("\n## Instructions per tick (valgrind)\n\n");
  if (kAddressSanitizer) {
    std::printf("skipped: this build is instrumented with AddressSanitizer, which valgrind cannot run (use a Release build).\n");
    std::fflush(stdout);
    return;
  }
  const std::string vg = find_on_path("valgrind");
  if (vg.empty()) {
    std::printf("skipped: valgrind is not on PATH (install it, e.g. apt-get install valgrind; --no-instructions hides this section).\n");
    std::fflush(stdout);
    return;
  }
  const auto [t1, t2] = instruction_ticks(a);
  const std::string self = this_exe();
  TempDir tmp("instructions");
  const ScenarioConfig base = load_scenario(a.scenario);
  std::vector<std::string> exes = {self};
  if (!a.against.empty()) exes.push_back(fs::absolute(a.against).string());
  BenchArgs no_sweep = a;
  no_sweep.sweep.clear();
  const SharedInputs in = shared_inputs(no_sweep, base, exes, tmp.path);
  const std::vector<std::string> env = {"OMP_NUM_THREADS=1", "OMP_WAIT_POLICY=passive"};
  struct Job {
    std::vector<std::string> argv;
    ChildDone done;
  };
  std::vector<Job> jobs;
  jobs.push_back({{vg, "--tool=callgrind", "--callgrind-out-file=/dev/null", "--toggle-collect=*bench_instruction_ticks*", self, "bench",
                   "--scenario", a.scenario, "--case", "instr:" + std::to_string(t1) + ":" + std::to_string(t2), "--case-threads", "1"},
                  {}});
  for (std::size_t e = 0; e < exes.size(); ++e)
    for (const int t : {t1, t2}) {
      std::vector<std::string> argv = {vg, "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes", "--cachegrind-out-file=/dev/null", exes[e], "run",
                                       in.scenario, "-r", "1", "-t", "1", "--quiet", "-o",
                                       (tmp.path / ("run" + std::to_string(jobs.size()))).string(), "--overwrite", "--ticks",
                                       std::to_string(t)};
      if (in.countries_key) argv.insert(argv.end(), {"--set", in.countries_off.at(exes[e])});
      jobs.push_back({argv, {}});
    }
  const std::size_t width = static_cast<std::size_t>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  for (std::size_t i = 0; i < jobs.size(); i += width) {
    std::vector<ChildRun> running;
    for (std::size_t j = i; j < std::min(jobs.size(), i + width); ++j)
      running.push_back(start_child(jobs[j].argv, tmp.path / ("job" + std::to_string(j) + ".out"),
                                    tmp.path / ("job" + std::to_string(j) + ".err"), env));
    for (std::size_t j = i; j < std::min(jobs.size(), i + width); ++j) {
      jobs[j].done = finish_child(running[j - i]);
      if (j < 3) must_succeed(jobs[j].argv, jobs[j].done);  // this build must work under valgrind; the other may not
    }
  }
  // (1) the bench case
  const double collected = valgrind_count(jobs[0].done.err, "Collected :");
  const auto pos = jobs[0].done.out.find("RESULT ");
  if (collected <= 0 || pos == std::string::npos)
    throw RunError("bench: callgrind printed no instruction count:\n" + tail_lines(jobs[0].done.err, 12));
  CaseResult r;
  std::istringstream is(jobs[0].done.out.substr(pos + 7));
  is >> r.agents >> r.edges >> r.sec_per_tick >> r.sec_per_run >> r.world_bytes >> r.ops_per_tick;
  const double floor = r.ops_per_tick, ticks = t2 - t1;
  std::printf("%s world (%lld agents, %lld edges), one thread. Ticks %d–%d counted: world building, the tick-0 equilibrium, %s "
              "and loading are excluded.\n\n", base.name.c_str(), static_cast<long long>(r.agents),
              static_cast<long long>(r.edges), t1 + 1, t2, (t1 == 1 ? std::string("tick 1") : "ticks 1–" + std::to_string(t1)).c_str());
  std::printf("| code | what is counted | instructions/tick | instruction floor/tick | × floor |\n|---|---|---:|---:|---:|\n");
  std::printf("| this build | step + record, as simulate() runs them (bench case; callgrind --toggle-collect) | %.0f | %.0f | %.2f× |\n",
              collected / ticks, floor, collected / ticks / floor);
  const std::string what = std::string("whole `run -r 1 -t 1`") + (in.countries_key ? ", countries.csv off" : "") +
                           ": (instructions at --ticks " + std::to_string(t2) + " − at --ticks " + std::to_string(t1) +
                           ") / " + std::to_string(t2 - t1) + " (cachegrind)";
  std::vector<double> per_tick;
  for (std::size_t e = 0; e < exes.size(); ++e) {
    const std::string who = e == 0 ? "this build" : "today's code (" + against_version + ")";
    const Job& j1 = jobs[1 + 2 * e];
    const Job& j2 = jobs[2 + 2 * e];
    const double i1 = valgrind_count(j1.done.err, "I   refs:"), i2 = valgrind_count(j2.done.err, "I   refs:");
    if (!j1.done.ok || !j2.done.ok || i1 <= 0 || i2 <= 0) {
      const Job& bad = j1.done.ok && i1 > 0 ? j2 : j1;
      if (e == 0) throw RunError("bench: cachegrind printed no instruction count:\n" + tail_lines(bad.done.err, 12));
      // the program's own last message, not valgrind's (lines starting == or --)
      std::string msg = "no instruction count";
      std::istringstream es(bad.done.err);
      for (std::string line; std::getline(es, line);)
        if (!line.empty() && line.rfind("==", 0) != 0 && line.rfind("--", 0) != 0) msg = line;
      std::printf("| %s | %s | not measured: `%s` gave %s: %s | | |\n", who.c_str(), what.c_str(), quoted_command(bad.argv).c_str(),
                  bad.done.status.c_str(), msg.c_str());
      continue;
    }
    per_tick.push_back((i2 - i1) / ticks);
    std::printf("| %s | %s | %.0f | %.0f | %.2f× |\n", who.c_str(), what.c_str(), per_tick.back(), floor, per_tick.back() / floor);
  }
  if (per_tick.size() == 2) std::printf("\ntoday's code / this build, instructions per tick of the whole run: %.2f×\n", per_tick[1] / per_tick[0]);
  if (!in.note.empty()) std::printf("\n!! %s\n", in.note.c_str());
  std::printf("\nInstruction floor = the essential floating-point operations of one tick (tick_ops: the equations of docs/ODD.md, "
              "counted at the tick-%d world), one scalar instruction each; no loads, stores, branches, address arithmetic or random "
              "numbers are counted, so it is a lower bound for scalar code (SIMD can go below it). The whole-run rows also count the "
              "per-tick record row and timeseries formatting%s. Instruction counts do not depend on the machine's load.\n",
              t1, in.countries_key ? "" : " and countries.csv");
  std::fflush(stdout);
}

}  // namespace

void add_bench_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* b = app.add_subcommand("bench", "Measure speed against this machine's limits and today's reference code, and memory per agent");
  b->add_option("--scenario", a->scenario, "Scenario whose world is the small case and whose powers/parameters the synthetic worlds use")
      ->default_val("baseline.yaml");
  b->add_option("--sizes", a->sizes, "Synthetic world sizes (comma-separated; mean degree 10)")->capture_default_str();
  b->add_option("--threads", a->threads, "Thread counts to compare (comma-separated)")->capture_default_str();
  b->add_option("--ticks", a->ticks, "Ticks timed per synthetic case")->capture_default_str()->check(CLI::PositiveNumber);
  b->add_option("--runs", a->runs, "Repetitions of the scenario-world run (median reported)")->capture_default_str()->check(CLI::PositiveNumber);
  b->add_option("--replicates", a->replicates, "Replicates of the timed batch (a run folder with countries.csv; 0 = skip)")->capture_default_str();
  b->add_option("--sweep", a->sweep, "Sweep file of the timed sweep ('' = skip)")
      ->default_val("sweeps/strictness_openness.yaml");
  b->add_option("--sweep-runs", a->sweep_runs, "Runs of the timed sweep (its first runs in plan order)")->capture_default_str();
  b->add_flag("--quick", a->quick, "Smaller limit loops and instruction counts (for tests)");
  b->add_option("--against", a->against,
                "Another blocsim executable (e.g. a build of f6d95f2, the code when issue 14 was filed: tools/bench_against.sh): "
                "time whole run and sweep commands of both side by side and compare their output bytes");
  b->add_option("--against-rounds", a->against_rounds, "Alternating rounds per --against workload (median reported)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  b->add_flag("--no-instructions", a->no_instructions, "Skip the instructions-per-tick count (valgrind; ~50x slower than native)");
  b->add_option("--instructions-ticks", a->instr_ticks, "T1,T2: instructions per tick counted over ticks T1+1..T2 (default 10,30; --quick 1,3)");
  b->add_option("--case", a->one_case, "(internal) run a single case in this process")->group("");
  b->add_option("--case-threads", a->one_threads, "(internal)")->group("");
  b->add_flag("--reference", a->reference, "(internal) run the case on today's reference code paths")->group("");
  b->callback([a, exit_code] {
    if (!a->one_case.empty()) {
      run_case(*a);
      *exit_code = 0;
      return;
    }
    a->scenario = existing_scenario(a->scenario).string();
    if (!a->sweep.empty()) a->sweep = existing_scenario(a->sweep).string();
    const std::string against_version = a->against.empty() ? "" : check_against(a->against);
    if (!a->no_instructions) instruction_ticks(*a);  // a bad --instructions-ticks fails before anything is measured
    const ScenarioConfig base = load_scenario(a->scenario);
    const std::vector<int> threads = [&] {
      std::vector<int> t;
      for (const auto& s : split(a->threads)) t.push_back(std::stoi(s));
      return t;
    }();
    const double load0 = load_average();
    std::printf("BlocSim benchmark: %s; synthetic worlds: mean degree 10, D = %zu, K = %zu\n", base.name.c_str(),
                base.dimensions.size(), base.powers.size());
    std::printf("load average (1 min) at start: %.2f on %d hardware threads%s\n", load0, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)),
                load0 > 0.5 ? " — the machine is busy: compare the ratios below, not the seconds" : "");
    // machine limits, measured now
    std::printf("\n## This machine now\n\n| limit | threads | value |\n|---|---:|---:|\n");
    std::vector<double> bandwidth(threads.size());
    double peak = 0.0;
    for (std::size_t ti = 0; ti < threads.size(); ++ti) {
      const CaseResult r = spawn_case(*a, "limits", threads[ti]);
      bandwidth[ti] = r.sec_per_tick;
      if (ti == 0) peak = r.sec_per_run;
      std::printf("| STREAM triad bandwidth | %d | %.2f GB/s |\n", threads[ti], r.sec_per_tick / 1e9);
      if (ti == 0) std::printf("| peak arithmetic (4-wide multiply-add, one core) | 1 | %.2f Gflop/s |\n", r.sec_per_run / 1e9);
      std::fflush(stdout);
    }
    // the scenario world: a whole run, today's reference code vs now
    std::printf("\n## %s world, whole %d-tick runs (median of %d)\n\n", base.name.c_str(), base.ticks, a->runs);
    std::printf("| code | threads | time/run | time/tick | CPU time/tick | arithmetic floor/tick | × floor | × floor (CPU time) | speed-up vs reference | "
                "speed-up vs reference (CPU time) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    long base_rss = 0;
    {
      const int t = threads.front();
      const CaseResult ref = spawn_case(*a, "scenario", t, true);
      const CaseResult now = spawn_case(*a, "scenario", t);
      base_rss = now.maxrss_kb;
      const double floor = now.ops_per_tick / peak;
      for (const auto* r : {&ref, &now})
        std::printf("| %s | %d | %.3f ms | %.2f µs | %.2f µs | %.3f µs | %.1f× | %.1f× | %.2f× | %.2f× |\n",
                    r == &ref ? "reference paths (this binary)" : "current", t, r->sec_per_run * 1e3, r->sec_per_tick * 1e6,
                    r->cpu_per_tick * 1e6, floor * 1e6, r->sec_per_tick / floor, r->cpu_per_tick / floor,
                    ref.sec_per_run / r->sec_per_run, ref.cpu_per_tick / r->cpu_per_tick);
      std::printf("\n%lld agents, %lld edges; arithmetic floor = %.3g essential flops per tick / peak arithmetic.\n",
                  static_cast<long long>(now.agents), static_cast<long long>(now.edges), now.ops_per_tick);
      std::fflush(stdout);
    }
    // today's code as a separate executable; instructions per tick
    if (!a->against.empty()) against_section(*a, against_version, threads.back());
    if (!a->no_instructions) instruction_section(*a, against_version);
    // the whole pipeline: a replicate batch with countries.csv, and a sweep
    if (a->replicates > 0 || !a->sweep.empty()) {
      std::printf("\n## Pipeline (%d threads)\n\n| workload | code | wall time | runs/s | speed-up vs reference |\n|---|---|---:|---:|---:|\n",
                  threads.back());
      if (a->replicates > 0) {
        const CaseResult ref = spawn_case(*a, "batch", threads.back(), true);
        const CaseResult now = spawn_case(*a, "batch", threads.back());
        for (const auto* r : {&ref, &now})
          std::printf("| run folder, %d replicates, countries.csv | %s | %.3f s | %.1f | %.2f× |\n", a->replicates,
                      r == &ref ? "reference" : "current", r->sec_per_run, a->replicates / r->sec_per_run, ref.sec_per_run / r->sec_per_run);
        std::fflush(stdout);
      }
      if (!a->sweep.empty()) {
        const CaseResult ref = spawn_case(*a, "sweep", threads.back(), true);
        const CaseResult now = spawn_case(*a, "sweep", threads.back());
        for (const auto* r : {&ref, &now})
          std::printf("| sweep %s, %lld runs | %s | %.3f s | %.1f | %.2f× |\n", std::filesystem::path(a->sweep).stem().c_str(),
                      static_cast<long long>(r->agents), r == &ref ? "reference" : "current", r->sec_per_run,
                      static_cast<double>(r->agents) / r->sec_per_run, ref.sec_per_run / r->sec_per_run);
        std::fflush(stdout);
      }
    }
    // synthetic worlds: memory-bound
    std::printf("\n## Synthetic worlds (%d ticks)\n\n| agents | threads | time/tick | CPU time/tick | agent-updates/s | memory floor/tick | × floor | "
                "arithmetic floor/tick | × floor | speed-up vs %d thread | reference time/tick | speed-up vs reference | "
                "speed-up vs reference (interleaved, CPU time) | "
                "memory/agent (peak RSS) | memory/agent (arrays) |\n"
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", a->ticks, threads.front());
    for (const auto& size : split(a->sizes)) {
      double t1 = 0.0;
      for (std::size_t ti = 0; ti < threads.size(); ++ti) {
        const int t = threads[ti];
        const CaseResult r = spawn_case(*a, size, t);
        const CaseResult ref = spawn_case(*a, size, t, true);
        const CaseResult ab = spawn_case(*a, "ab:" + size, t);
        if (ti == 0) t1 = r.sec_per_tick;
        const double rss_per_agent = static_cast<double>(r.maxrss_kb - base_rss) * 1024.0 / static_cast<double>(r.agents);
        const double mem_floor = r.bytes_per_tick / bandwidth[ti];
        const double ops_floor = r.ops_per_tick / (peak * t);
        std::printf("| %lld | %d | %.2f ms | %.2f ms | %.3g | %.2f ms (%.0f B/agent) | %.1f× | %.2f ms | %.1f× | %.2f× | %.2f ms | %.2f× | %.2f× | %.0f B | %.0f B |\n",
                    static_cast<long long>(r.agents), t, r.sec_per_tick * 1e3, r.cpu_per_tick * 1e3,
                    static_cast<double>(r.agents) / r.sec_per_tick, mem_floor * 1e3,
                    r.bytes_per_tick / static_cast<double>(r.agents), r.sec_per_tick / mem_floor, ops_floor * 1e3,
                    r.sec_per_tick / ops_floor, t1 / r.sec_per_tick, ref.sec_per_tick * 1e3, ref.sec_per_tick / r.sec_per_tick,
                    ab.sec_per_run / ab.sec_per_tick, rss_per_agent, r.world_bytes / static_cast<double>(r.agents));
        std::fflush(stdout);
      }
    }
    std::printf("\nload average (1 min) at end: %.2f\n", load_average());
    std::printf("\nFloors (estimates): memory floor = bytes one walk per network row must move (each state array read once,\n"
                "updated ones written once, CSR once, one 64-byte line per far neighbour) / STREAM triad bandwidth at the\n"
                "same thread count; arithmetic floor = essential flops of the equations / peak arithmetic × threads.\n"
                "Reference = the code paths issue 14 replaced, kept callable in this binary (no world reuse, identity/choice/\n"
                "standards/record each walk the network, record recomputes similarities, per-field countries.csv), run in the\n"
                "same invocation; they share this build's faster per-row kernels, so \"vs reference\" understates the gain over\n"
                "the code when issue 14 was filed: `--against PATH` times another executable (e.g. tools/bench_against.sh).\n"
                "agent-updates/s = agents × ticks / time (all phases, metrics included).\n"
                "memory/agent (peak RSS) = (peak RSS of the case − peak RSS of the scenario-world case) / agents.\n"
                "CPU time = process CPU time (all threads) of the timed ticks: on a shared machine other processes raise it far\n"
                "less than wall time (which also waits for a core), so the CPU-time columns are the load-robust\n"
                "figures; wall-time ratios need an idle machine. \"Interleaved\": one process advances the same world on the\n"
                "reference and the current paths tick by tick in alternation (both see the same load) and checks equal metrics.\n");
    *exit_code = 0;
  });
}

}  // namespace blocsim::cli
