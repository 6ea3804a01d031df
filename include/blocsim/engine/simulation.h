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
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "blocsim/engine/config.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/world.h"
#include "blocsim/parallel.h"

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

//! Tick-0 worlds built once and copied (issue 14). Replicates and sweep runs
//! that share the world inputs and every parameter the initial state reads
//! get a copy of one `make_world` result instead of redoing the world
//! construction and the tick-0 equilibrium; runs that share only what
//! `construct_world` reads (e.g. sweep points that differ in a power's
//! strictness or a choice weight) get a copy of one constructed world and run
//! `settle_world` (the equilibrium) themselves.
//!
//! Scope: one batch whose world *data* (country table, groups, edge lists,
//! powers' lists and strings, initial config) is fixed — the replicates of
//! one run_scenario() call, the runs of one sweep whose points set numbers
//! only (set_param; a point with a categorical value bypasses the cache), the
//! simulations of one calibration (its particles set numbers only), or the
//! seeds of one call of the Python module's simulate_seeds (`Model`).
//! The keys are then the numbers each stage reads, compared bit for bit:
//! construction — the network weights, the powers' default ties, a synthetic
//! world's size and wiring and (synthetic only) the seed; the whole tick-0
//! world — those plus every registry parameter except
//! `initial_state_independent()`, each power's default tier and
//! `initial.equilibrium_iterations`. Data worlds do not depend on the seed:
//! the equilibrium draws no random numbers and the adoption thresholds use
//! seed 0. A copy gets the run's seed and the scenario's full parameter
//! values. Thread-safe (a thread asking for a key another thread is
//! computing waits for it); at most `capacity` worlds of each kind are kept
//! (least recently used dropped); large worlds (large_world, parallel.h) are
//! never kept (they are built once per run anyway).
class WorldCache {
 public:
  explicit WorldCache(std::size_t capacity = 16) : capacity_(capacity) {}
  //! The tick-0 world of (cfg, seed): bit-identical to make_world(cfg, seed).
  World get(const ScenarioConfig& cfg, std::uint64_t seed);
  //! The same world, copy-assigned into `out` (a World reused run after run
  //! keeps its buffers: no allocations when the sizes match). Its state is
  //! exactly get(cfg, seed)'s.
  void get_into(World& out, const ScenarioConfig& cfg, std::uint64_t seed);
  //! Announces one later get(cfg, seed) / get_into (a batch announces its
  //! runs before it starts). A key's tick-0 world is then kept only while
  //! announced uses remain: its last use takes the kept world over instead of
  //! copying it, and a world built for a last use is not kept. Keys never
  //! announced are kept as before (least recently used dropped). Counts are
  //! per key hash: a collision can only keep a world longer.
  void expect(const ScenarioConfig& cfg, std::uint64_t seed);
  //! Whether the cache keeps (cfg, ·)'s worlds: not large ones (large_world:
  //! kLargeWorld countries or more), which are built for each get and never kept.
  static bool caches(const ScenarioConfig& cfg) { return !large_world(country_count(cfg)); }
  std::int64_t builds() const;         //!< tick-0 equilibria computed (settle_world calls)
  std::int64_t copies() const;         //!< worlds served from a kept tick-0 world
  std::int64_t constructions() const;  //!< construct_world calls

 private:
  struct Entry {
    std::vector<double> key;
    std::shared_ptr<World> world;  // never modified while in a list
    std::uint64_t used = 0;
  };
  // With m_ held. The entry of `key` in `list` (marked as just used), or nullptr.
  Entry* find(std::vector<Entry>& list, const std::vector<double>& key);
  void keep(std::vector<Entry>& list, const std::vector<double>& key, std::shared_ptr<World> world);
  // -1: the key was never announced; else the announced uses left after this one.
  int take_use(std::uint64_t hash);
  std::size_t capacity_;
  mutable std::mutex m_;
  std::vector<Entry> worlds_;       // tick-0 worlds
  std::vector<Entry> constructed_;  // construct_world results
  std::vector<std::vector<double>> building_;  // keys whose world a thread is computing now
  std::condition_variable built_;              // signalled when one of them is done
  std::uint64_t clock_ = 0;
  std::int64_t builds_ = 0, copies_ = 0, constructions_ = 0;
  std::unordered_map<std::uint64_t, int> expected_;  // key hash → announced uses left
};

