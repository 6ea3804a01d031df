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

// D and K at compile time (D = 2, 3, 4; K = 2: the loops over powers unroll)
// or 0 = any.
template <int DC, int KC>
void choice_impl(World& w) {
  const ModelParams& p = w.params;
  const int K = KC > 0 ? KC : w.k;
  const int D = DC > 0 ? DC : w.d;
  const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(D));
  const auto& net = w.w;
  // Loop invariants as locals: the loop stores doubles (utility, margin), which
  // the compiler must otherwise assume may overwrite the parameters.
  const double b_id = p.beta_identity, b_ties = p.beta_ties, b_acc = p.beta_access, b_aid = p.beta_aid,
               b_peer = p.beta_peer, b_lock = p.beta_lock, b_grv = p.beta_grievance, b_sec = p.beta_security,
               b_inert = p.beta_inertia, b_hedge = p.beta_hedge, b_riv = p.beta_rivalry, b_thr = p.beta_threat,
               b_open = p.beta_open, h_sov = p.hedge_sovereignty, h_even = p.hedge_evenness, h_grp = p.hedge_group,
               multi = p.multi_alignment, aid_half = p.aid_half;
  const int sdim = w.sovereignty_dim;
  const double* hedge_member = w.hedge_member.data();
  const float* rivalry = w.rivalry.data();
  const double* open_value = w.open_value.data();
  const detail::RevisionRule rule(p.revision_rate, p.lambda, Stream::choice);
  double y[kMaxPowers][DC > 0 ? DC : kMaxDimensions];
  double pull[kMaxPowers];  // π_l
  for (int k = 0; k < K; ++k) {
    const PowerState& pw = w.powers[static_cast<std::size_t>(k)];
    for (int d = 0; d < D; ++d) y[k][d] = pw.identity(d);
    pull[k] = pw.cfg.alliance_pressure;
  }
  const double* x = w.x.data();
  const double *ties = w.ties.data(), *access = w.access.data(), *aid = w.aid.data(), *lock = w.lock.data(),
               *grievance = w.grievance.data();
  const float* security = w.security.data();
  const double* rowsum = w.w_rowsum.data();
  double* utility = w.utility.data();
  double* margin = w.margin.data();
  if (w.choice_z.size() != w.n) w.choice_z.setZero(w.n);
  double* choice_z = w.choice_z.data();
  const Bloc* alignment = w.alignment.data();
  const Bloc* pinned = w.pinned.data();
  Bloc* alignment_next = w.alignment_next.data();
  const std::uint64_t seed = w.seed, tick = static_cast<std::uint64_t>(w.tick);
  const bool prefetch = w.n > 4 * kParallelGrain;  // small worlds live in cache
  auto body = [&](std::int64_t i, const std::array<std::uint32_t, 4>& block0) {
    const auto u = static_cast<std::size_t>(i);
    const Bloc cur = alignment[u];
    if (prefetch && i + kPrefetchAhead < w.n)  // see identity.cpp: rewired neighbours are cache misses
      for (auto q = net.outerIndexPtr()[i + kPrefetchAhead]; q < net.outerIndexPtr()[i + kPrefetchAhead + 1]; ++q)
        __builtin_prefetch(alignment + net.innerIndexPtr()[q]);
    double peer[kMaxPowers + 1];
    const float* wv = net.valuePtr();
    neighbour_histogram(net, i, alignment, K + 1, peer, [&](auto q, auto) { return static_cast<double>(wv[q]); });
    const double rs = rowsum[i];
    double U[kMaxPowers + 1];
    double mean_offer = 0.0, max_offer = -std::numeric_limits<double>::infinity();
    const double* xi = x + i * D;
    const std::int64_t c = i * K;  // column i of the K × N arrays
    double pressure_all = 0.0, rivalry_all = 0.0, tie_sum = 0.0;
    double sim01[2] = {0.0, 0.0};
    for (int l = 0; l < K; ++l) {
      pressure_all += pull[l] * security[c + l];
      rivalry_all += rivalry[c + l];
      tie_sum += ties[c + l];
    }
    for (int k = 0; k < K; ++k) {
      double dist2 = 0.0;
      for (int d = 0; d < D; ++d) dist2 += (xi[d] - y[k][d]) * (xi[d] - y[k][d]);
      const double sim = 1.0 - std::sqrt(dist2) * inv_sqrt_d;
      if (k < 2) sim01[k] = sim;
      const double pressure = pressure_all - pull[k] * security[c + k];
      const double a = aid[c + k];
      const double offer = b_acc * access[c + k] + (a > 0.0 ? b_aid * a / (a + aid_half) : 0.0) + b_open * open_value[c + k];
      U[k + 1] = b_id * sim + b_ties * ties[c + k] + offer +
                 b_peer * (rs > 0.0 ? peer[k + 1] / rs : 0.0) + b_lock * lock[c + k] - b_grv * grievance[c + k] +
                 b_sec * security[c + k] - pressure - b_riv * rivalry[c + k] + b_thr * (rivalry_all - rivalry[c + k]) +
                 (cur == k + 1 ? b_inert : 0.0);
      mean_offer += offer;
      max_offer = std::max(max_offer, offer);
    }
    double evenness = 0.0;
    if (K > 1 && tie_sum > 0.0) {
      double spread = 0.0;
      for (int l = 0; l < K; ++l) spread += std::abs(ties[c + l] / tie_sum - 1.0 / K);
      evenness = 1.0 - spread * K / (2.0 * (K - 1));
    }
    const double hedge = b_hedge + (sdim >= 0 ? h_sov * xi[sdim] : 0.0) + h_even * evenness + h_grp * hedge_member[i];
    U[0] = hedge + (K > 0 ? (1.0 - multi) * mean_offer / K + multi * max_offer : 0.0) - pressure_all +
           (cur == 0 ? b_inert : 0.0);
    int top = 0;
    double first = -std::numeric_limits<double>::infinity(), second = first;
    double* ui = utility + i * (K + 1);
    for (int b = 0; b <= K; ++b) {
      ui[b] = U[b];
      if (U[b] > first) {
        second = first;
        first = U[b];
        top = b;
      } else if (U[b] > second) {
        second = U[b];
      }
    }
    margin[i] = K > 0 ? first - second : 0.0;
    // The record phase's polarization coordinate, as compute_metrics defines it.
    choice_z[i] = K >= 2 ? sim01[0] - sim01[1] : sim01[0];
    const Bloc next = detail::decide(rule, cur, pinned[u], U, K, top, seed, tick, i, block0);
    alignment_next[u] = next;
  };
  detail::for_each_country_with_block0(w.n, rule, seed, tick, body);
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
