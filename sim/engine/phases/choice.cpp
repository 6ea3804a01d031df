// Phase 4 — choice: bloc alignment by random utility (DESIGN §3.4).
//
//   sim_ik  = 1 − ‖x_i − y_k‖ / √D
//   peer_ik = Σ_j w_ij 1{a_j = k} / Σ_j w_ij
//   U_ik = β_id·sim_ik + β_tie·T_ik + β_acc·A_ik + β_aid·aid_ik + β_peer·peer_ik
//          + β_lock·L_ik − β_grv·G_ik + β_sec·S_ik − Σ_{l≠k} π_l·S_il + β_inert·1{a_i = k}
//   U_i0 = β_hedge + β_acc·mean_k A_ik + β_inert·1{a_i = 0}
//
// With probability r (stream choice, 1st number) a country reconsiders and draws
// b ∈ {0..K} with P(b) ∝ exp(λ·U_ib) (stream choice, 2nd number); λ = ∞ is best
// response, ties broken towards the lowest index (non-aligned first).
// Pinned countries (a power's home, `initial.pin`) keep their bloc.
// Reads alignment (state t) and the offers. Writes utility, margin, churn,
// alignment_next, then swaps.
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
               b_inert = p.beta_inertia, b_hedge = p.beta_hedge;
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
  const Bloc* alignment = w.alignment.data();
  const Bloc* pinned = w.pinned.data();
  Bloc* alignment_next = w.alignment_next.data();
  const std::uint64_t seed = w.seed, tick = static_cast<std::uint64_t>(w.tick);
  auto body = [&](std::int64_t i, const std::array<std::uint32_t, 4>& block0) {
    const auto u = static_cast<std::size_t>(i);
    const Bloc cur = alignment[u];
    double peer[kMaxPowers + 1];
    const float* wv = net.valuePtr();
    neighbour_histogram(net, i, alignment, K + 1, peer, [&](auto q, auto) { return static_cast<double>(wv[q]); });
    const double rs = rowsum[i];
    double U[kMaxPowers + 1];
    double mean_access = 0.0;
    const double* xi = x + i * D;
    const std::int64_t c = i * K;  // column i of the K × N arrays
    for (int k = 0; k < K; ++k) {
      double dist2 = 0.0;
      for (int d = 0; d < D; ++d) dist2 += (xi[d] - y[k][d]) * (xi[d] - y[k][d]);
      double pressure = 0.0;
      for (int l = 0; l < K; ++l)
        if (l != k) pressure += pull[l] * security[c + l];
      U[k + 1] = b_id * (1.0 - std::sqrt(dist2) * inv_sqrt_d) + b_ties * ties[c + k] + b_acc * access[c + k] +
                 b_aid * aid[c + k] + b_peer * (rs > 0.0 ? peer[k + 1] / rs : 0.0) + b_lock * lock[c + k] -
                 b_grv * grievance[c + k] + b_sec * security[c + k] - pressure + (cur == k + 1 ? b_inert : 0.0);
      mean_access += access[c + k];
    }
    U[0] = b_hedge + b_acc * (K > 0 ? mean_access / K : 0.0) + (cur == 0 ? b_inert : 0.0);
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