//! Registry keys (`model.<key>`, `powers.*.<key>`) that make_world and the
//! tick-0 equilibrium never read: identity, material and record parameters,
//! the revision rates, logit intensities and inertia (the equilibrium fixes
//! them), and the powers' narrative and frontier growth. Changing one of them
//! gives the same initial state (a unit test checks each), so WorldCache
//! shares worlds across sweep points that differ only in these.
const std::vector<std::string>& initial_state_independent();

//! Run one replicate of a validated scenario with `seed` (the seed is used
//! as given). Uses the calling thread's OpenMP team for per-country loops.
//! `cache` (optional): take the tick-0 world from it (see WorldCache).
//! @throws RunError on an invariant violation (with BLOCSIM_CHECKS).
SimulateResult simulate(const ScenarioConfig& cfg, std::uint64_t seed,
                        const TickObserver& observer = {}, WorldCache* cache = nullptr);

//! One run of a simulate_batch call: its scenario, seed and observer (as
//! simulate's; the observer may be null).
struct BatchRun {
  const ScenarioConfig* cfg = nullptr;
  std::uint64_t seed = 0;
  const TickObserver* observer = nullptr;
};

//! A run's outcome in a simulate_batch call: `result` as simulate(*cfg,
//! seed, observer, cache) returns it, or the exception it throws in `error`.
struct BatchOutcome {
  SimulateResult result;
  std::exception_ptr error;
  //! ticks whose identity neighbour sums were computed together with other
  //! runs' (phase::identity_sums_batch); 0 when the run went on its own
  int batched_ticks = 0;
};

//! Up to phase::kSumsBatch runs in lockstep (issue 14, round 26): tick by
//! tick, each run's policy and courtship phases, then the identity neighbour
//! sums of all runs whose worlds share the network and ε in one pass
//! (phase::identity_sums_batch, each world's rows the same bits as its own
//! walk computes), then each run's walk, checks and record phase. Every
//! run's result is the same bits as simulate(*cfg, seed, observer, cache),
//! and its observer sees the same worlds; a run that throws (its observer
//! included) stops alone. Runs whose worlds cannot share the pass (other
//! networks or ε, D ≠ 4, worlds too large for the cache, reference paths)
//! run one after another through simulate(). Serial: call it from one thread
//! per batch (sweeps run batches in parallel). `phase_times` false: the runs
//! in lockstep leave SimulateResult::phase_seconds at 0 (no clock reads:
//! sweeps and the Python module do not report them).
std::vector<BatchOutcome> simulate_batch(std::span<const BatchRun> runs, WorldCache* cache, bool phase_times = true);

//! How many of `runs` runs one simulate_batch call should take when
//! `threads` threads share them: up to phase::kSumsBatch, fewer while a
//! larger group would leave a thread without one (5 runs on 2 threads: 2).
int lockstep_group(std::int64_t runs, int threads);

//! Issue 14 keeps the code it replaced callable: with reference paths on
//! (process-wide), run_scenario() and sweeps build every world afresh, the
//! record phase recomputes what the choice phase already had,
//! countries.csv goes through the per-field string path, and step() runs the
//! identity, choice and standards phases one after another (one walk each)
//! instead of phase::network_pass. `blocsim bench`
//! times both in one run ("today's code" ratios); tests check they write
//! the same bytes.
void set_reference_paths(bool on) noexcept;
bool reference_paths() noexcept;

//! Advance a world by one tick: sets `w.tick += 1`, then runs the phases
//! policy … material in kTickPhases order. The record phase is
//! `compute_metrics(w)` (metrics.h), which `simulate()` calls after each step
//! (through a Recorder). Identity, choice and standards run as one walk over
//! the network rows (phase::network_pass; the same bits), which also measures
//! the interoperability of the previous tick's end state; with reference
//! paths on, as three phases one after another.
//! `phase_seconds` (optional, kTickPhases.size() entries) accumulates wall time;
//! the fused walk is booked as identity's.
void step(World& w, const ScenarioConfig& cfg, double* phase_seconds = nullptr);

//! The record phase as simulate() runs it: `record(w)` after the tick-0 world
//! and after every step() appends the row of w.tick; `finish(w)` after the
//! last. Without reference paths a row's interoperability is taken from the
//! next step's network walk (which reads the standards the row describes) and
//! the last row's is measured by finish(); so a row is complete only after
//! the next record() or finish(). The rows are the same bits as
//! compute_metrics() after each step.
class Recorder {
 public:
  explicit Recorder(std::vector<std::vector<double>>& rows) : rows_(rows) {}
  void record(const World& w);
  void finish(const World& w);

 private:
  std::vector<std::vector<double>>& rows_;
  bool pending_ = false;
};

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
