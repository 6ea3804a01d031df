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
// with the instruction floor. The load average is printed before and after
// (--wait-idle first waits for it to fall below a limit).
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

namespace blocsim::cli {

using namespace bench_detail;

void add_bench_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<BenchArgs>();
  CLI::App* b = app.add_subcommand("bench", "Measure speed against this machine's limits and today's reference code, and memory per agent");
  b->add_option("--scenario", a->scenario, "Scenario whose world is the small case and whose powers/parameters the synthetic worlds use")
      ->default_val("baseline.yaml");
  b->add_option("--sizes", a->sizes, "Synthetic world sizes (comma-separated; mean degree 10)")->capture_default_str();
  b->add_option("--rewire", a->rewire,
                "Rewiring probability of the synthetic worlds (Watts–Strogatz; 0 = a ring: no far neighbours, so the walk's "
                "random reads drop out of the time)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
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
  b->add_option("--wait-idle", a->wait_idle,
                "Before measuring, wait until the 1-minute load average is below LOAD (read once a second): issue 14's "
                "two-thread target is measured on an idle machine")
      ->option_text("LOAD")
      ->check(CLI::PositiveNumber);
  b->add_option("--wait-idle-timeout", a->wait_idle_timeout, "Seconds --wait-idle waits at most; then the bench measures anyway and says so")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
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
    if (a->wait_idle >= 0.0) wait_for_idle(a->wait_idle, a->wait_idle_timeout);
    const double load0 = load_average();
    std::printf("BlocSim benchmark: %s; synthetic worlds: mean degree 10, rewiring %s, D = %zu, K = %zu\n", base.name.c_str(),
                format_number(a->rewire).c_str(), base.dimensions.size(), base.powers.size());
    std::printf("load average (1 min) at start: %s on %d hardware threads%s\n", format_load(load0).c_str(),
                static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)),
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
    // synthetic worlds: the distance from the memory floor, split into the
    // tick's own work (a world of the same kind that fits the last-level
    // cache) and what the memory system adds (this world against it). The
    // cache-resident world runs on one thread: it is smaller than one block
    // of rows (kParallelGrain), so more threads would not share it; a row
    // at t threads is compared with its time per agent-update / t.
    const std::vector<std::string> sizes = split(a->sizes);
    double cache_sec = 0.0;  // seconds per agent-update, cache-resident world, one thread
    std::int64_t n_cache = 0;
    int cache_ticks = a->ticks;
    const std::int64_t llc = last_level_cache_bytes();
    double cache_world_bytes = 0.0;
    if (!sizes.empty()) {
      n_cache = a->quick ? 2000 : cache_resident_agents(base, a->rewire, llc);
      BenchArgs ca = *a;
      if (!a->quick) cache_ticks = ca.ticks = std::max<int>(a->ticks, static_cast<int>(1000000 / n_cache));  // ~10⁶ agent-updates
      std::vector<double> per_agent;  // median of 3 processes: one takes ~0.1 s and this VM's times move by 20–40 %
      for (int rep = 0; rep < 3; ++rep) {
        const CaseResult r = spawn_case(ca, std::to_string(n_cache), 1);
        per_agent.push_back(r.sec_per_tick / static_cast<double>(r.agents));
        cache_world_bytes = r.world_bytes;
      }
      cache_sec = median(per_agent);
    }
    std::printf("\n## Synthetic worlds (%d ticks)\n\n| agents | threads | time/tick | CPU time/tick | agent-updates/s | memory floor/tick | × floor | "
                "time/agent-update | × cache-resident | cache-resident × floor | "
                "arithmetic floor/tick | × floor | speed-up vs %d thread | speed-up vs %d thread (interleaved) | reference time/tick | "
                "speed-up vs reference | speed-up vs reference (interleaved, CPU time) | "
                "memory/agent (peak RSS) | memory/agent (arrays) |\n"
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", a->ticks,
                threads.front(), threads.front());
    for (const auto& size : sizes) {
      double t1 = 0.0;
      for (std::size_t ti = 0; ti < threads.size(); ++ti) {
        const int t = threads[ti];
        const CaseResult r = spawn_case(*a, size, t);
        const CaseResult ref = spawn_case(*a, size, t, true);
        const CaseResult ab = spawn_case(*a, "ab:" + size, t);
        // the same two thread counts tick by tick in one process (median of per-tick ratios)
        const double t_inter =
            ti == 0 ? 1.0 : spawn_case(*a, "threads:" + size + ":" + std::to_string(threads.front()), t).sec_per_run;
        if (ti == 0) t1 = r.sec_per_tick;
        const double rss_per_agent = static_cast<double>(r.maxrss_kb - base_rss) * 1024.0 / static_cast<double>(r.agents);
        const double mem_floor = r.bytes_per_tick / bandwidth[ti];
        const double ops_floor = r.ops_per_tick / (peak * t);
        const double per_agent = r.sec_per_tick / static_cast<double>(r.agents);
        std::printf("| %lld | %d | %.2f ms | %.2f ms | %.3g | %.2f ms (%.0f B/agent) | %.1f× | %.1f ns | %.2f× | %.1f× | %.2f ms | %.1f× | %.2f× | %.2f× | %.2f ms | %.2f× | %.2f× | %.0f B | %.0f B |\n",
                    static_cast<long long>(r.agents), t, r.sec_per_tick * 1e3, r.cpu_per_tick * 1e3,
                    static_cast<double>(r.agents) / r.sec_per_tick, mem_floor * 1e3,
                    r.bytes_per_tick / static_cast<double>(r.agents), r.sec_per_tick / mem_floor, per_agent * 1e9,
                    per_agent / (cache_sec / t), cache_sec / t * static_cast<double>(r.agents) / mem_floor, ops_floor * 1e3,
                    r.sec_per_tick / ops_floor, t1 / r.sec_per_tick, t_inter, ref.sec_per_tick * 1e3, ref.sec_per_tick / r.sec_per_tick,
                    ab.sec_per_run / ab.sec_per_tick, rss_per_agent, r.world_bytes / static_cast<double>(r.agents));
        std::fflush(stdout);
      }
    }
    if (!sizes.empty()) {
      std::printf("\nCache-resident world: %lld agents (%.1f MB of arrays; last-level cache %s), %d ticks on 1 thread (median of 3): %.1f ns per\n"
                  "agent-update; at t threads it counts as 1/t of that (perfect scaling). × floor (memory) = cache-resident × floor (the\n"
                  "tick's own work: its distance from the floor with no wait on memory) × (× cache-resident: what the memory system,\n"
                  "and at t > 1 threads any loss of scaling, add at this size).\n",
                  static_cast<long long>(n_cache), cache_world_bytes / 1e6,
                  llc > 0 ? (std::to_string(llc >> 20) + " MB, a sixteenth of it").c_str() : "unknown", cache_ticks, cache_sec * 1e9);
    }
    std::printf("\nload average (1 min) at end: %s\n", format_load(load_average()).c_str());
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
                "reference and the current paths tick by tick in alternation (both see the same load) and checks equal metrics;\n"
                "\"speed-up vs %d thread (interleaved)\": one process advances two copies of the world, one on %d thread(s) and\n"
                "one on the row's count, tick by tick in alternation (at least 9 ticks), checks equal metrics and reports the\n"
                "median over ticks of the two ticks' wall-time ratio.\n", threads.front(), threads.front());
    *exit_code = 0;
  });
}

}  // namespace blocsim::cli

