// `blocsim bench`: speed and memory of the engine (issue 2 targets).
//
// Each case runs in a child process (`blocsim bench --case ...`) so that its
// peak resident memory (wait4 → ru_maxrss) belongs to that case alone. The
// parent prints one Markdown table: world, agents, threads, time per tick,
// agent-updates per second, time per 40-tick run (small worlds), and memory
// per agent (peak RSS above an empty process, and the engine's own arrays).
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "blocsim/io/data_dir.h"
#include "blocsim/io/error.h"
#include "blocsim/engine/metrics.h"
#include "blocsim/parallel.h"
#include "blocsim/input/scenario.h"
#include "blocsim/engine/simulation.h"
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
  std::string one_case;  // internal: run one case in this process
  int one_threads = 1;
};

struct CaseResult {
  std::int64_t agents = 0;
  std::int64_t edges = 0;
  double sec_per_tick = 0.0;
  double sec_per_run = 0.0;  // small worlds: one whole run (ticks of the scenario)
  double world_bytes = 0.0;
  long maxrss_kb = 0;
};

ScenarioConfig synthetic_config(const ScenarioConfig& base, std::int64_t n, int ticks) {
  ScenarioConfig cfg = synthetic_variant(base, n, 10.0);
  cfg.ticks = ticks;
  cfg.initial.alignment = InitialMode::nonaligned;  // the equilibrium search is set-up, not ticks
  cfg.initial.standards = InitialMode::nonaligned;
  return cfg;
}

// Child side: run one case, print "RESULT agents edges sec_per_tick sec_per_run world_bytes".
void run_case(const BenchArgs& a) {
  set_threads(a.one_threads);
  const ScenarioConfig base = load_scenario(a.scenario);
  CaseResult r;
  using Clock = std::chrono::steady_clock;
  if (a.one_case == "scenario") {
    // whole runs of the scenario world, median of `runs` repetitions
    std::vector<double> t;
    SimulateResult last;
    for (int i = 0; i < a.runs; ++i) {
      const auto t0 = Clock::now();
      last = simulate(base, base.seed + static_cast<std::uint64_t>(i));
      t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    r.sec_per_run = t[t.size() / 2];
    r.sec_per_tick = r.sec_per_run / base.ticks;
    r.agents = static_cast<std::int64_t>(base.world.countries.size());
    r.world_bytes = static_cast<double>(last.world_bytes);
    World w = make_world(base, base.seed);
    r.edges = w.w.nonZeros() / 2;
  } else {
    const std::int64_t n = std::stoll(a.one_case);
    const ScenarioConfig cfg = synthetic_config(base, n, a.ticks);
    World w = make_world(cfg, 1);
    r.agents = n;
    r.edges = w.w.nonZeros() / 2;
    r.world_bytes = static_cast<double>(world_bytes(w));
    const auto t0 = Clock::now();
    for (int t = 0; t < a.ticks; ++t) {
      step(w, cfg);
      (void)compute_metrics(w);
    }
    r.sec_per_tick = std::chrono::duration<double>(Clock::now() - t0).count() / a.ticks;
  }
  std::printf("RESULT %lld %lld %.9g %.9g %.9g\n", static_cast<long long>(r.agents), static_cast<long long>(r.edges),
              r.sec_per_tick, r.sec_per_run, r.world_bytes);
}

CaseResult spawn_case(const BenchArgs& a, const std::string& c, int threads) {
  std::vector<std::string> argv_s = {"/proc/self/exe", "bench", "--scenario", a.scenario, "--case", c,
                                     "--case-threads", std::to_string(threads), "--ticks", std::to_string(a.ticks),
                                     "--runs", std::to_string(a.runs)};
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
  is >> r.agents >> r.edges >> r.sec_per_tick >> r.sec_per_run >> r.world_bytes;
  r.maxrss_kb = ru.ru_maxrss;
  return r;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) v.push_back(item);
  return v;
}

}  // namespace

