// Classification metrics of `blocsim score` on integer labels: accuracy,
// Cohen's κ, adjusted Rand index, multi-class Brier, per-class precision and
// recall (include/blocsim/analysis/score.h). Probabilistic scores (AUC, log
// score, reliability) and bootstrap intervals: score_forecast.cpp.
#include <algorithm>
#include <cmath>

#include "blocsim/analysis/score.h"

namespace blocsim::score {

namespace {
double nan() { return std::nan(""); }

// Cohen's κ of the items item(0) … item(count − 1) (count > 0): the label
// counts of the observations (a) and predictions (b) and the agreements, one
// item at a time, then κ from them.
template <class Item>
double kappa_of(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels, std::size_t count,
                Item item) {
  std::vector<double> a(static_cast<std::size_t>(n_labels), 0.0), b(a.size(), 0.0);
  std::size_t hits = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t i = item(k);
    a[static_cast<std::size_t>(obs[i])] += 1;
    b[static_cast<std::size_t>(pred[i])] += 1;
    hits += obs[i] == pred[i] ? 1 : 0;
  }
  const double n = static_cast<double>(count);
  double pe = 0.0;
  for (std::size_t l = 0; l < a.size(); ++l) pe += (a[l] / n) * (b[l] / n);
  const double po = static_cast<double>(hits) / n;  // accuracy()
  if (std::fabs(1.0 - pe) < 1e-15) return po == 1.0 ? 1.0 : nan();
  return (po - pe) / (1.0 - pe);
}
}  // namespace


double accuracy(const std::vector<int>& obs, const std::vector<int>& pred) {
  if (obs.empty()) return nan();
  std::size_t c = 0;
  for (std::size_t i = 0; i < obs.size(); ++i) c += obs[i] == pred[i] ? 1 : 0;
  return static_cast<double>(c) / static_cast<double>(obs.size());
}

double cohen_kappa(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels) {
  if (obs.empty()) return nan();
  return kappa_of(obs, pred, n_labels, obs.size(), [](std::size_t k) { return k; });
}

double cohen_kappa_resampled(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels,
                             const std::vector<std::size_t>& idx) {
  if (idx.empty()) return nan();
  return kappa_of(obs, pred, n_labels, idx.size(), [&idx](std::size_t k) { return idx[k]; });
}

double adjusted_rand_index(const std::vector<int>& obs, const std::vector<int>& pred, int n_labels) {
  auto c2 = [](double x) { return x * (x - 1) / 2.0; };
  const auto L = static_cast<std::size_t>(n_labels);
  std::vector<double> table(L * L, 0.0), a(L, 0.0), b(L, 0.0);
  for (std::size_t i = 0; i < obs.size(); ++i) {
    const auto o = static_cast<std::size_t>(obs[i]), p = static_cast<std::size_t>(pred[i]);
    table[o * L + p] += 1;
    a[o] += 1;
    b[p] += 1;
  }
  double index = 0, sa = 0, sb = 0;
  for (double v : table) index += c2(v);
  for (double v : a) sa += c2(v);
  for (double v : b) sb += c2(v);
  const double total = c2(static_cast<double>(obs.size()));
  if (total == 0) return 1.0;
  const double expected = sa * sb / total, maximum = 0.5 * (sa + sb);
  if (std::fabs(maximum - expected) < 1e-12) return 1.0;  // both partitions trivial (sklearn convention)
  return (index - expected) / (maximum - expected);
}

double brier(const std::vector<int>& obs, const std::vector<std::vector<double>>& prob) {
  if (obs.empty()) return nan();
  double s = 0.0;
  for (std::size_t i = 0; i < obs.size(); ++i)
    for (std::size_t l = 0; l < prob[i].size(); ++l) {
      const double t = static_cast<int>(l) == obs[i] ? 1.0 : 0.0;
      s += (prob[i][l] - t) * (prob[i][l] - t);
    }
  return s / static_cast<double>(obs.size());
}

Scores score_labels(const std::vector<int>& obs, const std::vector<int>& pred, const std::vector<std::vector<double>>& prob,
                    const std::vector<std::string>& labels) {
  const int L = static_cast<int>(labels.size());
  Scores s;
  s.accuracy = accuracy(obs, pred);
  s.kappa = cohen_kappa(obs, pred, L);
  s.ari = adjusted_rand_index(obs, pred, L);
  s.brier = brier(obs, prob);
  for (int l = 0; l < L; ++l) {
    ClassScore c;
    c.label = labels[static_cast<std::size_t>(l)];
    for (std::size_t i = 0; i < obs.size(); ++i) {
      c.observed += obs[i] == l ? 1 : 0;
      c.predicted += pred[i] == l ? 1 : 0;
      c.correct += (obs[i] == l && pred[i] == l) ? 1 : 0;
    }
    c.precision = c.predicted > 0 ? static_cast<double>(c.correct) / c.predicted : nan();
    c.recall = c.observed > 0 ? static_cast<double>(c.correct) / c.observed : nan();
    s.per_class.push_back(c);
  }
  return s;
}

}  // namespace blocsim::score
