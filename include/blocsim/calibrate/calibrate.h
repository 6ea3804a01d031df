//! \file calibrate.h
//! \brief Simulation-based calibration: ABC-SMC with adaptive tolerances
//! (`blocsim calibrate CALIB.yaml`, issue 12, docs/ODD.md "Calibration").
//!
//! Algorithm: adaptive population Monte Carlo ABC (APMC; Lenormand, Jabot &
//! Deffuant 2013, Comput. Stat. 28:2777), i.e. the PMC-ABC of Beaumont,
//! Cornuet, Marin & Robert (2009, Biometrika 96:983) with the tolerance of
//! each generation set to the α-quantile of the previous distances
//! (Drovandi & Pettitt 2011) and a stopping rule on the acceptance rate:
//!   - generation 0: N particles from the prior; ε₁ = α-quantile of their
//!     distances; keep the N_α = ⌊αN⌋ closest (weights 1);
//!   - generation t ≥ 1: draw N − N_α parents by weight (multinomial
//!     resampling), perturb each with a component-wise Gaussian kernel of
//!     variance 2 × the weighted variance of the kept particles (Beaumont
//!     2009), truncated to the prior support; weight
//!     w* = π(θ*) / Σ_j w_j K(θ* | θ_j) / Z_j (Z_j = kernel mass inside the
//!     support); simulate; p_acc = share of new particles with ρ < ε_t;
//!     pool kept and new, ε_{t+1} = α-quantile, keep the N_α closest;
//!   - stop when p_acc < `min_acceptance` or after `max_generations`.
//! The posterior sample is the last kept population with its weights.
//!
//! Every random draw is keyed by (seed, generation, particle, attempt) with
//! the counter-based generator, every particle's simulations run on one
//! thread, and populations are reduced in index order: the output is the same
//! bytes at any thread count. Each finished generation is written to the
//! output folder, and a rerun resumes after the last finished one.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "blocsim/engine/config.h"