void add_bench_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* b = app.add_subcommand("bench", "Measure time per tick, agent-updates per second and memory per agent");
  b->add_option("--scenario", a->scenario, "Scenario whose world is the small case and whose powers/parameters the synthetic worlds use")
      ->default_val("baseline.yaml");
  b->add_option("--sizes", a->sizes, "Synthetic world sizes (comma-separated; mean degree 10)")->capture_default_str();
  b->add_option("--threads", a->threads, "Thread counts to compare (comma-separated)")->capture_default_str();
  b->add_option("--ticks", a->ticks, "Ticks timed per synthetic case")->capture_default_str()->check(CLI::PositiveNumber);
  b->add_option("--runs", a->runs, "Repetitions of the scenario-world run (median reported)")->capture_default_str()->check(CLI::PositiveNumber);
  b->add_option("--case", a->one_case, "(internal) run a single case in this process")->group("");
  b->add_option("--case-threads", a->one_threads, "(internal)")->group("");
  b->callback([a, exit_code] {
    if (!a->one_case.empty()) {
      run_case(*a);
      *exit_code = 0;
      return;
    }
    a->scenario = existing_scenario(a->scenario).string();
    const ScenarioConfig base = load_scenario(a->scenario);
    std::printf("BlocSim benchmark: %s; synthetic worlds: mean degree 10, D = %zu, K = %zu\n", base.name.c_str(),
                base.dimensions.size(), base.powers.size());
    // Baseline RSS of a child that loads the scenario and runs its tiny world.
    const std::vector<int> threads = [&] {
      std::vector<int> t;
      for (const auto& s : split(a->threads)) t.push_back(std::stoi(s));
      return t;
    }();
    std::printf("\n| world | agents | threads | time/tick | agent-updates/s | time/run (%d ticks) | memory/agent (peak RSS) | memory/agent (arrays) | speed-up |\n",
                base.ticks);
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    long base_rss = 0;
    for (int t : threads) {
      const CaseResult r = spawn_case(*a, "scenario", t);
      if (base_rss == 0) base_rss = r.maxrss_kb;
      std::printf("| %s | %lld | %d | %.2f µs | %.3g | %.3f ms | — | %.0f B | |\n", base.name.c_str(),
                  static_cast<long long>(r.agents), t, r.sec_per_tick * 1e6,
                  static_cast<double>(r.agents) / r.sec_per_tick, r.sec_per_run * 1e3,
                  r.world_bytes / static_cast<double>(r.agents));
      std::fflush(stdout);
    }
    for (const auto& size : split(a->sizes)) {
      double t1 = 0.0;
      for (int t : threads) {
        const CaseResult r = spawn_case(*a, size, t);
        if (t == threads.front()) t1 = r.sec_per_tick;
        const double rss_per_agent = static_cast<double>(r.maxrss_kb - base_rss) * 1024.0 / static_cast<double>(r.agents);
        const double degree = 2.0 * static_cast<double>(r.edges) / static_cast<double>(r.agents);
        std::printf("| synthetic (mean degree %.1f) | %lld | %d | %.2f ms | %.3g | — | %.0f B | %.0f B | %.2f× |\n",
                    degree, static_cast<long long>(r.agents), t, r.sec_per_tick * 1e3,
                    static_cast<double>(r.agents) / r.sec_per_tick, rss_per_agent,
                    r.world_bytes / static_cast<double>(r.agents), t1 / r.sec_per_tick);
        std::fflush(stdout);
      }
    }
    std::printf("\nagent-updates/s = agents × ticks / time (all seven phases, metrics included).\n"
                "memory/agent (peak RSS) = (peak RSS of the case − peak RSS of the small-world case) / agents;\n"
                "(arrays) = bytes held by the world's state arrays and network / agents; the network\n"
                "takes 16 bytes per undirected edge (two CSR entries of int32 index + float weight).\n");
    *exit_code = 0;
  });
}

}  // namespace blocsim::cli
