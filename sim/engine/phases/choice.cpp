// Phase 4 — choice: bloc alignment by random utility (docs/design.md §3.4).
//
//   sim_ik  = 1 − ‖x_i − y_k‖ / √D
//   peer_ik = Σ_j w_ij 1{a_j = k} / Σ_j w_ij
//   v_ik = β_acc·A_ik + β_aid·aid_ik/(aid_ik + a_½) + β_open·O_ik      offer value (saturating aid)
//   U_ik = β_id·sim_ik + β_tie·T_ik + v_ik + β_peer·peer_ik
//          + β_lock·L_ik − β_grv·G_ik + β_sec·S_ik − Σ_{l≠k} π_l·S_il
//          − β_riv·R_ik + β_thr·Σ_{l≠k} R_il + β_inert·1{a_i = k}
//   h_i  = β_hedge + β_hs·x_i[sov] + β_he·E_i + β_hg·NAM_i              country-specific hedge value
//          E_i = 1 − K/(2(K−1))·Σ_k |T_ik/Σ_l T_il − 1/K|                evenness of ties (0 if no ties)
//   U_i0 = h_i + (1 − m)·mean_k v_ik + m·max_k v_ik − Σ_l π_l·S_il + β_inert·1{a_i = 0}
//          (a hedger takes from both: m = multi_alignment; a partner is pressed to commit)
//
// With probability r (stream choice, 1st number) a country reconsiders and draws
// b ∈ {0..K} with P(b) ∝ exp(λ·U_ib) (stream choice, 2nd number); λ = ∞ is best
// response, ties broken towards the lowest index (non-aligned first).
// Pinned countries (a power's home, `initial.pin`) keep their bloc.
// Reads alignment (state t) and the offers. Writes utility, margin, churn,
// choice_z (sim_i1 − sim_i2, the record phase's polarization coordinate, so
// the record does not recompute the similarities), alignment_next, then swaps.
#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "rows.h"

namespace blocsim::phase {

namespace {

template <int DC, int KC>
void choice_impl(World& w) {
  rows::Choice<DC, KC> row(w, w.x.data());
  const bool prefetch = prefetches_neighbours(w.n);
  auto body = [&](std::int64_t i, const std::array<std::uint32_t, 4>& block0) {
    if (prefetch && i + kPrefetchAhead < w.n) row.prefetch(i + kPrefetchAhead);  // see identity.cpp
    row(i, block0);
  };
  detail::for_each_country_with_block0(w.n, row.rule, row.seed, row.tick, body);
  w.churn = static_cast<std::int64_t>(fixed_sum(w.n, [&](std::int64_t i) {
    return w.alignment_next[static_cast<std::size_t>(i)] != w.alignment[static_cast<std::size_t>(i)] ? 1.0 : 0.0;
  }));
  w.alignment.swap(w.alignment_next);
}

template <int DC>
void choice_d(World& w) {
  if (w.k == 2)
    choice_impl<DC, 2>(w);
  else
    choice_impl<DC, 0>(w);
}

}  // namespace

void choice(World& w) {
  switch (w.d) {
    case 2: choice_d<2>(w); break;
    case 3: choice_d<3>(w); break;
    case 4: choice_d<4>(w); break;
    default: choice_d<0>(w); break;
  }
}

}  // namespace blocsim::phase
