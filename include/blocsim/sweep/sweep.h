//! \file sweep.h
//! \brief Parameter sweeps: sweep files, designs, seeds, shards, resumable
//! execution and the `blocsim-sweep` result folder (results/README.md).
//!
//! Layers, from pure to effectful:
//! - designs on the unit cube (`grid_design`, `lhs_design`, `SobolSequence`,
//!   `saltelli_design`) and the Sobol/Saltelli estimator (`sobol_indices`);
//! - streaming statistics (`Welford`, `quantile_sorted`);
//! - a sweep file (`SweepSpec`, sweep_yaml.cpp) expanded into a run list
//!   (`SweepPlan`): run r is replicate `r % R` of point `r / R`;
//! - execution (`SweepRunner`): one run = copy of the base scenario + set_param
//!   overrides + simulate(); finished runs are appended to a checksummed
//!   manifest, final outputs are written when every run is accounted for.
//!
//! @code
//!   auto setup = blocsim::load_sweep("scenarios/sweeps/strictness_openness.yaml");
//!   blocsim::SweepOptions opt;  opt.out = "results/sweeps/x";
//!   blocsim::SweepOutcome res = blocsim::run_sweep(setup, opt);
//! @endcode
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "blocsim/engine/config.h"

namespace blocsim {

struct MetricTable;

// ---------------------------------------------------------------------------
// Sweep file
// ---------------------------------------------------------------------------

enum class Design { grid, lhs, saltelli, table };
enum class SeedPolicy { common, independent };
enum class SummaryKind { final, mean, tick };

std::string_view design_name(Design d);
std::string_view seed_policy_name(SeedPolicy p);

//! One varied parameter: explicit `values`, or a range `[min, max]`
//! (grid: `steps` equally spaced levels, ends included).
struct SweepParameter {
  std::string path;             //!< key path as for `--set`
  std::vector<double> values;   //!< explicit levels (grid only)
  //! Categorical levels (grid `values:` holding names, e.g. [need, swing] for
  //! `powers.us.capacity_building.targeting`): set by name like `--set`.
  std::vector<std::string> labels;
  std::optional<double> min, max;
  int steps = 0;
  SourceLoc loc;
};

struct SummarySpec {
  SummaryKind kind = SummaryKind::final;
  int tick = 0;  //!< for SummaryKind::tick
};

struct SweepSpec {
  std::string name;
  std::string description;
  std::filesystem::path file;      //!< the sweep YAML
  std::filesystem::path scenario;  //!< base scenario (resolved against `file`)
  std::vector<SweepParameter> parameters;
  Design design = Design::grid;
  std::int64_t samples = 0;        //!< lhs: points; saltelli: base N
  std::filesystem::path table;     //!< design: table (resolved against `file`)
  int replicates = 1;
  std::uint64_t seed = 1;          //!< root seed
  SeedPolicy seed_policy = SeedPolicy::common;
  std::vector<std::string> metrics;      //!< timeseries column names
  std::vector<SummarySpec> summaries;    //!< default {final}
  bool timeseries = false;               //!< write consolidated per-run series
  std::optional<int> ticks;              //!< override of the scenario's ticks
  std::map<std::string, SourceLoc> locs; //!< key path → position (diagnostics)
  //! Numeric key paths of the base scenario (filled by load_sweep): a table
  //! column with one of these keys must hold numbers; other columns may hold
  //! names (categorical keys).
  std::vector<std::string> numeric_paths;
};

// ---------------------------------------------------------------------------
// Designs on the unit cube [0,1)^k (rows = points)
// ---------------------------------------------------------------------------

using DesignMatrix = std::vector<std::vector<double>>;

//! Cartesian product of `levels` (first parameter varies slowest).
DesignMatrix grid_design(const std::vector<std::vector<double>>& levels);

//! Latin hypercube of n points in `dims` dimensions: in every dimension each
//! of the n strata [j/n, (j+1)/n) holds exactly one point (jittered inside).
//! Deterministic in `seed`.
DesignMatrix lhs_design(std::int64_t n, int dims, std::uint64_t seed);

//! Sobol low-discrepancy sequence: boost::random::sobol_engine at 32 bits with
//! Boost's Joe & Kuo (2008) direction numbers (new-joe-kuo-6.21201),
//! unscrambled, up to `kMaxDims` = 3,667 dimensions. Point i here is the
//! point with Gray-code index i, i = 0 being the origin (which Boost's own
//! stream skips: its first vector is point 1). Not thread-safe: each thread
//! needs its own sequence.
class SobolSequence {
 public:
  static constexpr int kMaxDims = 3667;
  explicit SobolSequence(int dims);
  ~SobolSequence();
  SobolSequence(SobolSequence&&) noexcept;
  SobolSequence& operator=(SobolSequence&&) noexcept;
  int dims() const noexcept { return dims_; }
  //! Point with index i (0 ≤ i < 2^32; i = 0 is the origin); moves the stream
  //! so that next() continues with point i + 1.
  std::vector<double> point(std::uint64_t i);
  //! The next point of the stream (point 1 first on a new sequence).
  std::vector<double> next();

