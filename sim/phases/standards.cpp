// Phase 5 — standards: adoption with network effects, Arthur-style increasing
// returns (DESIGN §3.5). For s ∈ {0 (international), 1..K (power k's stack)}:
//
//   net_is = Σ_j w_ij gdp_j 1{s_j = s} / Σ_j w_ij gdp_j          (GDP·W-weighted share)
//   V_is = α_bloc·1{s = a_i ≠ 0} + α_net·net_is + α_lock·L_is·1{s ≠ 0}
//          + α_multi·x_i[multilateralism]·1{s = 0} + e_s·1{s ≠ 0} + α_inert·1{s_i = s}
//
// With probability r_s (stream standards, 1st number) a country reconsiders and
// draws s with P ∝ exp(λ_s·V_is) (stream standards, 2nd number); λ_s = ∞ is best
// response (lowest index wins ties). A power's home keeps its own standard.
// Reads alignment as left by the choice phase of this tick, standards at t.
// Writes standard_next, then swaps.
#include <cmath>
#include <limits>

#include "blocsim/parallel.h"
#include "blocsim/phases.h"
#include "blocsim/rng.h"

namespace blocsim::phase {

void standards(World& w) {
  const ModelParams& p = w.params;
  const int K = w.k;
  const bool best_response = std::isinf(p.lambda_standards);
  const auto& net = w.w;
  parallel_for(w.n, [&](std::int64_t i) {
    const auto u = static_cast<std::size_t>(i);
    const Bloc cur = w.standard[u];
    if (i + kPrefetchAhead < w.n)  // see identity.cpp
      for (auto q = net.outerIndexPtr()[i + kPrefetchAhead]; q < net.outerIndexPtr()[i + kPrefetchAhead + 1]; ++q)
        __builtin_prefetch(w.gdp.data() + net.innerIndexPtr()[q]);
    double share[kMaxPowers + 1];
    const float* wv = net.valuePtr();
    const double* gdp = w.gdp.data();
    neighbour_histogram(net, i, w.standard.data(), K + 1, share,
                        [&](auto q, auto j) { return static_cast<double>(wv[q]) * gdp[j]; });
    double den = 0.0;
    for (int s = 0; s <= K; ++s) den += share[s];
    const Bloc a = w.alignment[u];
    const double multi = w.multilateral_dim >= 0 ? w.x(w.multilateral_dim, i) : 0.0;
    double V[kMaxPowers + 1];
    int top = 0;
    for (int s = 0; s <= K; ++s) {
      double v = p.alpha_network * (den > 0.0 ? share[s] / den : 0.0) + (cur == s ? p.alpha_inertia : 0.0);
      if (s == 0) {
        v += p.alpha_multilateral * multi;
      } else {
        v += (a == s ? p.alpha_bloc : 0.0) + p.alpha_lock * w.lock(s - 1, i) +
             w.powers[static_cast<std::size_t>(s - 1)].cfg.standards_effort;
      }
      V[s] = v;
      if (v > V[top]) top = s;
    }
    Bloc next = cur;
    if (w.pinned_standard[u] >= 0) {
      next = w.pinned_standard[u];
    } else {
      Rng rng(w.seed, static_cast<std::uint64_t>(w.tick), static_cast<std::uint64_t>(i), Stream::standards);
      if (rng.uniform() < p.revision_rate_standards) {
        if (best_response) {
          next = static_cast<Bloc>(top);
        } else {
          double prob[kMaxPowers + 1];
          double total = 0.0;
          for (int s = 0; s <= K; ++s) total += (prob[s] = std::exp(p.lambda_standards * (V[s] - V[top])));
          double r = rng.uniform() * total;
          int s = 0;
          while (s < K && r >= prob[s]) r -= prob[s++];
          next = static_cast<Bloc>(s);
        }
      }
    }
    w.standard_next[u] = next;
  });
  w.standard.swap(w.standard_next);
}

}  // namespace blocsim::phase
