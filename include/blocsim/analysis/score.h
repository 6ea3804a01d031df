//! \file score.h
//! \brief Scoring a run against observed alignment (docs/design.md §9, issue 6).
//!
//! `blocsim score RUN_DIR OBSERVED.yaml` compares the blocs (or standards) of
//! every replicate of a run at one tick with observed country lists, and
//! prints accuracy, Cohen's κ, the adjusted Rand index, per-bloc precision and
//! recall, and a multi-class Brier score from replicate frequencies — always
//! beside naive baselines.
//!
//! Observed file format (strict; every problem is reported as
//! `file:line:col: key: message`, ConfigError):
//! @code{.yaml}
//!   what: alignment        # optional: alignment | standard (default alignment)
//!   date: 2025-07          # optional: default tick of the comparison (YYYY-MM)
//!   source: "..."          # optional free text (where the lists come from)
//!   blocs:                 # required: label → list of ISO3 codes
//!     us: [USA, GBR, JPN]
//!     cn: [CHN, RUS]
//!     nonaligned: [IND, BRA]
//! @endcode
//! Labels are the run's bloc labels (`nonaligned` and the power ids) for
//! `what: alignment`, its standards labels (`intl` and the power ids) for
//! `what: standard`. A country may appear once. Countries of the run that are
//! not listed are not scored; listed countries must exist in the run.
//!
//! Instead of `blocs:`, a binary or one-sided list (members vs the rest):
//! @code{.yaml}
//!   list:
//!     bloc: us               # the label members are forecast to hold
//!     members: [GBR, JPN]    # observed members (positives)
//!     nonmembers: [IND]      # optional: the negatives; default = every other
//!                            # country of the run (a one-sided list)
//!   exclude: [USA, CHN]      # optional, both forms: not scored (default: none for
//!                            # blocs:, the powers' home countries for list:)
//! @endcode
//! The event scored is "the country holds `bloc`" (class 1) against anything
//! else (class 0, named `other`).
//!
//! @code
//!   auto obs = blocsim::score::load_observed("observed/2025.yaml");
//!   auto rep = blocsim::score::score_run("results/baseline", obs, {});
//!   std::cout << blocsim::score::format_report(rep);
//! @endcode
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "blocsim/analysis/score_forecast.h"
#include "blocsim/engine/config.h"
#include "blocsim/io/error.h"

