//! \file simulation.h
//! \brief Running a scenario: the tick loop, replicates and run folders.
//!
//! Two layers:
//! - `simulate()` runs one replicate in memory and reports to an observer —
//!   this is what sweeps and docking call (no files).
//! - `run_scenario()` runs R replicates and writes a run folder atomically
//!   (results/README.md).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "blocsim/engine/config.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/world.h"

namespace blocsim {

//! Metrics of one replicate: `rows[t]` holds `metric_columns()` values at tick t
//! (t = 0 is the initial state, so there are ticks + 1 rows).
struct MetricTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  //! Column index by name, or −1.
  int column(const std::string& name) const;
};

//! Called after the record phase of every tick (and once for tick 0).
//! May be empty. Runs on the thread that runs the replicate.
using TickObserver = std::function<void(const World&)>;

struct SimulateResult {
  MetricTable metrics;
  std::array<double, kTickPhases.size()> phase_seconds{};  //!< wall time per phase
  std::size_t world_bytes = 0;
  int init_iterations = 0;       //!< best-response rounds of the initial equilibrium
  bool init_converged = true;    //!< whether they reached a fixed point
  std::vector<RuleFiring> firings;  //!< reactive-rule firings, in order (events.csv)
};

//! Run one replicate of a validated scenario with `seed` (the seed is used
//! as given). Uses the calling thread's OpenMP team for per-country loops.
//! @throws RunError on an invariant violation (with BLOCSIM_CHECKS).
SimulateResult simulate(const ScenarioConfig& cfg, std::uint64_t seed,
                        const TickObserver& observer = {});

//! Advance a world by one tick: sets `w.tick += 1`, then runs the phases
//! policy … material in kTickPhases order. The record phase is
//! `compute_metrics(w)` (metrics.h), which `simulate()` calls after each step.
//! `phase_seconds` (optional, kTickPhases.size() entries) accumulates wall time.
void step(World& w, const ScenarioConfig& cfg, double* phase_seconds = nullptr);

//! Seed of replicate r of a run with root seed `root`: the root itself for
//! r = 0, `derive_seed(root, 0, r)` otherwise. So `--seed S` alone reproduces
//! replicate 0 and `--seed replicate_seed(S, r)` reproduces replicate r.
std::uint64_t replicate_seed(std::uint64_t root, int replicate) noexcept;

//! A copy of `base` (powers, parameters, calendar) on a synthetic small-world
//! network of `n` agents with mean degree `degree`: home countries, pins,
//! tier lists, security groups and timeline events (which name countries)
//! are dropped, and countries.csv is switched off. Used by `blocsim bench`
//! and the scale and determinism tests.
ScenarioConfig synthetic_variant(const ScenarioConfig& base, std::int64_t n, double degree = 10.0);

struct RunOptions {
  int replicates = 1;
  int threads = 0;                 //!< > 0: set the OpenMP thread count first; 0 = leave it
  std::filesystem::path out;       //!< run folder
  bool overwrite = false;
  //! Optional hooks for in-memory consumers (the Python module), called on the
  //! thread running replicate r: `on_countries(r, world)` for every tick that
  //! countries.csv records (so nothing when outputs.countries is off), and
  //! `on_replicate(r, result)` when the replicate has finished. They see the
  //! same values the CSV files are written from.
  std::function<void(int, const World&)> on_countries;
  std::function<void(int, const SimulateResult&)> on_replicate;
};

struct RunSummary {
  std::filesystem::path out;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> columns;
  std::vector<double> final_mean;  //!< mean over replicates of the last row
  double seconds = 0.0;
};

//! Run R replicates and write the run folder (results/README.md) atomically:
//! everything goes into a hidden temporary sibling folder that is renamed into
//! place when complete; with `overwrite`, an existing folder is replaced only
//! then. Replicates run in parallel, one thread each (parallel_for_runs), when
//! R > 1 and the world has fewer than 4 · kParallelGrain countries; otherwise
//! one after another with the phase loops parallel inside. `opt.threads` > 0
//! sets the OpenMP thread count first.
//! @throws RunError if `out` exists and `!overwrite` (checked before anything
//!         runs), if a replicate fails (the message names it), or on I/O
//!         failure; the temporary folder is removed and an existing `out` is
//!         left as it was.
RunSummary run_scenario(const ScenarioConfig& cfg, const RunOptions& opt);

}  // namespace blocsim
