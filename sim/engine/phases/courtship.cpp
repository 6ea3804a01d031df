// Phase 2 — courtship: what each power offers each country (docs/design.md §3.2;
// model v2, docs/ODD.md §7.2).
//
//   A_ik   = (f_k / max_l f_l) · max( 1 − σ_k·τ_ik/2 ,  o_k · c_i^θ )
//            closed frontier access cut by export controls; open weights reach
//            everyone, but using them needs absorptive capacity.
//   O_ik   = o_k · (f_k / max_l f_l) · c_i^θ · (1 + ρ_D·D_i + ρ_S·x_i[sov])
//            open-weight value, its own channel: D_i = max_l σ_l·τ_il/2 is the
//            closed access any power (own or rival) denies i, so open weights
//            are worth most where controls bite; they run locally, so
//            sovereigntist states value them more.
//   aid_ik = min(κ_A·B_k, s_k·ω_ik) + extra_ik      (water-filling: s_k spends
//            B_k·N in total; no country gets more than κ_A times the mean;
//            extra = aid granted by reactive rules this tick)
//            ω_ik by targeting:  need       1 − c_i
//                                swing      exp(−margin_i / swing_scale)
//                                allies     1{a_i = k}
//                                population pop_i
//            ω_ik = 0 for pinned countries (home countries cannot be courted).
//   ΔG_ik  = γ_G · σ_k · τ_ik / 2                (being denied breeds resentment)
//
// Departure from docs/design.md: aid is scaled by N so that B_k is "mean aid per
// country per tick" and a budget means the same in a 12-country test world,
// the 194-country default world and a 10⁶-agent synthetic world (docs/ODD.md).
// Reads: frontier, σ, τ, o, c, x, pop, margin, alignment, aid_extra.
// Writes: access, open_value, aid, dgrievance.
#include <algorithm>
#include <cmath>
#include <vector>

#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"

namespace blocsim::phase {

void courtship(World& w) {
  const ModelParams& p = w.params;
  double fmax = 0.0;
  for (const auto& pw : w.powers) fmax = std::max(fmax, pw.frontier);
  if (fmax <= 0.0) fmax = 1.0;
  const int K = w.k;
  const int sdim = w.sovereignty_dim;
  // ω is staged in the aid buffer, then normalised per power.
  parallel_for(w.n, [&](std::int64_t i) {
    const double c = w.capacity(i);
    const double absorb = p.theta == 1.0 ? c : std::pow(c, p.theta);
    const bool pinned = w.pinned[static_cast<std::size_t>(i)] >= 0;
    double denied = 0.0;
    for (int k = 0; k < K; ++k)
      denied = std::max(denied, w.powers[static_cast<std::size_t>(k)].cfg.strictness * w.tier(k, i) / 2.0);
    const double sov = sdim >= 0 ? w.x(sdim, i) : 0.0;
    const double open_gain = 1.0 + p.open_denial * denied + p.open_sovereignty * sov;
    for (int k = 0; k < K; ++k) {
      const PowerConfig& pc = w.powers[static_cast<std::size_t>(k)].cfg;
      const double rel = w.powers[static_cast<std::size_t>(k)].frontier / fmax;
      const double tau = w.tier(k, i);
      const double closed = 1.0 - pc.strictness * tau / 2.0;
      const double open = pc.open_models * absorb;
      w.access(k, i) = rel * std::max(closed, open);
      w.open_value(k, i) = rel * open * open_gain;
      w.dgrievance(k, i) = p.gamma_grievance * pc.strictness * tau / 2.0;
      double omega = 0.0;
      if (!pinned && pc.aid_budget > 0.0) {
        switch (pc.targeting) {
          case Targeting::need: omega = 1.0 - c; break;
          case Targeting::swing: omega = std::exp(-w.margin(i) / p.swing_scale); break;
          case Targeting::allies: omega = w.alignment[static_cast<std::size_t>(i)] == k + 1 ? 1.0 : 0.0; break;
          case Targeting::population: omega = w.pop(i); break;
        }
      }
      w.aid(k, i) = omega;
    }
  });
  // Water-filling per power: spend B_k·N, no country above cap = κ_A·B_k.
  // Each round caps the countries the current scale would push over the cap
  // and re-spends the rest on the others; sums are fixed-order.
  // n ≥ 0 spelled out: GCC 12 without OpenMP otherwise warns (stringop-overflow) on the zero fill.
  std::vector<char> capped(static_cast<std::size_t>(std::max<std::int64_t>(w.n, 0)), 0);
  // aid added by reactive rules (policy phase) joins in the last pass over
  // each power's row: the one addition `aid + extra` that a separate (serial)
  // w.aid += w.aid_extra made
  const bool extra = w.aid_extra.size() == w.aid.size();
  for (int k = 0; k < K; ++k) {
    const double budget = w.powers[static_cast<std::size_t>(k)].cfg.aid_budget;
    if (budget <= 0.0) {
      if (extra)
        parallel_for(w.n, [&](std::int64_t i) { w.aid(k, i) = 0.0 + w.aid_extra(k, i); });
      else
        w.aid.row(k).setZero();
      continue;
    }
    const double total_budget = budget * static_cast<double>(w.n);
    const double cap = p.aid_cap * budget;
    std::fill(capped.begin(), capped.end(), 0);
    double scale = 0.0;
    std::int64_t ncapped = 0;
    double free_weight = fixed_sum(w.n, [&](std::int64_t i) { return capped[static_cast<std::size_t>(i)] ? 0.0 : w.aid(k, i); });
    for (int round = 0; round < 64; ++round) {
      const double left = total_budget - static_cast<double>(ncapped) * cap;
      scale = free_weight > 0.0 && left > 0.0 ? left / free_weight : 0.0;
      // One parallel pass: cap the countries this scale pushes over the cap
      // (a count: any order gives the same integer) and sum the next round's
      // free weight over the updated flags, term by term in fixed_sum's
      // order (so the same bits as a fixed_sum pass of its own).
      const std::vector<double> r = fixed_reduce(w.n, 2, [&](std::int64_t i, double* acc) {
        char& c = capped[static_cast<std::size_t>(i)];
        if (!c && scale * w.aid(k, i) > cap) {
          c = 1;
          acc[1] += 1.0;
        }
        acc[0] += c ? 0.0 : w.aid(k, i);
      });
      const auto more = static_cast<std::int64_t>(r[1]);
      if (more == 0) break;
      ncapped += more;
      free_weight = r[0];
    }
    parallel_for(w.n, [&](std::int64_t i) {
      const double v = capped[static_cast<std::size_t>(i)] ? cap : scale * w.aid(k, i);
      w.aid(k, i) = extra ? v + w.aid_extra(k, i) : v;
    });
  }
}

}  // namespace blocsim::phase
