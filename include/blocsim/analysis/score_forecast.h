//! \file score_forecast.h
//! \brief Scoring probabilistic class forecasts against observed classes, and
//! bootstrap intervals on differences between forecasters — the one piece
//! shared by `blocsim score` (sim/analysis/score*.cpp) and the held-out
//! validation of `blocsim calibrate` (validation.csv).
//!
//! A forecast gives, for n items (countries or country-years), a probability
//! vector p_i over K classes; observations are class indices obs_i ∈ [0, K).
//! Formulas (docs/validation.md §2, docs/ODD.md §10):
//!   - Brier (per item)  b_i = Σ_c (p_ic − 1{obs_i = c})²            ∈ [0, 2]
//!   - log score          ℓ_i = −ln max(p_{i,obs_i}, 0.01)            ∈ [0, 4.61]
//!     (the floor keeps one-hot baselines and few replicates finite; it is the
//!     same for every forecaster, so differences stay fair)
//!   - hit                h_i = 1{argmax_c p_ic = obs_i} (ties → lowest c)
//!   - AUC (K = 2): Mann–Whitney probability that a random positive (class 1)
//!     item gets a higher p_i1 than a random negative one, ties counting ½;
//!     K > 2: the mean of the one-vs-rest AUCs of the classes that have both
//!     positives and negatives (macro average).
//!   - reliability table: forecast probabilities in equal-width bins on [0, 1]
//!     (per bin: mean forecast, observed frequency, count); for K = 2 only the
//!     class-1 probabilities, for K > 2 every (item, class) pair pooled.
//! Bootstrap: B resamples of the n items with replacement, resample b drawn
//! from the counter-based generator keyed (seed, key, b, stream) — so an
//! interval is a deterministic function of the seed; the interval of a
//! difference is the percentile interval of the B resampled differences.
#pragma once

#include <cstddef>
#include <cstdint>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace blocsim::score {

using Probs = std::vector<std::vector<double>>;  //!< n × K class probabilities

inline constexpr double kLogFloor = 0.01;

//! Index of the largest probability (ties → the lowest index).
int argmax(const std::vector<double>& p);

//! Per-item Brier, log score and hit (see the file comment).
struct ItemScores {
  std::vector<double> brier, log_score, hit;
};
ItemScores item_scores(const std::vector<int>& obs, const Probs& prob);

//! Mean log score −(1/n) Σ ln max(p_obs, 0.01) (NaN if n = 0).
double log_score(const std::vector<int>& obs, const Probs& prob);

//! Binary AUC of `score` for `positive` items (Mann–Whitney, ties ½);
//! NaN if there are no positives or no negatives.
double auc(const std::vector<double>& score, const std::vector<char>& positive);
//! AUC of a K-class forecast: K = 2 → AUC of p_i1; K > 2 → macro one-vs-rest.
double class_auc(const std::vector<int>& obs, const Probs& prob);

//! class_auc of bootstrap resamples of one forecast without sorting each
//! resample (issue 14): the items are ranked once per class, and a resample's
//! AUC walks those ranks with the resample's multiplicities. It makes the
//! additions class_auc of the resampled vectors makes, in the same order —
//! each tie group's average rank once per positive copy, groups in ascending
//! order — so the result has the same bits (tests/test_score.cpp compares
//! them on random forecasts with ties). With a NaN probability it calls
//! class_auc on the resampled vectors.
class ResampledAuc {
 public:
  ResampledAuc(const std::vector<int>& obs, const Probs& prob);
  //! == class_auc({obs[i] : i ∈ idx}, {prob[i] : i ∈ idx}).
  double operator()(const std::vector<std::size_t>& idx) const;

 private:
  struct Ranked {
    std::vector<std::uint32_t> order;  // items by ascending probability of the class
    std::vector<std::uint32_t> group;  // start of each tie group in `order`, then order.size()
  };
  const std::vector<int>& obs_;
  const Probs& prob_;
  std::vector<Ranked> classes_;  // empty: some probability is NaN (fallback)
};

struct ReliabilityBin {
  double lo = 0, hi = 0;     //!< bin edges
  double forecast = 0;       //!< mean forecast probability in the bin
  double observed = 0;       //!< observed frequency of the forecast class
  int n = 0;                 //!< forecasts in the bin
};
//! Reliability (calibration) table; empty bins are omitted.
std::vector<ReliabilityBin> reliability(const std::vector<int>& obs, const Probs& prob, int bins = 10);

// ---------------------------------------------------------------------------
// Naive baselines shared by `blocsim score` and `blocsim calibrate`
// ---------------------------------------------------------------------------

//! Quintile bins of a covariate: cuts at the 20/40/60/80 % quantiles of a
//! sample (type-7 interpolation); bin(v) = number of cuts below v (0–4), and
//! bin 5 for a missing value.
struct QuintileBins {
  std::array<double, 4> cuts{};
  int bin(std::optional<double> v) const;
};
QuintileBins quintile_bins(std::vector<double> sample);

//! Class frequencies per bin (6 rows × K) of the pairs (value_i, cls_i), each
//! cell starting at ½ (add-½ smoothing) and normalised per bin: the forecast of
//! "covariate alone" baselines (democracy alone, UNGA position alone).
Probs bin_frequencies(const QuintileBins& bins, const std::vector<std::optional<double>>& value,
                      const std::vector<int>& cls, std::size_t K);

//! Alliances → blocs: the index in `powers` of the largest security tie ≥ 0.5
//! (ties → the power listed first), or −1 (non-aligned).
int alliance_bloc(const std::map<std::string, double>& security, const std::vector<std::string>& powers);

//! B bootstrap resamples of n indices; resample b uses Rng(seed, key, b, stream).
std::vector<std::vector<std::size_t>> bootstrap_indices(std::uint64_t seed, std::uint64_t key, std::uint32_t stream,
                                                       int resamples, std::size_t n);

//! A difference (model − baseline) and its bootstrap percentile interval.
struct Difference {
  double value = 0, lo = 0, hi = 0;
};

//! Difference of item means (1/n)Σ(a_i − b_i) with the interval from the
//! resampled means of a_i − b_i at quantiles (1 ± level)/2.
Difference mean_difference(const std::vector<double>& a, const std::vector<double>& b,
                           const std::vector<std::vector<std::size_t>>& boot, double level = 0.9);

//! Difference of any statistic f(indices) of two forecasters (e.g. AUC, κ),
//! recomputed on every resample; resamples where either side is NaN are
//! skipped (the interval is NaN if all are).
Difference statistic_difference(const std::function<double(const std::vector<std::size_t>&)>& model,
                                const std::function<double(const std::vector<std::size_t>&)>& baseline,
                                const std::vector<std::vector<std::size_t>>& boot, std::size_t n, double level = 0.9);

}  // namespace blocsim::score