namespace blocsim::calib {

enum class PriorKind { uniform, log_uniform, normal };

//! A prior over one registry parameter (any path `--set` accepts).
//! uniform: U(min, max); log_uniform: log θ ~ U(log min, log max);
//! normal: N(mean, sd²) truncated to [min, max].
struct Prior {
  std::string path;
  PriorKind kind = PriorKind::uniform;
  double min = 0.0, max = 1.0, mean = 0.0, sd = 1.0;
  SourceLoc loc;
};

//! Weights of the distance components (0 = not used). See distance_components().
struct TargetWeights {
  double brier = 0.0, log_score = 0.0, spearman = 0.0, shares = 0.0, change = 0.0;
  int change_from = 0, change_to = 0;  //!< years of the change target
};

//! Synthetic observations from the model itself (parameter-recovery tests).
struct SyntheticSpec {
  std::vector<std::pair<std::string, double>> set;  //!< true parameter values
  std::uint64_t seed = 1;
  int replicates = 1;
};

struct CalibSpec {
  std::string name, description;
  std::filesystem::path file;       //!< the calibration YAML
  std::filesystem::path scenario;   //!< resolved against `file`
  std::vector<std::string> scenario_set;  //!< fixed overrides applied to the scenario
  // observations
  std::filesystem::path observed;   //!< long CSV iso3,year,<column>; empty if synthetic
  std::string column = "axis";
  std::optional<SyntheticSpec> synthetic;
  // classes from the axis
  std::string low = "cn", high = "us";  //!< bloc ids at axis 0 and axis 1
  double cut_low = 0.05, cut_high = 0.35; //!< axis ≤ cut_low → low; ≥ cut_high → high; else nonaligned
  // comparison
  std::vector<int> years;           //!< calibration years
  std::vector<int> validate_years;  //!< held-out years (scored, never fitted)
  int month = 10;                   //!< model state at <year>-<month>
  std::vector<std::string> exclude; //!< countries not scored (default: the powers' homes)
  bool exclude_given = false;
  std::vector<Prior> priors;
  TargetWeights targets;
  // algorithm
  int particles = 200;
  double alpha = 0.5;
  double min_acceptance = 0.05;
  int max_generations = 12;
  int replicates = 4;               //!< simulations per particle
  int predictive = 100;             //!< posterior-predictive draws
  std::uint64_t seed = 1;
  std::string source_text;          //!< the YAML bytes
};

//! Parse and validate a calibration file (structure, priors against the
//! scenario's registry paths, years against the scenario calendar).
//! @throws ConfigError with every problem, `file:line:col: key.path: message`.
CalibSpec load_calibration(const std::filesystem::path& path);

//! "11 parameters, 4 calibration years, 3 held-out": what a checked
//! calibration file holds (`calibrate --check`, `validate`).
std::string check_summary(const CalibSpec& spec);

//! Observations for the comparison: per year, the countries and their axis.
struct ObservedYear {
  int year = 0;
  int tick = 0;
  std::vector<std::int32_t> country;  //!< index into the scenario's countries
  std::vector<double> axis;
  std::vector<int> cls;               //!< 0 = nonaligned, 1 = low bloc, 2 = high bloc
};

//! Per-country model output at the comparison ticks of one parameter vector:
//! counts[y][i][c] = replicates with country i of year y in class c.
using Counts = std::vector<std::vector<std::array<int, 3>>>;

//! The discrepancies of one year (all are ≥ 0, 0 = perfect):
//!   brier     = (1/n) Σ_i Σ_c (p_ic − o_ic)²               (p = counts / R)
//!   log_score = −(1/n) Σ_i log p̃_{i,obs},  p̃ = (count + ½)/(R + 3/2)
//!   spearman  = 1 − ρ_S(p_i,high − p_i,low, axis_i)       (average ranks for ties)
//!   shares    = Σ_c |(1/n) Σ_i p_ic − (1/n) Σ_i o_ic|
struct YearScores {
  double brier = 0, log_score = 0, spearman = 0, shares = 0;
};
YearScores year_scores(const ObservedYear& obs, const std::vector<std::array<int, 3>>& counts, int replicates);

//! change = Σ_c |Δshare_model_c − Δshare_obs_c| between the years `from` and `to`.
double change_score(const ObservedYear& a, const std::vector<std::array<int, 3>>& ca, const ObservedYear& b,
                    const std::vector<std::array<int, 3>>& cb, int replicates);

//! Spearman rank correlation (average ranks for ties); NaN if either side is constant.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

struct CalibOptions {
  std::filesystem::path out;  //!< default results/calibrations/<name>
  int threads = 0;
  bool fresh = false;         //!< discard earlier generations in `out`
  bool quiet = false;
  bool fast = false;          //!< CI variant: particles ≤ 40, ≤ 3 generations, replicates ≤ 2, predictive ≤ 10
  //! Distribution over processes — MPI ranks (sim/mpi/calibrate_mpi.cpp) or
  //! shards (`--shard rank/size`, separate processes sharing a file system):
  //! this process simulates the particles (and predictive draws) i with
  //! i % size == rank; `allreduce` sums a buffer element-wise over all
  //! processes in place (each entry is owned by one process, the others add
  //! exact zeros), so every process continues with the same populations and
  //! the output is the same bytes at any `size`. Only rank 0 writes the result
  //! folder. The key names the exchange ("checked", "setup", "gen_NNN",
  //! "predictive"); its contents are a deterministic function of the
  //! calibration and the key. Without `allreduce` and with size > 1, the
  //! processes exchange files in `<out>.shards/` (shard_exchange.cpp).
  int rank = 0, size = 1;
  std::function<void(std::vector<double>&, const std::string& key)> allreduce;
  double shard_timeout = 86400;  //!< seconds a shard waits for the others' exchange files
};

struct GenerationInfo {
  int generation = 0;
  double epsilon = 0;        //!< tolerance after this generation (max kept distance)
  double acceptance = 1;     //!< p_acc (1 for generation 0)
  double ess = 0;            //!< (Σw)² / Σw² of the kept population
  std::int64_t simulations = 0;
  double seconds = 0;
};

struct CalibOutcome {
  std::filesystem::path out;
  std::vector<GenerationInfo> generations;
  int resumed_from = -1;     //!< last generation read back from disk (−1 = none)
  std::vector<std::string> params;
  std::vector<double> median, q05, q95;
  double seconds = 0;
  //! This process's tick-0 worlds (issue 14; not written to the folder: the
  //! counts depend on the thread schedule, the results do not): world
  //! constructions, tick-0 equilibria computed, and worlds served as copies
  //! of a kept one. Every simulation is one equilibrium or one copy.
  std::int64_t world_constructions = 0, world_equilibria = 0, world_copies = 0;
};

//! Run (or resume) a calibration; writes the result folder
//! (docs/ODD.md "Calibration", results/README.md).
CalibOutcome run_calibration(const CalibSpec& spec, const CalibOptions& opt);

//! Apply `--fast` limits to a spec.
void apply_fast(CalibSpec& spec);

}  // namespace blocsim::calib
