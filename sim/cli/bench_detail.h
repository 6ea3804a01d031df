// Shared pieces of `blocsim bench` (sim/cli/bench*.cpp): the arguments, one
// case's result, and the functions each part calls in another.
//   bench_cases.cpp   — floors, machine limits, the child-process cases
//   bench_against.cpp — other executables side by side (--against), valgrind counts
//   bench.cpp         — the command and its tables
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "blocsim/engine/simulation.h"

namespace blocsim::cli::bench_detail {

struct BenchArgs {
  std::string scenario;
  std::string sizes = "10000,100000,1000000";
  double rewire = 0.1;  // the synthetic worlds' rewiring probability (0: a ring, no far neighbours)
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
  std::string instr_ticks;           // T1,T2 of the instruction count ("" = 10,30; --quick 1,3)
  double wait_idle = -1.0;           // --wait-idle: the load average to wait for (< 0: do not wait)
  double wait_idle_timeout = 900.0;  // seconds --wait-idle waits at most
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

// bench_cases.cpp
double tick_ops(const World& w);
double tick_bytes(const World& w);
double cpu_seconds();
double load_average();  //!< the 1-minute load average (/proc/loadavg; BLOCSIM_LOADAVG_FILE for tests), −1 if unknown
std::string format_load(double load);  //!< "0.42", or "unknown" for a negative (unreadable) load average
//! Waits until load_average() < limit, reading it once a second for at most
//! `timeout` seconds, and prints what it did (the bench then measures either way).
void wait_for_idle(double limit, double timeout);
std::int64_t last_level_cache_bytes();
std::int64_t cache_resident_agents(const ScenarioConfig& base, double rewire, std::int64_t llc_bytes);
std::vector<std::string> split(const std::string& s);
double median(std::vector<double> v);  //!< of a non-empty list (the mean of the middle two for an even count)
void run_case(const BenchArgs& a);
CaseResult spawn_case(const BenchArgs& a, const std::string& c, int threads, bool reference = false);

// bench_against.cpp
std::string check_against(const std::string& path);
std::pair<int, int> instruction_ticks(const BenchArgs& a);
void against_section(const BenchArgs& a, const std::string& against_version, int threads);
void instruction_section(const BenchArgs& a, const std::string& against_version);

}  // namespace blocsim::cli::bench_detail