 private:
  struct Engine;
  int dims_;
  std::unique_ptr<Engine> engine_;
};

//! Saltelli (2010) design for first-order and total indices: base matrices
//! A, B from a 2k-dimensional Sobol sequence (points 1..n), then per base
//! sample j the rows A_j, AB_j^(1), …, AB_j^(k), B_j — n·(k+2) rows.
DesignMatrix saltelli_design(std::int64_t n, int k);

struct SobolIndices {
  std::vector<double> S1, S1_lo, S1_hi, ST, ST_lo, ST_hi;  //!< one per parameter
};

//! First-order (Saltelli 2010) and total (Jansen 1999) indices from model
//! outputs `y` in saltelli_design row order (n·(k+2) values). Base samples
//! with a NaN output are dropped. Confidence bounds are bootstrap percentile
//! intervals over `bootstrap` resamples of the base samples (deterministic
//! in `seed`); `bootstrap = 0` sets them to NaN.
SobolIndices sobol_indices(std::span<const double> y, std::int64_t n, int k,
                           int bootstrap = 1000, std::uint64_t seed = 1,
                           double confidence = 0.95);

// ---------------------------------------------------------------------------
// Streaming statistics
// ---------------------------------------------------------------------------

//! Welford's one-pass mean and variance.
class Welford {
 public:
  void add(double x) noexcept;
  std::int64_t count() const noexcept { return n_; }
  double mean() const noexcept;      //!< NaN if empty
  double variance() const noexcept;  //!< sample variance (n − 1); NaN if n < 2
  double sd() const noexcept;

 private:
  std::int64_t n_ = 0;
  double mean_ = 0.0, m2_ = 0.0;
};

//! Quantile p of sorted values, linear interpolation (Hyndman–Fan type 7,
//! numpy's default). NaN if empty.
double quantile_sorted(const std::vector<double>& sorted, double p);

// ---------------------------------------------------------------------------
// Plan: the ordered run list
// ---------------------------------------------------------------------------

struct SweepPlan {
  std::vector<std::string> params;   //!< parameter key paths (columns)
  std::vector<double> values;        //!< points × params, row-major
  std::int64_t points = 0;
  int replicates = 1;
  std::uint64_t root_seed = 1;
  SeedPolicy seed_policy = SeedPolicy::common;

