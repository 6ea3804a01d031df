// Deffuant, Neau, Amblard & Weisbuch (2000), "Mixing beliefs among
// interacting agents", Advances in Complex Systems 3(1–4):87–98.
//
// Model: N agents with opinions x_i ~ U[0,1]. Each meeting draws a random pair
// (i, j), i ≠ j; if |x_i − x_j| < d then
//     x_i ← x_i + μ (x_j − x_i),   x_j ← x_j + μ (x_i − x_j).
//
// Separate implementation (not the identity phase): the meetings are random,
// sequential and pairwise, whereas BlocSim's identity phase is a synchronous
// weighted average over all neighbours within ε (that is Hegselmann–Krause).
// Same counter-based RNG: Rng(seed_r, 0, 0, Stream::user + 1).
//
// Convergence (exact, not a time limit): sort the opinions and split them at
// gaps ≥ d. Opinions move only inside the convex hull of their group, so
// groups separated by gaps ≥ d never interact again; once every group has
// range < d, all its members are pairwise within d forever and the group
// converges to one point. The number of final clusters is then fixed.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "blocsim/analysis/dock.h"
#include "blocsim/engine/rng.h"
#include "analysis/dock/dock_detail.h"

namespace blocsim::dock {

namespace {

// Groups of sorted opinions split at gaps ≥ d; returns sizes and whether
// every group has range < d.
bool groups_of(std::vector<double> x, double d, std::vector<int>& sizes) {
  std::sort(x.begin(), x.end());
  sizes.clear();
  bool ok = true;
  std::size_t start = 0;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    if (i == x.size() || x[i] - x[i - 1] >= d) {
      sizes.push_back(static_cast<int>(i - start));
      if (x[i - 1] - x[start] >= d) ok = false;
      start = i;
    }
  }
  return ok;
}

}  // namespace

DeffuantResult deffuant_run(int n, double d, double mu, std::uint64_t seed, long long max_meetings) {
  DeffuantResult res;
  Rng rng(seed, 0, 0, detail::kStreamDeffuant);
  res.opinions.resize(static_cast<std::size_t>(n));
  for (double& v : res.opinions) v = rng.uniform();
  auto& x = res.opinions;
  const auto un = static_cast<std::uint64_t>(n);
  while (res.meetings < max_meetings) {
    for (int m = 0; m < n && res.meetings < max_meetings; ++m, ++res.meetings) {
      const auto i = static_cast<std::size_t>(rng.below(un));
      auto j = static_cast<std::size_t>(rng.below(un - 1));
      if (j >= i) ++j;
      const double diff = x[j] - x[i];
      if (std::fabs(diff) < d) {
        x[i] += mu * diff;
        x[j] -= mu * diff;
      }
    }
    if (groups_of(x, d, res.cluster_sizes)) {
      res.converged = true;
      break;
    }
  }
  if (!res.converged) groups_of(x, d, res.cluster_sizes);
  return res;
}

std::vector<Row> dock_deffuant(const Options& opt) {
  const int n = opt.fast ? 300 : 1000;
  const int reps = detail::replicates(opt, 12, 100);
  const double mu = 0.5;
  const double major_share = 0.05;  // a "major" cluster holds ≥ 5% of the agents
  const std::string src_d =
      "Deffuant, Neau, Amblard & Weisbuch 2000, Adv. Complex Syst. 3:87-98 (N=1000, mu=0.5): number of "
      "clusters ~ integer part of 1/(2d) [cited from memory]";
  const std::string src_f =
      "Fortunato 2004, Int. J. Mod. Phys. C 15:1301-1307: complete consensus iff d > 1/2 (N -> inf; "
      "complete mixing and graphs whose degree grows with N) [cited from memory]";
  const std::vector<double> ds = {0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.55};
  std::vector<Row> rows;
  for (std::size_t p = 0; p < ds.size(); ++p) {
    const double d = ds[p];
    std::vector<double> major(static_cast<std::size_t>(reps));
    std::vector<int> complete(static_cast<std::size_t>(reps)), conv(static_cast<std::size_t>(reps));
    detail::for_replicates(reps, opt.threads, [&](int r) {
      const auto res = deffuant_run(n, d, mu, derive_seed(opt.seed, 100 + p, static_cast<std::uint64_t>(r)),
                                    200'000LL * n);
      int m = 0;
      for (int s : res.cluster_sizes) m += s >= major_share * n ? 1 : 0;
      major[static_cast<std::size_t>(r)] = m;
      complete[static_cast<std::size_t>(r)] = res.cluster_sizes.size() == 1 ? 1 : 0;
      conv[static_cast<std::size_t>(r)] = res.converged ? 1 : 0;
    });
    for (int c : conv)
      if (!c) throw std::runtime_error("deffuant: a replicate did not converge");
    if (d < 0.5) {
      const double pub = std::floor(1.0 / (2.0 * d));
      Row row = detail::make_row("deffuant", "major clusters (>=5% of agents), d=" + detail::fmt("%g", d) +
                                                 ", N=" + std::to_string(n),
                                 mean_ci(major), "separate");
      row.published = detail::fmt("%g", pub) + " (= int 1/(2d))";
      row.source = src_d;
      row.criterion = "|mean - int(1/(2d))| <= 1 (published law is approximate)";
      row.test_value = std::fabs(row.value - pub);
      row.pass = row.test_value <= 1.0;
      rows.push_back(row);
    }
    if (d >= 0.3) {
      int k = 0;
      for (int c : complete) k += c;
      Row row = detail::make_row("deffuant", "P(complete consensus: one cluster, no minor clusters), d=" +
                                                 detail::fmt("%g", d),
                                 proportion_ci(k, reps), "separate");
      if (d > 0.5) {
        row.published = "1 (d > 1/2)";
        row.criterion = "every replicate reaches complete consensus";
        row.pass = k == reps;
      } else {
        row.published = "< 1 for d < 1/2 (-> 0 as N -> inf)";
        row.criterion = "relational: P < 1 (some replicate keeps minor clusters)";
        row.pass = k < reps;
      }
      row.source = src_f;
      row.test_value = row.value;
      rows.push_back(row);
    }
  }
  return rows;
}

}  // namespace blocsim::dock
