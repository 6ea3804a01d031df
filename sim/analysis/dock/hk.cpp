// Hegselmann & Krause (2002), "Opinion dynamics and bounded confidence:
// models, analysis and simulation", JASSS 5(3):2.
//
// Model: N opinions x_i ∈ [0,1] (uniform start); synchronously
//     x_i(t+1) = mean{ x_j(t) : |x_j(t) − x_i(t)| ≤ ε }   (the set includes i).
//
// Engine reduction (phase code, sim/engine/phases/identity.cpp): D = 1, one power
// with narrative ν = 0, κ = 0, no noise, μ = 1 and W = complete graph with
// self-loops (w_ij = 1 for all i, j). The identity update is then
//     x_i ← x_i + Σ_{j∈C_i} (x_j − x_i)/|C_i| = mean_{j∈C_i} x_j,
//     C_i = {j : |x_j − x_i| < ε}  (i ∈ C_i through the self-loop),
// i.e. HK with a strict inequality; the two differ only on a null set of
// initial conditions. The clamp to [0,1] never binds (means of values in
// [0,1]). The dock checks this identity against an independent direct HK
// implementation (max |Δx| after convergence), then the published results.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "blocsim/analysis/dock.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/rng.h"
#include "blocsim/engine/world.h"
#include "analysis/dock/dock_detail.h"

namespace blocsim::dock {

namespace {

// Number of clusters of final opinions (split at gaps > 1e-6).
int clusters(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  int c = x.empty() ? 0 : 1;
  for (std::size_t i = 1; i < x.size(); ++i)
    if (x[i] - x[i - 1] > 1e-6) ++c;
  return c;
}

// Direct HK (textbook form, ≤ ε), as an independent check of the engine.
std::vector<double> hk_direct(std::vector<double> x, double eps, int max_ticks) {
  const std::size_t n = x.size();
  std::vector<double> y(n);
  for (int t = 0; t < max_ticks; ++t) {
    double change = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0.0;
      int c = 0;
      for (std::size_t j = 0; j < n; ++j)
        if (std::fabs(x[j] - x[i]) <= eps) {
          s += x[j];
          ++c;
        }
      y[i] = s / c;
      change = std::max(change, std::fabs(y[i] - x[i]));
    }
    x.swap(y);
    if (change < 1e-13) break;
  }
  return x;
}

struct HkRun {
  std::vector<double> final;
  int ticks = 0;
};

// Engine HK: identity phase until no opinion moves by more than 1e-13.
HkRun hk_engine(World w, double eps, int max_ticks) {
  w.params.epsilon = eps;
  HkRun r;
  for (int t = 1; t <= max_ticks; ++t) {
    w.tick = t;
    phase::identity(w);
    r.ticks = t;
    if ((w.x - w.x_next).cwiseAbs().maxCoeff() < 1e-13) break;  // x_next holds the previous state after the swap
  }
  r.final.assign(w.x.data(), w.x.data() + w.n);
  return r;
}

}  // namespace