  std::int64_t runs() const noexcept { return points * replicates; }
  std::int64_t point_of(std::int64_t run) const noexcept { return run / replicates; }
  int replicate_of(std::int64_t run) const noexcept { return static_cast<int>(run % replicates); }
  double value(std::int64_t point, std::size_t param) const noexcept {
    return values[static_cast<std::size_t>(point) * params.size() + param];
  }
  //! Categorical parameters: `labels[param]` holds the level names and the
  //! value is the level index; empty (or missing) for numeric parameters.
  std::vector<std::vector<std::string>> labels;
  bool categorical(std::size_t param) const noexcept { return param < labels.size() && !labels[param].empty(); }
  //! The value as written to plan.csv / runs.csv: the name, or the number.
  std::string value_text(std::int64_t point, std::size_t param) const;
  //! common: derive_seed(root, 0, rep); independent: derive_seed(root, point, rep).
  std::uint64_t seed_of(std::int64_t run) const noexcept;
};

//! Expand a sweep file into its plan (reads the design table if any).
//! @throws ConfigError (table problems, located in the table file).
SweepPlan expand(const SweepSpec& spec);

//! plan.csv content for runs [0, runs): `run,point,replicate,seed,<param>...`.
void write_plan_csv(const SweepPlan& plan, std::ostream& os);

//! Summary column names: `<metric>_final`, `<metric>_mean`, `<metric>_t<tick>`.
std::vector<std::string> summary_columns(const SweepSpec& spec);

//! Summaries of one run's metric table in `summary_columns` order.
//! @throws RunError if a metric is missing from the table.
std::vector<double> summarise(const MetricTable& table, const SweepSpec& spec);


// ---------------------------------------------------------------------------
// Shards
// ---------------------------------------------------------------------------

struct Shard {
  int index = 0;
  int count = 1;
  //! Run r belongs to shard (r mod count) — interleaved, so expensive regions
  //! of the design are spread over all shards.
  bool contains(std::int64_t run) const noexcept { return run % count == index; }
  std::string tag() const;  //!< "shard-<i>-of-<n>"
};

//! Parse "i/n" (0 ≤ i < n). @throws ConfigError.
Shard parse_shard(std::string_view text);

// ---------------------------------------------------------------------------
// Loading and running
// ---------------------------------------------------------------------------

//! A validated sweep: the file, its base scenario (loaded once, `ticks`
//! applied) and the expanded plan.
struct SweepSetup {
  SweepSpec spec;
  ScenarioConfig base;
  SweepPlan plan;
  std::string source_text;  //!< the sweep YAML bytes (copied into the folder)
};

//! Read and validate a sweep file (sweep_yaml.cpp), load its base scenario,
//! check every parameter path, range and metric, and expand the plan.
//! @throws ConfigError with every problem, `file:line:col: key.path: message`.
SweepSetup load_sweep(const std::filesystem::path& path);

//! Parse and validate only the sweep file's own structure (no scenario); the
//! bytes read are returned in `text` when given (the file is read once).
//! @throws ConfigError.
SweepSpec parse_sweep_file(const std::filesystem::path& path, std::string* text = nullptr);

struct SweepOptions {
  std::filesystem::path out;  //!< default results/sweeps/<name>
  int jobs = 0;               //!< threads (0 = OpenMP default)
  Shard shard;
  bool fresh = false;         //!< discard this shard's earlier progress
  bool overwrite = false;     //!< replace a complete or different sweep folder
  bool quiet = false;
  std::int64_t limit = -1;    //!< run at most this many runs (benchmarks, tests)
  //! Re-execute this shard's runs that are recorded only as failed (a later
  //! `ok` record supersedes a `failed` one when results are merged). Works on
  //! a folder already finalised with failed runs: it is reopened, and the
  //! final outputs are rewritten by the merge (byte-identical to a sweep
  //! that never failed, when the reruns succeed).
  bool retry_failed = false;
};

struct SweepOutcome {
  std::filesystem::path out;
  std::int64_t runs = 0;       //!< runs in the plan
  std::int64_t executed = 0;   //!< runs executed by this invocation
  std::int64_t skipped = 0;    //!< runs already in the manifest (this shard)
  std::int64_t failed = 0;     //!< failed runs in the final result (if complete)
  bool complete = false;       //!< final outputs were written
  double seconds = 0.0;        //!< wall time of the executed runs
};

//! Result of one run, already formatted (so it can be shipped between ranks).
struct RunRecord {
  std::int64_t run = 0;
  bool failed = false;
  std::string row;  //!< runs.csv row without newline
  std::string ts;   //!< timeseries.csv rows (with newlines), may be empty
};

//! Executes runs of a plan into a sweep folder. Used by run_sweep and by the
//! MPI driver (workers call only `execute`; the writer calls the rest).
class SweepRunner {
 public:
  //! `writer`: prepare the folder, read the manifests, lock this shard's manifest.
  SweepRunner(const SweepSetup& setup, const SweepOptions& opt, bool writer);
  ~SweepRunner();
  SweepRunner(const SweepRunner&) = delete;
  SweepRunner& operator=(const SweepRunner&) = delete;

