// Arthur (1989), "Competing technologies, increasing returns, and lock-in by
// historical events", Economic Journal 99(394):116–131.
//
// Model: adopters arrive one at a time, each an R-type or S-type with
// probability 1/2. With n_A, n_B previous adopters, an R-type gets
// a_R + r·n_A from A and b_R + r·n_B from B (a_R > b_R), an S-type the mirror
// image. Symmetric case: a_R − b_R = b_S − a_S = Δ, equal returns r > 0. An
// R-type chooses B iff n_B − n_A > Δ/r; so once |n_A − n_B| exceeds Δ/r both
// types choose the leader for ever: lock-in. Before that, d = n_A − n_B is a
// simple symmetric random walk; lock-in is its absorption at ±L with
// L = ⌊Δ/r⌋ + 1, which happens with probability 1 (Arthur's theorem), with
// E[T] = L² arrivals from d = 0 (gambler's ruin, Feller 1968, §XIV.3), each
// technology winning with probability 1/2.
//
// Engine reduction (phase code, sim/engine/phases/standards.cpp): K = 2 powers A, B,
// standards s ∈ {0 (not yet adopted), 1 (A), 2 (B)}, W = complete graph
// without self-loops, gdp_i = 1, best response (λ_s = ∞):
//   - type = alignment a_i ∈ {1, 2}, drawn with probability 1/2 and fixed
//     (the choice phase is not run): α_bloc = Δ is the natural preference;
//   - increasing returns: α_net·share_is = α_net·n_s/(N − 1), i.e. r = α_net/(N − 1)
//     per previous adopter, so the barrier is Δ/r = α_bloc·(N − 1)/α_net;
//   - "not adopted" is never chosen: e_A = e_B = e > α_net (standards
//     diplomacy of both powers, equal, so it cancels between A and B);
//   - α_inert = α_lock = α_multi = 0;
//   - arrivals: a country is "unadopted" (s = 0) until its first revision;
//     revision rate r_s = 0.1/N, so about one revision per 10 ticks and
//     rarely two in the same tick.
// Departures from Arthur, and why they do not change the statistics:
//   (1) earlier adopters also revise. Before lock-in they pick their own type
//       again (no-op); after lock-in they may switch to the leader, which only
//       widens the lead (Arthur's adopters never switch) — lock-in time and
//       winner are unaffected.
//   (2) two arrivals in the same tick see the same counts (synchronous phase);
//       this matters only when d = ±(L−1), with probability ≈ 5% per tick.
// T is counted in arrivals (first adoptions), not ticks.
#include <algorithm>
#include <cmath>
#include <limits>

#include "blocsim/analysis/dock.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/rng.h"
#include "blocsim/engine/world.h"
#include "analysis/dock/dock_detail.h"

