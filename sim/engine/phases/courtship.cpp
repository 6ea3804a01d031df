// Phase 2 — courtship: what each power offers each country (DESIGN §3.2).
//
//   A_ik   = (f_k / max_l f_l) · max( 1 − σ_k·τ_ik/2 ,  o_k · c_i^θ )
//            closed frontier access cut by export controls; open weights reach
//            everyone, but using them needs absorptive capacity.
//   aid_ik = B_k · N · ω_ik / Σ_j ω_jk          (mean aid over countries = B_k)
//            ω_ik by targeting:  need       (1 − c_i)·pop_i^½
//                                swing      exp(−margin_i / swing_scale)
//                                allies     1{a_i = k}
//                                population pop_i
//            ω_ik = 0 for pinned countries (home countries cannot be courted).
//   ΔG_ik  = γ_G · σ_k · τ_ik / 2                (being denied breeds resentment)
//
// Departure from DESIGN.md: aid is scaled by N so that B_k is "mean aid per
// country per tick" and a budget means the same in a 12-country test world,
// the 194-country default world and a 10⁶-agent synthetic world (docs/ODD.md).
// Reads: frontier, σ, τ, o, c, pop, margin, alignment. Writes: access, aid, dgrievance.
#include <algorithm>
#include <cmath>

#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"

namespace blocsim::phase {

void courtship(World& w) {
  const ModelParams& p = w.params;
  double fmax = 0.0;
  for (const auto& pw : w.powers) fmax = std::max(fmax, pw.frontier);
  if (fmax <= 0.0) fmax = 1.0;
  const int K = w.k;
  // ω is staged in the aid buffer, then normalised per power.
  parallel_for(w.n, [&](std::int64_t i) {
    const double c = w.capacity(i);
    const double absorb = p.theta == 1.0 ? c : std::pow(c, p.theta);
    const bool pinned = w.pinned[static_cast<std::size_t>(i)] >= 0;
    for (int k = 0; k < K; ++k) {
      const PowerConfig& pc = w.powers[static_cast<std::size_t>(k)].cfg;
      const double tau = w.tier(k, i);
      const double closed = 1.0 - pc.strictness * tau / 2.0;
      const double open = pc.open_models * absorb;
      w.access(k, i) = (w.powers[static_cast<std::size_t>(k)].frontier / fmax) * std::max(closed, open);
      w.dgrievance(k, i) = p.gamma_grievance * pc.strictness * tau / 2.0;
      double omega = 0.0;
      if (!pinned && pc.aid_budget > 0.0) {
        switch (pc.targeting) {
          case Targeting::need: omega = (1.0 - c) * std::sqrt(w.pop(i)); break;
          case Targeting::swing: omega = std::exp(-w.margin(i) / p.swing_scale); break;
          case Targeting::allies: omega = w.alignment[static_cast<std::size_t>(i)] == k + 1 ? 1.0 : 0.0; break;
          case Targeting::population: omega = w.pop(i); break;
        }
      }
      w.aid(k, i) = omega;
    }
  });
  for (int k = 0; k < K; ++k) {
    const double budget = w.powers[static_cast<std::size_t>(k)].cfg.aid_budget;
    const double total = fixed_sum(w.n, [&](std::int64_t i) { return w.aid(k, i); });
    const double scale = total > 0.0 ? budget * static_cast<double>(w.n) / total : 0.0;
    w.aid.row(k) *= scale;
  }
}

}  // namespace blocsim::phase