  //! Runs of this shard not yet in any manifest, ascending (writer only).
  const std::vector<std::int64_t>& todo() const noexcept;
  std::int64_t skipped() const noexcept;
  //! Execute one run (thread-safe; slot = thread index < max threads).
  RunRecord execute(std::int64_t run, int slot) const;
  //! Execute up to phase::kSumsBatch runs on this thread in lockstep
  //! (simulate_batch; thread-safe, slot as for execute): the same records as
  //! executing each alone.
  std::vector<RunRecord> execute_group(std::span<const std::int64_t> runs, int slot) const;
  //! Execute runs in parallel (OpenMP over groups of phase::kSumsBatch runs,
  //! each group in lockstep on one thread).
  std::vector<RunRecord> execute_batch(std::span<const std::int64_t> runs,
                                       const std::function<void(std::int64_t)>& tick = {}) const;
  //! Append records to the manifest (and time series part), flush and fsync.
  void record(const std::vector<RunRecord>& records);
  //! Execute `runs` (writer only) in lockstep groups dealt to the threads one
  //! at a time, and append their records to the manifest in the order given,
  //! each as soon as every earlier run has finished (written at most every
  //! kRecordEvery, and at the end): no thread waits for others at a batch's
  //! end. `done(record)` is called once per run, in order, under a lock. A
  //! failed write stops the runs not yet started and is rethrown.
  void execute_and_record(std::span<const std::int64_t> runs, const std::function<void(const RunRecord&)>& done = {});
  //! How often execute_and_record writes the finished prefix (a crash loses
  //! at most the runs in flight and this much work).
  static constexpr std::chrono::milliseconds kRecordEvery{100};
  //! If every run of the plan is in some manifest of the folder, write the
  //! final outputs and return true.
  bool finalize_if_complete(bool remove_parts, std::int64_t* failed = nullptr);
  const std::filesystem::path& out() const noexcept;

 private:
  //! body(group, lo, slot) for each lockstep group of `runs` — consecutive
  //! runs, up to lockstep_group(runs, threads) of them, `lo` the index of the
  //! first — dealt to the threads one at a time (in order on one thread when
  //! the runs are serial). The one grouping execute_batch and
  //! execute_and_record share.
  void each_group(std::span<const std::int64_t> runs,
                  const std::function<void(std::span<const std::int64_t>, std::int64_t, int)>& body) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! Run (or resume) a sweep in this process. Finalises when the plan is
//! complete and the shard is the whole run list.
SweepOutcome run_sweep(const SweepSetup& setup, const SweepOptions& opt);

//! Combine sweep folders (shards written to one or several folders) into
//! `out` (may be one of `dirs`). Final outputs are byte-identical to a
//! single-process sweep. @throws RunError if runs are missing or plans differ.
SweepOutcome merge_sweeps(const std::vector<std::filesystem::path>& dirs,
                          const std::filesystem::path& out);

//! sobol.csv of a complete Saltelli sweep folder; returns the printed table.
//! @throws RunError / ConfigError.
std::string sweep_sobol(const std::filesystem::path& dir, int bootstrap, std::uint64_t seed);

//! Progress of one shard of a sweep folder (`blocsim sweep status`).
struct ShardStatus {
  Shard shard;
  bool has_manifest = false;
  std::int64_t runs = 0;     //!< runs in this shard
  std::int64_t ok = 0;       //!< with an `ok` record (in any manifest of the folder)
  std::int64_t failed = 0;   //!< recorded, but only as failed
  std::int64_t missing = 0;  //!< no record at all
};

struct SweepStatus {
  std::filesystem::path dir;
  std::string name, sweep_file, plan_hash;
  std::int64_t runs = 0, ok = 0, failed = 0, missing = 0;
  bool finalized = false;                    //!< metadata.yaml says complete
  std::vector<ShardStatus> shards;           //!< per shard of the split found in the manifests
  std::vector<std::int64_t> failed_runs;     //!< ascending
  std::vector<std::string> failed_errors;    //!< error of each failed run (same order)
  //! Shard indices with failed or missing runs (what to resubmit).
  std::vector<int> shards_to_rerun() const;
  //! The report `blocsim sweep status` prints.
  std::string report() const;
};

//! Read the manifests of a sweep folder: done / failed / missing per shard.
//! @throws RunError if `dir` is not a sweep folder.
SweepStatus sweep_status(const std::filesystem::path& dir);

//! Test hook for fault-injection tests: if $BLOCSIM_FAIL_RUNS holds a comma-
//! separated list of run indices, those runs fail with an "injected failure"
//! error instead of running. Never set it outside tests.
bool injected_failure(std::int64_t run);

//! Default output folder of a sweep: results/sweeps/<name>.
std::filesystem::path default_sweep_out(const SweepSpec& spec);

}  // namespace blocsim