namespace blocsim::dock {

namespace {

// Exact CDF of the absorption time of a simple symmetric random walk started
// at 0 with absorbing barriers ±L (dynamic programming over the transient states).
struct AbsorptionCdf {
  std::vector<double> cdf;  // cdf[t] = P(T ≤ t)
};

AbsorptionCdf absorption_cdf(int L, int tmax) {
  AbsorptionCdf a;
  std::vector<double> p(static_cast<std::size_t>(2 * L + 1), 0.0), q(p.size());
  p[static_cast<std::size_t>(L)] = 1.0;  // d = 0
  double absorbed = 0.0;
  a.cdf.push_back(0.0);
  for (int t = 1; t <= tmax; ++t) {
    std::fill(q.begin(), q.end(), 0.0);
    for (int d = 1; d < 2 * L; ++d) {
      const double m = p[static_cast<std::size_t>(d)];
      if (m == 0.0) continue;
      for (int step : {-1, 1}) {
        const int e = d + step;
        if (e == 0 || e == 2 * L) absorbed += 0.5 * m; else q[static_cast<std::size_t>(e)] += 0.5 * m;
      }
    }
    p.swap(q);
    a.cdf.push_back(absorbed);
  }
  return a;
}

double cdf_at(double x, const void* ctx) {
  const auto* a = static_cast<const AbsorptionCdf*>(ctx);
  if (x < 0) return 0.0;
  const auto t = static_cast<std::size_t>(std::floor(x));
  return t >= a->cdf.size() ? 1.0 : a->cdf[t];
}

}  // namespace

std::vector<Row> dock_arthur(const Options& opt) {
  const int n = 100;
  const int reps = detail::replicates(opt, 200, 1000);
  const double barrier = 2.5;  // Δ/r: lock-in at |n_A − n_B| ≥ L = 3
  const int L = 3;
  const int after = 20;        // arrivals observed after lock-in
  std::vector<double> t_lock(static_cast<std::size_t>(reps), -1.0);
  std::vector<int> winner(static_cast<std::size_t>(reps), 0), follow(static_cast<std::size_t>(reps), 0),
      post(static_cast<std::size_t>(reps), 0);
  detail::for_replicates(reps, opt.threads, [&](int r) {
    const auto ur = static_cast<std::size_t>(r);
    const std::uint64_t seed = derive_seed(opt.seed, 500, ur);
    ScenarioConfig cfg = detail::reduction_config(n, {"identity"}, {"a", "b"}, /*self_loops=*/false);
    cfg.model.alpha_bloc = 0.4;                               // Δ
    cfg.model.alpha_network = 0.4 * (n - 1) / barrier;        // r·(N − 1)
    cfg.model.lambda_standards = std::numeric_limits<double>::infinity();
    cfg.model.revision_rate_standards = 0.1 / n;
    for (auto& p : cfg.powers) p.standards_effort = cfg.model.alpha_network + 1.0;
    World w = make_world(cfg, seed);
    for (int i = 0; i < n; ++i) {
      Rng rng(seed, 0, static_cast<std::uint64_t>(i), detail::kStreamArthurTypes);
      w.alignment[static_cast<std::size_t>(i)] = static_cast<Bloc>(rng.uniform() < 0.5 ? 1 : 2);
    }
    std::vector<Bloc> prev = w.standard;
    int arrivals = 0, na = 0, nb = 0, locked = 0, seen_after = 0, followed = 0;
    for (int t = 1; t <= 1'000'000 && arrivals < n; ++t) {
      w.tick = t;
      phase::standards(w);
      int new_a = 0, new_b = 0;
      for (int i = 0; i < n; ++i) {
        const auto ui = static_cast<std::size_t>(i);
        if (prev[ui] == 0 && w.standard[ui] != 0) (w.standard[ui] == 1 ? new_a : new_b) += 1;
      }
      prev = w.standard;
      if (new_a + new_b == 0) continue;
      if (locked != 0) {
        seen_after += new_a + new_b;
        followed += locked == 1 ? new_a : new_b;
      }
      arrivals += new_a + new_b;
      na += new_a;
      nb += new_b;
      if (locked == 0 && std::abs(na - nb) >= L) {
        locked = na > nb ? 1 : 2;
        t_lock[ur] = arrivals;
      }
      if (locked != 0 && seen_after >= after) break;
    }
    winner[ur] = locked;
    follow[ur] = followed;
    post[ur] = seen_after;
  });
  const std::string src =
      "Arthur 1989, Econ. J. 99:116-131 (lock-in with probability 1 under increasing returns; symmetric random "
      "walk with absorbing barriers) + Feller 1968 XIV.3 (E[T] = L^2 from 0)";
  std::vector<Row> rows;
  int locked = 0, a_wins = 0, followed = 0, posts = 0;
  std::vector<double> times;
  for (int r = 0; r < reps; ++r) {
    const auto ur = static_cast<std::size_t>(r);
    if (winner[ur] != 0) {
      ++locked;
      times.push_back(t_lock[ur]);
    }
    a_wins += winner[ur] == 1 ? 1 : 0;
    followed += follow[ur];
    posts += post[ur];
  }
  const std::string tag = "N=" + std::to_string(n) + ", barrier Delta/r=" + detail::fmt("%g", barrier);
  {
    Row row = detail::make_row("arthur", "P(lock-in before the population is exhausted), " + tag, proportion_ci(locked, reps), "phases");
    row.published = "1";
    row.source = src;
    row.criterion = "every replicate locks in";
    row.pass = locked == reps;
    row.test_value = row.value;
    rows.push_back(row);
  }
  {
    Row row = detail::make_row("arthur", "E[arrivals to lock-in] (|n_A - n_B| = " + std::to_string(L) + ")", mean_ci(times), "phases");
    row.published = std::to_string(L * L) + " (= L^2)";
    row.source = src;
    const double se = (row.hi - row.lo) / (2 * 1.96);
    row.test_value = se > 0 ? std::fabs(row.value - L * L) / se : 0.0;
    row.criterion = "|z| <= 3";
    row.pass = row.test_value <= 3.0;
    rows.push_back(row);
  }
  {
    const AbsorptionCdf exact = absorption_cdf(L, 2000);
    const double d = ks_statistic_cdf(times, &cdf_at, &exact);
    const double pv = ks_pvalue(d, static_cast<double>(times.size()));
    Row row = detail::make_row("arthur", "distribution of arrivals to lock-in vs exact absorption-time law: KS D", Estimate{}, "phases");
    row.value = row.lo = row.hi = d;
    row.n = static_cast<int>(times.size());
    row.published = "exact law of T (random walk, barriers +-" + std::to_string(L) + ")";
    row.source = src;
    row.criterion = "KS one-sample, p >= 0.01 (p = " + detail::fmt("%.3g", pv) + ")";
    row.test_value = pv;
    row.pass = pv >= 0.01;
    rows.push_back(row);
  }
  {
    Row row = detail::make_row("arthur", "P(technology A wins)", proportion_ci(a_wins, reps), "phases");
    row.published = "0.5 (symmetric case)";
    row.source = src;
    row.criterion = "0.5 inside the 99% Wilson interval";
    const double z = 2.5758, p = row.value, nn = reps, den = 1 + z * z / nn;
    const double c = (p + z * z / (2 * nn)) / den, h = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / den;
    row.pass = c - h <= 0.5 && 0.5 <= c + h;
    row.test_value = std::fabs(p - 0.5);
    rows.push_back(row);
  }
  {
    Row row = detail::make_row("arthur", "share of post-lock-in adopters choosing the leader", proportion_ci(followed, posts), "phases");
    row.published = "1";
    row.source = src;
    row.criterion = "exact: = 1";
    row.pass = followed == posts && posts > 0;
    row.test_value = row.value;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace blocsim::dock