std::vector<Row> dock_hk(const Options& opt) {
  const int n = 625;  // finite-size effects move the threshold up for small N (N=200: P(consensus | 0.25) ~ 0.8)
  const int reps = detail::replicates(opt, 10, 50);
  const int max_ticks = 1000;
  std::vector<double> eps_grid;
  if (opt.fast)
    eps_grid = {0.15, 0.18, 0.21, 0.23, 0.25, 0.27, 0.30};
  else
    for (int e = 15; e <= 30; ++e) eps_grid.push_back(e / 100.0);
  const std::size_t ne = eps_grid.size();
  std::vector<std::vector<int>> consensus(ne, std::vector<int>(static_cast<std::size_t>(reps)));
  std::vector<std::vector<double>> nclust(ne, std::vector<double>(static_cast<std::size_t>(reps)));
  std::vector<double> max_diff(static_cast<std::size_t>(reps), 0.0);
  detail::for_replicates(reps, opt.threads, [&](int r) {
    const auto ur = static_cast<std::size_t>(r);
    const std::uint64_t seed = derive_seed(opt.seed, 300, ur);
    ScenarioConfig cfg = detail::reduction_config(n, {"opinion"}, {"p"}, /*self_loops=*/true);
    for (int i = 0; i < n; ++i) {
      Rng rng(seed, 0, static_cast<std::uint64_t>(i), detail::kStreamHkInit);
      cfg.world.countries[static_cast<std::size_t>(i)].identity = {rng.uniform()};
    }
    cfg.model.mu = 1.0;
    const World w0 = make_world(cfg, seed);
    for (std::size_t e = 0; e < ne; ++e) {
      const HkRun run = hk_engine(w0, eps_grid[e], max_ticks);
      const int c = clusters(run.final);
      nclust[e][ur] = c;
      consensus[e][ur] = c == 1 ? 1 : 0;
      if (e == 0 || e + 1 == ne || std::fabs(eps_grid[e] - 0.21) < 1e-9 || std::fabs(eps_grid[e] - 0.25) < 1e-9) {
        std::vector<double> x0(w0.x.data(), w0.x.data() + n);
        const auto ref = hk_direct(x0, eps_grid[e], max_ticks);
        double md = 0.0;
        for (int i = 0; i < n; ++i) md = std::max(md, std::fabs(ref[static_cast<std::size_t>(i)] - run.final[static_cast<std::size_t>(i)]));
        max_diff[ur] = std::max(max_diff[ur], md);
      }
    }
  });
  const std::string src_hk =
      "Hegselmann & Krause 2002, JASSS 5(3):2 (uniform random start; simulation figures): eps=0.25 -> consensus, "
      "eps=0.15 -> plurality (a few clusters) [cited from memory]";
  const std::string src_th =
      "Fortunato 2005, Int. J. Mod. Phys. C 16:259-270 and Lorenz 2006, JASSS 9(1):8: HK consensus threshold "
      "eps_c ~ 0.2 on a complete graph, uniform start, large N [cited from memory]";
  std::vector<Row> rows;
  {
    Estimate e = mean_ci(max_diff);
    Row row = detail::make_row("hk", "engine identity phase vs direct HK: max |x_engine - x_HK| after convergence, N=" + std::to_string(n), e,
                               "phases");
    row.value = *std::max_element(max_diff.begin(), max_diff.end());
    row.lo = row.hi = row.value;
    row.published = "0 (same map)";
    row.source = "Hegselmann & Krause 2002, JASSS 5(3):2, eq. (1) (definition of the model)";
    row.criterion = "numerical: <= 1e-9";
    row.test_value = row.value;
    row.pass = row.value <= 1e-9;
    rows.push_back(row);
  }
  std::vector<double> p(ne);
  for (std::size_t e = 0; e < ne; ++e) {
    int k = 0;
    for (int c : consensus[e]) k += c;
    p[e] = static_cast<double>(k) / reps;
    const double eps = eps_grid[e];
    const bool lo = std::fabs(eps - 0.15) < 1e-9, hi = std::fabs(eps - 0.25) < 1e-9;
    if (!lo && !hi) continue;
    Row row = detail::make_row("hk", "P(consensus), eps=" + detail::fmt("%.2f", eps) + ", N=" + std::to_string(n),
                               proportion_ci(k, reps), "phases");
    row.source = src_hk;
    if (lo) {
      row.published = "0 (plurality: several clusters)";
      row.criterion = "relational: P <= 0.1";
      row.pass = row.value <= 0.1;
    } else {
      row.published = "1 (consensus)";
      row.criterion = "relational: P >= 0.9";
      row.pass = row.value >= 0.9;
    }
    row.test_value = row.value;
    rows.push_back(row);
    Row nc = detail::make_row("hk", "number of clusters, eps=" + detail::fmt("%.2f", eps), mean_ci(nclust[e]), "phases");
    nc.source = src_hk;
    nc.published = lo ? ">= 2" : "1";
    nc.criterion = lo ? "relational: mean >= 2" : "relational: mean <= 1.1";
    nc.pass = lo ? nc.value >= 2.0 : nc.value <= 1.1;
    nc.test_value = nc.value;
    rows.push_back(nc);
  }
  // Threshold: first crossing of P(consensus) = 1/2, linear interpolation;
  // CI by bootstrap over replicates (200 resamples, fixed RNG).
  auto threshold = [&](const std::vector<double>& pe) {
    for (std::size_t e = 1; e < ne; ++e)
      if (pe[e - 1] < 0.5 && pe[e] >= 0.5)
        return eps_grid[e - 1] + (0.5 - pe[e - 1]) / (pe[e] - pe[e - 1]) * (eps_grid[e] - eps_grid[e - 1]);
    return pe[0] >= 0.5 ? eps_grid.front() : eps_grid.back();
  };
  const double th = threshold(p);
  std::vector<double> boot;
  Rng brng(opt.seed, 0, 0, static_cast<std::uint32_t>(Stream::user) + 40);
  for (int b = 0; b < 200; ++b) {
    std::vector<double> pb(ne, 0.0);
    for (int s = 0; s < reps; ++s) {
      const auto pick = static_cast<std::size_t>(brng.below(static_cast<std::uint64_t>(reps)));
      for (std::size_t e = 0; e < ne; ++e) pb[e] += consensus[e][pick];
    }
    for (double& v : pb) v /= reps;
    boot.push_back(threshold(pb));
  }
  std::sort(boot.begin(), boot.end());
  Row row;
  row.model = "hk";
  row.statistic = "consensus threshold eps_c (P(consensus) = 1/2), complete graph, N=" + std::to_string(n);
  row.value = th;
  row.lo = boot[5];
  row.hi = boot[194];
  row.n = reps;
  row.published = "~0.2 (large N)";
  row.source = src_th;
  row.criterion = "numerical: |eps_c - 0.2| <= 0.04 (finite N shifts it up)";
  row.test_value = std::fabs(th - 0.2);
  row.pass = row.test_value <= 0.04;
  row.engine = "phases";
  rows.push_back(row);
  return rows;
}

}  // namespace blocsim::dock
