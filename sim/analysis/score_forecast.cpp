// Scoring probabilistic class forecasts and bootstrap intervals on their
// differences (include/blocsim/analysis/score_forecast.h): shared by
// `blocsim score` and the validation of `blocsim calibrate`.
#include "blocsim/analysis/score_forecast.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "blocsim/engine/rng.h"
#include "blocsim/sweep/sweep.h"

namespace blocsim::score {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mann–Whitney AUC from the sum of the positives' average ranks over n items.
double auc_from_ranks(double rank_pos, double npos, std::size_t n) {
  const double nneg = static_cast<double>(n) - npos;
  if (npos == 0 || nneg == 0) return kNaN;
  return (rank_pos - npos * (npos + 1) / 2.0) / (npos * nneg);
}

// A K-class AUC from one(c), the one-vs-rest AUC of class c: K = 2 → one(1),
// else the mean of the classes' finite values.
template <class One>
double macro_auc(std::size_t K, One&& one) {
  if (K == 2) return one(1);
  double sum = 0;
  int m = 0;
  for (std::size_t c = 0; c < K; ++c) {
    const double a = one(c);
    if (std::isnan(a)) continue;
    sum += a;
    ++m;
  }
  return m ? sum / m : kNaN;
}
}  // namespace

int argmax(const std::vector<double>& p) {
  int a = 0;
  for (std::size_t c = 1; c < p.size(); ++c)
    if (p[c] > p[static_cast<std::size_t>(a)]) a = static_cast<int>(c);
  return a;
}

ItemScores item_scores(const std::vector<int>& obs, const Probs& prob) {
  ItemScores s;
  for (std::size_t i = 0; i < obs.size(); ++i) {
    double b = 0;
    for (std::size_t c = 0; c < prob[i].size(); ++c) {
      const double d = prob[i][c] - (static_cast<int>(c) == obs[i] ? 1.0 : 0.0);
      b += d * d;
    }
    s.brier.push_back(b);
    s.log_score.push_back(-std::log(std::max(kLogFloor, prob[i][static_cast<std::size_t>(obs[i])])));
    s.hit.push_back(argmax(prob[i]) == obs[i] ? 1.0 : 0.0);
  }
  return s;
}

double log_score(const std::vector<int>& obs, const Probs& prob) {
  if (obs.empty()) return kNaN;
  const auto s = item_scores(obs, prob);
  return std::accumulate(s.log_score.begin(), s.log_score.end(), 0.0) / static_cast<double>(obs.size());
}

double auc(const std::vector<double>& score, const std::vector<char>& positive) {
  // Mann–Whitney U from average ranks: AUC = (R_pos − n_pos(n_pos + 1)/2) / (n_pos n_neg).
  const std::size_t n = score.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  double rank_pos = 0, npos = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && score[idx[j + 1]] == score[idx[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k)
      if (positive[idx[k]]) {
        rank_pos += avg;
        npos += 1;
      }
    i = j + 1;
  }
  return auc_from_ranks(rank_pos, npos, n);
}

double class_auc(const std::vector<int>& obs, const Probs& prob) {
  if (obs.empty()) return kNaN;
  const std::size_t K = prob[0].size();
  auto one = [&](std::size_t c) {
    std::vector<double> s(obs.size());
    std::vector<char> pos(obs.size());
    for (std::size_t i = 0; i < obs.size(); ++i) {
      s[i] = prob[i][c];
      pos[i] = obs[i] == static_cast<int>(c) ? 1 : 0;
    }
    return auc(s, pos);
  };
  return macro_auc(K, one);
}

ResampledAuc::ResampledAuc(const std::vector<int>& obs, const Probs& prob) : obs_(obs), prob_(prob) {
  const std::size_t n = obs.size();
  if (n == 0) return;
  for (const auto& p : prob)
    for (double v : p)
      if (std::isnan(v)) return;  // < is then no strict weak order: class_auc's path
  const std::size_t K = prob[0].size();
  for (const auto& p : prob)
    if (p.size() != K) return;
  classes_.resize(K);
  for (std::size_t c = 0; c < K; ++c) {
    Ranked& r = classes_[c];
    r.order.resize(n);
    std::iota(r.order.begin(), r.order.end(), 0u);
    std::stable_sort(r.order.begin(), r.order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return prob[a][c] < prob[b][c]; });
    for (std::size_t q = 0; q < n; ++q)
      if (q == 0 || !(prob[r.order[q]][c] == prob[r.order[r.group.back()]][c]))
        r.group.push_back(static_cast<std::uint32_t>(q));
    r.group.push_back(static_cast<std::uint32_t>(n));
  }
}

double ResampledAuc::operator()(const std::vector<std::size_t>& idx) const {
  const std::size_t n = idx.size();
  if (n == 0) return kNaN;
  if (classes_.empty()) {
    std::vector<int> o;
    Probs pp;
    for (std::size_t i : idx) {
      o.push_back(obs_[i]);
      pp.push_back(prob_[i]);
    }
    return class_auc(o, pp);
  }
  // copies of each item in the resample
  std::vector<std::uint32_t> copies(obs_.size(), 0);
  for (std::size_t i : idx) ++copies[i];
  // auc() of the resampled scores: in ascending order, a tie group holding
  // positions i … j of the sorted resample gives each positive copy the
  // average rank (i + j)/2 + 1, added one copy at a time
  auto one = [&](std::size_t c) {
    const Ranked& r = classes_[c];
    double rank_pos = 0, npos = 0;
    std::size_t first = 0;  // position of the group's first copy
    for (std::size_t g = 0; g + 1 < r.group.size(); ++g) {
      std::size_t count = 0, positives = 0;
      for (std::uint32_t q = r.group[g]; q < r.group[g + 1]; ++q) {
        const std::uint32_t item = r.order[q];
        count += copies[item];
        if (obs_[item] == static_cast<int>(c)) positives += copies[item];
      }
      if (count == 0) continue;
      const double avg = 0.5 * static_cast<double>(first + (first + count - 1)) + 1.0;
      for (std::size_t k = 0; k < positives; ++k) {
        rank_pos += avg;
        npos += 1;
      }
      first += count;
    }
    return auc_from_ranks(rank_pos, npos, n);
  };
  // class_auc's combination; its K is the first resampled item's
  return macro_auc(prob_[idx[0]].size(), one);
}

