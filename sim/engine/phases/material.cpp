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
#include <type_traits>
#include <vector>

#include "blocsim/parallel.h"
#include "blocsim/engine/phases.h"
#include "material_rows.h"

namespace blocsim::phase {

namespace detail {

Rates material_rates(const World& w) {
  const ModelParams& p = w.params;
  double fmax = 0.0, open_best = 0.0;
  for (const auto& pw : w.powers) fmax = std::max(fmax, pw.frontier);
  if (fmax <= 0.0) fmax = 1.0;
  for (const auto& pw : w.powers) open_best = std::max(open_best, pw.cfg.open_models * pw.frontier / fmax);
  const double open_growth = p.open_capacity * open_best;
  return Rates{p.capacity_growth, p.aid_capacity, open_growth,         1.0 - p.lock_decay, p.lock_aid,
               p.lock_adoption,   1.0 - p.grievance_decay, p.tie_bonus, p.tie_drift};
}

void material_frontiers(World& w) {
  const ModelParams& p = w.params;
  const int K = w.k;
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

}  // namespace detail

void material(World& w) {
  using detail::Rates;
  const int K = w.k;
  const Rates r = detail::material_rates(w);
  const std::int64_t n = w.n, nblocks = n > 0 ? (n + kParallelGrain - 1) / kParallelGrain : 0;
  parallel_for(
      nblocks,
      [&](std::int64_t b) {
        const std::int64_t lo = b * kParallelGrain, hi = std::min(n, lo + kParallelGrain);
        auto run = [&](auto kc) {
          detail::countries<decltype(kc)::value>(lo, hi, K, r, w.access.data(), w.aid.data(), w.dgrievance.data(), w.ties0.data(),
                                         w.capacity.data(), w.lock.data(), w.grievance.data(), w.ties.data(),
                                         w.alignment.data(), w.standard.data());
        };
        switch (K) {
          case 1: run(std::integral_constant<int, 1>{}); break;
          case 2: run(std::integral_constant<int, 2>{}); break;
          case 3: run(std::integral_constant<int, 3>{}); break;
          default: run(std::integral_constant<int, 0>{}); break;
        }
      },
      2);
  detail::material_frontiers(w);
}

}  // namespace blocsim::phase
