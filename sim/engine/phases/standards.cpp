// Phase 5 — standards: adoption with network effects, Arthur-style increasing
// returns (docs/design.md §3.5). For s ∈ {0 (international), 1..K (power k's stack)}:
//
//   net_is = Σ_j w_ij gdp_j 1{s_j = s} / Σ_j w_ij gdp_j          (GDP·W-weighted share)
//   V_i0 = α_net·net_i0 + α_multi·x_i[multilateralism] + α_inert·1{s_i = 0}
//   V_ik = α_net·net_ik + α_bloc·1{a_i = k} + α_lock·L_ik + e_k·reach_ik + α_open·O_ik
//          − α_riv·R_ik − α_thr·(θ_i − ½) + α_inert·1{s_i = k}
//   reach_ik = ε_0 + ε_T·T_ik + ε_B·M_ik + ε_C·c_i       (diplomacy acts through ties,
//              membership M_ik of k's standards fora, and capacity)
//   θ_i ~ U(0,1): a fixed country property (stream thresholds, seed 0), so
//   countries tip one by one as effort grows, not all at once.
//
// With probability r_s (stream standards, 1st number) a country reconsiders and
// draws s with P ∝ exp(λ_s·V_is) (stream standards, 2nd number); λ_s = ∞ is best
// response (lowest index wins ties). A power's home keeps its own standard.
// Reads alignment as left by the choice phase of this tick, standards at t.
// Writes standard_next, then swaps.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "blocsim/engine/rng.h"
#include "decision.h"

namespace blocsim::phase {

namespace {

template <int KC>  // K at compile time (2) or 0 = any
void standards_impl(World& w) {
  const ModelParams& p = w.params;
  const int K = KC > 0 ? KC : w.k;
  const auto& net = w.w;
  // Loop invariants as locals (see choice.cpp).
  const double a_net = p.alpha_network, a_inert = p.alpha_inertia, a_multi = p.alpha_multilateral,
               a_bloc = p.alpha_bloc, a_lock = p.alpha_lock, a_open = p.alpha_open, a_riv = p.alpha_rivalry,
               a_thr = p.alpha_threshold, e_flat = p.effort_flat, e_ties = p.effort_ties, e_bodies = p.effort_bodies, e_cap = p.effort_capacity;
  const double* ties = w.ties.data();
  const double* open_value = w.open_value.data();
  const float* rivalry = w.rivalry.data();
  const float* forum = w.forum.data();
  const double* capacity = w.capacity.data();
  const double* threshold = w.threshold.data();
  const detail::RevisionRule rule(p.revision_rate_standards, p.lambda_standards, Stream::standards);
  double effort[kMaxPowers];
  for (int k = 0; k < K; ++k) effort[k] = w.powers[static_cast<std::size_t>(k)].cfg.standards_effort;
  const int D = w.d, mdim = w.multilateral_dim;
  const double* x = w.x.data();
  const double* lock = w.lock.data();
  const double* gdp = w.gdp.data();
  const Bloc* standard = w.standard.data();
  const Bloc* alignment = w.alignment.data();
  const Bloc* pinned = w.pinned_standard.data();
  Bloc* standard_next = w.standard_next.data();
  const std::int64_t n = w.n;
  const bool prefetch = n > 4 * kParallelGrain;  // small worlds live in cache
  const std::uint64_t seed = w.seed, tick = static_cast<std::uint64_t>(w.tick);
  auto body = [&](std::int64_t i, const std::array<std::uint32_t, 4>& block0) {
    const auto u = static_cast<std::size_t>(i);
    const Bloc cur = standard[u];
    if (prefetch && i + kPrefetchAhead < n)  // see identity.cpp
      for (auto q = net.outerIndexPtr()[i + kPrefetchAhead]; q < net.outerIndexPtr()[i + kPrefetchAhead + 1]; ++q)
        __builtin_prefetch(gdp + net.innerIndexPtr()[q]);
    double share[kMaxPowers + 1];
    const float* wv = net.valuePtr();
    neighbour_histogram(net, i, standard, K + 1, share,
                        [&](auto q, auto j) { return static_cast<double>(wv[q]) * gdp[j]; });
    double den = 0.0;
    for (int s = 0; s <= K; ++s) den += share[s];
    const Bloc a = alignment[u];
    const double multi = mdim >= 0 ? x[i * D + mdim] : 0.0;
    const double* li = lock + i * K;
    const std::int64_t c = i * K;
    const double cost = a_thr * (threshold[i] - 0.5);
    double V[kMaxPowers + 1];
    int top = 0;
    for (int s = 0; s <= K; ++s) {
      double v = a_net * (den > 0.0 ? share[s] / den : 0.0) + (cur == s ? a_inert : 0.0);
      if (s == 0) {
        v += a_multi * multi;
      } else {
        const std::int64_t q = c + s - 1;
        const double reach = e_flat + e_ties * ties[q] + e_bodies * forum[q] + e_cap * capacity[i];
        v += (a == s ? a_bloc : 0.0) + a_lock * li[s - 1] + effort[s - 1] * reach + a_open * open_value[q] -
             a_riv * rivalry[q] - cost;
      }
      V[s] = v;
      if (v > V[top]) top = s;
    }
    const Bloc next = detail::decide(rule, cur, pinned[u], V, K, top, seed, tick, i, block0);
    standard_next[u] = next;
  };
  detail::for_each_country_with_block0(n, rule, seed, tick, body);
  w.standard.swap(w.standard_next);
}

}  // namespace

void standards(World& w) {
  if (w.k == 2)
    standards_impl<2>(w);
  else
    standards_impl<0>(w);
}

}  // namespace blocsim::phase