std::vector<ReliabilityBin> reliability(const std::vector<int>& obs, const Probs& prob, int bins) {
  std::vector<ReliabilityBin> t(static_cast<std::size_t>(bins));
  for (int b = 0; b < bins; ++b) {
    t[static_cast<std::size_t>(b)].lo = static_cast<double>(b) / bins;
    t[static_cast<std::size_t>(b)].hi = static_cast<double>(b + 1) / bins;
  }
  auto add = [&](double p, bool hit) {
    const int b = std::clamp(static_cast<int>(std::floor(p * bins)), 0, bins - 1);
    auto& r = t[static_cast<std::size_t>(b)];
    r.forecast += p;
    r.observed += hit ? 1.0 : 0.0;
    ++r.n;
  };
  for (std::size_t i = 0; i < obs.size(); ++i) {
    const std::size_t K = prob[i].size();
    for (std::size_t c = K == 2 ? 1 : 0; c < K; ++c) add(prob[i][c], obs[i] == static_cast<int>(c));
  }
  std::vector<ReliabilityBin> out;
  for (auto& r : t)
    if (r.n > 0) {
      r.forecast /= r.n;
      r.observed /= r.n;
      out.push_back(r);
    }
  return out;
}

int QuintileBins::bin(std::optional<double> v) const {
  if (!v) return 5;
  int b = 0;
  while (b < 4 && *v > cuts[static_cast<std::size_t>(b)]) ++b;
  return b;
}

QuintileBins quintile_bins(std::vector<double> sample) {
  std::sort(sample.begin(), sample.end());
  QuintileBins q;
  for (int k = 0; k < 4; ++k) q.cuts[static_cast<std::size_t>(k)] = quantile_sorted(sample, 0.2 * (k + 1));
  return q;
}

Probs bin_frequencies(const QuintileBins& bins, const std::vector<std::optional<double>>& value,
                      const std::vector<int>& cls, std::size_t K) {
  Probs f(6, std::vector<double>(K, 0.5));
  for (std::size_t i = 0; i < value.size(); ++i)
    f[static_cast<std::size_t>(bins.bin(value[i]))][static_cast<std::size_t>(cls[i])] += 1.0;
  for (auto& row : f) {
    const double t = std::accumulate(row.begin(), row.end(), 0.0);
    for (double& x : row) x /= t;
  }
  return f;
}

int alliance_bloc(const std::map<std::string, double>& security, const std::vector<std::string>& powers) {
  int best = -1;
  double level = 0.5;
  for (std::size_t k = 0; k < powers.size(); ++k) {
    auto it = security.find(powers[k]);
    if (it == security.end()) continue;
    if (best < 0 ? it->second >= level : it->second > level) {
      best = static_cast<int>(k);
      level = it->second;
    }
  }
  return best;
}

std::vector<std::vector<std::size_t>> bootstrap_indices(std::uint64_t seed, std::uint64_t key, std::uint32_t stream,
                                                       int resamples, std::size_t n) {
  std::vector<std::vector<std::size_t>> boot(static_cast<std::size_t>(resamples), std::vector<std::size_t>(n));
  for (int b = 0; b < resamples; ++b) {
    Rng rng(seed, key, static_cast<std::uint64_t>(b), stream);
    for (std::size_t i = 0; i < n; ++i) boot[static_cast<std::size_t>(b)][i] = rng.below(n);
  }
  return boot;
}

namespace {
Difference interval(double value, std::vector<double> diffs, double level) {
  Difference d;
  d.value = value;
  std::sort(diffs.begin(), diffs.end());
  d.lo = quantile_sorted(diffs, 0.5 - 0.5 * level);
  d.hi = quantile_sorted(diffs, 0.5 + 0.5 * level);
  return d;
}
}  // namespace

Difference mean_difference(const std::vector<double>& a, const std::vector<double>& b,
                           const std::vector<std::vector<std::size_t>>& boot, double level) {
  const std::size_t n = a.size();
  if (n == 0) return {kNaN, kNaN, kNaN};
  auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); };
  std::vector<double> diffs;
  diffs.reserve(boot.size());
  for (const auto& idx : boot) {
    double d = 0;
    for (std::size_t i : idx) d += a[i] - b[i];
    diffs.push_back(d / static_cast<double>(n));
  }
  return interval(mean(a) - mean(b), std::move(diffs), level);
}

Difference statistic_difference(const std::function<double(const std::vector<std::size_t>&)>& model,
                                const std::function<double(const std::vector<std::size_t>&)>& baseline,
                                const std::vector<std::vector<std::size_t>>& boot, std::size_t n, double level) {
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  const double value = model(all) - baseline(all);
  std::vector<double> diffs;
  for (const auto& idx : boot) {
    const double d = model(idx) - baseline(idx);
    if (!std::isnan(d)) diffs.push_back(d);
  }
  if (diffs.empty()) return {value, kNaN, kNaN};
  return interval(value, std::move(diffs), level);
}

}  // namespace blocsim::score
