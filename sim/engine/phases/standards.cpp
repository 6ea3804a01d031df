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
#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "rows.h"

namespace blocsim::phase {

namespace {

template <int KC>  // K at compile time (2) or 0 = any
void standards_impl(World& w) {
  const rows::Standards<KC> row(w, w.x.data(), w.alignment.data());
  const bool prefetch = prefetches_neighbours(w.n);
  auto body = [&](std::int64_t i, const std::array<std::uint32_t, 4>& block0) {
    if (prefetch && i + kPrefetchAhead < w.n) row.prefetch(i + kPrefetchAhead);  // see identity.cpp
    row(i, block0);
  };
  detail::for_each_country_with_block0(w.n, row.rule, row.seed, row.tick, body);
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