namespace blocsim::score {

//! An observed-alignment file after loading.
struct Observed {
  std::string path;
  std::string what;                  //!< "alignment" | "standard" | "" (not given)
  std::string date;                  //!< "YYYY-MM" or ""
  SourceLoc date_loc;
  std::string source;
  std::vector<std::string> labels;   //!< labels in file order
  std::vector<SourceLoc> label_loc;
  std::vector<std::string> iso3;     //!< one entry per listed country
  std::vector<int> label;            //!< index into `labels`
  std::vector<SourceLoc> loc;        //!< where each country is listed
  // list: form (binary / one-sided)
  bool is_list = false;              //!< true for `list:` (labels = {bloc})
  bool one_sided = false;            //!< no `nonmembers:` — the rest of the run are negatives
  std::string list_bloc;             //!< `list.bloc`
  SourceLoc list_bloc_loc;
  std::vector<std::string> exclude;  //!< `exclude:` (ISO3)
  std::vector<SourceLoc> exclude_loc;
  bool exclude_given = false;
};

//! Load and validate an observed file (syntax, keys, types, ISO3 format,
//! duplicates). Labels and countries are checked against a run in score_run.
//! @throws ConfigError with every problem found.
Observed load_observed(const std::filesystem::path& path);

// ---------------------------------------------------------------------------
// Metrics on integer labels 0..L−1 (n items)
// ---------------------------------------------------------------------------

//! Share of items with pred == obs (nan if n = 0).
double accuracy(const std::vector<int>& obs, const std::vector<int>& pred);
//! Cohen's κ = (p_o − p_e)/(1 − p_e), p_e = Σ_l (n_obs,l/n)(n_pred,l/n).
//! 1 if p_e = 1 and the labellings agree; nan if p_e = 1 and they do not.
double cohen_kappa(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels);
//! cohen_kappa of the resample {(obs[i], pred[i]) : i ∈ idx} without building
//! it: the same operations in the same order, so the same bits (bootstrap
//! intervals, issue 14).
double cohen_kappa_resampled(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels,
                             const std::vector<std::size_t>& idx);
//! Adjusted Rand index (Hubert & Arabie 1985) of the two partitions.
//! 1 when the expected and maximum index coincide (e.g. both trivial).
double adjusted_rand_index(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels);
//! Multi-class Brier score (1/n) Σ_i Σ_l (p_il − 1{obs_i = l})², in [0, 2].
double brier(const std::vector<int>& obs, const std::vector<std::vector<double>>& prob);

struct ClassScore {
  std::string label;
  int observed = 0;      //!< items observed with this label (support)
  int predicted = 0;     //!< items predicted with it
  int correct = 0;
  double precision = 0;  //!< correct / predicted (nan if none predicted)
  double recall = 0;     //!< correct / observed (nan if none observed)
};

struct Scores {
  double accuracy = 0, kappa = 0, ari = 0, brier = 0;
  double auc = 0, log_score = 0;  //!< class_auc / log_score of score_forecast.h (filled by score_run)
  std::vector<ClassScore> per_class;
};

//! Every metric: point prediction `pred`, probabilities `prob` (n × L; for a
//! deterministic predictor, one-hot) for the Brier score.
Scores score_labels(const std::vector<int>& obs, const std::vector<int>& pred,
                    const std::vector<std::vector<double>>& prob, const std::vector<std::string>& labels);

// ---------------------------------------------------------------------------
// Scoring a run folder
// ---------------------------------------------------------------------------

struct Options {
  std::optional<int> tick;        //!< tick to compare (default: --date, the file's date, else the last tick)
  std::string date;               //!< "YYYY-MM" (alternative to tick)
  std::string what;               //!< "alignment" | "standard" ("" = the file's, else alignment)
  std::filesystem::path groups;   //!< groups file for the G7/BRICS baseline ("" = from the run's scenario)
  std::filesystem::path unga;     //!< UNGA ideal points (iso3,year,axis); "" = scenarios/world/unga.csv near the run's world
  std::uint64_t seed = 1;         //!< bootstrap seed (intervals are deterministic given it)
  int bootstrap = 1000;           //!< bootstrap resamples (0 = no intervals)
  double level = 0.9;             //!< interval level
};

//! One predictor (BlocSim or a baseline) and its scores.
struct Predictor {
  std::string name;
  std::string note;
  Scores scores;
  bool available = true;  //!< false if the baseline could not be built (note says why)
  double accuracy_lo = 0, accuracy_hi = 0;  //!< per-replicate range (BlocSim only)
  std::vector<std::vector<double>> prob;    //!< n × K probabilities (empty for the per-replicate mean)
  std::vector<int> pred;                    //!< point predictions (argmax, ties → first class)
  bool compared = true;                     //!< gets a model − baseline row (baselines only)
};

//! Model (predictor 0) minus one baseline on one metric, with its bootstrap interval.
struct Comparison {
  std::string baseline, metric;
  double model = 0, base = 0, diff = 0, lo = 0, hi = 0;
};

struct Report {
  std::string run_dir, observed_path, what;
  int tick = 0;
  std::string date;
  int replicates = 0;
  int countries = 0;                 //!< countries scored
  std::vector<std::string> labels;   //!< the classes scored (run labels, or {other, bloc} for a list)
  bool binary = false;               //!< list: form
  std::vector<Predictor> predictors; //!< BlocSim modal, BlocSim per-replicate mean, baselines
  std::vector<std::string> notes;
  std::vector<std::string> iso3;     //!< scored countries, in order
  std::vector<int> truth;            //!< observed class of each
  std::vector<Comparison> comparisons;
  std::vector<ReliabilityBin> reliability;  //!< of predictor 0 (BlocSim)
  int bootstrap = 0;
  double level = 0.9;
  std::uint64_t seed = 1;
};

//! Score a run folder against observed lists.
//! @throws ConfigError for observed labels / countries the run does not have,
//!         a tick or date the run did not record, or bad options;
//!         RunError if the run folder cannot be read.
Report score_run(const std::filesystem::path& run_dir, const Observed& observed, const Options& opt);

//! Human-readable report: a summary table and per-bloc precision/recall.
std::string format_report(const Report& r);
//! Tidy CSV: predictor,metric,label,value (label empty for overall metrics).
std::string report_csv(const Report& r);
//! Write a report folder: report.txt, scores.csv (= report_csv), differences.csv,
//! reliability.csv, countries.csv (per-country forecast and miss) — the input of
//! `tools/plot score DIR`.
void write_report_dir(const Report& r, const std::filesystem::path& dir);

}  // namespace blocsim::score
