// Phase 6 — material: capacity, lock-in, grievance, ties, frontiers (docs/design.md §3.6).
//
//   c_i  ← clamp( c_i + g_c·max(0, max_k A_ik − c_i) + g_aid·(Σ_k aid_ik)/(1 + Σ_k aid_ik)·(1 − c_i)
//                + g_o·max_k(o_k·f_k/max_l f_l)·(1 − c_i) )          open weights raise capacity
//   L_ik ← (1 − δ_L)·L_ik + φ_aid·aid_ik + φ_adopt·1{s_i = k}
//   G_ik ← (1 − δ_G)·G_ik + ΔG_ik
//   T_ik ← T_ik + χ·(T*_ik − T_ik),   T*_ik = min(1, T⁰_ik + b_T·1{a_i = k})
//          (ties drift towards the chosen bloc and relax back to the data otherwise)
//   f_k  ← f_k·(1 + g_k·(1 − ζ_c·Σ_{l≠k} σ_l·τ_{l,home(k)}/2)) + ζ_o·Σ_{l≠k} o_l·max(0, f_l − f_k)
//          (rivals' controls aimed at k's home slow it; rivals' open models pull it up;
//           all f_k are updated from the same old values)
// Country updates read and write only the country's own slots (in place).
#include <algorithm>
#include <vector>

#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"

namespace blocsim::phase {

namespace {

// The per-country update, with the parameters in locals (a store through
// w.lock(k, i) may alias w.params, so the compiler would otherwise reload
// them for every element) and K a compile-time constant where it is 1, 2 or
// 3 (KC = 0: any K). Every value is computed with the operations, in the
// order, of the formulas above.
template <int KC>
void countries(World& w, double open_growth) {
  const ModelParams& p = w.params;
  const int K = KC > 0 ? KC : w.k;
  const double capacity_growth = p.capacity_growth, aid_capacity = p.aid_capacity;
  const double lock_keep = 1.0 - p.lock_decay, lock_aid = p.lock_aid, lock_adoption = p.lock_adoption;
  const double grievance_keep = 1.0 - p.grievance_decay, tie_bonus = p.tie_bonus, tie_drift = p.tie_drift;
  const double* const access = w.access.data();
  const double* const aid = w.aid.data();
  const double* const dgrievance = w.dgrievance.data();
  const double* const ties0 = w.ties0.data();
  double* const capacity = w.capacity.data();
  double* const lock = w.lock.data();
  double* const grievance = w.grievance.data();
  double* const ties = w.ties.data();
  const Bloc* const alignment = w.alignment.data();
  const Bloc* const standard = w.standard.data();
  parallel_for(w.n, [&](std::int64_t i) {
    const std::int64_t o = i * K;
    double best_access = 0.0, aid_total = 0.0;
    for (int k = 0; k < K; ++k) {
      best_access = std::max(best_access, access[o + k]);
      aid_total += aid[o + k];
    }
    double c = capacity[i];
    c += capacity_growth * std::max(0.0, best_access - c) + aid_capacity * aid_total / (1.0 + aid_total) * (1.0 - c) +
         open_growth * (1.0 - c);
    capacity[i] = std::clamp(c, 0.0, 1.0);
    const Bloc a = alignment[i];
    const Bloc s = standard[i];
    for (int k = 0; k < K; ++k) {
      lock[o + k] = lock_keep * lock[o + k] + lock_aid * aid[o + k] + (s == k + 1 ? lock_adoption : 0.0);
      grievance[o + k] = grievance_keep * grievance[o + k] + dgrievance[o + k];
      const double target = std::min(1.0, ties0[o + k] + (a == k + 1 ? tie_bonus : 0.0));
      ties[o + k] += tie_drift * (target - ties[o + k]);
    }
  });
}

}  // namespace

void material(World& w) {
  const ModelParams& p = w.params;
  const int K = w.k;
  double fmax = 0.0, open_best = 0.0;
  for (const auto& pw : w.powers) fmax = std::max(fmax, pw.frontier);
  if (fmax <= 0.0) fmax = 1.0;
  for (const auto& pw : w.powers) open_best = std::max(open_best, pw.cfg.open_models * pw.frontier / fmax);
  const double open_growth = p.open_capacity * open_best;
  switch (K) {
    case 1: countries<1>(w, open_growth); break;
    case 2: countries<2>(w, open_growth); break;
    case 3: countries<3>(w, open_growth); break;
    default: countries<0>(w, open_growth); break;
  }
  std::vector<double> old(static_cast<std::size_t>(K));
  for (int k = 0; k < K; ++k) old[static_cast<std::size_t>(k)] = w.powers[static_cast<std::size_t>(k)].frontier;
  for (int k = 0; k < K; ++k) {
    PowerState& pk = w.powers[static_cast<std::size_t>(k)];
    double controls = 0.0, spill = 0.0;
    for (int l = 0; l < K; ++l) {
      if (l == k) continue;
      const PowerState& pl = w.powers[static_cast<std::size_t>(l)];
      if (pk.home >= 0) controls += pl.cfg.strictness * w.tier(l, pk.home) / 2.0;
      spill += pl.cfg.open_models * std::max(0.0, old[static_cast<std::size_t>(l)] - old[static_cast<std::size_t>(k)]);
    }
    pk.frontier = old[static_cast<std::size_t>(k)] * (1.0 + pk.cfg.frontier_growth * (1.0 - p.frontier_control_drag * controls)) +
                  p.frontier_open_spillover * spill;
  }
}

}  // namespace blocsim::phase
