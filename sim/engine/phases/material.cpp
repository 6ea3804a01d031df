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

namespace blocsim::phase {

namespace {

// The per-country update of countries [lo, hi), with the parameters in
// locals and the arrays as restrict pointers (they are distinct World
// members; otherwise every store could alias every array and the
// parameters, and the compiler would reload them per element), and K a
// compile-time constant where it is 1, 2 or 3 (KC = 0: any K). Every value is
// computed with the operations, in the order, of the formulas above.
struct Rates {
  double capacity_growth, aid_capacity, open_growth, lock_keep, lock_aid, lock_adoption, grievance_keep, tie_bonus,
      tie_drift;
};

template <int KC>
void countries(std::int64_t lo, std::int64_t hi, int k_any, const Rates r, const double* __restrict access,
               const double* __restrict aid, const double* __restrict dgrievance, const double* __restrict ties0,
               double* __restrict capacity, double* __restrict lock, double* __restrict grievance,
               double* __restrict ties, const Bloc* __restrict alignment, const Bloc* __restrict standard) {
  const int K = KC > 0 ? KC : k_any;
  for (std::int64_t i = lo; i < hi; ++i) {
    const std::int64_t o = i * K;
    double best_access = 0.0, aid_total = 0.0;
    for (int k = 0; k < K; ++k) {
      best_access = std::max(best_access, access[o + k]);
      aid_total += aid[o + k];
    }
    double c = capacity[i];
    c += r.capacity_growth * std::max(0.0, best_access - c) + r.aid_capacity * aid_total / (1.0 + aid_total) * (1.0 - c) +
         r.open_growth * (1.0 - c);
    capacity[i] = std::clamp(c, 0.0, 1.0);
    const Bloc a = alignment[i];
    const Bloc s = standard[i];
    for (int k = 0; k < K; ++k) {
      lock[o + k] = r.lock_keep * lock[o + k] + r.lock_aid * aid[o + k] + (s == k + 1 ? r.lock_adoption : 0.0);
      grievance[o + k] = r.grievance_keep * grievance[o + k] + dgrievance[o + k];
      const double target = std::min(1.0, ties0[o + k] + (a == k + 1 ? r.tie_bonus : 0.0));
      ties[o + k] += r.tie_drift * (target - ties[o + k]);
    }
  }
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
  const Rates r{p.capacity_growth, p.aid_capacity, open_growth,         1.0 - p.lock_decay, p.lock_aid,
                p.lock_adoption,   1.0 - p.grievance_decay, p.tie_bonus, p.tie_drift};
  const std::int64_t n = w.n, nblocks = n > 0 ? (n + kParallelGrain - 1) / kParallelGrain : 0;
  parallel_for(
      nblocks,
      [&](std::int64_t b) {
        const std::int64_t lo = b * kParallelGrain, hi = std::min(n, lo + kParallelGrain);
        auto run = [&](auto kc) {
          countries<decltype(kc)::value>(lo, hi, K, r, w.access.data(), w.aid.data(), w.dgrievance.data(), w.ties0.data(),
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
