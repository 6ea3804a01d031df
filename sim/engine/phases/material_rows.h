// The material phase's per-country update (phase 6, material.cpp): one
// country reads and writes only its own slots, so the fused walk
// (network_pass.cpp) runs it on each block of rows right after their
// decisions, while their data are in cache (issue 14, round 19), and
// phase::material runs it over all countries (the reference paths). Included
// by material.cpp and network_pass.cpp only.
#pragma once

#include <algorithm>
#include <cstdint>

#include "blocsim/engine/world.h"

namespace blocsim::phase::detail {

// The per-country update of countries [lo, hi), with the parameters in
// locals and the arrays as restrict pointers (they are distinct World
// members; otherwise every store could alias every array and the
// parameters, and the compiler would reload them per element), and K a
// compile-time constant where it is 1, 2 or 3 (KC = 0: any K). Every value is
// computed with the operations, in the order, of the formulas at the top of
// material.cpp.
struct Rates {
  double capacity_growth, aid_capacity, open_growth, lock_keep, lock_aid, lock_adoption, grievance_keep, tie_bonus,
      tie_drift;
};

template <int KC>
inline void countries(std::int64_t lo, std::int64_t hi, int k_any, const Rates r, const double* __restrict access,
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

//! The rates of this tick's update: the parameters, and the open-weights
//! growth from the powers' frontiers before material_frontiers updates them.
Rates material_rates(const World& w);

//! The powers' frontiers f_k, all from their old values (after the
//! per-country updates of the tick; they read no country's new values).
void material_frontiers(World& w);

}  // namespace blocsim::phase::detail
