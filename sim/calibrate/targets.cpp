// Calibration targets: the per-year discrepancies between replicate
// frequencies of the model's blocs and observed classes / axis positions
// (formulas in include/blocsim/calibrate.h and docs/ODD.md "Calibration").
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "blocsim/calibrate/calibrate.h"

namespace blocsim::calib {

namespace {

std::vector<double> average_ranks(const std::vector<double>& v) {
  const std::size_t n = v.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && v[idx[j + 1]] == v[idx[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2 || y.size() != n) return std::numeric_limits<double>::quiet_NaN();
  const auto rx = average_ranks(x), ry = average_ranks(y);
  const double m = 0.5 * static_cast<double>(n + 1);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) * (rx[i] - m);
    syy += (ry[i] - m) * (ry[i] - m);
  }
  if (sxx <= 0 || syy <= 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

YearScores year_scores(const ObservedYear& obs, const std::vector<std::array<int, 3>>& counts, int replicates) {
  YearScores s;
  const std::size_t n = obs.country.size();
  if (n == 0) return s;
  const double R = static_cast<double>(replicates);
  std::array<double, 3> mshare{}, oshare{};
  std::vector<double> score(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int o = obs.cls[i];
    for (int c = 0; c < 3; ++c) {
      const double p = counts[i][static_cast<std::size_t>(c)] / R;
      const double d = p - (c == o ? 1.0 : 0.0);
      s.brier += d * d;
      mshare[static_cast<std::size_t>(c)] += p;
    }
    oshare[static_cast<std::size_t>(o)] += 1.0;
    s.log_score -= std::log((counts[i][static_cast<std::size_t>(o)] + 0.5) / (R + 1.5));
    score[i] = (counts[i][2] - counts[i][1]) / R;
  }
  const double dn = static_cast<double>(n);
  s.brier /= dn;
  s.log_score /= dn;
  for (int c = 0; c < 3; ++c) s.shares += std::abs(mshare[static_cast<std::size_t>(c)] / dn - oshare[static_cast<std::size_t>(c)] / dn);
  const double rho = spearman(score, obs.axis);
  // A constant model score carries no rank information: count it as ρ = 0.
  s.spearman = 1.0 - (std::isnan(rho) ? 0.0 : rho);
  return s;
}

double change_score(const ObservedYear& a, const std::vector<std::array<int, 3>>& ca, const ObservedYear& b,
                    const std::vector<std::array<int, 3>>& cb, int replicates) {
  auto shares = [&](const ObservedYear& o, const std::vector<std::array<int, 3>>& cnt, std::array<double, 3>& m,
                    std::array<double, 3>& s) {
    m = {};
    s = {};
    const double n = static_cast<double>(std::max<std::size_t>(1, o.country.size()));
    for (std::size_t i = 0; i < o.country.size(); ++i) {
      for (std::size_t c = 0; c < 3; ++c) m[c] += cnt[i][c] / static_cast<double>(replicates) / n;
      s[static_cast<std::size_t>(o.cls[i])] += 1.0 / n;
    }
  };
  std::array<double, 3> ma, sa, mb, sb;
  shares(a, ca, ma, sa);
  shares(b, cb, mb, sb);
  double d = 0;
  for (std::size_t c = 0; c < 3; ++c) d += std::abs((mb[c] - ma[c]) - (sb[c] - sa[c]));
  return d;
}

}  // namespace blocsim::calib
