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
#include <cmath>
#include <limits>

#include "blocsim/parallel.h"
#include "blocsim/phases.h"
#include "blocsim/rng.h"

namespace blocsim::phase {

namespace {

template <int DC>  // D at compile time (2, 3, 4) or 0 = any
void choice_impl(World& w) {
  const ModelParams& p = w.params;
  const int K = w.k;
  const int D = DC > 0 ? DC : w.d;
  const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(D));
  const bool best_response = std::isinf(p.lambda);
  const auto& net = w.w;
  parallel_for(w.n, [&](std::int64_t i) {
    const auto u = static_cast<std::size_t>(i);
    const Bloc cur = w.alignment[u];
    double peer[kMaxPowers + 1];
    const float* wv = net.valuePtr();
    neighbour_histogram(net, i, w.alignment.data(), K + 1, peer, [&](auto q, auto) { return static_cast<double>(wv[q]); });
    const double rs = w.w_rowsum(i);
    double U[kMaxPowers + 1];
    double mean_access = 0.0;
    const double* xi = w.x.data() + i * D;
    for (int k = 0; k < K; ++k) {
      const PowerState& pw = w.powers[static_cast<std::size_t>(k)];
      double dist2 = 0.0;
      const double* y = pw.identity.data();
      for (int d = 0; d < D; ++d) dist2 += (xi[d] - y[d]) * (xi[d] - y[d]);
      double pressure = 0.0;
      for (int l = 0; l < K; ++l)
        if (l != k) pressure += w.powers[static_cast<std::size_t>(l)].cfg.alliance_pressure * w.security(l, i);
      U[k + 1] = p.beta_identity * (1.0 - std::sqrt(dist2) * inv_sqrt_d) + p.beta_ties * w.ties(k, i) +
                 p.beta_access * w.access(k, i) + p.beta_aid * w.aid(k, i) +
                 p.beta_peer * (rs > 0.0 ? peer[k + 1] / rs : 0.0) + p.beta_lock * w.lock(k, i) -
                 p.beta_grievance * w.grievance(k, i) + p.beta_security * w.security(k, i) - pressure +
                 (cur == k + 1 ? p.beta_inertia : 0.0);
      mean_access += w.access(k, i);
    }
    U[0] = p.beta_hedge + p.beta_access * (K > 0 ? mean_access / K : 0.0) + (cur == 0 ? p.beta_inertia : 0.0);
    int top = 0;
    double first = -std::numeric_limits<double>::infinity(), second = first;
    for (int b = 0; b <= K; ++b) {
      w.utility(b, i) = U[b];
      if (U[b] > first) {
        second = first;
        first = U[b];
        top = b;
      } else if (U[b] > second) {
        second = U[b];
      }
    }
    w.margin(i) = K > 0 ? first - second : 0.0;
    Bloc next = cur;
    if (w.pinned[u] >= 0) {
      next = w.pinned[u];
    } else {
      Rng rng(w.seed, static_cast<std::uint64_t>(w.tick), static_cast<std::uint64_t>(i), Stream::choice);
      if (rng.uniform() < p.revision_rate) {
        if (best_response) {
          next = static_cast<Bloc>(top);
        } else {
          double prob[kMaxPowers + 1];
          double total = 0.0;
          for (int b = 0; b <= K; ++b) total += (prob[b] = std::exp(p.lambda * (U[b] - first)));
          double r = rng.uniform() * total;
          int b = 0;
          while (b < K && r >= prob[b]) r -= prob[b++];
          next = static_cast<Bloc>(b);
        }
      }
    }
    w.alignment_next[u] = next;
  });
  w.churn = static_cast<std::int64_t>(fixed_sum(w.n, [&](std::int64_t i) {
    return w.alignment_next[static_cast<std::size_t>(i)] != w.alignment[static_cast<std::size_t>(i)] ? 1.0 : 0.0;
  }));
  w.alignment.swap(w.alignment_next);
}

}  // namespace

void choice(World& w) {
  switch (w.d) {
    case 2: choice_impl<2>(w); break;
    case 3: choice_impl<3>(w); break;
    case 4: choice_impl<4>(w); break;
    default: choice_impl<0>(w); break;
  }
}

}  // namespace blocsim::phase
