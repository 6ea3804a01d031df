// Brock & Durlauf (2001), "Discrete choice with social interactions", Review
// of Economic Studies 68:235–260 — the mean-field (Curie–Weiss) case.
//
// Model: binary choices σ_i ∈ {−1, +1} with logit probabilities given the
// expected mean choice m: E[σ_i] = tanh(βh + βJ·m). An equilibrium satisfies
//     m = tanh(βh + βJ·m);
// one solution for βJ ≤ 1 (or |βh| large), three for βJ > 1 and small |βh|
// (the outer two stable, the middle one unstable).
//
// Engine reduction (phase code, sim/engine/phases/choice.cpp): K = 1 power, choices
// b ∈ {0 (non-aligned), 1 (aligned)}, W = complete graph without self-loops,
// every utility term off except β_peer and β_hedge, λ the logit intensity:
//     U_i1 = β_peer·p_i,  U_i0 = β_hedge,  p_i = share of the N−1 others aligned.
// With σ = 2a − 1 and m = 2p − 1 (p = (1 + m)/2):
//     P(a_i = 1) = 1 / (1 + exp(−λ(U_i1 − U_i0)))  ⇒
//     E[σ_i] = tanh(λ(U_i1 − U_i0)/2) = tanh(λβ_peer·m/4 + λ(β_peer/2 − β_hedge)/2),
// so   βJ = λ·β_peer/4,   βh = λ·(β_peer/2 − β_hedge)/2,
// i.e. with λ = 1: β_peer = 4βJ and β_hedge = 2βJ − 2βh. A revision rate r
// gives E[p(t+1)] = (1 − r)p(t) + r·P(a = 1 | p(t)), whose fixed points are
// the same. Finite N adds O(1/√N) fluctuations and an O(1/N) bias (a country
// does not count itself), well inside the stated tolerance for N ≥ 300.
#include <algorithm>
#include <cmath>

#include "blocsim/analysis/dock.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/world.h"
#include "analysis/dock/dock_detail.h"

namespace blocsim::dock {

std::vector<Row> dock_cw(const Options& opt) {
  const int n = opt.fast ? 300 : 1000;
  const int reps = detail::replicates(opt, 4, 20);
  const int burn = opt.fast ? 60 : 100, measure = opt.fast ? 60 : 100;
  struct Point {
    double bh, bj;
    int start;  // initial alignment of every country: 1 (m = +1) or 0 (m = −1)
    const char* what;
  };
  const std::vector<Point> points = {
      {0.0, 0.5, 1, "paramagnetic"},          {0.2, 0.5, 0, "paramagnetic, field"},
      {0.0, 1.5, 1, "bistable, upper branch"}, {0.0, 1.5, 0, "bistable, lower branch"},
      {0.1, 1.5, 0, "bistable, metastable lower branch"}, {-0.3, 2.0, 1, "bistable, metastable upper branch"},
      {0.5, 1.5, 0, "field beyond spinodal: single root"}};
  const double tol = 0.03;
  const std::string src =
      "Brock & Durlauf 2001, Rev. Econ. Stud. 68:235-260 (mean-field equilibrium m = tanh(beta*h + beta*J*m); "
      "Curie-Weiss fixed point)";
  std::vector<Row> rows;
  for (std::size_t p = 0; p < points.size(); ++p) {
    const Point& pt = points[p];
    std::vector<double> mean_m(static_cast<std::size_t>(reps));
    detail::for_replicates(reps, opt.threads, [&](int r) {
      const std::uint64_t seed = derive_seed(opt.seed, 400 + p, static_cast<std::uint64_t>(r));
      ScenarioConfig cfg = detail::reduction_config(n, {"identity"}, {"p"}, /*self_loops=*/false);
      cfg.model.lambda = 1.0;
      cfg.model.beta_peer = 4.0 * pt.bj;
      cfg.model.beta_hedge = 2.0 * pt.bj - 2.0 * pt.bh;
      cfg.model.revision_rate = 0.5;
      World w = make_world(cfg, seed);
      std::fill(w.alignment.begin(), w.alignment.end(), static_cast<Bloc>(pt.start));
      double acc = 0.0;
      for (int t = 1; t <= burn + measure; ++t) {
        w.tick = t;
        phase::choice(w);
        if (t > burn) {
          long long k = 0;
          for (Bloc a : w.alignment) k += a == 1 ? 1 : 0;
          acc += 2.0 * static_cast<double>(k) / n - 1.0;
        }
      }
      mean_m[static_cast<std::size_t>(r)] = acc / measure;
    });
    const auto roots = curie_weiss_fixed_points(pt.bh, pt.bj);
    // The branch reached from the start: the largest root from m = +1, the smallest from m = −1.
    const double target = pt.start == 1 ? roots.back() : roots.front();
    Row row = detail::make_row("cw",
                               std::string("mean choice m, bh=") + detail::fmt("%g", pt.bh) + " bJ=" + detail::fmt("%g", pt.bj) +
                                   " from m0=" + (pt.start ? "+1" : "-1") + " (" + pt.what + "), N=" + std::to_string(n),
                               mean_ci(mean_m), "phases");
    std::string rs;
    for (double v : roots) rs += (rs.empty() ? "" : ", ") + detail::fmt("%.4f", v);
    row.published = detail::fmt("%.4f", target) + " (roots: " + rs + ")";
    row.source = src;
    row.criterion = "numerical: |mean - root| <= " + detail::fmt("%g", tol);
    row.test_value = std::fabs(row.value - target);
    row.pass = row.test_value <= tol;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace blocsim::dock
